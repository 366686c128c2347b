//! Reader tests through [`crate::open`], one group per format.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{Batch, Input, InputFormat, ReadError, ReadOptions, Reader, open};

struct Tmp {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn file(name: &str, bytes: &[u8]) -> Tmp {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    Tmp { _dir: dir, path }
}

/// (record number, line, field name, value) of every field.
type Row = (u64, u64, Option<String>, String);

fn read_all(reader: &mut Reader) -> Result<Vec<Row>, ReadError> {
    let mut out = Vec::new();
    let mut batch = Batch::new();
    loop {
        let more = reader.next_batch(&mut batch);
        for r in batch.records() {
            for f in r.fields() {
                out.push((
                    r.number(),
                    r.line(),
                    f.name().map(str::to_owned),
                    f.value().to_owned(),
                ));
            }
        }
        if !more? {
            return Ok(out);
        }
    }
}

fn read_path(path: &Path, opts: &ReadOptions) -> Result<Vec<Row>, ReadError> {
    read_all(&mut open(&Input::named(path, None), opts)?)
}

fn row(n: u64, line: u64, name: Option<&str>, value: &str) -> Row {
    (n, line, name.map(str::to_owned), value.to_owned())
}

fn skipping() -> ReadOptions {
    ReadOptions {
        skip_bad: true,
        ..ReadOptions::default()
    }
}

// ---- text ----

#[test]
fn text_lines_crlf_empty_and_invalid_utf8() {
    let t = file("a.txt", b"first\r\n\nthird \xff end\nlast");
    let mut reader = open(&Input::named(&t.path, None), &ReadOptions::default()).unwrap();
    let rows = read_all(&mut reader).unwrap();
    assert_eq!(
        rows,
        [
            row(1, 1, None, "first"),
            row(3, 3, None, "third \u{1a} end"),
            row(4, 4, None, "last")
        ]
    );
    assert_eq!(reader.stats().records, 4);
    assert_eq!(reader.stats().lossy_records, 1);
    assert_eq!(reader.stats().bytes, 24);
}

#[test]
fn long_text_line_comes_in_overlapping_pieces_that_tile_it() {
    let line: String = (0..500)
        .map(|i| if i % 7 == 0 { 'é' } else { 'a' })
        .collect();
    let t = file("long.txt", format!("short\n{line}\nafter\n").as_bytes());
    let opts = ReadOptions {
        text_window: 64,
        text_overlap: 16,
        ..ReadOptions::default()
    };
    let mut reader = open(&Input::named(&t.path, None), &opts).unwrap();
    let mut batch = Batch::new();
    let mut owned = String::new();
    let mut pieces = 0;
    while reader.next_batch(&mut batch).unwrap() {
        for r in batch.records().filter(|r| r.number() == 2) {
            for f in r.fields() {
                let p = f.piece();
                pieces += 1;
                let base = usize::try_from(p.byte_base).unwrap();
                assert_eq!(&line[base..base + f.value().len()], f.value());
                assert_eq!(line[..base].chars().count() as u64, p.char_base);
                assert_eq!(base, owned.len(), "owned parts are contiguous");
                owned.push_str(&f.value()[..p.owned_len]);
                assert!(f.value().len() <= 64);
            }
        }
    }
    assert_eq!(owned, line);
    assert!(pieces > 8);
}

#[test]
fn binary_file_is_rejected() {
    let t = file("x.txt", b"abc\0def");
    let err = open(&Input::named(&t.path, None), &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, ReadError::Binary { offset: 3, .. }), "{err}");
    assert!(err.to_string().contains("x.txt"));
}

#[test]
fn empty_files_have_no_records() {
    for name in ["e.txt", "e.csv", "e.jsonl"] {
        let t = file(name, b"");
        assert_eq!(read_path(&t.path, &ReadOptions::default()).unwrap(), []);
    }
}

// ---- CSV / TSV ----

#[test]
fn csv_header_quotes_embedded_newlines_and_empty_cells() {
    let t = file(
        "p.csv",
        b"name,note,email\n\"Doe, Jane\",\"line1\nline2 \"\"q\"\"\",\nBob,,bob@example.com\n",
    );
    let rows = read_path(&t.path, &ReadOptions::default()).unwrap();
    assert_eq!(
        rows,
        [
            row(1, 2, Some("name"), "Doe, Jane"),
            row(1, 2, Some("note"), "line1\nline2 \"q\""),
            row(2, 4, Some("name"), "Bob"),
            row(2, 4, Some("email"), "bob@example.com"),
        ]
    );
}

