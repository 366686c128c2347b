//! Plain text: one record per line, the line (without its line ending) is
//! the one field. Lines longer than the window are delivered as
//! overlapping [`Piece`]s so memory stays bounded whatever the input.

use crate::lines::{Chunk, LineSplitter};
use crate::reader::{FormatReader, ReadStats};
use crate::source::ByteStream;
use crate::utf8::{cut_point, push_lossy};
use crate::{Batch, Piece, ReadError, ReadOptions};

pub(crate) struct TextReader {
    name: String,
    opts: ReadOptions,
    lines: LineSplitter<ByteStream>,
    /// Raw bytes of the current line not yet delivered (or re-delivered as
    /// overlap).
    pending: Vec<u8>,
    /// Line number of the line being read (1-based).
    line: u64,
    /// Where `pending` starts within the current line.
    byte_base: u64,
    char_base: u64,
    window: usize,
    overlap: usize,
    scratch: String,
    line_lossy: bool,
}

impl TextReader {
    pub(crate) fn new(name: String, stream: ByteStream, opts: &ReadOptions) -> Self {
        let window = opts.text_window.max(64);
        TextReader {
            name,
            opts: opts.clone(),
            lines: LineSplitter::new(stream),
            pending: Vec::new(),
            line: 1,
            byte_base: 0,
            char_base: 0,
            window,
            overlap: opts.text_overlap.min(window / 2),
            scratch: String::new(),
            line_lossy: false,
        }
    }

    /// Delivers the complete remainder of the current line.
    fn finish_line(&mut self, batch: &mut Batch, stats: &mut ReadStats) {
        if self.pending.last() == Some(&b'\r') {
            self.pending.pop();
        }
        let continued = self.byte_base > 0;
        if !self.pending.is_empty() {
            batch.begin_record(self.line, self.line);
            self.scratch.clear();
            self.line_lossy |= push_lossy(&self.pending, &mut self.scratch);
            let value = batch.push_value(&self.scratch);
            let piece = continued.then_some(Piece {
                byte_base: self.byte_base,
                char_base: self.char_base,
                owned_len: value.len(),
                continued: false,
            });
            batch.push_line(value, piece);
            batch.end_record();
        }
        stats.records += 1;
        if std::mem::take(&mut self.line_lossy) {
            stats.lossy_records += 1;
        }
        self.pending.clear();
        self.line += 1;
        self.byte_base = 0;
        self.char_base = 0;
    }

    /// Delivers one window of a line longer than the window, keeping the
    /// overlap for the next piece.
    fn deliver_piece(&mut self, batch: &mut Batch) {
        let cut = match cut_point(&self.pending, self.window) {
            0 => self.window.min(self.pending.len()),
            c => c,
        };
        self.scratch.clear();
        let head = self.pending.get(..cut).unwrap_or_default();
        self.line_lossy |= push_lossy(head, &mut self.scratch);
        // The owned part ends `overlap` bytes before the cut, on a char
        // boundary of the (valid) text.
        let mut keep = cut.saturating_sub(self.overlap).max(1);
        while keep < self.scratch.len() && !self.scratch.is_char_boundary(keep) {
            keep += 1;
        }
        let keep = keep.min(cut);
        batch.begin_record(self.line, self.line);
        let value = batch.push_value(&self.scratch);
        batch.push_line(
            value,
            Some(Piece {
                byte_base: self.byte_base,
                char_base: self.char_base,
                owned_len: keep,
                continued: true,
            }),
        );
        batch.end_record();
        let owned = self.scratch.get(..keep).unwrap_or_default();
        self.char_base += owned.chars().count() as u64;
        self.byte_base += keep as u64;
        self.pending.drain(..keep);
    }
}

impl FormatReader for TextReader {
    fn fill(&mut self, batch: &mut Batch, stats: &mut ReadStats) -> Result<bool, ReadError> {
        loop {
            if self.opts.is_full(batch) {
                return Ok(true);
            }
            let before = self.lines.consumed();
            let chunk = self.lines.next(&mut self.pending, self.window);
            stats.bytes += self.lines.consumed() - before;
            match chunk.map_err(|e| ReadError::io(&self.name, e))? {
                Chunk::Eof => return Ok(false),
                Chunk::Line => self.finish_line(batch, stats),
                Chunk::Partial => self.deliver_piece(batch),
            }
        }
    }
}
