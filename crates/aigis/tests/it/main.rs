//! End-to-end tests through the `aigis` binary: one test binary, one module
//! per topic.

mod provenance;
mod util;
mod version;
