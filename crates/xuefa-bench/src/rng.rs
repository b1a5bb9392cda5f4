//! A small deterministic random stream (SplitMix64), so that a data set depends only on its
//! seed: every person, question, session and answer sheet draws from a stream of its own,
//! derived from (seed, purpose, index), which makes the output independent of how the work
//! is split across threads.

/// A SplitMix64 stream.
#[derive(Debug, Clone)]
pub struct Rng(u64);

/// What a stream is for; part of the derivation so that streams never coincide.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Stream {
    Question = 1,
    Person = 2,
    Session = 4,
    Attendance = 5,
    Court = 6,
    Exam = 7,
    Take = 8,
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Rng {
    /// Returns the stream of (seed, purpose, index).
    pub fn derive(seed: u64, stream: Stream, index: u64) -> Rng {
        let a = mix(seed.wrapping_add(0x9e37_79b9_7f4a_7c15));
        let b = mix(a ^ (stream as u64).wrapping_mul(0xd1b5_4a32_d192_ed03));
        Rng(mix(b ^ index.wrapping_mul(0x8cb9_2ba7_2f3d_8dd7)))
    }

    /// Returns the next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// Returns a number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Returns an index into a slice of length `n` (`n` > 0).
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Returns a number in `low..=high`.
    pub fn range(&mut self, low: u32, high: u32) -> u32 {
        low + self.below(u64::from(high - low) + 1) as u32
    }

    /// Returns a float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Returns true with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Returns a standard normal number (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.unit();
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Returns one of the items.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// Returns the index of a weighted choice.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::derive(1, Stream::Person, 7).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::derive(1, Stream::Person, 7).next_u64(),
            Rng::derive(1, Stream::Person, 8).next_u64()
        );
        assert_ne!(Rng::derive(1, Stream::Person, 7).next_u64(), Rng::derive(1, Stream::Exam, 7).next_u64());
        assert_ne!(
            Rng::derive(1, Stream::Person, 7).next_u64(),
            Rng::derive(2, Stream::Person, 7).next_u64()
        );
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = Rng::derive(3, Stream::Question, 0);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let x = rng.below(5) as usize;
            seen[x] = true;
        }
        assert!(seen.iter().all(|s| *s));
        let mean: f64 = (0..10_000).map(|_| rng.normal()).sum::<f64>() / 10_000.0;
        assert!(mean.abs() < 0.05, "{mean}");
    }
}
