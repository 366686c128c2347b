//! Splitting a byte stream into lines without ever buffering more than a
//! given number of bytes of one line.

use std::io::{self, BufRead};

/// What [`LineSplitter::next`] appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chunk {
    /// The rest of a line (without its `\n`; a trailing `\r` is left for
    /// the caller).
    Line,
    /// The buffer reached the limit before the end of the line.
    Partial,
    /// No more input.
    Eof,
}

/// Reads lines from a buffered stream in bounded pieces.
pub(crate) struct LineSplitter<R> {
    inner: R,
    consumed: u64,
}

impl<R: BufRead> LineSplitter<R> {
    pub(crate) fn new(inner: R) -> Self {
        LineSplitter { inner, consumed: 0 }
    }

    /// Total bytes consumed from the stream (newlines included).
    pub(crate) fn consumed(&self) -> u64 {
        self.consumed
    }

    /// Appends bytes of the current line to `out` until the newline (which
    /// is consumed, not appended), the end of input, or until `out` holds
    /// `limit` bytes.
    pub(crate) fn next(&mut self, out: &mut Vec<u8>, limit: usize) -> io::Result<Chunk> {
        let mut got_any = false;
        loop {
            if out.len() >= limit {
                return Ok(Chunk::Partial);
            }
            let buf = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(if got_any || !out.is_empty() {
                    Chunk::Line
                } else {
                    Chunk::Eof
                });
            }
            got_any = true;
            let room = limit - out.len();
            let window = buf.get(..room.min(buf.len())).unwrap_or(buf);
            if let Some(i) = memchr::memchr(b'\n', window) {
                out.extend_from_slice(window.get(..i).unwrap_or_default());
                self.inner.consume(i + 1);
                self.consumed += (i + 1) as u64;
                return Ok(Chunk::Line);
            }
            let n = window.len();
            out.extend_from_slice(window);
            self.inner.consume(n);
            self.consumed += n as u64;
        }
    }

    /// Discards the rest of the current line, newline included.
    pub(crate) fn skip_line(&mut self) -> io::Result<()> {
        loop {
            let buf = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(());
            }
            let (n, done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            self.inner.consume(n);
            self.consumed += n as u64;
            if done {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_limit() {
        let data = b"ab\ncdefgh\n\nlast";
        let mut s = LineSplitter::new(io::BufReader::with_capacity(4, &data[..]));
        let mut out = Vec::new();
        assert_eq!(s.next(&mut out, 10).unwrap(), Chunk::Line);
        assert_eq!(out, b"ab");
        out.clear();
        assert_eq!(s.next(&mut out, 4).unwrap(), Chunk::Partial);
        assert_eq!(out, b"cdef");
        assert_eq!(s.next(&mut out, 10).unwrap(), Chunk::Line);
        assert_eq!(out, b"cdefgh");
        out.clear();
        assert_eq!(s.next(&mut out, 10).unwrap(), Chunk::Line);
        assert_eq!(out, b"");
        assert_eq!(s.next(&mut out, 10).unwrap(), Chunk::Line);
        assert_eq!(out, b"last");
        out.clear();
        assert_eq!(s.next(&mut out, 10).unwrap(), Chunk::Eof);
        assert_eq!(s.consumed(), data.len() as u64);
    }

    #[test]
    fn skip_line_discards_rest() {
        let data = b"xxxxxxxxxx\nnext\n";
        let mut s = LineSplitter::new(io::BufReader::with_capacity(4, &data[..]));
        let mut out = Vec::new();
        assert_eq!(s.next(&mut out, 3).unwrap(), Chunk::Partial);
        s.skip_line().unwrap();
        out.clear();
        assert_eq!(s.next(&mut out, 10).unwrap(), Chunk::Line);
        assert_eq!(out, b"next");
    }
}
