//! The scan driver: a reader thread turns inputs into batches, a rayon pool
//! scans each batch in chunks, and the main thread hands the chunks'
//! rendered output to the printer in input order, so output is the same
//! whatever the number of threads.
//!
//! Memory stays flat: at most two batches wait in the channel, one is
//! being scanned, and a table's warm-up sample is a bounded number of rows.

use std::ops::Range;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::time::Instant;

use aigis_detect::{ColumnPrior, FieldHint, Finding, PRIOR_WARMUP_ROWS, Scanner, TableProfile};
use aigis_table::{Batch, Field, Input, ReadError, ReadOptions, ReadStats};
use anyhow::Context as _;

use super::hit::{CharOffsets, Hit};
use super::memo::CellMemo;
use super::tally::{EntityCounts, SkippedInput, SkippedRecords, Tally};
use crate::chunks::Pool;
use crate::printer::{Printer, Renderer};

/// Batches that may wait between the reader thread and the scanners.
const CHANNEL_DEPTH: usize = 2;

/// The warm-up sample of a table also ends once it holds this many bytes
/// of values, so wide or huge rows cannot make it large.
const WARMUP_MAX_BYTES: usize = 16 * 1024 * 1024;

/// What a scan run needs besides the printer.
pub(crate) struct ScanJob<'a> {
    /// The configured scanner.
    pub(crate) scanner: &'a Scanner,
    /// Inputs in order.
    pub(crate) inputs: &'a [Input],
    /// Reader limits.
    pub(crate) read: ReadOptions,
    /// Worker threads.
    pub(crate) threads: usize,
    /// Skip unreadable inputs (and bad records, via `read`).
    pub(crate) skip_bad: bool,
    /// Collect explanations.
    pub(crate) explain: bool,
    /// Renders findings on worker threads.
    pub(crate) renderer: &'a Renderer,
}

/// From the reader thread to the main thread.
enum Msg {
    /// An input was opened.
    Begin {
        input: usize,
        columns: Arc<[String]>,
    },
    /// Records of the current input.
    Batch(Batch),
    /// The current input ended normally.
    End(ReadStats),
    /// An input could not be opened, or failed part-way.
    Failed {
        input: usize,
        error: ReadError,
        stats: Option<ReadStats>,
    },
}

/// Runs the scan and returns its counters. Findings are written through
/// `printer` as they are found; column results when each table ends.
pub(crate) fn run(job: &ScanJob<'_>, printer: &mut Printer) -> anyhow::Result<Tally> {
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(job.threads)
        .thread_name(|i| format!("aigis-scan-{i}"))
        .build()
        .context("cannot start the scanning threads")?;
    let mut tally = Tally {
        threads: job.threads,
        ..Tally::default()
    };
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let (tx, rx) = sync_channel(CHANNEL_DEPTH);
        let (recycle_tx, recycle_rx) = channel();
        let read = job.read.clone();
        let inputs = job.inputs;
        scope.spawn(move || read_inputs(inputs, &read, &tx, &recycle_rx));
        let mut current: Option<SourceState> = None;
        for msg in rx {
            match msg {
                Msg::Begin { input, columns } => {
                    let Some(inp) = job.inputs.get(input) else {
                        continue;
                    };
                    printer.begin_source(&inp.source.name());
                    current = Some(SourceState::new(inp, columns));
                }
                Msg::Batch(batch) => {
                    if let Some(state) = current.as_mut() {
                        for done in state.push(job, &pool, batch, printer, &mut tally)? {
                            let _ = recycle_tx.send(done);
                        }
                    }
                }
                Msg::End(stats) => {
                    if let Some(state) = current.take() {
                        let name = state.name.clone();
                        state.finish(job, &pool, printer, &mut tally)?;
                        note_stats(&mut tally, name, &stats);
                    }
                    tally.inputs += 1;
                }
                Msg::Failed {
                    input,
                    error,
                    stats,
                } => {
                    if let Some(state) = current.take() {
                        state.finish(job, &pool, printer, &mut tally)?;
                    }
                    let name = job
                        .inputs
                        .get(input)
                        .map(|i| i.source.name())
                        .unwrap_or_default();
                    if let Some(stats) = &stats {
                        note_stats(&mut tally, name.clone(), stats);
                    }
                    let discovered_binary = matches!(error, ReadError::Binary { .. })
                        && job.inputs.get(input).is_some_and(|i| i.discovered);
                    if !(job.skip_bad || discovered_binary) {
                        return Err(anyhow::Error::new(error));
                    }
                    tally.skipped_inputs.push(SkippedInput {
                        source: name,
                        reason: error.to_string(),
                    });
                }
            }
        }
        Ok(())
    })?;
    tally.seconds = started.elapsed().as_secs_f64();
    Ok(tally)
}