#[test]
fn csv_delimiters_sniffed_set_and_tsv() {
    let t = file("s.csv", b"a;b\n1;2\n");
    assert_eq!(
        read_path(&t.path, &ReadOptions::default()).unwrap()[1],
        row(1, 2, Some("b"), "2")
    );
    let t = file("t.tsv", b"a\tb\n1,5\t2\n");
    assert_eq!(
        read_path(&t.path, &ReadOptions::default()).unwrap()[0],
        row(1, 2, Some("a"), "1,5")
    );
    let t = file("p.csv", b"a|b,c\n1|2,3\n");
    let opts = ReadOptions {
        delimiter: Some(b'|'),
        ..ReadOptions::default()
    };
    assert_eq!(
        read_path(&t.path, &opts).unwrap()[1],
        row(1, 2, Some("b,c"), "2,3")
    );
}

#[test]
fn csv_columns_are_exposed() {
    let t = file("c.csv", b"x,y\n1,2\n");
    let reader = open(&Input::named(&t.path, None), &ReadOptions::default()).unwrap();
    assert_eq!(
        reader.columns(),
        Arc::from(vec!["x".to_owned(), "y".to_owned()])
    );
}

#[test]
fn ragged_row_fails_naming_row_and_line_or_is_skipped() {
    let t = file("r.csv", b"a,b\n1,2\n\"x\ny\",2,3\n4,5\n");
    let mut reader = open(&Input::named(&t.path, None), &ReadOptions::default()).unwrap();
    let err = read_all(&mut reader).unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::RaggedRow {
                row: 2,
                line: 3,
                expected: 2,
                found: 3,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("r.csv: row 2 (line 3)"), "{err}");
    let mut reader = open(&Input::named(&t.path, None), &skipping()).unwrap();
    let rows = read_all(&mut reader).unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[3], row(3, 5, Some("b"), "5"));
    assert_eq!(reader.stats().skipped, 1);
}

#[test]
fn unterminated_quote_is_an_error() {
    let t = file("u.csv", b"a,b\n1,2\n3,\"open\n4,5\n");
    let err = read_path(&t.path, &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::UnterminatedQuote {
                row: 2,
                line: 3,
                ..
            }
        ),
        "{err}"
    );
    let t = file("h.csv", b"a,\"b\n");
    let err = read_path(&t.path, &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::UnterminatedQuote {
                row: 0,
                line: 1,
                ..
            }
        ),
        "{err}"
    );
    // A stray quote inside an unquoted field is data, not an open quote.
    let t = file("ok.csv", b"a,b\n5\",x\n");
    assert_eq!(
        read_path(&t.path, &ReadOptions::default()).unwrap()[0].3,
        "5\""
    );
}

#[test]
fn oversized_csv_row_is_an_error_not_an_allocation() {
    let mut data = b"a,b\n1,2\n".to_vec();
    data.extend(std::iter::repeat_n(b'x', 3_000_000));
    data.extend(b",2\n");
    let t = file("big.csv", &data);
    let opts = ReadOptions {
        max_record_bytes: 100_000,
        ..ReadOptions::default()
    };
    let err = read_path(&t.path, &opts).unwrap_err();
    assert!(
        matches!(err, ReadError::RecordTooLarge { line: 3, .. }),
        "{err}"
    );
}

#[test]
fn csv_invalid_utf8_is_substituted_and_counted() {
    let t = file("l.csv", b"a\nx\xfey\n");
    let mut reader = open(&Input::named(&t.path, None), &ReadOptions::default()).unwrap();
    assert_eq!(
        read_all(&mut reader).unwrap(),
        [row(1, 2, Some("a"), "x\u{1a}y")]
    );
    assert_eq!(reader.stats().lossy_records, 1);
}

// ---- JSONL ----

