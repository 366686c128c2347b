//! `--format json`: one object per finding per line, or per column with
//! `--columns`.

use aigis_detect::ColumnClassification;

use super::{json_score, json_str, json_u64};
use crate::scan::Hit;

/// `{"source", "record", "field", "start", "end", "byte_start", "byte_end",
/// "entity", "score", "recognizer"}` (+ `"value"` with `--show-values`,
/// `"explanation"` with `--explain`).
pub(super) fn hit(h: &Hit<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"source\":");
    match h.source_json {
        Some(s) => out.extend_from_slice(s),
        None => json_str(h.source, out),
    }
    out.extend_from_slice(b",\"record\":");
    json_u64(h.record, out);
    out.extend_from_slice(b",\"field\":");
    match (h.field, h.field_json) {
        (Some(_), Some(f)) => out.extend_from_slice(f),
        (Some(f), None) => json_str(f, out),
        (None, _) => out.extend_from_slice(b"null"),
    }
    for (key, n) in [
        (&b",\"start\":"[..], h.start),
        (b",\"end\":", h.end),
        (b",\"byte_start\":", h.byte_start),
        (b",\"byte_end\":", h.byte_end),
    ] {
        out.extend_from_slice(key);
        json_u64(n, out);
    }
    out.extend_from_slice(b",\"entity\":");
    json_str(h.finding.entity.as_str(), out);
    out.extend_from_slice(b",\"score\":");
    json_score(f64::from(h.finding.score), out);
    out.extend_from_slice(b",\"recognizer\":");
    json_str(h.finding.recognizer, out);
    if let Some(v) = h.value {
        out.extend_from_slice(b",\"value\":");
        json_str(v, out);
    }
    if let Some(e) = h.explanation {
        out.extend_from_slice(b",\"explanation\":");
        let _ = serde_json::to_writer(&mut *out, e);
    }
    out.extend_from_slice(b"}\n");
}

/// `{"source", "column", "entities": {ENTITY: share}, "class", "confidence"}`.
pub(super) fn column(source: &str, c: &ColumnClassification, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"source\":");
    json_str(source, out);
    out.extend_from_slice(b",\"column\":");
    json_str(&c.column, out);
    out.extend_from_slice(b",\"entities\":{");
    for (i, (e, share)) in c.entities.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_str(e.as_str(), out);
        out.push(b':');
        json_score(*share, out);
    }
    out.extend_from_slice(b"},\"class\":");
    json_str(c.class.as_str(), out);
    out.extend_from_slice(b",\"confidence\":");
    json_score(f64::from(c.confidence), out);
    out.extend_from_slice(b"}\n");
}
