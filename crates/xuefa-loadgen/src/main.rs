//! The exam-day load generator of bench/serve.

fn main() {}