#[test]
fn jsonl_string_leaves_by_path_with_hints() {
    let t = file(
        "j.jsonl",
        br#"{"text":"hi","n":3,"user":{"emails":["a@x.io",null,"b@x.io"],"first name":"Ann"}}

["top",{"k":true}]
"#,
    );
    let mut reader = open(&Input::named(&t.path, None), &ReadOptions::default()).unwrap();
    let mut batch = Batch::new();
    let mut got = Vec::new();
    while reader.next_batch(&mut batch).unwrap() {
        for r in batch.records() {
            for f in r.fields() {
                got.push((
                    r.number(),
                    f.name().unwrap().to_owned(),
                    f.hint().map(str::to_owned),
                ));
            }
        }
    }
    let want = [
        (1, "$.text", Some("text")),
        (1, "$.user.emails[0]", Some("emails")),
        (1, "$.user.emails[2]", Some("emails")),
        (1, "$.user['first name']", Some("first name")),
        (3, "$[0]", None),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(n, p, h)| (*n, (*p).to_owned(), h.map(str::to_owned)))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn malformed_json_line_fails_naming_line_or_is_skipped() {
    let t = file(
        "m.jsonl",
        b"{\"a\":\"1\"}\n{\"a\": \"secret-ish\n{\"a\":\"3\"}\n",
    );
    let err = read_path(&t.path, &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(err, ReadError::MalformedJson { line: 2, .. }),
        "{err}"
    );
    assert!(!err.to_string().contains("secret-ish"));
    let mut reader = open(&Input::named(&t.path, None), &skipping()).unwrap();
    let rows = read_all(&mut reader).unwrap();
    assert_eq!(
        rows,
        [row(1, 1, Some("$.a"), "1"), row(3, 3, Some("$.a"), "3")]
    );
    assert_eq!(reader.stats().skipped, 1);
}

#[test]
fn jsonl_oversized_line_is_skipped_without_buffering() {
    let mut data = b"{\"a\":\"1\"}\n\"".to_vec();
    data.extend(std::iter::repeat_n(b'x', 1_000_000));
    data.extend(b"\"\n{\"a\":\"3\"}\n");
    let t = file("big.jsonl", &data);
    let opts = ReadOptions {
        max_record_bytes: 1000,
        ..skipping()
    };
    let rows = read_path(&t.path, &opts).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].0, 3);
    let opts = ReadOptions {
        max_record_bytes: 1000,
        ..ReadOptions::default()
    };
    let err = read_path(&t.path, &opts).unwrap_err();
    assert!(
        matches!(err, ReadError::RecordTooLarge { line: 2, .. }),
        "{err}"
    );
}

#[test]
fn deep_json_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let t = file("d.jsonl", deep.as_bytes());
    let err = read_path(&t.path, &ReadOptions::default()).unwrap_err();
    assert!(
        matches!(err, ReadError::MalformedJson { line: 1, .. }),
        "{err}"
    );
}

// ---- Parquet ----

fn write_parquet(path: &Path, rows_per_group: usize) {
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray, StructArray};
    use arrow_schema::{DataType, Field};
    let names: ArrayRef = Arc::new(StringArray::from(vec![Some("Ada"), None, Some("Bob")]));
    let ids: ArrayRef = Arc::new(Int64Array::from(vec![1, 2, 3]));
    let mut tags = ListBuilder::new(StringBuilder::new());
    tags.append_value([Some("x"), Some("y")]);
    tags.append_value([None::<&str>]);
    tags.append_null();
    let tags: ArrayRef = Arc::new(tags.finish());
    let city: ArrayRef = Arc::new(StringArray::from(vec!["Oslo", "", "Rome"]));
    let addr: ArrayRef = Arc::new(StructArray::from(vec![(
        Arc::new(Field::new("city", DataType::Utf8, true)),
        city,
    )]));
    let batch =
        RecordBatch::try_from_iter([("name", names), ("id", ids), ("tags", tags), ("addr", addr)])
            .unwrap();
    let props = parquet::file::properties::WriterProperties::builder()
        .set_max_row_group_row_count(Some(rows_per_group))
        .build();
    let f = std::fs::File::create(path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

#[test]
fn parquet_string_columns_nested_and_row_groups() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    write_parquet(&path, 2);
    let mut reader = open(&Input::named(&path, None), &ReadOptions::default()).unwrap();
    assert_eq!(
        reader.columns(),
        Arc::from(vec![
            "name".to_owned(),
            "tags".to_owned(),
            "addr.city".to_owned()
        ])
    );
    let rows = read_all(&mut reader).unwrap();
    assert_eq!(
        rows,
        [
            row(1, 0, Some("name"), "Ada"),
            row(1, 0, Some("tags[0]"), "x"),
            row(1, 0, Some("tags[1]"), "y"),
            row(1, 0, Some("addr.city"), "Oslo"),
            row(3, 0, Some("name"), "Bob"),
            row(3, 0, Some("addr.city"), "Rome"),
        ]
    );
    assert_eq!(reader.stats().records, 3);
}

