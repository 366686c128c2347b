//! Everything `aigis scan` writes: findings and column results on stdout
//! (human summary, JSON lines or SARIF), messages and the progress bar on
//! stderr. The one module that prints.
//!
//! Findings are rendered to bytes on the worker threads by the
//! [`Renderer`] (so output formatting scales with the scan); the
//! [`Printer`] on the main thread writes them in order.

#![allow(clippy::print_stderr)] // the printer is where messages reach the user

mod human;
mod json;
mod progress;
mod sarif;

use std::io::{self, BufWriter, Write as _};

use aigis_detect::ColumnClassification;

use crate::cli::ScanFormat;
use crate::scan::{Hit, Tally};

pub(crate) use progress::Progress;

/// Renders single findings; shared by the worker threads.
#[derive(Debug, Clone)]
pub(crate) struct Renderer {
    format: ScanFormat,
    show_values: bool,
    explain: bool,
    columns_only: bool,
}

impl Renderer {
    /// A renderer for the chosen output.
    pub(crate) fn new(
        format: ScanFormat,
        show_values: bool,
        explain: bool,
        columns_only: bool,
    ) -> Self {
        Renderer {
            format,
            show_values,
            explain,
            columns_only,
        }
    }

    /// Whether findings carry their matched text.
    pub(crate) fn show_values(&self) -> bool {
        self.show_values && !self.columns_only
    }

    /// Appends the output for one finding (nothing when the format shows
    /// only a summary or columns).
    pub(crate) fn render(&self, hit: &Hit<'_>, out: &mut Vec<u8>) {
        if self.columns_only {
            return;
        }
        match self.format {
            ScanFormat::Json => json::hit(hit, out),
            ScanFormat::Sarif => {
                out.push(b',');
                sarif::hit(hit, out);
            }
            ScanFormat::Human if self.explain || self.show_values => human::hit(hit, out),
            ScanFormat::Human => {}
        }
    }
}

/// What the summary needs to know about the settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SummaryInfo {
    /// The minimum score in force.
    pub(crate) min_score: f32,
}

/// Writes to stdout and stderr on the main thread.
pub(crate) struct Printer {
    format: ScanFormat,
    columns_only: bool,
    quiet: bool,
    out: BufWriter<io::StdoutLock<'static>>,
    /// SARIF: results written so far (the first has its comma dropped).
    results: u64,
    /// Human: column classifications per table, for the summary.
    tables: Vec<(String, Vec<ColumnClassification>)>,
    progress: Progress,
}

impl Printer {
    /// A printer for the chosen output; `progress` decides about the bar.
    pub(crate) fn new(
        format: ScanFormat,
        columns_only: bool,
        quiet: bool,
        progress: Progress,
    ) -> Self {
        Printer {
            format,
            columns_only,
            quiet,
            out: BufWriter::with_capacity(256 * 1024, io::stdout().lock()),
            results: 0,
            tables: Vec::new(),
            progress,
        }
    }

    /// Writes what comes before any finding (the SARIF preamble).
    pub(crate) fn begin(&mut self) -> io::Result<()> {
        if self.format == ScanFormat::Sarif {
            sarif::begin(&mut self.out)?;
        }
        Ok(())
    }

    /// A new input starts.
    pub(crate) fn begin_source(&mut self, name: &str) {
        self.progress.set_source(name);
    }

    /// Writes the rendered findings of one chunk.
    pub(crate) fn write_hits(&mut self, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        if self.format == ScanFormat::Sarif {
            let bytes = if self.results == 0 {
                bytes.get(1..).unwrap_or_default()
            } else {
                bytes
            };
            self.results += 1;
            return self.out.write_all(bytes);
        }
        self.out.write_all(bytes)
    }

    /// A batch of input was scanned.
    pub(crate) fn progress_batch(&mut self, bytes: u64) {
        self.progress.advance(bytes);
    }

    /// The column classification of a table that ended.
    pub(crate) fn columns(
        &mut self,
        source: &str,
        columns: &[ColumnClassification],
    ) -> io::Result<()> {
        match self.format {
            ScanFormat::Json if self.columns_only => {
                let mut buf = Vec::new();
                for c in columns {
                    json::column(source, c, &mut buf);
                }
                self.out.write_all(&buf)
            }
            ScanFormat::Sarif if self.columns_only => {
                for c in columns.iter().filter(|c| c.entity.is_some()) {
                    let mut buf = Vec::new();
                    if self.results > 0 {
                        buf.push(b',');
                    }
                    sarif::column(source, c, &mut buf);
                    self.results += 1;
                    self.out.write_all(&buf)?;
                }
                Ok(())
            }
            ScanFormat::Human => {
                self.tables.push((source.to_owned(), columns.to_vec()));
                Ok(())
            }
            ScanFormat::Json | ScanFormat::Sarif => Ok(()),
        }
    }

    /// Writes what comes after the last finding: the SARIF epilogue, the
    /// human summary, and warnings about skipped input on stderr.
    pub(crate) fn finish(&mut self, tally: &Tally, info: SummaryInfo) -> io::Result<()> {
        self.progress.finish();
        match self.format {
            ScanFormat::Sarif => sarif::end(&mut self.out, tally, None)?,
            ScanFormat::Human => {
                let mut buf = Vec::new();
                human::summary(tally, info, &self.tables, &mut buf);
                self.out.write_all(&buf)?;
            }
            ScanFormat::Json => {
                if !self.quiet {
                    let mut buf = Vec::new();
                    human::totals(tally, info, &mut buf);
                    eprint!("{}", String::from_utf8_lossy(&buf));
                }
            }
        }
        self.out.flush()?;
        self.warnings(tally);
        Ok(())
    }

