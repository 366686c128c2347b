//! The mask driver: a reader thread turns the input into batches (raw
//! records kept), the rayon pool masks each batch in chunks, and a writer
//! thread writes the chunks' output, quarantine entries and counters in
//! input order (while the next batch is masked), so the output is the
//! same whatever `--threads` is.
//!
//! Tables first hold back a warm-up sample (as `aigis scan` does) to learn
//! column priors and classes; columns classified `direct_identifier` in
//! the sample are masked whole-cell from the first row on.

use std::io::Write;
use std::ops::Range;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use aigis_detect::{
    ColumnClass, ColumnClassification, ColumnPrior, Entity, PRIOR_WARMUP_ROWS, Scanner,
    TableProfile,
};
use aigis_redact::{OperatorKind, RuleSet};
use aigis_table::write::{ParquetEdit, ParquetRewriter};
use aigis_table::{Batch, Input, InputFormat, ReadError, ReadOptions, ReadStats};
use anyhow::Context as _;
use parquet::arrow::arrow_reader::ArrowReaderMetadata;

use super::counts::Counts;
use super::worker::{ASSUME_SHARE, ChunkOut, Shared};
use crate::chunks::Pool;

/// Batches that may wait between the reader thread and the workers.
const CHANNEL_DEPTH: usize = 2;
/// Masked batches that may wait for the writer thread.
const WRITE_DEPTH: usize = 2;
/// A warm-up sample also ends once it holds this many bytes of values.
const WARMUP_MAX_BYTES: usize = 16 * 1024 * 1024;

/// What a mask run needs.
pub(crate) struct MaskJob<'a> {
    pub(crate) scanner: &'a Scanner,
    pub(crate) rules: &'a RuleSet,
    pub(crate) input: &'a Input,
    pub(crate) read: ReadOptions,
    pub(crate) threads: usize,
    pub(crate) verify: bool,
}

/// Where the output goes: a file that appears on commit, or stdout.
pub(crate) enum Sink {
    /// An atomic file, hashed (SHA-256) as it is written.
    File(aigis_table::AtomicFile, Box<sha2::Sha256>),
    /// Standard output.
    Stdout(std::io::BufWriter<std::io::Stdout>),
}

impl Sink {
    /// An atomic file.
    pub(crate) fn file(f: aigis_table::AtomicFile) -> Sink {
        Sink::File(f, Box::default())
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::File(f, h) => {
                let n = f.write(buf)?;
                sha2::Digest::update(h.as_mut(), buf.get(..n).unwrap_or_default());
                Ok(n)
            }
            Sink::Stdout(s) => s.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::File(f, h) => {
                f.write_all(buf)?;
                sha2::Digest::update(h.as_mut(), buf);
                Ok(())
            }
            Sink::Stdout(s) => s.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::File(f, _) => f.flush(),
            Sink::Stdout(s) => s.flush(),
        }
    }
}

/// What a finished run hands back.
pub(crate) struct RunResult {
    pub(crate) counts: Counts,
    pub(crate) columns: Vec<ColumnClassification>,
    pub(crate) stats: ReadStats,
    pub(crate) sink: Sink,
}

/// Buffers handed back for reuse, so that steady state allocates (and
/// page-faults) nothing per batch: the reader's batches come back from the
/// masking thread, the workers' chunk outputs from the writer thread.
#[derive(Default)]
pub(crate) struct Recycler {
    batches: Pool<Batch>,
    chunks: Pool<ChunkOut>,
}

impl Recycler {
    fn batch(&self) -> Batch {
        self.batches.take()
    }

    fn give_batch(&self, batch: Batch) {
        self.batches.give([batch]);
    }

    /// An emptied chunk output (its buffers keep their capacity).
    pub(crate) fn chunk(&self) -> ChunkOut {
        let mut c = self.chunks.take();
        c.reset();
        c
    }

    fn give_chunks(&self, chunks: Vec<ChunkOut>) {
        self.chunks.give(chunks);
    }
}

/// From the reader thread.
enum Msg {
    Begin(Begin),
    Batch(Batch),
    End(ReadStats),
    Failed(ReadError),
}

struct Begin {
    columns: Arc<[String]>,
    header: Vec<u8>,
    delimiter: u8,
    parquet: Option<ArrowReaderMetadata>,
}

enum Writer {
    Bytes(Sink),
    Parquet(Box<ParquetRewriter<Sink>>),
}

