//! Work split across threads whose results are consumed in order, so that the files come out
//! the same whatever the number of threads.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Runs `work` on chunks `0..chunks` on `threads` threads and hands each result to `consume`
/// in chunk order. Stops at the first error of `consume`.
pub fn ordered<R, W, C, E>(chunks: usize, threads: usize, work: W, mut consume: C) -> Result<(), E>
where
    R: Send,
    W: Fn(usize) -> R + Sync,
    C: FnMut(usize, R) -> Result<(), E>,
{
    let threads = threads.clamp(1, chunks.max(1));
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::sync_channel::<(usize, R)>(threads * 4);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let sender = sender.clone();
            let (work, next) = (&work, &next);
            scope.spawn(move || {
                loop {
                    let chunk = next.fetch_add(1, Ordering::Relaxed);
                    if chunk >= chunks || sender.send((chunk, work(chunk))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut pending: BTreeMap<usize, R> = BTreeMap::new();
        let mut expected = 0;
        for (chunk, result) in receiver {
            pending.insert(chunk, result);
            while let Some(result) = pending.remove(&expected) {
                consume(expected, result)?;
                expected += 1;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_arrive_in_order() {
        let mut seen = Vec::new();
        let outcome: Result<(), ()> = ordered(
            100,
            4,
            |i| i * 2,
            |i, r| {
                seen.push((i, r));
                Ok(())
            },
        );
        assert!(outcome.is_ok());
        assert_eq!(seen, (0..100).map(|i| (i, i * 2)).collect::<Vec<_>>());
    }
}
