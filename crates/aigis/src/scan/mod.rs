//! Driving a scan: reading inputs, scanning fields in parallel, placing
//! findings (record, field, byte and character offsets), learning column
//! priors and classifying table columns. Output goes through
//! [`crate::printer`].

mod driver;
mod hit;
mod memo;
mod tally;

pub(crate) use driver::{ScanJob, run};
pub(crate) use hit::Hit;
pub(crate) use tally::{SkippedInput, Tally};