/// Runs the mask: output to `sink`, quarantine entries to `quarantine`.
pub(crate) fn run(
    job: &MaskJob<'_>,
    sink: Sink,
    quarantine: &mut (dyn Write + Send),
    progress: &(dyn Fn(u64) + Sync),
) -> anyhow::Result<RunResult> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(job.threads)
        .thread_name(|i| format!("aigis-mask-{i}"))
        .build()
        .context("cannot start the masking threads")?;
    let recycler = Recycler::default();
    let recycler = &recycler;
    std::thread::scope(|scope| -> anyhow::Result<RunResult> {
        let (tx, rx) = sync_channel(CHANNEL_DEPTH);
        let read = job.read.clone();
        let input = job.input;
        scope.spawn(move || read_input(input, &read, &tx, recycler));
        let begin = match rx.recv() {
            Ok(Msg::Begin(begin)) => begin,
            Ok(Msg::Failed(e)) => return Err(anyhow::Error::new(e)),
            _ => anyhow::bail!("the input was never opened"),
        };
        let (mut state, output) = State::new(job, begin, sink, recycler)?;
        let (wtx, wrx) = sync_channel::<Masked>(WRITE_DEPTH);
        let writer = scope.spawn(move || output.run(&wrx, quarantine, progress));
        let mut stats = ReadStats::default();
        let mut failed: Option<anyhow::Error> = None;
        for msg in rx {
            let step = match msg {
                Msg::Begin(_) => Err(anyhow::anyhow!("input opened twice")),
                Msg::Batch(batch) => state.push(job, &pool, batch, &wtx),
                Msg::End(s) => {
                    stats = s;
                    Ok(())
                }
                Msg::Failed(e) => Err(anyhow::Error::new(e)),
            };
            if let Err(e) = step {
                failed = Some(e);
                break;
            }
        }
        if failed.is_none() {
            failed = state.finish(job, &pool, &wtx).err();
        }
        drop(wtx);
        let written = writer
            .join()
            .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
        // A write error explains a failed send: it comes first.
        let (counts, profile, sink) = written?;
        if let Some(e) = failed {
            return Err(e);
        }
        let columns = profile
            .as_ref()
            .map(TableProfile::classify)
            .unwrap_or_default();
        Ok(RunResult {
            counts,
            columns,
            stats,
            sink,
        })
    })
}

fn read_input(input: &Input, opts: &ReadOptions, tx: &SyncSender<Msg>, recycler: &Recycler) {
    let mut reader = match aigis_table::open(input, opts) {
        Ok(r) => r,
        Err(e) => {
            let _ = tx.send(Msg::Failed(e));
            return;
        }
    };
    let begin = Begin {
        columns: reader.columns(),
        header: reader.raw_header().to_vec(),
        delimiter: reader.delimiter().unwrap_or(b','),
        parquet: reader.parquet_metadata().cloned(),
    };
    if tx.send(Msg::Begin(begin)).is_err() {
        return;
    }
    loop {
        let mut batch = recycler.batch();
        match reader.next_batch(&mut batch) {
            Ok(true) => {
                if tx.send(Msg::Batch(batch)).is_err() {
                    return;
                }
            }
            Ok(false) => {
                let _ = tx.send(Msg::End(reader.into_stats()));
                return;
            }
            Err(e) => {
                // Records before the error are not written: the run fails.
                let _ = tx.send(Msg::Failed(e));
                return;
            }
        }
    }
}

/// A masked batch on its way to the writer thread.
struct Masked {
    chunks: Vec<ChunkOut>,
    /// Parquet: the batch's decoded rows.
    rows: Option<arrow_array::RecordBatch>,
    input_bytes: u64,
}

/// Per-input state of the masking (main) thread.
struct State<'r> {
    recycler: &'r Recycler,
    format: InputFormat,
    columns: Arc<[String]>,
    delimiter: u8,
    warmup: Vec<Batch>,
    warm_rows: usize,
    warm_bytes: usize,
    ready: bool,
    priors: Vec<Option<ColumnPrior>>,
    whole_cell: Vec<Option<Entity>>,
    assumed: Vec<Option<f32>>,
    dropped: Vec<bool>,
}

/// The writer thread's side: output, counters, column profile.
struct Output<'r> {
    recycler: &'r Recycler,
    counts: Counts,
    profile: Option<TableProfile>,
    writer: Writer,
    /// Input bytes of the current long line already covered by the
    /// previous piece.
    carry: usize,
}

