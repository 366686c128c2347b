//! `aigis mask DIR -o OUTDIR`: every file under the directory is masked to
//! the same relative path, each as its own run; bad directory targets are
//! clear errors.

use crate::wsutil::Ws;

#[test]
fn a_directory_is_masked_file_by_file() {
    let ws = Ws::new();
    let dir = ws.dir.path();
    let data = dir.join("data");
    std::fs::create_dir_all(data.join("logs")).unwrap();
    crate::wsutil::write(
        data.join("people.csv"),
        "id,name,email\n1,Jane Doe,jane.doe@example.com\n2,John Smith,john@example.org\n",
    )
    .unwrap();
    crate::wsutil::write(
        data.join("logs/events.jsonl"),
        "{\"msg\":\"login from 10.1.2.3 by jane.doe@example.com\",\"n\":1}\n",
    )
    .unwrap();
    crate::wsutil::write(data.join(".hidden.txt"), "call 555-867-5309\n").unwrap();
    ws.cmd()
        .args(["mask", "data", "-o", "masked", "--format", "json"])
        .assert()
        .success();
    let people = std::fs::read_to_string(dir.join("masked/people.csv")).unwrap();
    let events = std::fs::read_to_string(dir.join("masked/logs/events.jsonl")).unwrap();
    assert!(people.starts_with("id,name,email\n"), "{people}");
    assert!(!people.contains("jane.doe@example.com") && !people.contains("Jane Doe"));
    assert!(!events.contains("jane.doe@example.com") && !events.contains("10.1.2.3"));
    assert!(events.contains("\"n\":1"), "{events}");
    assert!(!dir.join("masked/.hidden.txt").exists());
    // One run per file in the ledger.
    let log = ws.out(&["ledger", "log", "--format", "json"]);
    assert_eq!(log.matches("\"mask.run\"").count(), 2, "{log}");
}

#[test]
fn directory_targets_that_cannot_work_are_errors() {
    let ws = Ws::new();
    let dir = ws.dir.path();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    crate::wsutil::write(dir.join("data/a.txt"), "Jane Doe\n").unwrap();
    crate::wsutil::write(dir.join("file.txt"), "x\n").unwrap();
    for (out, says) in [
        ("-", "not standard output"),
        ("file.txt", "is a file"),
        ("data/out", "must not be inside the input directory"),
    ] {
        ws.cmd()
            .args(["mask", "data", "-o", out])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(says));
    }
    assert!(!dir.join("data/out").exists());
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    ws.cmd()
        .args(["mask", "empty", "-o", "out"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no files to mask"));
}
