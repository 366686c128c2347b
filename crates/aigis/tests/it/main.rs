//! End-to-end tests through the `aigis` binary: one test binary, one module
//! per topic.

mod keys;
mod ledger;
mod ledger_faults;
mod mask;
mod mask_dir;
mod mask_parquet_nested;
mod mask_subject;
mod mask_unmask;
mod policy;
mod policy_ledger;
mod provenance;
mod provenance_keyring;
mod scan_accuracy;
mod scan_bad_input;
mod scan_inputs;
mod scan_ledger;
mod scan_output;
mod util;
mod version;
mod wsutil;
