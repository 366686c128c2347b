//! `--format sarif`: one SARIF 2.1.0 log with one run. Results are
//! streamed as they are found; the run's `tool` (with one rule per entity
//! seen) comes after them, which JSON allows, so memory stays flat.
//!
//! Region columns count Unicode code points (`columnKind`). A plain-text
//! finding has line and columns; a CSV or JSONL finding has the line where
//! its record starts (its position inside a quoted cell or a JSON string
//! is in `properties`); a Parquet finding has only its logical location.

use std::io::{self, Write};

use aigis_detect::{ColumnClassification, Entity};

use super::{json_score, json_str};
use crate::scan::{Hit, Tally};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The log up to the opening of the results array.
pub(super) fn begin(out: &mut impl Write) -> io::Result<()> {
    write!(
        out,
        "{{\"$schema\":\"{SCHEMA}\",\"version\":\"2.1.0\",\"runs\":[{{\"columnKind\":\"unicodeCodePoints\",\"results\":["
    )
}

/// A file path as a relative URI reference (percent-encoded).
fn uri(path: &str, out: &mut Vec<u8>) {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    json_str(&s, out);
}

fn location(source: &str, logical: &str, out: &mut Vec<u8>, region: impl FnOnce(&mut Vec<u8>)) {
    out.extend_from_slice(b"\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
    uri(source, out);
    out.push(b'}');
    region(out);
    out.extend_from_slice(b"},\"logicalLocations\":[{\"fullyQualifiedName\":");
    json_str(logical, out);
    out.extend_from_slice(b",\"kind\":\"member\"}]}]");
}

/// One finding as a result object.
pub(super) fn hit(h: &Hit<'_>, out: &mut Vec<u8>) {
    let entity = h.finding.entity.as_str();
    out.extend_from_slice(b"{\"ruleId\":");
    json_str(entity, out);
    out.extend_from_slice(b",\"level\":\"warning\",\"message\":{\"text\":");
    let place = match h.field {
        Some(f) => format!("{f} of record {}", h.record),
        None => format!("line {}", h.record),
    };
    json_str(
        &format!(
            "{entity} (score {:.2}, {}) in {place}",
            h.finding.score, h.finding.recognizer
        ),
        out,
    );
    out.extend_from_slice(b"},");
    let logical = match h.field {
        Some(f) => format!("record {}/{f}", h.record),
        None => format!("record {}", h.record),
    };
    location(h.source, &logical, out, |out| {
        if h.line == 0 {
            return;
        }
        let _ = write!(out, ",\"region\":{{\"startLine\":{}", h.line);
        if h.is_line {
            let _ = write!(
                out,
                ",\"startColumn\":{},\"endColumn\":{}",
                h.start + 1,
                h.end + 1
            );
        }
        if let Some(v) = h.value {
            out.extend_from_slice(b",\"snippet\":{\"text\":");
            json_str(v, out);
            out.push(b'}');
        }
        out.push(b'}');
    });
    let _ = write!(out, ",\"properties\":{{\"record\":{},\"field\":", h.record);
    match h.field {
        Some(f) => json_str(f, out),
        None => out.extend_from_slice(b"null"),
    }
    let _ = write!(
        out,
        ",\"start\":{},\"end\":{},\"byte_start\":{},\"byte_end\":{},\"score\":",
        h.start, h.end, h.byte_start, h.byte_end
    );
    json_score(f64::from(h.finding.score), out);
    out.extend_from_slice(b",\"recognizer\":");
    json_str(h.finding.recognizer, out);
    if let Some(v) = h.value.filter(|_| h.line == 0) {
        out.extend_from_slice(b",\"value\":");
        json_str(v, out);
    }
    if let Some(e) = h.explanation {
        out.extend_from_slice(b",\"explanation\":");
        let _ = serde_json::to_writer(&mut *out, e);
    }
    out.extend_from_slice(b"}}");
}

/// One classified column as a result object (with `--columns`).
pub(super) fn column(source: &str, c: &ColumnClassification, out: &mut Vec<u8>) {
    let entity = c.entity.as_ref().map_or("NONE", Entity::as_str);
    let share = c
        .entities
        .iter()
        .find(|(e, _)| Some(e) == c.entity.as_ref())
        .map_or(0.0, |(_, s)| *s);
    out.extend_from_slice(b"{\"ruleId\":");
    json_str(entity, out);
    out.extend_from_slice(b",\"level\":\"warning\",\"message\":{\"text\":");
    json_str(
        &format!(
            "column {} is {} ({entity} in {:.1}% of non-empty cells)",
            c.column,
            c.class.as_str(),
            share * 100.0
        ),
        out,
    );
    out.extend_from_slice(b"},");
    location(source, &c.column, out, |_| {});
    out.extend_from_slice(b",\"properties\":{\"column\":");
    json_str(&c.column, out);
    out.extend_from_slice(b",\"class\":");
    json_str(c.class.as_str(), out);
    out.extend_from_slice(b",\"confidence\":");
    json_score(f64::from(c.confidence), out);
    out.extend_from_slice(b"}}");
}

/// Closes the results, then writes the tool (rules for every entity seen)
/// and the invocation; `error` marks the run as failed.
pub(super) fn end(out: &mut impl Write, tally: &Tally, error: Option<&str>) -> io::Result<()> {
    let mut buf = Vec::new();
    let _ = write!(
        buf,
        "],\"tool\":{{\"driver\":{{\"name\":\"aigis\",\"version\":\"{}\",\"rules\":[",
        env!("CARGO_PKG_VERSION")
    );
    let mut entities: Vec<Entity> = tally
        .findings
        .sorted()
        .into_iter()
        .map(|(e, _)| e)
        .collect();
    entities.sort();
    for (i, e) in entities.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        buf.extend_from_slice(b"{\"id\":");
        json_str(e.as_str(), &mut buf);
        buf.extend_from_slice(b",\"shortDescription\":{\"text\":");
        json_str(
            &format!("{e} found in the data (see docs/entities.md)"),
            &mut buf,
        );
        buf.extend_from_slice(b"}}");
    }
    buf.extend_from_slice(b"]}},\"invocations\":[{\"executionSuccessful\":");
    match error {
        None => buf.extend_from_slice(b"true"),
        Some(msg) => {
            buf.extend_from_slice(b"false,\"toolExecutionNotifications\":[{\"level\":\"error\",\"message\":{\"text\":");
            json_str(msg, &mut buf);
            buf.extend_from_slice(b"}}]");
        }
    }
    buf.extend_from_slice(b"}]}]}\n");
    out.write_all(&buf)
}