#[test]
fn truncated_and_non_parquet_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    write_parquet(&path, 10);
    let bytes = std::fs::read(&path).unwrap();
    for (name, data) in [
        ("cut.parquet", &bytes[..bytes.len() / 2]),
        ("text.parquet", &b"name,email\nx,y\n"[..]),
        ("empty.parquet", &b""[..]),
    ] {
        let t = file(name, data);
        let err = read_path(&t.path, &ReadOptions::default()).unwrap_err();
        assert!(matches!(err, ReadError::Parquet { .. }), "{name}: {err}");
        assert!(err.to_string().contains(name), "{err}");
    }
}

#[test]
fn format_override_reads_any_extension() {
    let t = file("data.log", b"a,b\n1,2\n");
    let input = Input::named(&t.path, Some(InputFormat::Csv));
    let rows = read_all(&mut open(&input, &ReadOptions::default()).unwrap()).unwrap();
    assert_eq!(rows.len(), 2);
}

/// Writes the Parquet seed of the `aigis_table_parquet` fuzz target:
/// `AIGIS_FUZZ_SEED=$PWD/fuzz/corpus/aigis_table_parquet/seed-nested.parquet
/// cargo test -p aigis-table parquet_fuzz_seed -- --ignored`
#[test]
#[ignore = "writes a fuzz seed file on request"]
fn parquet_fuzz_seed() {
    let path = PathBuf::from(std::env::var_os("AIGIS_FUZZ_SEED").expect("AIGIS_FUZZ_SEED"));
    write_parquet(&path, 2);
}

#[test]
fn parquet_rewrite_edits_every_leaf_nested_or_not() {
    use crate::write::{ParquetEdit, ParquetRewriter};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    write_parquet(&path, 2);
    let opts = ReadOptions {
        keep_raw: true,
        ..ReadOptions::default()
    };
    let before = read_path(&path, &opts).unwrap();
    let mut reader = open(&Input::named(&path, None), &opts).unwrap();
    let meta = reader.parquet_metadata().unwrap().clone();
    let columns = reader.columns();
    let out_path = dir.path().join("out.parquet");
    let out = std::fs::File::create(&out_path).unwrap();
    let mut w = ParquetRewriter::new(out, &meta, &columns, &[], "out.parquet").unwrap();
    let mut batch = Batch::new();
    while reader.next_batch(&mut batch).unwrap() {
        // Every value becomes `<value>`, found by (row, column, ordinal).
        let mut values = Vec::new();
        let mut keys = Vec::new();
        for r in batch.records() {
            for (f, ordinal) in r.fields_with_ordinals() {
                keys.push((r.index(), f.column().unwrap(), ordinal));
                values.push(format!("<{}>", f.value()));
            }
        }
        let edits: Vec<ParquetEdit<'_>> = keys
            .iter()
            .zip(&values)
            .map(|(&(row, column, ordinal), value)| ParquetEdit {
                row,
                column,
                ordinal,
                value,
            })
            .collect();
        w.write(batch.arrow().unwrap(), &edits, None).unwrap();
    }
    w.finish().unwrap();
    let after = read_path(&out_path, &ReadOptions::default()).unwrap();
    let expected: Vec<Row> = before
        .into_iter()
        .map(|(n, l, name, v)| (n, l, name, format!("<{v}>")))
        .collect();
    assert_eq!(after, expected);
}

/// A file the fuzzer found: a column chunk with a negative offset in the
/// footer, on which the parquet crate asserts. It is a read error naming
/// the chunk, not a panic.
#[test]
fn parquet_chunk_outside_the_file_is_an_error() {
    for keep_raw in [false, true] {
        let err = read_testdata("fuzz-negative-chunk.parquet", keep_raw, false).unwrap_err();
        assert!(matches!(err, ReadError::Parquet { .. }), "{err}");
        assert!(err.to_string().contains("outside the file"), "{err}");
    }
}

/// A file the fuzzer found: a dictionary page on which the parquet crate's
/// decoder divides by zero. The panic is caught and becomes the row
/// group's read error (skipped with `skip_bad`).
#[test]
fn parquet_decoder_panic_is_a_read_error() {
    let name = "fuzz-zero-values-page.parquet";
    for keep_raw in [false, true] {
        let err = read_testdata(name, keep_raw, false).unwrap_err();
        assert!(matches!(err, ReadError::Parquet { .. }), "{err}");
        assert!(read_testdata(name, keep_raw, true).is_ok());
    }
}

/// Reads `testdata/NAME` with the given options.
fn read_testdata(name: &str, keep_raw: bool, skip_bad: bool) -> Result<Vec<Row>, ReadError> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name);
    let opts = ReadOptions {
        keep_raw,
        skip_bad,
        ..ReadOptions::default()
    };
    read_path(&path, &opts)
}
