//! CSV and TSV: a header row names the columns, every following row is a
//! record, every non-empty cell a field. Quoting, doubled quotes and
//! newlines inside quoted fields follow RFC 4180 (the `csv` crate).
//!
//! The `csv` crate accepts two kinds of damage silently, so this reader
//! checks them itself: rows with a different number of fields than the
//! header ([`ReadError::RaggedRow`]) and a quoted field still open at the
//! end of the input ([`ReadError::UnterminatedQuote`], found by tracking
//! the quoting state of the raw bytes in [`Guard`]). The guard also caps
//! the bytes one row may span ([`ReadError::RecordTooLarge`]).

use std::io::{self, BufRead, Read};
use std::sync::Arc;

use crate::reader::{FormatReader, ReadStats};
use crate::source::{ByteStream, READ_BUFFER};
use crate::{Batch, ReadError, ReadOptions};

/// Quoting state of the raw byte stream, mirroring the `csv` crate's
/// parser (quotes are special only at the start of a field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    StartField,
    InField,
    InQuoted,
    QuoteInQuoted,
}

/// The marker error the guard raises when one row grows past the limit.
#[derive(Debug)]
struct TooLarge;

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("record too large")
    }
}

impl std::error::Error for TooLarge {}

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Sits between the `csv` parser and the input: counts bytes, enforces the
/// per-row limit and tracks whether a quoted field is open.
struct Guard<R> {
    inner: R,
    delimiter: u8,
    state: Quoting,
    total: u64,
    record_start: u64,
    limit: u64,
    eof: bool,
    bom_seen: usize,
    /// Raw bytes read but not yet handed to a record (with `keep_raw`).
    capture: Option<Capture>,
}

/// The raw bytes of the input read but not yet handed to a record.
///
/// Records are taken from the front by moving an offset; the bytes taken
/// are dropped only when more input is appended, so each byte is moved at
/// most once per read buffer instead of once per record.
#[derive(Debug, Default)]
struct Capture {
    buf: Vec<u8>,
    /// Bytes of `buf` already taken.
    taken: usize,
    /// Input offset of `buf[taken]`.
    base: u64,
}

impl Capture {
    /// Appends bytes just read, first dropping the ones already taken.
    fn append(&mut self, got: &[u8]) {
        if self.taken > 0 {
            self.buf.drain(..self.taken);
            self.taken = 0;
        }
        self.buf.extend_from_slice(got);
    }

    /// The bytes not yet taken.
    fn pending(&self) -> &[u8] {
        self.buf.get(self.taken..).unwrap_or_default()
    }

    /// Takes the pending bytes up to input offset `upto` (at most all).
    fn take(&mut self, upto: u64) -> &[u8] {
        let n = usize::try_from(upto.saturating_sub(self.base))
            .unwrap_or(usize::MAX)
            .min(self.pending().len());
        let from = self.taken;
        self.taken += n;
        self.base += n as u64;
        self.buf.get(from..self.taken).unwrap_or_default()
    }
}

impl<R: Read> Guard<R> {
    /// Moves the captured bytes up to input offset `upto` into `batch` (or
    /// drops them when `batch` is `None`).
    fn take_raw(&mut self, upto: u64, batch: Option<&mut Batch>) {
        let Some(capture) = self.capture.as_mut() else {
            return;
        };
        let raw = capture.take(upto);
        if let Some(batch) = batch {
            batch.push_raw(raw);
        }
    }

    fn track(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while self.bom_seen < BOM.len() {
            match (bytes.get(i), BOM.get(self.bom_seen)) {
                (Some(b), Some(want)) if b == want => {
                    self.bom_seen += 1;
                    i += 1;
                }
                (None, _) => return,
                _ => {
                    if self.bom_seen > 0 {
                        self.state = Quoting::InField;
                    }
                    self.bom_seen = BOM.len();
                }
            }
        }
        let d = self.delimiter;
        while let Some(rest) = bytes.get(i..) {
            let Some(&b) = rest.first() else { break };
            match self.state {
                Quoting::InQuoted => match memchr::memchr(b'"', rest) {
                    Some(p) => {
                        self.state = Quoting::QuoteInQuoted;
                        i += p + 1;
                    }
                    None => break,
                },
                Quoting::InField => match memchr::memchr3(d, b'\n', b'\r', rest) {
                    Some(p) => {
                        self.state = Quoting::StartField;
                        i += p + 1;
                    }
                    None => break,
                },
                // At the start of a field a quote opens a quoted field;
                // right after a quote inside one, a second quote is an
                // escaped quote and keeps it open. Either way a delimiter or
                // line end starts a new field and anything else is data.
                Quoting::StartField | Quoting::QuoteInQuoted => {
                    self.state = if b == b'"' {
                        Quoting::InQuoted
                    } else if b == d || b == b'\n' || b == b'\r' {
                        Quoting::StartField
                    } else {
                        Quoting::InField
                    };
                    i += 1;
                }
            }
        }
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.total.saturating_sub(self.record_start) > self.limit {
            return Err(io::Error::other(TooLarge));
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.eof = true;
        }
        let got = buf.get(..n).unwrap_or_default();
        self.track(got);
        if let Some(capture) = self.capture.as_mut() {
            capture.append(got);
        }
        self.total += n as u64;
        Ok(n)
    }
}

