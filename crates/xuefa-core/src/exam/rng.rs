//! The random stream that draws papers: ChaCha20's keystream (RFC 8439), keyed by a hash of
//! the exam's seed, the employee and the attempt, with the integer and shuffle steps written
//! here. Nothing in it depends on another crate's choice of algorithm, so a paper drawn today
//! can be drawn again, identically, for an audit years from now.
//!
//! The stream is a `rand_core` generator ([`rand_core::Rng`], [`rand_core::SeedableRng`]
//! with the 32-byte ChaCha20 key as its seed, and [`rand_core::TryCryptoRng`]), so an
//! embedder can hand it to code written for `rand`; and the sampling steps ([`below`],
//! [`choose_front`], [`shuffle`]) take any `rand_core` generator, so a paper can be drawn
//! from another stream ([`super::Drawer::draw_with_rng`]). The integer and shuffle steps
//! stay ours, not `rand`'s, because `rand` reserves the right to change them between
//! versions, and a changed step would change every past paper.

use std::convert::Infallible;

use chacha20::ChaCha20;
use chacha20::cipher::{KeyIvInit, StreamCipher};
use rand_core::{Rng, SeedableRng, TryCryptoRng, TryRng};
use sha2::{Digest, Sha256};

/// A deterministic stream of random numbers for one paper.
pub struct PaperRng {
    cipher: ChaCha20,
}

impl std::fmt::Debug for PaperRng {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PaperRng")
    }
}

impl PaperRng {
    /// Returns the stream keyed directly by 32 bytes, with a zero nonce.
    pub fn from_key(key: [u8; 32]) -> Self {
        PaperRng { cipher: ChaCha20::new(&key.into(), &[0u8; 12].into()) }
    }

    /// Returns the stream of one (exam, employee, attempt).
    pub fn for_paper(exam_seed: u64, employee: &str, attempt: u32) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"xuefa-paper-v1\x1f");
        hasher.update(exam_seed.to_le_bytes());
        hasher.update((employee.len() as u64).to_le_bytes());
        hasher.update(employee.as_bytes());
        hasher.update(attempt.to_le_bytes());
        PaperRng::from_key(hasher.finalize().into())
    }

    /// Returns the next 64 bits of the keystream, little-endian.
    pub fn next_u64(&mut self) -> u64 {
        let mut bytes = [0u8; 8];
        self.cipher.apply_keystream(&mut bytes);
        u64::from_le_bytes(bytes)
    }

    /// Returns a uniform number in `0..n` (`n > 0`); see [`below`].
    pub fn below(&mut self, n: u64) -> u64 {
        below(self, n)
    }

    /// Moves `k` uniformly chosen items to the front; see [`choose_front`].
    pub fn choose_front<T>(&mut self, items: &mut [T], k: usize) {
        choose_front(self, items, k);
    }

    /// Shuffles a slice uniformly; see [`shuffle`].
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        shuffle(self, items);
    }
}

impl TryRng for PaperRng {
    type Error = Infallible;

    /// Returns the next 32 bits of the keystream, little-endian.
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut bytes = [0u8; 4];
        self.cipher.apply_keystream(&mut bytes);
        Ok(u32::from_le_bytes(bytes))
    }

    /// Returns the next 64 bits of the keystream, little-endian (as [`PaperRng::next_u64`]).
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(PaperRng::next_u64(self))
    }

    /// Fills `dst` with the next bytes of the keystream.
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        dst.fill(0);
        self.cipher.apply_keystream(dst);
        Ok(())
    }
}

/// ChaCha20's keystream is unpredictable without its key.
impl TryCryptoRng for PaperRng {}

impl SeedableRng for PaperRng {
    type Seed = [u8; 32];

    /// Returns the stream keyed by the seed (see [`PaperRng::from_key`]).
    fn from_seed(seed: [u8; 32]) -> Self {
        PaperRng::from_key(seed)
    }
}

