//! Rewriting one CSV/TSV row from its source bytes: changed cells are
//! encoded again (quoted when the source cell was quoted or when the new
//! value needs it), unchanged cells are copied byte for byte, and a
//! dropped column disappears with its delimiter.

use std::ops::Range;

/// What happens to one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CellEdit<'a> {
    /// The cell stays as it was, byte for byte.
    #[default]
    Keep,
    /// The cell's decoded value becomes this.
    Set(&'a str),
    /// The cell (its column) is left out.
    Drop,
}

/// The parts of a row's source bytes: line endings left over before it
/// (blank lines, the `\n` of a `\r\n`), each cell's bytes and whether it
/// is quoted, and the row's own line ending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// Line-ending bytes before the first cell.
    pub lead: Range<usize>,
    /// Each cell's bytes (quotes included) and whether it starts quoted.
    pub cells: Vec<(Range<usize>, bool)>,
    /// The line ending after the last cell.
    pub tail: Range<usize>,
}

/// Splits a row's source bytes into cells (RFC 4180, as the reader's
/// `csv` parser reads them: a quote is special only at a cell's start).
pub fn split_delimited(raw: &[u8], delimiter: u8) -> RawRow {
    let mut i = 0;
    while matches!(raw.get(i), Some(b'\r' | b'\n')) {
        i += 1;
    }
    let lead = 0..i;
    // Most rows have a few dozen cells: one allocation for all of them.
    let mut cells = Vec::with_capacity(32);
    let end = loop {
        let start = i;
        let quoted = raw.get(i) == Some(&b'"');
        if quoted {
            // A quoted field runs to the quote not followed by another
            // one (a doubled quote is a literal quote).
            i += 1;
            loop {
                match raw.get(i..).and_then(|r| memchr::memchr(b'"', r)) {
                    Some(p) if raw.get(i + p + 1) == Some(&b'"') => i += p + 2,
                    Some(p) => {
                        i += p + 1;
                        break;
                    }
                    None => {
                        i = raw.len();
                        break;
                    }
                }
            }
        }
        // Out of quotes, only the delimiter and a line break end a field
        // (a quote after the field's first byte is an ordinary byte).
        let rest = raw.get(i..).unwrap_or_default();
        match memchr::memchr3(delimiter, b'\r', b'\n', rest) {
            Some(p) => {
                i += p;
                cells.push((start..i, quoted));
                if raw.get(i) == Some(&delimiter) {
                    i += 1;
                    continue;
                }
                break i;
            }
            None => {
                cells.push((start..raw.len(), quoted));
                break raw.len();
            }
        }
    };
    RawRow {
        lead,
        cells,
        tail: end..raw.len(),
    }
}

fn needs_quotes(value: &str, delimiter: u8) -> bool {
    value
        .bytes()
        .any(|b| b == delimiter || b == b'"' || b == b'\r' || b == b'\n')
        || value.starts_with(' ')
        || value.ends_with(' ')
}