impl<'r> State<'r> {
    fn new(
        job: &MaskJob<'_>,
        begin: Begin,
        mut sink: Sink,
        recycler: &'r Recycler,
    ) -> anyhow::Result<(State<'r>, Output<'r>)> {
        let format = job.input.format;
        let table = format.is_table() && !begin.columns.is_empty();
        if let Some(subject) = job.rules.subject_column()
            && table
            && !begin.columns.iter().any(|c| c == subject)
        {
            anyhow::bail!(
                "{}: the mask rules' subject_column {subject:?} is not a column of this table (columns: {})",
                job.input.source.name(),
                begin.columns.join(", ")
            );
        }
        let dropped: Vec<bool> = begin
            .columns
            .iter()
            .map(|c| {
                job.rules
                    .column_rule(c)
                    .is_some_and(|op| op.kind() == OperatorKind::Drop)
            })
            .collect();
        let writer = match (&begin.parquet, format) {
            (Some(meta), InputFormat::Parquet) => {
                let drop: Vec<usize> = (0..dropped.len()).filter(|&i| dropped[i]).collect();
                Writer::Parquet(Box::new(ParquetRewriter::new(
                    sink,
                    meta,
                    &begin.columns,
                    &drop,
                    &job.input.source.name(),
                )?))
            }
            _ => {
                if dropped.iter().any(|d| *d) {
                    let mut header = Vec::new();
                    let edits: Vec<_> = dropped
                        .iter()
                        .map(|&d| {
                            if d {
                                aigis_table::write::CellEdit::Drop
                            } else {
                                aigis_table::write::CellEdit::Keep
                            }
                        })
                        .collect();
                    // Header cells are never changed, only dropped.
                    aigis_table::write::rewrite_delimited(
                        &begin.header,
                        begin.delimiter,
                        &edits,
                        &mut header,
                    );
                    sink.write_all(&header)?;
                } else {
                    sink.write_all(&begin.header)?;
                }
                Writer::Bytes(sink)
            }
        };
        let output = Output {
            recycler,
            counts: Counts::default(),
            profile: table.then(|| TableProfile::new(&begin.columns)),
            writer,
            carry: 0,
        };
        let state = State {
            recycler,
            format,
            delimiter: begin.delimiter,
            warmup: Vec::new(),
            warm_rows: 0,
            warm_bytes: 0,
            ready: !table,
            priors: Vec::new(),
            whole_cell: vec![None; begin.columns.len()],
            assumed: vec![None; begin.columns.len()],
            dropped,
            columns: begin.columns,
        };
        Ok((state, output))
    }

    fn shared<'a>(&'a self, job: &'a MaskJob<'a>, profile_only: bool) -> Shared<'a> {
        Shared {
            scanner: job.scanner,
            rules: job.rules,
            format: self.format,
            columns: &self.columns,
            priors: (!self.priors.is_empty()).then_some(self.priors.as_slice()),
            whole_cell: &self.whole_cell,
            assumed: &self.assumed,
            recycler: self.recycler,
            dropped: &self.dropped,
            delimiter: self.delimiter,
            verify: job.verify,
            gate_min: job.rules.gate().min_score,
            profile_only,
        }
    }

    fn push(
        &mut self,
        job: &MaskJob<'_>,
        pool: &rayon::ThreadPool,
        batch: Batch,
        out: &SyncSender<Masked>,
    ) -> anyhow::Result<()> {
        if !self.ready {
            self.warm_rows += batch.len();
            self.warm_bytes += batch.value_bytes();
            self.warmup.push(batch);
            if self.warm_rows < PRIOR_WARMUP_ROWS && self.warm_bytes < WARMUP_MAX_BYTES {
                return Ok(());
            }
            return self.end_warmup(job, pool, out);
        }
        self.mask(job, pool, &batch, out)?;
        self.recycler.give_batch(batch);
        Ok(())
    }

    /// Learns priors and classes from the held rows, then masks them.
    fn end_warmup(
        &mut self,
        job: &MaskJob<'_>,
        pool: &rayon::ThreadPool,
        out: &SyncSender<Masked>,
    ) -> anyhow::Result<()> {
        let mut warm = TableProfile::new(&self.columns);
        let mut left = PRIOR_WARMUP_ROWS;
        for batch in &self.warmup {
            let n = left.min(batch.len());
            let shared = self.shared(job, true);
            for chunk in process(&shared, pool, job.threads, batch, 0..n) {
                if let Some(p) = &chunk.profile {
                    warm.merge(p);
                }
            }
            left -= n;
            if left == 0 {
                break;
            }
        }
        self.priors = warm.priors();
        for cl in warm.classify() {
            if cl.class == ColumnClass::DirectIdentifier
                && let Some(i) = self.columns.iter().position(|c| *c == cl.column)
                && let Some(slot) = self.whole_cell.get_mut(i)
            {
                *slot = cl.entity.clone();
                let share = cl
                    .entities
                    .iter()
                    .find(|(e, _)| Some(e) == cl.entity.as_ref())
                    .map_or(0.0, |(_, share)| *share);
                if share >= ASSUME_SHARE
                    && let Some(a) = self.assumed.get_mut(i)
                {
                    *a = Some(cl.confidence.clamp(0.5, 1.0));
                }
            }
        }
        self.ready = true;
        for batch in std::mem::take(&mut self.warmup) {
            self.mask(job, pool, &batch, out)?;
            self.recycler.give_batch(batch);
        }
        Ok(())
    }

    /// Masks a batch and hands it to the writer thread.
    fn mask(
        &mut self,
        job: &MaskJob<'_>,
        pool: &rayon::ThreadPool,
        batch: &Batch,
        out: &SyncSender<Masked>,
    ) -> anyhow::Result<()> {
        let chunks = {
            let shared = self.shared(job, false);
            process(&shared, pool, job.threads, batch, 0..batch.len())
        };
        out.send(Masked {
            chunks,
            rows: batch.arrow().cloned(),
            input_bytes: batch.input_bytes(),
        })
        .map_err(|_| anyhow::anyhow!("the output writer stopped"))
    }

    fn finish(
        mut self,
        job: &MaskJob<'_>,
        pool: &rayon::ThreadPool,
        out: &SyncSender<Masked>,
    ) -> anyhow::Result<()> {
        if !self.ready {
            self.end_warmup(job, pool, out)?;
        }
        Ok(())
    }
}

