//! Bad input: every case is either exit 2 with a message naming the file
//! and line/row, or (with `--skip-bad`) a counted skip; never a panic.

use crate::util::{TestDir, scan_json};

/// Runs a scan expected to fail with exit 2 and returns stderr.
fn fails(t: &TestDir, args: &[&str]) -> String {
    let (code, _, stderr) = scan_json(t.path(), args);
    assert_eq!(code, 2, "expected exit 2 for {args:?}; stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn invalid_utf8_text_is_scanned_with_byte_exact_offsets() {
    let t = TestDir::new();
    t.write("bad.txt", b"\xff\xfe to: ada@example.com\n");
    let (code, found, stderr) = scan_json(t.path(), &["bad.txt"]);
    assert_eq!(code, 0, "{stderr}");
    let f = found
        .iter()
        .find(|f| f["entity"] == "EMAIL_ADDRESS")
        .unwrap();
    assert_eq!(
        (f["byte_start"].as_u64(), f["byte_end"].as_u64()),
        (Some(7), Some(22))
    );
    assert_eq!(
        (f["start"].as_u64(), f["end"].as_u64()),
        (Some(7), Some(22))
    );
}

#[test]
fn ragged_csv_row_fails_or_is_skipped() {
    let t = TestDir::new();
    t.write(
        "r.csv",
        "a,b\n1,ada@example.com\n2,3,4\n5,bob@example.com\n",
    );
    let err = fails(&t, &["r.csv"]);
    assert!(
        err.contains("r.csv: row 2 (line 3): expected 2 fields"),
        "{err}"
    );
    let (code, found, stderr) = scan_json(t.path(), &["--skip-bad", "r.csv"]);
    assert_eq!(code, 0);
    assert_eq!(
        found
            .iter()
            .filter(|f| f["entity"] == "EMAIL_ADDRESS")
            .count(),
        2
    );
    assert!(stderr.contains("r.csv: skipped 1 bad record"), "{stderr}");
}

#[test]
fn unterminated_quote_fails_naming_the_row() {
    let t = TestDir::new();
    t.write("q.csv", "a,b\n1,2\n3,\"never closed\n4,5\n");
    let err = fails(&t, &["q.csv"]);
    assert!(
        err.contains("q.csv: row 2 (line 3)") && err.contains("unterminated"),
        "{err}"
    );
    let (code, _, stderr) = scan_json(t.path(), &["--skip-bad", "q.csv"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("warning: skipped q.csv"), "{stderr}");
}

#[test]
fn malformed_json_line_fails_or_is_skipped() {
    let t = TestDir::new();
    t.write(
        "m.jsonl",
        "{\"a\": \"ada@example.com\"}\n{\"a\": oops}\n{\"a\": \"bob@example.com\"}\n",
    );
    let err = fails(&t, &["m.jsonl"]);
    assert!(
        err.contains("m.jsonl: line 2, column") && err.contains("malformed JSON"),
        "{err}"
    );
    assert!(!err.contains("oops"), "no input text in errors: {err}");
    let (code, found, stderr) = scan_json(t.path(), &["--skip-bad", "m.jsonl"]);
    assert_eq!(code, 0);
    assert_eq!(found.len(), 2);
    assert!(stderr.contains("skipped 1 bad record"), "{stderr}");
}

#[test]
fn truncated_and_non_parquet_files_fail() {
    let t = TestDir::new();
    let good = t.path().join("good.parquet");
    crate::scan_inputs::write_parquet(&good);
    let bytes = std::fs::read(&good).unwrap();
    t.write("cut.parquet", &bytes[..bytes.len() - 20]);
    t.write("fake.parquet", "id,name\n1,x\n");
    for name in ["cut.parquet", "fake.parquet"] {
        let err = fails(&t, &[name]);
        assert!(err.contains(name) && err.contains("Parquet"), "{err}");
    }
    let (code, found, stderr) = scan_json(t.path(), &["--skip-bad", "cut.parquet", "good.parquet"]);
    assert_eq!(code, 0);
    assert!(!found.is_empty());
    assert!(stderr.contains("warning: skipped cut.parquet"), "{stderr}");
}

#[test]
fn binary_files_fail_when_named_and_are_skipped_in_directories() {
    let t = TestDir::new();
    t.write("dir/blob.txt", b"ada@example.com\0\x01\x02");
    t.write("dir/ok.txt", "ada@example.com\n");
    let err = fails(&t, &["dir/blob.txt"]);
    assert!(err.contains("dir/blob.txt: binary file"), "{err}");
    let (code, found, stderr) = scan_json(t.path(), &["dir"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(found.len(), 1);
    assert!(
        stderr.contains("skipped dir/blob.txt: dir/blob.txt: binary file"),
        "{stderr}"
    );
}

#[test]
fn empty_files_scan_to_nothing() {
    let t = TestDir::new();
    for name in ["e.txt", "e.csv", "e.jsonl", "h.csv"] {
        t.write(
            name,
            if name == "h.csv" {
                "only,a,header\n"
            } else {
                ""
            },
        );
        let (code, found, stderr) = scan_json(t.path(), &[name]);
        assert_eq!((code, found.len()), (0, 0), "{name}: {stderr}");
    }
    t.write("e.parquet", "");
    let err = fails(&t, &["e.parquet"]);
    assert!(err.contains("e.parquet"), "{err}");
}

#[test]
fn missing_path_and_bad_options_are_usage_errors() {
    let t = TestDir::new();
    let err = fails(&t, &["nope.csv"]);
    assert!(err.contains("nope.csv"), "{err}");
    t.write("ok.txt", "ada@example.com\n");
    let (code, found, stderr) = scan_json(t.path(), &["--skip-bad", "nope.csv", "ok.txt"]);
    assert_eq!((code, found.len()), (0, 1));
    assert!(stderr.contains("warning: skipped nope.csv"), "{stderr}");
    t.write("a.txt", "x\n");
    fails(&t, &["--min-score", "1.5", "a.txt"]);
    fails(&t, &["--fail-on", "not an entity", "a.txt"]);
    fails(&t, &["--include", "a[", "a.txt"]);
}

#[test]
fn oversized_records_fail_or_are_skipped_without_buffering() {
    let t = TestDir::new();
    let big = "x".repeat(300_000);
    t.write(
        "big.jsonl",
        format!(
            "{{\"a\":\"ada@example.com\"}}\n{{\"a\":\"{big}\"}}\n{{\"a\":\"bob@example.com\"}}\n"
        ),
    );
    t.write(
        "big.csv",
        format!("a\nada@example.com\n{big}\nbob@example.com\n"),
    );
    for (name, line) in [("big.jsonl", 2), ("big.csv", 3)] {
        let err = fails(&t, &["--max-record-size", "100000", name]);
        assert!(
            err.contains(&format!("{name}: line {line}: record larger than")),
            "{err}"
        );
    }
    let (code, found, _) = scan_json(
        t.path(),
        &["--max-record-size", "100000", "--skip-bad", "big.jsonl"],
    );
    assert_eq!((code, found.len()), (0, 2));
}

#[test]
fn very_long_text_line_is_scanned_in_windows_with_exact_offsets() {
    let t = TestDir::new();
    // 3 MiB line: the reader's 1 MiB windows cut through it; an e-mail sits
    // across the first window boundary and one at the very end.
    let mut line = "é ".repeat(100_000);
    let pad = 1024 * 1024 - 7 - line.len();
    line.push_str(&"a ".repeat(pad / 2));
    let first_byte = line.len();
    let first_char = line.chars().count();
    line.push_str(" ada@example.com ");
    line.push_str(&"z ".repeat(1024 * 1024));
    line.push_str("bob@example.com");
    t.write("long.txt", format!("{line}\nnext line\n"));
    let (code, found, stderr) = scan_json(t.path(), &["long.txt"]);
    assert_eq!(code, 0, "{stderr}");
    let emails: Vec<_> = found
        .iter()
        .filter(|f| f["entity"] == "EMAIL_ADDRESS")
        .collect();
    assert_eq!(emails.len(), 2, "{emails:?}");
    assert_eq!(
        emails[0]["byte_start"].as_u64(),
        Some(first_byte as u64 + 1)
    );
    assert_eq!(emails[0]["start"].as_u64(), Some(first_char as u64 + 1));
    let end = line.len() as u64;
    assert_eq!(emails[1]["byte_end"].as_u64(), Some(end));
    assert_eq!(emails[1]["end"].as_u64(), Some(line.chars().count() as u64));
    assert_eq!(emails[1]["record"].as_u64(), Some(1));
}