pub(crate) struct DelimitedReader {
    name: String,
    opts: ReadOptions,
    csv: csv::Reader<Guard<ByteStream>>,
    columns: Arc<[String]>,
    record: csv::ByteRecord,
    row: u64,
    delimiter: u8,
    raw_header: Vec<u8>,
}

/// Picks the delimiter from the first line: the most frequent of `,` `;`
/// `|` and tab outside quotes (ties and none: `,`).
fn sniff_delimiter(head: &[u8]) -> u8 {
    let line = memchr::memchr(b'\n', head)
        .and_then(|i| head.get(..i))
        .unwrap_or(head);
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted
            && let Some(c) = candidates
                .iter()
                .position(|&c| c == b)
                .and_then(|i| counts.get_mut(i))
        {
            *c += 1;
        }
    }
    let mut best = 0;
    for (i, &c) in counts.iter().enumerate() {
        if c > counts.get(best).copied().unwrap_or(0) {
            best = i;
        }
    }
    candidates.get(best).copied().unwrap_or(b',')
}

impl DelimitedReader {
    /// Opens a delimited reader and reads the header row. `fixed` forces
    /// the delimiter (TSV); otherwise the option or the sniffed one is used.
    pub(crate) fn open(
        name: String,
        mut stream: ByteStream,
        opts: &ReadOptions,
        fixed: Option<u8>,
    ) -> Result<Self, ReadError> {
        let delimiter = match fixed.or(opts.delimiter) {
            Some(d) => d,
            None => sniff_delimiter(stream.fill_buf().map_err(|e| ReadError::io(&name, e))?),
        };
        let guard = Guard {
            inner: stream,
            delimiter,
            state: Quoting::StartField,
            total: 0,
            record_start: 0,
            limit: opts.max_record_bytes as u64,
            eof: false,
            bom_seen: 0,
            capture: opts.keep_raw.then(Capture::default),
        };
        let csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(true)
            .buffer_capacity(READ_BUFFER)
            .from_reader(guard);
        let mut reader = DelimitedReader {
            name,
            opts: opts.clone(),
            csv,
            columns: Arc::from(Vec::new()),
            record: csv::ByteRecord::new(),
            row: 0,
            delimiter,
            raw_header: Vec::new(),
        };
        let header = match reader.csv.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(reader.map_error(e, 1)),
        };
        reader.check_unterminated(0, 1)?;
        let header_end = reader.csv.position().byte();
        reader.csv.get_mut().record_start = header_end;
        if let Some(capture) = reader.csv.get_mut().capture.as_mut() {
            reader.raw_header = capture.take(header_end).to_vec();
        }
        let columns: Vec<String> = header
            .iter()
            .map(|h| {
                let mut s = String::new();
                crate::utf8::push_lossy(h, &mut s);
                s
            })
            .collect();
        reader.columns = Arc::from(columns);
        Ok(reader)
    }

    fn map_error(&self, e: csv::Error, line: u64) -> ReadError {
        match e.into_kind() {
            csv::ErrorKind::Io(io) if io.get_ref().is_some_and(|inner| inner.is::<TooLarge>()) => {
                ReadError::RecordTooLarge {
                    source_name: self.name.clone(),
                    line,
                    limit: self.opts.max_record_bytes,
                }
            }
            csv::ErrorKind::Io(io) => ReadError::io(&self.name, io),
            other => ReadError::Io {
                source_name: self.name.clone(),
                io: io::Error::other(format!("{other:?}")),
            },
        }
    }

    /// Fails when the record just read ran to the end of the input inside a
    /// quoted field.
    fn check_unterminated(&self, row: u64, line: u64) -> Result<(), ReadError> {
        let guard = self.csv.get_ref();
        if guard.eof
            && guard.state == Quoting::InQuoted
            && self.csv.position().byte() >= guard.total
        {
            return Err(ReadError::UnterminatedQuote {
                source_name: self.name.clone(),
                row,
                line,
            });
        }
        Ok(())
    }
}

impl FormatReader for DelimitedReader {
    fn fill(&mut self, batch: &mut Batch, stats: &mut ReadStats) -> Result<bool, ReadError> {
        let result = self.fill_rows(batch, stats);
        stats.bytes = self.csv.position().byte();
        result
    }