/// Adds one input's reader counters to the tally.
fn note_stats(tally: &mut Tally, name: String, stats: &ReadStats) {
    tally.records += stats.records;
    tally.bytes += stats.bytes;
    if stats.skipped > 0 {
        tally.skipped_records.push(SkippedRecords {
            source: name.clone(),
            count: stats.skipped,
            reasons: stats.skip_reasons.iter().map(ToString::to_string).collect(),
        });
    }
    if stats.lossy_records > 0 {
        tally.lossy.push((name, stats.lossy_records));
    }
}

/// The reader thread: opens each input in turn and sends its batches.
fn read_inputs(
    inputs: &[Input],
    opts: &ReadOptions,
    tx: &SyncSender<Msg>,
    recycle: &Receiver<Batch>,
) {
    for (i, input) in inputs.iter().enumerate() {
        let mut reader = match aigis_table::open(input, opts) {
            Ok(r) => r,
            Err(error) => {
                if tx
                    .send(Msg::Failed {
                        input: i,
                        error,
                        stats: None,
                    })
                    .is_err()
                {
                    return;
                }
                continue;
            }
        };
        if tx
            .send(Msg::Begin {
                input: i,
                columns: reader.columns(),
            })
            .is_err()
        {
            return;
        }
        loop {
            let mut batch = recycle.try_recv().unwrap_or_default();
            match reader.next_batch(&mut batch) {
                Ok(true) => {
                    if tx.send(Msg::Batch(batch)).is_err() {
                        return;
                    }
                }
                Ok(false) => {
                    if tx.send(Msg::End(reader.into_stats())).is_err() {
                        return;
                    }
                    break;
                }
                Err(error) => {
                    if !batch.is_empty() && tx.send(Msg::Batch(batch)).is_err() {
                        return;
                    }
                    let stats = Some(reader.into_stats());
                    if tx
                        .send(Msg::Failed {
                            input: i,
                            error,
                            stats,
                        })
                        .is_err()
                    {
                        return;
                    }
                    break;
                }
            }
        }
    }
}

/// Per-input state on the main thread.
struct SourceState {
    name: String,
    /// True for tables with columns: they get priors and a profile.
    table: bool,
    columns: Arc<[String]>,
    /// Batches held back until the warm-up sample is complete.
    warmup: Vec<Batch>,
    warm_rows: usize,
    warm_bytes: usize,
    priors: Option<Arc<Vec<Option<ColumnPrior>>>>,
    profile: Option<TableProfile>,
    /// Rendered-output buffers, back from the printer for the next chunks.
    rendered: Pool<Vec<u8>>,
    /// The source and column names, escaped for JSON output.
    names: JsonNames,
}

impl SourceState {
    fn new(input: &Input, columns: Arc<[String]>) -> Self {
        let table = input.format.is_table() && !columns.is_empty();
        let name = input.source.name();
        SourceState {
            names: JsonNames::new(&name, &columns),
            name,
            table,
            profile: table.then(|| TableProfile::new(&columns)),
            columns,
            warmup: Vec::new(),
            warm_rows: 0,
            warm_bytes: 0,
            priors: None,
            rendered: Pool::default(),
        }
    }

