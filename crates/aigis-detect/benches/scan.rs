//! Scanner throughput (placeholder, replaced below).
fn main() {}