    fn columns(&self) -> Arc<[String]> {
        self.columns.clone()
    }

    fn raw_header(&self) -> &[u8] {
        &self.raw_header
    }

    fn delimiter(&self) -> Option<u8> {
        Some(self.delimiter)
    }
}

impl DelimitedReader {
    fn fill_rows(&mut self, batch: &mut Batch, stats: &mut ReadStats) -> Result<bool, ReadError> {
        while !self.opts.is_full(batch) {
            let start_line = self.csv.position().line();
            match self.csv.read_byte_record(&mut self.record) {
                Ok(false) => {
                    // Bytes after the last record (a final blank line)
                    // go to the writer as a record without fields.
                    let end = self.csv.get_ref().total;
                    let guard = self.csv.get_mut();
                    if guard
                        .capture
                        .as_ref()
                        .is_some_and(|c| !c.pending().is_empty())
                    {
                        batch.begin_record(self.row + 1, start_line);
                        guard.take_raw(end, Some(batch));
                        batch.end_record();
                    }
                    return Ok(false);
                }
                Ok(true) => {}
                Err(e) => return Err(self.map_error(e, start_line)),
            }
            self.row += 1;
            stats.records += 1;
            let line = self
                .record
                .position()
                .map_or(start_line, csv::Position::line);
            self.check_unterminated(self.row, line)?;
            let end = self.csv.position().byte();
            self.csv.get_mut().record_start = end;
            if self.record.len() != self.columns.len() {
                self.csv.get_mut().take_raw(end, None);
                let err = ReadError::RaggedRow {
                    source_name: self.name.clone(),
                    row: self.row,
                    line,
                    expected: self.columns.len(),
                    found: self.record.len(),
                };
                stats.skip_or_fail(&self.opts, err)?;
                continue;
            }
            batch.begin_record(self.row, line);
            self.csv.get_mut().take_raw(end, Some(batch));
            let mut lossy = false;
            // One UTF-8 check for the whole record (its fields stored side
            // by side) instead of one per cell; a record that fails it is
            // converted cell by cell.
            let whole = std::str::from_utf8(self.record.as_slice()).ok();
            for (column, cell) in self.record.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let text = whole.and_then(|w| w.get(self.record.range(column)?));
                let value = match text {
                    Some(t) => batch.push_value(t),
                    None => {
                        let (value, l) = batch.push_value_lossy(cell);
                        lossy |= l;
                        value
                    }
                };
                batch.push_cell(value, column);
            }
            batch.end_record();
            if lossy {
                stats.lossy_records += 1;
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Taking records from the capture while chunks are appended gives
        /// back exactly the input, split where the records end.
        #[test]
        fn capture_hands_back_the_input(
            data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            chunk in 1usize..64,
            cuts in proptest::collection::vec(0usize..400, 0..20),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(data.len())).collect();
            cuts.sort_unstable();
            let mut c = Capture::default();
            let mut fed = 0;
            let mut got = Vec::new();
            for &cut in &cuts {
                while fed < cut {
                    let end = (fed + chunk).min(data.len());
                    c.append(&data[fed..end]);
                    fed = end;
                }
                let before = got.len();
                got.extend_from_slice(c.take(cut as u64));
                proptest::prop_assert_eq!(got.len(), cut.max(before));
            }
            c.append(&data[fed..]);
            got.extend_from_slice(c.take(u64::MAX));
            proptest::prop_assert_eq!(&got, &data);
            proptest::prop_assert!(c.pending().is_empty());
        }
    }

    fn guard_state(data: &[u8], chunk: usize) -> Quoting {
        let mut g = Guard {
            inner: io::empty(),
            delimiter: b',',
            state: Quoting::StartField,
            total: 0,
            record_start: 0,
            limit: u64::MAX,
            eof: false,
            bom_seen: 0,
            capture: None,
        };
        for c in data.chunks(chunk) {
            g.track(c);
        }
        g.state
    }

    #[test]
    fn guard_tracks_quotes_like_csv() {
        for chunk in [1, 2, 3, 100] {
            assert_eq!(guard_state(b"a,\"b\nc\"\n", chunk), Quoting::StartField);
            assert_eq!(guard_state(b"a,\"b\"\"c", chunk), Quoting::InQuoted);
            assert_eq!(guard_state(b"5\"x,\"y\"\"\"\n", chunk), Quoting::StartField);
            assert_eq!(guard_state(b"\xEF\xBB\xBF\"a,b", chunk), Quoting::InQuoted);
            assert_eq!(guard_state(b"x,\"open", chunk), Quoting::InQuoted);
        }
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1,2;3"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\n"), b'\t');
        assert_eq!(sniff_delimiter(b"\"a;b\"|c\n"), b'|');
        assert_eq!(sniff_delimiter(b"single\n"), b',');
    }
}