impl Output<'_> {
    /// The writer thread: writes masked batches in order until the
    /// channel closes; hands back the counters, the column profile and
    /// the sink.
    fn run(
        mut self,
        rx: &Receiver<Masked>,
        quarantine: &mut (dyn Write + Send),
        progress: &(dyn Fn(u64) + Sync),
    ) -> anyhow::Result<(Counts, Option<TableProfile>, Sink)> {
        for masked in rx {
            self.write(&masked, quarantine)?;
            progress(masked.input_bytes);
            self.recycler.give_chunks(masked.chunks);
        }
        let sink = match self.writer {
            Writer::Bytes(s) => s,
            Writer::Parquet(w) => w.finish()?,
        };
        Ok((self.counts, self.profile, sink))
    }

    fn write(&mut self, masked: &Masked, quarantine: &mut dyn Write) -> anyhow::Result<()> {
        let mut edits: Vec<ParquetEdit<'_>> = Vec::new();
        let mut suppressed: Vec<usize> = Vec::new();
        for chunk in &masked.chunks {
            quarantine
                .write_all(&chunk.quarantine)
                .context("writing the quarantine")?;
            self.counts.add_tally(&chunk.counts);
            if let (Some(main), Some(p)) = (self.profile.as_mut(), chunk.profile.as_ref()) {
                main.merge(p);
            }
            match &mut self.writer {
                Writer::Bytes(sink) => write_bytes(sink, chunk, &mut self.carry)?,
                Writer::Parquet(_) => {
                    edits.extend(chunk.parquet.iter().map(|(row, column, ordinal, value)| {
                        ParquetEdit {
                            row: *row,
                            column: *column,
                            ordinal: *ordinal,
                            value,
                        }
                    }));
                    suppressed.extend(&chunk.suppressed_rows);
                }
            }
        }
        if let Writer::Parquet(w) = &mut self.writer
            && let Some(rows) = &masked.rows
        {
            let keep = (!suppressed.is_empty()).then(|| {
                let mut keep = vec![true; rows.num_rows()];
                for r in &suppressed {
                    if let Some(k) = keep.get_mut(*r) {
                        *k = false;
                    }
                }
                keep
            });
            w.write(rows, &edits, keep.as_deref())?;
        }
        Ok(())
    }
}

/// Writes a chunk's rendered bytes, joining the pieces of long lines.
fn write_bytes(sink: &mut Sink, chunk: &ChunkOut, carry: &mut usize) -> anyhow::Result<()> {
    let mut pos = 0;
    for mark in &chunk.pieces {
        sink.write_all(chunk.bytes.get(pos..mark.start).unwrap_or_default())?;
        let skip = mark.out_offset(*carry).min(mark.end - mark.start);
        sink.write_all(
            chunk
                .bytes
                .get(mark.start + skip..mark.end)
                .unwrap_or_default(),
        )?;
        *carry = if mark.continued { mark.ext } else { 0 };
        pos = mark.end;
    }
    sink.write_all(chunk.bytes.get(pos..).unwrap_or_default())?;
    Ok(())
}

/// Runs `shared` over `records` of `batch` in parallel chunks; results in
/// record order.
fn process(
    shared: &Shared<'_>,
    pool: &rayon::ThreadPool,
    threads: usize,
    batch: &Batch,
    records: Range<usize>,
) -> Vec<ChunkOut> {
    crate::chunks::map_in_order(pool, threads, records, |r| shared.run(batch, r))
}