    /// Closes the output after an error so that what was written stays
    /// well-formed (SARIF gets an unsuccessful invocation).
    pub(crate) fn abort(&mut self, tally: &Tally, error: &anyhow::Error) {
        self.progress.finish();
        if self.format == ScanFormat::Sarif {
            let _ = sarif::end(&mut self.out, tally, Some(&format!("{error:#}")));
        }
        let _ = self.out.flush();
    }

    /// Warnings about skipped inputs, records and replaced bytes.
    fn warnings(&self, tally: &Tally) {
        for s in &tally.skipped_inputs {
            if s.source.is_empty() {
                eprintln!("warning: skipped {}", s.reason);
            } else {
                eprintln!("warning: skipped {}: {}", s.source, s.reason);
            }
        }
        for s in &tally.skipped_records {
            eprintln!("warning: {}: skipped {} bad record(s)", s.source, s.count);
            for r in &s.reasons {
                eprintln!("  {r}");
            }
        }
        if !self.quiet {
            for (source, n) in &tally.lossy {
                eprintln!(
                    "note: {source}: {n} record(s) with invalid UTF-8; bad bytes were read as U+001A, offsets are byte-exact"
                );
            }
        }
    }
}

/// Writes a JSON string (quoted and escaped) to `out`.
pub(crate) fn json_str(s: &str, out: &mut Vec<u8>) {
    // Most strings (entity and recognizer names, paths, column names) need
    // no escaping: copy them between quotes.
    if !needs_escape(s.as_bytes()) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
        return;
    }
    // Writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Whether `b` holds a byte JSON must escape (a control byte, `"` or
/// `\`), tested eight bytes at a time.
fn needs_escape(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Non-zero when some byte of `v` is below `n` (n <= 0x80): the
    // classic "has less" bit trick, exact as a yes/no answer.
    let below = |v: u64, n: u8| v.wrapping_sub(ONES * u64::from(n)) & !v & HIGH;
    let has = |v: u64, x: u8| below(v ^ (ONES * u64::from(x)), 1);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let Ok(a) = <[u8; 8]>::try_from(c) else {
            return true;
        };
        let v = u64::from_le_bytes(a);
        if below(v, 0x20) | has(v, b'"') | has(v, b'\\') != 0 {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&x| x < 0x20 || x == b'"' || x == b'\\')
}

/// Writes an unsigned integer in decimal to `out`.
pub(crate) fn json_u64(n: u64, out: &mut Vec<u8>) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A score rounded to 4 decimals, as JSON.
pub(crate) fn json_score(score: f64, out: &mut Vec<u8>) {
    let scaled = (score * 10_000.0).round();
    if scaled.is_sign_positive() && scaled < 10_000.0 {
        // `0.` and up to four digits without trailing zeros: what serde
        // writes for the nearest double to scaled / 10^4 (its shortest
        // round-trip form), without the float formatter.
        let mut k = scaled as u32;
        let mut digits = [b'0'; 4];
        for d in digits.iter_mut().rev() {
            *d = b'0' + (k % 10) as u8;
            k /= 10;
        }
        let len = digits.iter().rposition(|&d| d != b'0').map_or(1, |i| i + 1);
        out.extend_from_slice(b"0.");
        out.extend_from_slice(&digits[..len]);
        return;
    }
    let _ = serde_json::to_writer(&mut *out, &(scaled / 10_000.0));
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn escape_test_agrees_with_bytewise(s in "[ -~\\t\\n\\x00é\"\\\\]{0,40}") {
            let slow = s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\');
            proptest::prop_assert_eq!(needs_escape(s.as_bytes()), slow);
        }
    }

    #[test]
    fn json_writers_match_serde_json() {
        for s in [
            "",
            "plain",
            "a\"b",
            "back\\slash",
            "tab\tnew\nline",
            "\u{1}\u{1f}\u{7f}",
            "Müller 🙏",
            "$['first name']",
            "/a/long/path/without/escapes/at/all.csv",
            "/a/long/path/with/a\"quote/in/the/middle.csv",
            "0123456789abcdef\\",
            "0123456\u{1f}89abcdef",
        ] {
            let mut out = Vec::new();
            json_str(s, &mut out);
            assert_eq!(out, serde_json::to_vec(s).unwrap(), "{s:?}");
        }
        for k in 0..=10_000u32 {
            let score = f64::from(k) / 10_000.0;
            for x in [score, score + 0.000_04, score - 0.000_04] {
                let mut out = Vec::new();
                json_score(x, &mut out);
                let rounded = (x * 10_000.0).round() / 10_000.0;
                assert_eq!(out, serde_json::to_vec(&rounded).unwrap(), "{x}");
            }
        }
        for x in [
            f64::from(0.9826_f32),
            f64::from(0.85_f32),
            -0.5,
            1.5,
            f64::NAN,
        ] {
            let mut out = Vec::new();
            json_score(x, &mut out);
            let rounded = (x * 10_000.0).round() / 10_000.0;
            assert_eq!(out, serde_json::to_vec(&rounded).unwrap(), "{x}");
        }
        for n in [0u64, 7, 10, 99, 12_345, u64::MAX] {
            let mut out = Vec::new();
            json_u64(n, &mut out);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }
}