    /// Takes a batch: held for warm-up, or scanned and printed. Returns
    /// batches that are done with, for reuse.
    fn push(
        &mut self,
        job: &ScanJob<'_>,
        pool: &rayon::ThreadPool,
        batch: Batch,
        printer: &mut Printer,
        tally: &mut Tally,
    ) -> anyhow::Result<Vec<Batch>> {
        if self.table && self.priors.is_none() {
            self.warm_rows += batch.len();
            self.warm_bytes += batch.value_bytes();
            self.warmup.push(batch);
            if self.warm_rows < PRIOR_WARMUP_ROWS && self.warm_bytes < WARMUP_MAX_BYTES {
                return Ok(Vec::new());
            }
            return self.end_warmup(job, pool, printer, tally);
        }
        self.scan_and_print(job, pool, &batch, printer, tally)?;
        Ok(vec![batch])
    }

    /// Learns the priors from the held rows, then scans them for real.
    fn end_warmup(
        &mut self,
        job: &ScanJob<'_>,
        pool: &rayon::ThreadPool,
        printer: &mut Printer,
        tally: &mut Tally,
    ) -> anyhow::Result<Vec<Batch>> {
        let mut warm = TableProfile::new(&self.columns);
        let mut left = PRIOR_WARMUP_ROWS;
        for batch in &self.warmup {
            let n = left.min(batch.len());
            let pass = Pass {
                job,
                source: &self.name,
                columns: &self.columns,
                priors: None,
                emit: false,
                rendered: &self.rendered,
                names: &self.names,
            };
            let out = pass.scan(pool, batch, 0..n);
            for chunk in &out {
                if let Some(p) = &chunk.profile {
                    warm.merge(p);
                }
            }
            left -= n;
            if left == 0 {
                break;
            }
        }
        self.priors = Some(Arc::new(warm.priors()));
        let held = std::mem::take(&mut self.warmup);
        for batch in &held {
            self.scan_and_print(job, pool, batch, printer, tally)?;
        }
        Ok(held)
    }

    fn scan_and_print(
        &mut self,
        job: &ScanJob<'_>,
        pool: &rayon::ThreadPool,
        batch: &Batch,
        printer: &mut Printer,
        tally: &mut Tally,
    ) -> anyhow::Result<()> {
        let priors = self.priors.clone();
        let pass = Pass {
            job,
            source: &self.name,
            columns: &self.columns,
            priors: priors.as_deref().map(Vec::as_slice),
            emit: true,
            rendered: &self.rendered,
            names: &self.names,
        };
        let out = pass.scan(pool, batch, 0..batch.len());
        let mut written = Vec::with_capacity(out.len());
        for chunk in out {
            printer.write_hits(&chunk.rendered)?;
            written.push(chunk.rendered);
            tally.findings.merge(&chunk.counts);
            tally.fields += chunk.fields;
            if let (Some(main), Some(p)) = (self.profile.as_mut(), chunk.profile.as_ref()) {
                main.merge(p);
            }
        }
        self.rendered.give(written);
        printer.progress_batch(batch.input_bytes());
        Ok(())
    }

    /// Scans anything still held and reports the table's columns.
    fn finish(
        mut self,
        job: &ScanJob<'_>,
        pool: &rayon::ThreadPool,
        printer: &mut Printer,
        tally: &mut Tally,
    ) -> anyhow::Result<()> {
        if !self.warmup.is_empty() {
            self.end_warmup(job, pool, printer, tally)?;
        }
        if let Some(profile) = &self.profile {
            printer.columns(&self.name, &profile.classify())?;
        }
        Ok(())
    }
}

/// The names every finding of an input repeats (the source and, in a
/// table, the column), written as JSON strings once per input.
struct JsonNames {
    source: Vec<u8>,
    columns: Vec<Vec<u8>>,
}

impl JsonNames {
    fn new(source: &str, columns: &[String]) -> Self {
        let escape = |s: &str| {
            let mut v = Vec::new();
            crate::printer::json_str(s, &mut v);
            v
        };
        JsonNames {
            source: escape(source),
            columns: columns.iter().map(|c| escape(c)).collect(),
        }
    }

    /// The escaped name of `field` when it is named by its column of
    /// `columns` (the very string, not only an equal one).
    fn field(&self, field: &Field<'_>, columns: &[String]) -> Option<&[u8]> {
        let i = field.column()?;
        let column = columns.get(i)?;
        std::ptr::eq(field.name()?, column.as_str())
            .then(|| self.columns.get(i).map(Vec::as_slice))
            .flatten()
    }
}

