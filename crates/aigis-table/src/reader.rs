//! The reader façade: [`open`] picks the reader for an input's format and
//! returns a [`Reader`] that fills [`Batch`]es until the input ends.

use std::sync::Arc;

use crate::source::{open_stream, reject_binary};
use crate::{Batch, Input, InputFormat, ReadError};

/// Limits and behaviour shared by all readers.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Skip bad records (ragged rows, malformed JSON lines, oversized
    /// records) and count them instead of failing.
    pub skip_bad: bool,
    /// Largest record (CSV row, JSON line) buffered; larger ones are an
    /// error ([`ReadError::RecordTooLarge`]). Plain-text lines are never
    /// rejected: they are read in windows instead.
    pub max_record_bytes: usize,
    /// A batch is full once it holds this many bytes of values.
    pub batch_bytes: usize,
    /// A batch is full once it holds this many records.
    pub batch_records: usize,
    /// Plain-text lines longer than this are delivered in pieces of at
    /// most this many bytes.
    pub text_window: usize,
    /// Consecutive pieces of a long line overlap by this many bytes, so a
    /// finding cut by one piece's end is whole in the next.
    pub text_overlap: usize,
    /// Field delimiter for CSV input; `None` sniffs it from the header line
    /// (`,` `;` `|` or tab). TSV always uses tab.
    pub delimiter: Option<u8>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            skip_bad: false,
            max_record_bytes: 64 * 1024 * 1024,
            batch_bytes: 1024 * 1024,
            batch_records: 8192,
            text_window: 1024 * 1024,
            text_overlap: 4096,
            delimiter: None,
        }
    }
}

impl ReadOptions {
    /// True once `batch` should be handed on.
    pub(crate) fn is_full(&self, batch: &Batch) -> bool {
        batch.held_bytes() >= self.batch_bytes || batch.len() >= self.batch_records
    }
}

/// Counters a reader keeps while reading one input.
#[derive(Debug, Default)]
pub struct ReadStats {
    /// Records read (lines, rows), including empty ones and skipped ones.
    pub records: u64,
    /// Bytes of input consumed.
    pub bytes: u64,
    /// Records skipped as bad (only with [`ReadOptions::skip_bad`]).
    pub skipped: u64,
    /// The first few skip reasons, in order.
    pub skip_reasons: Vec<ReadError>,
    /// Records in which invalid UTF-8 bytes were replaced.
    pub lossy_records: u64,
}

impl ReadStats {
    /// How many skip reasons are kept.
    pub const KEPT_REASONS: usize = 5;

    /// Counts a skipped record and keeps its reason if there is room.
    pub(crate) fn skip(&mut self, why: ReadError) {
        self.skipped += 1;
        if self.skip_reasons.len() < Self::KEPT_REASONS {
            self.skip_reasons.push(why);
        }
    }

    /// Handles a record-level error: counted when skipping bad records,
    /// returned otherwise.
    pub(crate) fn skip_or_fail(
        &mut self,
        opts: &ReadOptions,
        why: ReadError,
    ) -> Result<(), ReadError> {
        if opts.skip_bad {
            self.skip(why);
            Ok(())
        } else {
            Err(why)
        }
    }
}

/// What every format's reader implements.
pub(crate) trait FormatReader: Send {
    /// Appends records to `batch` until it is full or the input ends;
    /// returns false once the input is exhausted.
    fn fill(&mut self, batch: &mut Batch, stats: &mut ReadStats) -> Result<bool, ReadError>;

    /// Column names, for table formats.
    fn columns(&self) -> Arc<[String]> {
        Arc::from(Vec::new())
    }
}

/// Reads one input as a sequence of [`Batch`]es.
pub struct Reader {
    inner: Box<dyn FormatReader>,
    opts: ReadOptions,
    stats: ReadStats,
    done: bool,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("stats", &self.stats)
            .field("done", &self.done)
            .finish()
    }
}

/// Opens `input` for reading with the reader for its format.
///
/// Text, CSV and JSONL inputs whose first bytes contain a NUL byte are
/// rejected as binary. A CSV/TSV header is read here; Parquet metadata is
/// read here.
pub fn open(input: &Input, opts: &ReadOptions) -> Result<Reader, ReadError> {
    let name = input.source.name();
    let inner: Box<dyn FormatReader> = match input.format {
        InputFormat::Parquet => Box::new(crate::parquet::ParquetReader::open(&input.source, opts)?),
        format => {
            let mut stream = open_stream(&input.source)?;
            reject_binary(&mut stream, &name, format)?;
            match format {
                InputFormat::Csv => Box::new(crate::delimited::DelimitedReader::open(
                    name, stream, opts, None,
                )?),
                InputFormat::Tsv => Box::new(crate::delimited::DelimitedReader::open(
                    name,
                    stream,
                    opts,
                    Some(b'\t'),
                )?),
                InputFormat::Jsonl => Box::new(crate::jsonl::JsonlReader::new(name, stream, opts)),
                _ => Box::new(crate::text::TextReader::new(name, stream, opts)),
            }
        }
    };
    Ok(Reader {
        inner,
        opts: opts.clone(),
        stats: ReadStats::default(),
        done: false,
    })
}

impl Reader {
    /// Clears `batch` and fills it with the next records. Returns false
    /// (with an empty batch) once the input is exhausted.
    ///
    /// After an error the reader is finished, but `batch` still holds the
    /// complete records read before the error, so a caller can scan what
    /// was readable before reporting it.
    pub fn next_batch(&mut self, batch: &mut Batch) -> Result<bool, ReadError> {
        batch.clear();
        batch.set_columns(self.inner.columns());
        if self.done {
            return Ok(false);
        }
        let before = self.stats.bytes;
        let result = self.inner.fill(batch, &mut self.stats);
        batch.add_input_bytes(self.stats.bytes.saturating_sub(before));
        match result {
            Ok(more) => {
                self.done = !more;
                Ok(more || !batch.is_empty())
            }
            Err(e) => {
                self.done = true;
                Err(e)
            }
        }
    }

    /// Column names of a table input (empty for text and JSONL).
    pub fn columns(&self) -> Arc<[String]> {
        self.inner.columns()
    }

    /// Counters so far.
    pub fn stats(&self) -> &ReadStats {
        &self.stats
    }

    /// The counters, consuming the reader.
    pub fn into_stats(self) -> ReadStats {
        self.stats
    }

    /// The options this reader was opened with.
    pub fn options(&self) -> &ReadOptions {
        &self.opts
    }
}
