//! Splitting a batch's records into chunks for the worker pool, shared by
//! the scan and mask drivers: results always come back in record order.
//! Also the pool their buffers go back to, so that steady-state runs
//! reuse memory instead of growing fresh buffers for every chunk.

use std::ops::Range;
use std::sync::Mutex;

use rayon::prelude::*;

/// Runs `one` over `records` split into about four chunks per thread, on
/// `pool` when there is more than one thread and chunk; results in record
/// order.
pub(crate) fn map_in_order<T: Send>(
    pool: &rayon::ThreadPool,
    threads: usize,
    records: Range<usize>,
    one: impl Fn(Range<usize>) -> T + Sync + Send,
) -> Vec<T> {
    let n = records.len();
    let chunks = (threads * 4).clamp(1, n.max(1));
    let size = n.div_ceil(chunks).max(1);
    let ranges: Vec<Range<usize>> = (0..chunks)
        .map(|c| {
            let a = records.start + c * size;
            a.min(records.end)..(a + size).min(records.end)
        })
        .filter(|r| !r.is_empty())
        .collect();
    if threads <= 1 || ranges.len() <= 1 {
        ranges.into_iter().map(one).collect()
    } else {
        pool.install(|| ranges.into_par_iter().map(one).collect())
    }
}

/// Spare buffers shared between the main thread, which gives them back
/// once written, and the workers, which take them (at most [`POOL_MAX`]
/// kept; more are freed).
pub(crate) struct Pool<T>(Mutex<Vec<T>>);

/// Buffers a [`Pool`] keeps at most.
const POOL_MAX: usize = 64;

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool(Mutex::new(Vec::new()))
    }
}

impl<T: Default> Pool<T> {
    /// A spare buffer (as it was given back: callers clear it) or a new one.
    pub(crate) fn take(&self) -> T {
        self.0
            .lock()
            .ok()
            .and_then(|mut v| v.pop())
            .unwrap_or_default()
    }

    /// Gives buffers back for reuse.
    pub(crate) fn give(&self, items: impl IntoIterator<Item = T>) {
        if let Ok(mut v) = self.0.lock() {
            let room = POOL_MAX.saturating_sub(v.len());
            v.extend(items.into_iter().take(room));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_hands_back_what_it_was_given_up_to_its_limit() {
        let pool: Pool<Vec<u8>> = Pool::default();
        assert!(pool.take().is_empty());
        pool.give([vec![1u8], vec![2u8]]);
        assert_eq!(pool.take(), vec![2u8]);
        assert_eq!(pool.take(), vec![1u8]);
        assert!(pool.take().is_empty());
        pool.give((0..POOL_MAX + 10).map(|_| Vec::with_capacity(8)));
        let kept = std::iter::from_fn(|| Some(pool.take()))
            .take_while(|v| v.capacity() == 8)
            .count();
        assert_eq!(kept, POOL_MAX);
    }
}