/// What scanning one chunk of a batch produced.
struct ChunkOut {
    rendered: Vec<u8>,
    counts: EntityCounts,
    fields: u64,
    profile: Option<TableProfile>,
}

/// One scanning pass over (part of) an input: what the workers share.
struct Pass<'a> {
    job: &'a ScanJob<'a>,
    source: &'a str,
    columns: &'a Arc<[String]>,
    priors: Option<&'a [Option<ColumnPrior>]>,
    /// False for the warm-up pass, which only builds a profile.
    emit: bool,
    /// Where the chunks' output buffers come from.
    rendered: &'a Pool<Vec<u8>>,
    /// The source and column names, escaped for JSON output.
    names: &'a JsonNames,
}

impl Pass<'_> {
    /// Scans `records` of `batch` in parallel chunks; results in record
    /// order.
    fn scan(
        &self,
        pool: &rayon::ThreadPool,
        batch: &Batch,
        records: Range<usize>,
    ) -> Vec<ChunkOut> {
        crate::chunks::map_in_order(pool, self.job.threads, records, |r| {
            self.scan_range(batch, r)
        })
    }

    /// Scans the records `range` of `batch` on the current thread.
    fn scan_range(&self, batch: &Batch, range: Range<usize>) -> ChunkOut {
        let job = self.job;
        let table = !self.columns.is_empty();
        let mut rendered = self.rendered.take();
        rendered.clear();
        let mut out = ChunkOut {
            rendered,
            counts: EntityCounts::default(),
            fields: 0,
            profile: table.then(|| TableProfile::new(self.columns)),
        };
        let mut findings: Vec<Finding> = Vec::new();
        let mut explained = Vec::new();
        let mut memo = CellMemo::default();
        let show_values = job.renderer.show_values();
        for record in range.filter_map(|i| batch.record(i)) {
            for field in record.fields() {
                out.fields += 1;
                let value = field.value();
                let prior = field.column().and_then(|c| self.priors?.get(c)?.as_ref());
                let hint = match field.hint() {
                    Some(name) => FieldHint::named(name).with_prior(prior),
                    None => FieldHint::default(),
                };
                findings.clear();
                explained.clear();
                if job.explain && self.emit {
                    for (f, why) in job.scanner.explain(value, hint) {
                        findings.push(f);
                        explained.push(why);
                    }
                } else {
                    match field.column().filter(|&c| memo.active(c)) {
                        Some(col) if !field.piece().continued => {
                            if let Some(known) = memo.get(col, value) {
                                findings.extend_from_slice(known);
                            } else {
                                job.scanner.scan_into(value, hint, &mut findings);
                                memo.put(col, value, &findings);
                            }
                        }
                        _ => job.scanner.scan_into(value, hint, &mut findings),
                    }
                }
                let piece = field.piece();
                if piece.continued {
                    findings.retain(|f| f.start < piece.owned_len);
                }
                if let (Some(profile), Some(col)) = (out.profile.as_mut(), field.column()) {
                    profile.observe(col, value, &findings);
                }
                if !self.emit {
                    continue;
                }
                let field_json = self.names.field(&field, self.columns);
                let mut chars = CharOffsets::new(&field);
                for (i, f) in findings.iter().enumerate() {
                    out.counts.add(&f.entity);
                    let start = chars.at(f.start);
                    let end = chars.at(f.end);
                    let hit = Hit {
                        source: self.source,
                        record: record.number(),
                        line: record.line(),
                        field: field.name(),
                        start,
                        end,
                        byte_start: chars.byte(f.start),
                        byte_end: chars.byte(f.end),
                        finding: f,
                        value: if show_values {
                            value.get(f.start..f.end)
                        } else {
                            None
                        },
                        explanation: explained.get(i),
                        is_line: field.name().is_none(),
                        source_json: Some(&self.names.source),
                        field_json,
                    };
                    job.renderer.render(&hit, &mut out.rendered);
                }
            }
        }
        out
    }
}