/// Returns a uniform number in `0..n` (`n > 0`) from 64-bit draws, by rejection so no value
/// is favoured: a draw at or above the largest multiple of `n` is drawn again.
pub fn below<R: Rng + ?Sized>(rng: &mut R, n: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let limit = u64::MAX - (u64::MAX % n);
    loop {
        let value = rng.next_u64();
        if value < limit {
            return value % n;
        }
    }
}

/// Moves `k` uniformly chosen items of `items` to its front, in a uniformly random order
/// (a partial Fisher–Yates shuffle). `k` larger than the slice shuffles it all.
pub fn choose_front<R: Rng + ?Sized, T>(rng: &mut R, items: &mut [T], k: usize) {
    let n = items.len();
    for i in 0..k.min(n.saturating_sub(1)) {
        let j = i + below(rng, (n - i) as u64) as usize;
        items.swap(i, j);
    }
}

/// Shuffles a slice uniformly.
pub fn shuffle<R: Rng + ?Sized, T>(rng: &mut R, items: &mut [T]) {
    let n = items.len();
    choose_front(rng, items, n);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_chacha20_as_rfc_8439_defines_it() {
        // RFC 8439 section 2.4.2 test vector 1 (RFC 7539 A.2): zero key, zero nonce, block 0
        // begins 76 b8 e0 ad a0 f1 3d 90.
        let mut rng = PaperRng::from_key([0; 32]);
        assert_eq!(rng.next_u64().to_le_bytes(), [0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90]);
    }

    #[test]
    fn papers_streams_are_pinned() {
        // These values are part of the audit promise: if they change, old papers can no
        // longer be re-created. Never update them to make a test pass.
        let mut rng = PaperRng::for_paper(20261126, "A001", 1);
        let drawn: Vec<u64> = (0..6).map(|_| rng.below(100)).collect();
        assert_eq!(drawn, PINNED_BELOW_100);
        let mut items: Vec<u32> = (0..10).collect();
        PaperRng::for_paper(20261126, "A001", 2).shuffle(&mut items);
        assert_eq!(items, PINNED_SHUFFLE);
    }

    const PINNED_BELOW_100: [u64; 6] = [49, 15, 14, 26, 34, 43];

    #[test]
    fn the_rand_core_traits_give_the_same_stream() {
        // Through `rand_core`: the seed is the ChaCha20 key, so RFC 8439's vector holds, and
        // the sampling steps over `impl Rng` give the pinned values.
        let mut rng = PaperRng::from_seed([0; 32]);
        assert_eq!(Rng::next_u32(&mut rng).to_le_bytes(), [0x76, 0xb8, 0xe0, 0xad]);
        assert_eq!(Rng::next_u32(&mut rng).to_le_bytes(), [0xa0, 0xf1, 0x3d, 0x90]);
        let mut bytes = [0u8; 8];
        let mut again = PaperRng::from_seed([0; 32]);
        again.fill_bytes(&mut bytes);
        assert_eq!(bytes, [0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90]);
        fn draws(rng: &mut dyn Rng) -> Vec<u64> {
            (0..6).map(|_| below(rng, 100)).collect()
        }
        assert_eq!(draws(&mut PaperRng::for_paper(20261126, "A001", 1)), PINNED_BELOW_100);
        let mut items: Vec<u32> = (0..10).collect();
        shuffle(&mut PaperRng::for_paper(20261126, "A001", 2), &mut items);
        assert_eq!(items, PINNED_SHUFFLE);
    }
    const PINNED_SHUFFLE: [u32; 10] = [7, 2, 5, 3, 9, 4, 6, 0, 8, 1];

    #[test]
    fn below_stays_below_and_different_inputs_give_different_streams() {
        let mut rng = PaperRng::for_paper(1, "x", 1);
        for n in 1..200 {
            assert!(rng.below(n) < n);
        }
        let a = PaperRng::for_paper(1, "A001", 1).next_u64();
        assert_ne!(a, PaperRng::for_paper(1, "A001", 2).next_u64());
        assert_ne!(a, PaperRng::for_paper(1, "A002", 1).next_u64());
        assert_ne!(a, PaperRng::for_paper(2, "A001", 1).next_u64());
        assert_eq!(a, PaperRng::for_paper(1, "A001", 1).next_u64());
    }
}
