//! End-to-end tests through the `aigis` binary: one test binary, one module
//! per topic.

mod keys;
mod ledger;
mod ledger_faults;
mod policy;
mod policy_ledger;
mod provenance;
mod util;
mod version;
mod wsutil;
