//! Where records come from: a file or standard input, and how it is opened.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{InputFormat, ReadError};

/// Size of the read buffer of every reader.
pub(crate) const READ_BUFFER: usize = 64 * 1024;

/// How many leading bytes are looked at to tell text from binary.
const BINARY_SNIFF: usize = 8 * 1024;

/// A byte stream to read records from. `Debug` never shows the content
/// of an in-memory source.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// Standard input (given as `-`).
    Stdin,
    /// A file.
    Path(PathBuf),
    /// Bytes already in memory (a request body, a fuzzer's input), with a
    /// name for messages.
    Memory {
        /// The name used in findings and messages.
        name: String,
        /// The content.
        bytes: Arc<[u8]>,
    },
}

impl Source {
    /// `-` means standard input; anything else is a path.
    pub fn from_arg(arg: &Path) -> Source {
        if arg.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::Path(arg.to_path_buf())
        }
    }

    /// The name used in findings and messages: the path as given, or `-`.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".to_owned(),
            Source::Path(p) => p.display().to_string(),
            Source::Memory { name, .. } => name.clone(),
        }
    }

    /// The file, if this is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Source::Path(p) => Some(p),
            Source::Stdin | Source::Memory { .. } => None,
        }
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Stdin => f.write_str("Stdin"),
            Source::Path(p) => f.debug_tuple("Path").field(p).finish(),
            Source::Memory { name, bytes } => f
                .debug_struct("Memory")
                .field("name", name)
                .field("len", &bytes.len())
                .finish_non_exhaustive(),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Stdin => f.write_str("-"),
            Source::Path(p) => write!(f, "{}", p.display()),
            Source::Memory { name, .. } => f.write_str(name),
        }
    }
}

/// One input to read: a source and the format to read it as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Where the bytes come from.
    pub source: Source,
    /// How to read them.
    pub format: InputFormat,
    /// Size in bytes when known (files), for progress reporting.
    pub size: Option<u64>,
    /// True when the input was found by walking a directory rather than
    /// named by the user (binary files found this way are skipped).
    pub discovered: bool,
}

impl Input {
    /// An input named by the user: `-` for stdin or a file path, with the
    /// format from `format` or else from the file's extension (stdin
    /// defaults to text).
    pub fn named(arg: &Path, format: Option<InputFormat>) -> Input {
        let source = Source::from_arg(arg);
        let format = format.unwrap_or_else(|| match &source {
            Source::Path(p) => InputFormat::from_path(p),
            Source::Stdin | Source::Memory { .. } => InputFormat::Text,
        });
        let size = source
            .path()
            .and_then(|p| p.metadata().ok())
            .map(|m| m.len());
        Input {
            source,
            format,
            size,
            discovered: false,
        }
    }

    /// An input of bytes in memory, read as `format`.
    pub fn memory(name: &str, bytes: impl Into<Arc<[u8]>>, format: InputFormat) -> Input {
        let bytes = bytes.into();
        let size = Some(bytes.len() as u64);
        Input {
            source: Source::Memory {
                name: name.to_owned(),
                bytes,
            },
            format,
            size,
            discovered: false,
        }
    }
}

/// A buffered byte stream that can be moved to a reader thread.
pub(crate) type ByteStream = Box<dyn BufRead + Send>;

/// Opens a source for sequential reading.
pub(crate) fn open_stream(source: &Source) -> Result<ByteStream, ReadError> {
    let name = source.name();
    let inner: Box<dyn Read + Send> = match source {
        Source::Stdin => Box::new(io::stdin()),
        Source::Path(p) => Box::new(File::open(p).map_err(|e| ReadError::io(&name, e))?),
        Source::Memory { bytes, .. } => Box::new(io::Cursor::new(SharedBytes(bytes.clone()))),
    };
    Ok(Box::new(BufReader::with_capacity(READ_BUFFER, inner)))
}

/// Cheaply cloned bytes that can back a cursor.
#[derive(Debug, Clone)]
pub(crate) struct SharedBytes(pub(crate) Arc<[u8]>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Fails with [`ReadError::Binary`] when the first bytes of `stream`
/// contain a NUL byte (the heuristic git and ripgrep use). Consumes
/// nothing.
pub(crate) fn reject_binary(
    stream: &mut ByteStream,
    name: &str,
    format: InputFormat,
) -> Result<(), ReadError> {
    let head = stream.fill_buf().map_err(|e| ReadError::io(name, e))?;
    let head = head.get(..BINARY_SNIFF.min(head.len())).unwrap_or_default();
    match memchr::memchr(0, head) {
        Some(offset) => Err(ReadError::Binary {
            source_name: name.to_owned(),
            offset: offset as u64,
            format: format.name(),
        }),
        None => Ok(()),
    }
}
