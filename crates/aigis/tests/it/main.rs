//! End-to-end tests through the `aigis` binary: one test binary, one module
//! per topic.

mod policy;
mod util;
mod version;
