//! End-to-end tests through the `aigis` binary: one test binary, one module
//! per topic.

mod keys;
mod ledger;
mod ledger_faults;
mod provenance;
mod provenance_keyring;
mod util;
mod version;
mod wsutil;
