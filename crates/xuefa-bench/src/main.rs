//! `xuefa-gen`: writes the files of a synthetic data set for the benchmarks.

fn main() {}
