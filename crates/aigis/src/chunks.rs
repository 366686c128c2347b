//! Splitting a batch's records into chunks for the worker pool, shared by
//! the scan and mask drivers: results always come back in record order.

use std::ops::Range;

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
