//! The masking pipeline behind `aigis mask`: read, detect, transform,
//! write in the same format, quarantine the originals, count for the
//! report. [`pipeline`] drives it; [`worker`] masks chunks of records;
//! [`quarantine`] owns the encrypted originals; [`report`] the compliance
//! report; [`keys`] adapts the keyring to the operators.

pub(crate) mod counts;
pub(crate) mod keys;
pub(crate) mod pipeline;
pub(crate) mod quarantine;
pub(crate) mod report;
mod worker;
