//! `aigis unmask FILE --column NAME --entity E`: a `tokenize`d table column
//! round-trips to the original values, the rest of the file untouched.

use crate::util::shared_dir;
use crate::wsutil::Ws;

#[test]
fn tokenized_column_round_trips() {
    let ws = Ws::new();
    let dev = std::fs::read_to_string(shared_dir().join("eval/pii/data/dev/table.csv")).unwrap();
    let mut lines = dev.lines();
    let card = lines
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == "card_number")
        .unwrap();
    let mut input = String::from("id,card_number,plan\n");
    let cards = lines
        .map(|l| l.split(',').take(card + 1).collect::<Vec<_>>())
        .filter(|cells| cells.iter().all(|c| !c.contains('"')))
        .filter_map(|cells| cells.get(card).map(|c| c.to_string()))
        .filter(|c| !c.is_empty())
        .take(60);
    for (i, c) in cards.enumerate() {
        input.push_str(&format!("{},\"{c}\",free\n", i + 1));
    }
    let dir = ws.dir.path();
    crate::wsutil::write(dir.join("in.csv"), &input).unwrap();
    crate::wsutil::write(
        dir.join("rules.toml"),
        "[entities.CREDIT_CARD]\noperator = \"tokenize\"\n",
    )
    .unwrap();
    ws.cmd()
        .args([
            "mask",
            "in.csv",
            "-o",
            "out.csv",
            "--rules",
            "rules.toml",
            "-q",
        ])
        .assert()
        .success();
    let masked = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    assert_ne!(masked, input);
    ws.cmd()
        .args([
            "unmask",
            "out.csv",
            "--column",
            "card_number",
            "--entity",
            "CREDIT_CARD",
            "--rules",
            "rules.toml",
            "-o",
            "back.csv",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stderr(predicates::str::contains("\"unmasked\":60"));
    let back = std::fs::read_to_string(dir.join("back.csv")).unwrap();
    assert_eq!(back, input);
    // Each use is in the ledger, with counts only.
    let log = ws.out(&["ledger", "log", "--format", "json"]);
    assert!(log.contains("mask.unmask"), "{log}");
    assert!(!log.contains(&input.lines().nth(1).unwrap()[3..10]));
    // A column that is not in the file is a clear error.
    ws.cmd()
        .args([
            "unmask",
            "out.csv",
            "--column",
            "card",
            "--entity",
            "CREDIT_CARD",
            "--rules",
            "rules.toml",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no column \"card\""));
}
