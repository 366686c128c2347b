//! Sigstore bundle (model signature) parser: never panics; a bundle that
//! parses survives a write/parse round trip unchanged.
#![no_main]

use aigis_provenance::Bundle;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(bundle) = Bundle::from_json(data) {
        let again = Bundle::from_json(&bundle.to_json()).expect("our own output parses");
        assert_eq!(again, bundle);
    }
});
