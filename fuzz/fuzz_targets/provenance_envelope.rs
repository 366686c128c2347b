//! DSSE envelope and in-toto statement parsers: never panic; an envelope
//! that parses survives a write/parse round trip unchanged.
#![no_main]

use aigis_provenance::{Envelope, Statement};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = Envelope::from_json(data) {
        let again = Envelope::from_json(&envelope.to_json()).expect("our own output parses");
        assert_eq!(again, envelope);
        let _ = envelope.statement();
    }
    if let Ok(statement) = Statement::from_json(data) {
        let again = Statement::from_json(&statement.to_json()).expect("our own output parses");
        assert_eq!(again, statement);
    }
});
