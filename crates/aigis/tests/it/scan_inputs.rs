//! `aigis scan` over each input format, standard input, and directories
//! with include/exclude globs.

use std::sync::Arc;

use serde_json::Value;

use crate::util::{TestDir, aigis, scan_json};

/// (record, field, start, end, entity) of each finding.
fn spans(found: &[Value]) -> Vec<(u64, Option<String>, u64, u64, String)> {
    found
        .iter()
        .map(|f| {
            (
                f["record"].as_u64().unwrap(),
                f["field"].as_str().map(str::to_owned),
                f["start"].as_u64().unwrap(),
                f["end"].as_u64().unwrap(),
                f["entity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn text_lines_with_char_and_byte_offsets() {
    let t = TestDir::new();
    // "Zoë " is 4 chars but 5 bytes: char and byte offsets differ.
    t.write(
        "notes.txt",
        "nothing here\nZoë mailed ada@example.com today\n",
    );
    let (code, found, _) = scan_json(t.path(), &["notes.txt"]);
    assert_eq!(code, 0);
    let email: Vec<_> = found
        .iter()
        .filter(|f| f["entity"] == "EMAIL_ADDRESS")
        .collect();
    assert_eq!(email.len(), 1, "{found:?}");
    let f = email[0];
    assert_eq!(f["source"], "notes.txt");
    assert_eq!(f["record"], 2);
    assert_eq!(f["field"], Value::Null);
    assert_eq!(
        (f["start"].as_u64(), f["end"].as_u64()),
        (Some(11), Some(26))
    );
    assert_eq!(
        (f["byte_start"].as_u64(), f["byte_end"].as_u64()),
        (Some(12), Some(27))
    );
}

#[test]
fn csv_and_tsv_cells_by_column() {
    let t = TestDir::new();
    t.write(
        "a.csv",
        "id,contact\n1,\"x, ada@example.com\"\n2,none\n3,bob@example.com\n",
    );
    t.write("b.tsv", "id\tcontact\n7\tbob@example.com\n");
    t.write("c.csv", "id;contact\n7;bob@example.com\n");
    let (code, found, _) = scan_json(t.path(), &["a.csv", "b.tsv", "c.csv"]);
    assert_eq!(code, 0);
    let got: Vec<_> = spans(&found)
        .into_iter()
        .filter(|s| s.4 == "EMAIL_ADDRESS")
        .collect();
    let want = [
        (
            1,
            Some("contact".to_owned()),
            3,
            18,
            "EMAIL_ADDRESS".to_owned(),
        ),
        (
            3,
            Some("contact".to_owned()),
            0,
            15,
            "EMAIL_ADDRESS".to_owned(),
        ),
        (
            1,
            Some("contact".to_owned()),
            0,
            15,
            "EMAIL_ADDRESS".to_owned(),
        ),
        (
            1,
            Some("contact".to_owned()),
            0,
            15,
            "EMAIL_ADDRESS".to_owned(),
        ),
    ];
    assert_eq!(got, want);
    assert_eq!(found[0]["source"], "a.csv");
    assert_eq!(found.last().unwrap()["source"], "c.csv");
}

#[test]
fn jsonl_leaves_by_json_path() {
    let t = TestDir::new();
    t.write(
        "e.jsonl",
        concat!(
            r#"{"id": 1, "user": {"emails": ["nobody", "ada@example.com"]}}"#,
            "\n",
            r#"{"first name": "x", "contact info": "bob@example.com"}"#,
            "\n"
        ),
    );
    let (code, found, _) = scan_json(t.path(), &["e.jsonl"]);
    assert_eq!(code, 0);
    let fields: Vec<_> = found
        .iter()
        .filter(|f| f["entity"] == "EMAIL_ADDRESS")
        .map(|f| {
            (
                f["record"].as_u64().unwrap(),
                f["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            (1, "$.user.emails[1]".to_owned()),
            (2, "$['contact info']".to_owned())
        ]
    );
}

/// A Parquet file with a plain, a list and a struct string column.
pub fn write_parquet(path: &std::path::Path) {
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    let ids: ArrayRef = Arc::new(Int64Array::from(vec![1, 2]));
    let email: ArrayRef = Arc::new(StringArray::from(vec![Some("ada@example.com"), None]));
    let mut alt = ListBuilder::new(StringBuilder::new());
    alt.append_value([Some("none"), Some("bob@example.com")]);
    alt.append_value([Some("eve@example.com")]);
    let alt: ArrayRef = Arc::new(alt.finish());
    let batch = RecordBatch::try_from_iter([("id", ids), ("email", email), ("alt", alt)]).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[test]
fn parquet_string_columns_and_lists() {
    let t = TestDir::new();
    write_parquet(&t.path().join("p.parquet"));
    let (code, found, stderr) = scan_json(t.path(), &["p.parquet"]);
    assert_eq!(code, 0, "{stderr}");
    let got: Vec<_> = spans(&found)
        .into_iter()
        .map(|s| (s.0, s.1.unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (1, "email".to_owned()),
            (1, "alt[1]".to_owned()),
            (2, "alt[0]".to_owned())
        ]
    );
}

#[test]
fn stdin_as_text_and_as_csv() {
    let out = aigis()
        .args(["scan", "--format", "json", "-"])
        .write_stdin("write to ada@example.com\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let line: Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(
        (line["source"].as_str(), line["record"].as_u64()),
        (Some("-"), Some(1))
    );

    let out = aigis()
        .args(["scan", "--format", "json", "--input-format", "csv", "-"])
        .write_stdin("mail\nada@example.com\n")
        .output()
        .unwrap();
    let line: Value =
        serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(line["field"], "mail");
}

#[test]
fn directories_with_include_and_exclude_globs() {
    let t = TestDir::new();
    t.write("data/a.csv", "c\nada@example.com\n");
    t.write("data/sub/b.jsonl", "{\"c\":\"ada@example.com\"}\n");
    t.write("data/sub/skip/c.csv", "c\nada@example.com\n");
    t.write("data/.hidden/d.csv", "c\nada@example.com\n");
    t.write("data/img.bin", b"\x89PNG\0\0\0binary");
    let sources = |args: &[&str]| {
        let (code, found, stderr) = scan_json(t.path(), args);
        assert_eq!(code, 0, "{stderr}");
        let mut s: Vec<String> = found
            .iter()
            .map(|f| f["source"].as_str().unwrap().to_owned())
            .collect();
        s.dedup();
        s
    };
    assert_eq!(
        sources(&["data"]),
        ["data/a.csv", "data/sub/b.jsonl", "data/sub/skip/c.csv"]
    );
    assert_eq!(
        sources(&["data", "--include", "*.csv"]),
        ["data/a.csv", "data/sub/skip/c.csv"]
    );
    assert_eq!(
        sources(&["data", "--exclude", "skip"]),
        ["data/a.csv", "data/sub/b.jsonl"]
    );
    assert_eq!(
        sources(&["data", "--hidden", "--include", "*.csv", "--exclude", "sub"]),
        ["data/.hidden/d.csv", "data/a.csv"]
    );
}

#[test]
fn input_format_overrides_the_extension() {
    let t = TestDir::new();
    t.write("export.dat", "{\"mail\": \"ada@example.com\"}\n");
    let (_, found, _) = scan_json(t.path(), &["--input-format", "jsonl", "export.dat"]);
    assert_eq!(found[0]["field"], "$.mail");
    let (code, _, stderr) = scan_json(t.path(), &["--input-format", "xml", "export.dat"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn output_is_the_same_with_one_or_many_threads() {
    let t = TestDir::new();
    let mut csv = String::from("name,email,note\n");
    for i in 0..3000 {
        csv.push_str(&format!(
            "n{i},user{i}@example.com,ssn 211-28-{:04}\n",
            1000 + i
        ));
    }
    t.write("many.csv", &csv);
    let run = |threads: &str| {
        aigis()
            .current_dir(t.path())
            .args(["--threads", threads, "scan", "--format", "json", "many.csv"])
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert!(one.len() > 3000 * 50);
    assert_eq!(one, run("3"));
}