/// Writes the row `raw` (as [`crate::Record::raw`] gives it) to `out` with
/// `edits[i]` applied to cell `i` (cells beyond `edits` are kept). A row
/// with no edit other than [`CellEdit::Keep`] is copied unchanged.
pub fn rewrite_delimited(raw: &[u8], delimiter: u8, edits: &[CellEdit<'_>], out: &mut Vec<u8>) {
    if edits.iter().all(|e| *e == CellEdit::Keep) {
        out.extend_from_slice(raw);
        return;
    }
    let row = split_delimited(raw, delimiter);
    out.extend_from_slice(raw.get(row.lead.clone()).unwrap_or_default());
    let mut first = true;
    for (i, (range, quoted)) in row.cells.iter().enumerate() {
        let edit = edits.get(i).copied().unwrap_or_default();
        if edit == CellEdit::Drop {
            continue;
        }
        if !first {
            out.push(delimiter);
        }
        first = false;
        match edit {
            CellEdit::Set(value) => {
                if *quoted || needs_quotes(value, delimiter) {
                    out.push(b'"');
                    for b in value.bytes() {
                        if b == b'"' {
                            out.push(b'"');
                        }
                        out.push(b);
                    }
                    out.push(b'"');
                } else {
                    out.extend_from_slice(value.as_bytes());
                }
            }
            _ => out.extend_from_slice(raw.get(range.clone()).unwrap_or_default()),
        }
    }
    out.extend_from_slice(raw.get(row.tail.clone()).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-by-byte splitter this module used before, as an oracle.
    fn split_bytewise(raw: &[u8], delimiter: u8) -> RawRow {
        let mut i = 0;
        while matches!(raw.get(i), Some(b'\r' | b'\n')) {
            i += 1;
        }
        let lead = 0..i;
        let mut cells = Vec::new();
        let mut start = i;
        let mut quoted = raw.get(i) == Some(&b'"');
        let mut in_quotes = quoted;
        if quoted {
            i += 1;
        }
        let end;
        loop {
            let Some(&b) = raw.get(i) else {
                cells.push((start..i, quoted));
                end = i;
                break;
            };
            if in_quotes {
                if b == b'"' {
                    if raw.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    in_quotes = false;
                }
                i += 1;
                continue;
            }
            if b == delimiter {
                cells.push((start..i, quoted));
                i += 1;
                start = i;
                quoted = raw.get(i) == Some(&b'"');
                in_quotes = quoted;
                if quoted {
                    i += 1;
                }
                continue;
            }
            if b == b'\r' || b == b'\n' {
                cells.push((start..i, quoted));
                end = i;
                break;
            }
            i += 1;
        }
        RawRow {
            lead,
            cells,
            tail: end..raw.len(),
        }
    }

    proptest::proptest! {
        /// Same cells, lead and tail as the byte-by-byte splitter, on rows
        /// made of the bytes that matter (quotes, delimiters, line breaks).
        #[test]
        fn split_matches_bytewise(raw in proptest::collection::vec(
            proptest::sample::select(vec![b'a', b'"', b',', b'\r', b'\n', b' ', b';']), 0..60)
        ) {
            for d in [b',', b';'] {
                let a = split_delimited(&raw, d);
                let b = split_bytewise(&raw, d);
                proptest::prop_assert_eq!(&a.lead, &b.lead);
                proptest::prop_assert_eq!(&a.cells, &b.cells);
                proptest::prop_assert_eq!(&a.tail, &b.tail);
            }
        }
    }

    fn rw(raw: &str, edits: &[CellEdit<'_>]) -> String {
        let mut out = Vec::new();
        rewrite_delimited(raw.as_bytes(), b',', edits, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn splits_quoted_and_plain_cells() {
        let r = split_delimited(b"\na,\"b,\"\"c\"\"\nd\",,e\r\n", b',');
        assert_eq!(r.lead, 0..1);
        let cells: Vec<_> = r.cells.iter().map(|(c, q)| (c.clone(), *q)).collect();
        assert_eq!(
            cells,
            [
                (1..2, false),
                (3..14, true),
                (15..15, false),
                (16..17, false)
            ]
        );
        assert_eq!(r.tail, 17..19);
    }

    #[test]
    fn keeps_style_and_order() {
        use CellEdit::*;
        assert_eq!(rw("a,\"b\",c\n", &[Keep, Set("x"), Keep]), "a,\"x\",c\n");
        assert_eq!(
            rw("a,b,c\n", &[Set("1,2"), Keep, Set("q\"")]),
            "\"1,2\",b,\"q\"\"\"\n"
        );
        assert_eq!(rw("a,b,c", &[Keep, Drop, Set("z")]), "a,z");
        assert_eq!(rw("a,b,c\r\n", &[Drop]), "b,c\r\n");
        assert_eq!(rw(" \"x\ny\" ,b\n", &[]), " \"x\ny\" ,b\n");
        assert_eq!(
            rw("\"x\ny\",b\n", &[Set("line1\nline2"), Keep]),
            "\"line1\nline2\",b\n"
        );
    }

    #[test]
    fn round_trips_through_the_csv_crate() {
        let raw = "\"a\"\"b\",c d,\"e\nf\"\n";
        let mut out = Vec::new();
        rewrite_delimited(
            raw.as_bytes(),
            b',',
            &[CellEdit::Set("<X>"), CellEdit::Set(" y")],
            &mut out,
        );
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&out[..]);
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(rec.iter().collect::<Vec<_>>(), ["<X>", " y", "e\nf"]);
    }
}
