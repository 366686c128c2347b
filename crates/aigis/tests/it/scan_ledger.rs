//! `aigis scan` inside a workspace records its run in the ledger: counts
//! per entity, never a value; the ledger still verifies.

use crate::wsutil::{Ws, write};

#[test]
fn scan_run_is_a_ledger_event_without_values() {
    let ws = Ws::new();
    let data = ws.dir.path().join("people.csv");
    write(
        &data,
        "name,email\nAda Lovelace,ada@example.com\nAlan Turing,alan@example.org\n",
    )
    .unwrap();
    ws.cmd()
        .args(["scan", "--quiet", "--format", "json", "people.csv"])
        .assert()
        .success();
    ws.cmd()
        .args(["scan", "--quiet", "--fail-on-findings", "people.csv"])
        .assert()
        .code(1);
    let log = ws.out(&["ledger", "log", "--action", "scan.run", "--format", "json"]);
    let events: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 2, "{log}");
    let first = &events[0];
    assert_eq!(first["subject"]["kind"], "dataset");
    assert_eq!(first["subject"]["id"], "people.csv");
    assert_eq!(first["outcome"], "success");
    assert_eq!(first["details"]["records"], 2);
    assert_eq!(first["details"]["findings_by_entity"]["EMAIL_ADDRESS"], 2);
    assert_eq!(events[1]["outcome"], "failure");
    assert!(!log.contains("ada@example.com") && !log.contains("Lovelace"));
    ws.out(&["ledger", "verify"]);
}
