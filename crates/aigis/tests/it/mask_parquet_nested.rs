//! `aigis mask` on Parquet strings nested in structs, lists and maps: the
//! found values change in place, everything else (schema, nulls, list
//! lengths, other values) stays.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, MapBuilder, StringBuilder};
use arrow_array::cast::AsArray as _;
use arrow_array::{Array as _, ArrayRef, Int64Array, RecordBatch, StringArray, StructArray};
use arrow_schema::{DataType, Field};

use crate::wsutil::Ws;

fn input() -> RecordBatch {
    let contact = StructArray::try_new(
        vec![
            Field::new("email", DataType::Utf8, true),
            Field::new("note", DataType::Utf8, true),
        ]
        .into(),
        vec![
            Arc::new(StringArray::from(vec![
                Some("jane.doe@example.com"),
                Some("x"),
                None,
            ])) as ArrayRef,
            Arc::new(StringArray::from(vec![
                Some("call her at +1 415 555 0134 after 5"),
                Some("x"),
                Some("nothing to see"),
            ])),
        ],
        Some(vec![true, false, true].into()),
    )
    .unwrap();
    let mut tags = ListBuilder::new(StringBuilder::new());
    for t in [
        "vip",
        "gold",
        "early",
        "beta",
        "north",
        "ada.lovelace@example.org",
    ] {
        tags.values().append_value(t);
    }
    tags.values().append_value("");
    tags.values().append_null();
    tags.append(true);
    tags.append(false);
    for t in [
        "plain",
        "blue",
        "green",
        "red",
        "south",
        "bob.smith@example.net",
    ] {
        tags.values().append_value(t);
    }
    tags.append(true);
    let mut attrs = MapBuilder::new(None, StringBuilder::new(), StringBuilder::new());
    attrs.keys().append_value("last_ip");
    attrs.values().append_value("10.1.2.3");
    attrs.keys().append_value("colour");
    attrs.values().append_value("blue");
    attrs.append(true).unwrap();
    attrs.append(true).unwrap();
    attrs.keys().append_value("k");
    attrs.values().append_value("v");
    attrs.append(true).unwrap();
    RecordBatch::try_from_iter(vec![
        ("id", Arc::new(Int64Array::from(vec![1, 2, 3])) as ArrayRef),
        ("contact", Arc::new(contact) as ArrayRef),
        ("tags", Arc::new(tags.finish()) as ArrayRef),
        ("attrs", Arc::new(attrs.finish()) as ArrayRef),
    ])
    .unwrap()
}

#[test]
fn nested_strings_are_masked_in_place() {
    let ws = Ws::new();
    let batch = input();
    crate::util::write_parquet(&ws.dir.path().join("in.parquet"), &batch);
    ws.cmd()
        .args(["mask", "in.parquet", "-o", "out.parquet", "-q"])
        .assert()
        .success();
    let out = crate::util::read_parquet(&ws.dir.path().join("out.parquet"));
    let out = &out[0];
    assert_eq!(out.schema(), batch.schema());
    assert_eq!(out.num_rows(), 3);

    let contact = out.column(1).as_struct();
    assert!(contact.is_null(1));
    let email = contact.column(0).as_string::<i32>();
    assert!(!email.value(0).contains("jane.doe"), "{}", email.value(0));
    assert!(email.is_null(2));
    let note = contact.column(1).as_string::<i32>();
    assert!(
        note.value(0).starts_with("call her at "),
        "{}",
        note.value(0)
    );
    assert!(!note.value(0).contains("555 0134"), "{}", note.value(0));
    assert_eq!(note.value(2), "nothing to see");

    let tags = out.column(2).as_list::<i32>();
    assert!(tags.is_null(1));
    let first = tags.value(0);
    let first = first.as_string::<i32>();
    assert_eq!(first.len(), 8);
    assert_eq!(first.value(0), "vip");
    assert_eq!(first.value(4), "north");
    assert!(
        !first.value(5).contains("ada.lovelace"),
        "{}",
        first.value(5)
    );
    assert_eq!(first.value(6), "");
    assert!(first.is_null(7));
    let third = tags.value(2);
    let third = third.as_string::<i32>();
    assert_eq!(third.value(0), "plain");
    assert_eq!(third.value(4), "south");
    assert!(!third.value(5).contains("bob.smith"), "{}", third.value(5));

    let attrs = out.column(3).as_map();
    let values = attrs.values().as_string::<i32>();
    let keys = attrs.keys().as_string::<i32>();
    assert_eq!(keys.value(0), "last_ip");
    assert_ne!(values.value(0), "10.1.2.3");
    assert_eq!(values.value(1), "blue");
    assert_eq!(attrs.value_length(1), 0);
    assert_eq!(values.value(2), "v");
    let ids = out
        .column(0)
        .as_primitive::<arrow_array::types::Int64Type>();
    assert_eq!(ids.values(), &[1, 2, 3]);
}
