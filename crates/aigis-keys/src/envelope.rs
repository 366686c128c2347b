//! Envelope encryption of files and streams.
//!
//! Each object gets a fresh random 256-bit data key (DEK), wrapped with
//! AES-256-GCM under the current version of an `aes256` key-encryption key
//! (KEK). The payload is cut into chunks of `2^chunk_log2` bytes (64 KiB by
//! default) and each chunk is sealed with AES-256-GCM under the DEK using
//! the STREAM construction: the 96-bit nonce is a random 7-byte prefix, a
//! 32-bit big-endian chunk counter and a final-chunk flag byte (0 or 1).
//! Every chunk authenticates the whole header as associated data. So:
//!
//! - changing any byte fails that chunk's tag;
//! - reordering or swapping chunks changes their counters and fails;
//! - cutting the stream at a chunk boundary leaves no chunk flagged final
//!   and fails at the end; a full-size chunk is never final (a payload that
//!   is a multiple of the chunk size ends with an empty final chunk), so a
//!   reader knows which chunk must carry the flag;
//! - swapping headers or DEKs between objects fails the DEK unwrap or the
//!   chunks' associated data.
//!
//! Memory stays at one chunk whatever the payload size.
//!
//! Header (all integers big-endian):
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic `AIGISENV` |
//! | 1 | format version, 1 |
//! | 1 | algorithm, 1 = AES-256-GCM STREAM (32-bit counter) |
//! | 1 | `chunk_log2`, 10..=24 |
//! | 1 | key name length L, 1..=64 |
//! | L | KEK name (UTF-8) |
//! | 4 | KEK version |
//! | 7 | STREAM nonce prefix |
//! | 12 | DEK wrap nonce |
//! | 48 | wrapped DEK (32 + 16-byte tag), associated data = all header bytes before the wrap nonce |
//!
//! Then the chunks: `ciphertext || tag` each, `2^chunk_log2 + 16` bytes for
//! every chunk but the final one, which is shorter (16 bytes when empty).

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use aes_gcm::aead::AeadInOut;
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroizing;

use crate::fsutil::{random_array, temp_sibling};
use crate::handles::aes_gcm_cipher;
use crate::{AesKey, KeyError, KeyId, Keyring};

/// First bytes of every envelope.
pub const MAGIC: [u8; 8] = *b"AIGISENV";
/// Envelope format version written.
pub const FORMAT_VERSION: u8 = 1;
/// Algorithm byte: AES-256-GCM in the STREAM construction, 32-bit counter.
pub const ALG_AES256GCM_STREAM: u8 = 1;
/// Default chunk size exponent (64 KiB).
pub const DEFAULT_CHUNK_LOG2: u8 = 16;

const TAG: usize = 16;
const WRAPPED_DEK: usize = 32 + TAG;

/// The parsed header of an envelope.
#[derive(Debug, Clone)]
pub struct Header {
    key: KeyId,
    chunk_log2: u8,
    nonce_prefix: [u8; 7],
    dek_nonce: [u8; 12],
    wrapped_dek: [u8; WRAPPED_DEK],
    raw: Vec<u8>,
}

impl Header {
    /// The key-encryption key (name and version) that wraps this object's
    /// data key.
    pub fn key_id(&self) -> &KeyId {
        &self.key
    }

    /// Plaintext bytes per chunk.
    pub fn chunk_size(&self) -> usize {
        1usize << self.chunk_log2
    }

    /// The header's bytes as written.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }

    fn wrap_aad_len(&self) -> usize {
        self.raw.len() - 12 - WRAPPED_DEK
    }

    /// Reads and checks a header from the start of `r`.
    ///
    /// # Errors
    /// [`KeyError::Envelope`] for a malformed or truncated header.
    pub fn read<R: Read>(r: &mut R) -> Result<Header, KeyError> {
        let bad = |what, offset| KeyError::Envelope { what, offset };
        let mut fixed = [0u8; 12];
        read_exact_or(r, &mut fixed, bad("header truncated", 0))?;
        if fixed[..8] != MAGIC {
            return Err(bad("is not an aigis envelope (bad magic)", 0));
        }
        if fixed[8] != FORMAT_VERSION {
            return Err(bad("has an unsupported format version", 8));
        }
        if fixed[9] != ALG_AES256GCM_STREAM {
            return Err(bad("has an unsupported algorithm", 9));
        }
        let chunk_log2 = fixed[10];
        if !(10..=24).contains(&chunk_log2) {
            return Err(bad("has a chunk size outside 2^10..2^24", 10));
        }
        let name_len = usize::from(fixed[11]);
        if name_len == 0 || name_len > 64 {
            return Err(bad("has a key name length outside 1..64", 11));
        }
        let mut rest = vec![0u8; name_len + 4 + 7 + 12 + WRAPPED_DEK];
        read_exact_or(r, &mut rest, bad("header truncated", 12))?;
        let (name, rest_tail) = rest.split_at(name_len);
        let name = std::str::from_utf8(name)
            .map_err(|_| bad("key name is not UTF-8", 12))?
            .to_owned();
        let mut take = Cursor(rest_tail);
        let version = u32::from_be_bytes(take.array()?);
        let nonce_prefix = take.array()?;
        let dek_nonce = take.array()?;
        let wrapped_dek = take.array()?;
        let mut raw = fixed.to_vec();
        raw.extend_from_slice(&rest);
        Ok(Header {
            key: KeyId { name, version },
            chunk_log2,
            nonce_prefix,
            dek_nonce,
            wrapped_dek,
            raw,
        })
    }

    fn new(key: &KeyId, chunk_log2: u8, kek: &AesKey) -> Result<(Header, Dek), KeyError> {
        let name = key.name.as_bytes();
        let name_len = u8::try_from(name.len())
            .ok()
            .filter(|n| (1..=64).contains(n))
            .ok_or(KeyError::InvalidName {
                name: key.name.clone(),
            })?;
        let mut raw = MAGIC.to_vec();
        raw.extend_from_slice(&[FORMAT_VERSION, ALG_AES256GCM_STREAM, chunk_log2, name_len]);
        raw.extend_from_slice(name);
        raw.extend_from_slice(&key.version.to_be_bytes());
        let nonce_prefix: [u8; 7] = random_array()?;
        raw.extend_from_slice(&nonce_prefix);
        let dek = Dek(Zeroizing::new(random_array::<32>()?));
        let wrapped = seal_with_aad(kek, &raw, dek.0.as_ref())?;
        let (dek_nonce, wrapped_dek) = wrapped.split_at(12);
        let dek_nonce: [u8; 12] = dek_nonce
            .try_into()
            .map_err(|_| KeyError::Encoding("DEK wrap".into()))?;
        let wrapped_dek: [u8; WRAPPED_DEK] = wrapped_dek
            .try_into()
            .map_err(|_| KeyError::Encoding("DEK wrap".into()))?;
        raw.extend_from_slice(&dek_nonce);
        raw.extend_from_slice(&wrapped_dek);
        let header = Header {
            key: key.clone(),
            chunk_log2,
            nonce_prefix,
            dek_nonce,
            wrapped_dek,
            raw,
        };
        Ok((header, dek))
    }

    fn unwrap_dek(&self, kek: &AesKey) -> Result<Dek, KeyError> {
        if kek.id() != &self.key {
            return Err(KeyError::Envelope {
                what: "is wrapped by another key than the one given",
                offset: 12,
            });
        }
        let mut sealed = self.dek_nonce.to_vec();
        sealed.extend_from_slice(&self.wrapped_dek);
        let plain = open_with_aad(kek, &self.raw[..self.wrap_aad_len()], &sealed).ok_or(
            KeyError::Envelope {
                what: "data key failed authentication (header altered or wrong key)",
                offset: self.wrap_aad_len() as u64,
            },
        )?;
        let mut dek = Zeroizing::new([0u8; 32]);
        if plain.len() != 32 {
            return Err(KeyError::Envelope {
                what: "data key has the wrong length",
                offset: self.wrap_aad_len() as u64,
            });
        }
        dek.copy_from_slice(&plain);
        Ok(Dek(dek))
    }
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn array<const N: usize>(&mut self) -> Result<[u8; N], KeyError> {
        let (head, tail) = self.0.split_at_checked(N).ok_or(KeyError::Envelope {
            what: "header truncated",
            offset: 12,
        })?;
        self.0 = tail;
        head.try_into().map_err(|_| KeyError::Envelope {
            what: "header truncated",
            offset: 12,
        })
    }
}

struct Dek(Zeroizing<[u8; 32]>);

fn seal_with_aad(kek: &AesKey, aad: &[u8], data: &[u8]) -> Result<Vec<u8>, KeyError> {
    kek.seal(aad, data)
}

fn open_with_aad(kek: &AesKey, aad: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    kek.open(aad, sealed).ok()
}

fn read_exact_or<R: Read>(r: &mut R, buf: &mut [u8], err: KeyError) -> Result<(), KeyError> {
    match r.read_exact(buf) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(err),
        Err(e) => Err(KeyError::Stream(e)),
    }
}

fn chunk_nonce(
    prefix: &[u8; 7],
    counter: u32,
    last: bool,
) -> Nonce<aes_gcm::aes::cipher::consts::U12> {
    let mut n = [0u8; 12];
    n[..7].copy_from_slice(prefix);
    n[7..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    Nonce::from(n)
}

/// Streaming encryptor: write plaintext, then call [`Encryptor::finish`].
/// Dropping it without `finish` leaves an envelope that fails to decrypt
/// (no final chunk).
pub struct Encryptor<W: Write> {
    inner: W,
    cipher: Aes256Gcm,
    header: Vec<u8>,
    prefix: [u8; 7],
    counter: u32,
    chunk: usize,
    buf: Zeroizing<Vec<u8>>,
}

impl<W: Write> Encryptor<W> {
    /// Starts an envelope under `kek` with 64 KiB chunks, writing the header.
    ///
    /// # Errors
    /// [`KeyError::Rng`], write errors.
    pub fn new(kek: &AesKey, inner: W) -> Result<Self, KeyError> {
        Self::with_chunk_log2(kek, inner, DEFAULT_CHUNK_LOG2)
    }

    /// As [`Encryptor::new`] with chunks of `2^chunk_log2` bytes (10..=24).
    ///
    /// # Errors
    /// [`KeyError::Envelope`] for an unsupported chunk size, RNG and write
    /// errors.
    pub fn with_chunk_log2(kek: &AesKey, mut inner: W, chunk_log2: u8) -> Result<Self, KeyError> {
        if !(10..=24).contains(&chunk_log2) {
            return Err(KeyError::Envelope {
                what: "chunk size must be 2^10..2^24",
                offset: 10,
            });
        }
        let (header, dek) = Header::new(kek.id(), chunk_log2, kek)?;
        inner.write_all(&header.raw).map_err(KeyError::Stream)?;
        let chunk = header.chunk_size();
        Ok(Encryptor {
            inner,
            cipher: aes_gcm_cipher(&dek.0),
            prefix: header.nonce_prefix,
            header: header.raw,
            counter: 0,
            chunk,
            buf: Zeroizing::new(Vec::with_capacity(chunk + TAG)),
        })
    }

    fn seal_chunk(&mut self, last: bool) -> io::Result<()> {
        let nonce = chunk_nonce(&self.prefix, self.counter, last);
        self.cipher
            .encrypt_in_place(&nonce, &self.header, &mut *self.buf)
            .map_err(|_| io::Error::other("AES-GCM chunk too long"))?;
        self.inner.write_all(&self.buf)?;
        self.buf.clear();
        if !last {
            self.counter = self
                .counter
                .checked_add(1)
                .ok_or_else(|| io::Error::other("envelope exceeds 2^32 chunks"))?;
        }
        Ok(())
    }

    /// Seals the final chunk, flushes, and returns the inner writer.
    ///
    /// # Errors
    /// Write errors.
    pub fn finish(mut self) -> Result<W, KeyError> {
        self.seal_chunk(true).map_err(KeyError::Stream)?;
        self.inner.flush().map_err(KeyError::Stream)?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for Encryptor<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = self.chunk - self.buf.len();
        let take = room.min(data.len());
        self.buf.extend_from_slice(&data[..take]);
        if self.buf.len() == self.chunk {
            // A full chunk is never the final one, so it can go out now.
            self.seal_chunk(false)?;
        }
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Streaming decryptor: reads an envelope, yields verified plaintext.
///
/// Each chunk is released only after its tag verifies, but truncation of
/// the whole stream is only known at the end: a caller must treat the
/// output as invalid unless reading reaches end-of-file without error
/// ([`decrypt_file`] does this for files).
pub struct Decryptor<R: Read> {
    inner: R,
    cipher: Aes256Gcm,
    header: Header,
    counter: u32,
    offset: u64,
    out: Zeroizing<Vec<u8>>,
    pos: usize,
    done: bool,
}

impl<R: Read> Decryptor<R> {
    /// Reads the header and fetches the KEK version it names from `keyring`.
    ///
    /// # Errors
    /// Malformed header, missing or disabled key, failed DEK unwrap.
    pub fn new(keyring: &Keyring, mut inner: R) -> Result<Self, KeyError> {
        let header = Header::read(&mut inner)?;
        let kek = keyring.aes_key_version(&header.key.name, header.key.version)?;
        Self::start(&kek, header, inner)
    }

    /// As [`Decryptor::new`] with the KEK given directly; it must be the
    /// version the header names.
    ///
    /// # Errors
    /// Malformed header, another key, failed DEK unwrap.
    pub fn with_key(kek: &AesKey, mut inner: R) -> Result<Self, KeyError> {
        let header = Header::read(&mut inner)?;
        Self::start(kek, header, inner)
    }

    fn start(kek: &AesKey, header: Header, inner: R) -> Result<Self, KeyError> {
        let dek = header.unwrap_dek(kek)?;
        Ok(Decryptor {
            inner,
            cipher: aes_gcm_cipher(&dek.0),
            offset: header.raw.len() as u64,
            out: Zeroizing::new(Vec::with_capacity(header.chunk_size() + TAG)),
            header,
            counter: 0,
            pos: 0,
            done: false,
        })
    }

    /// The envelope's header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    fn next_chunk(&mut self) -> Result<(), KeyError> {
        let full = self.header.chunk_size() + TAG;
        self.out.clear();
        self.out.resize(full, 0);
        let mut n = 0;
        while n < full {
            match self.inner.read(&mut self.out[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(KeyError::Stream(e)),
            }
        }
        self.out.truncate(n);
        if n < TAG {
            return Err(KeyError::Envelope {
                what: "is truncated (no final chunk)",
                offset: self.offset,
            });
        }
        let last = n < full;
        let nonce = chunk_nonce(&self.header.nonce_prefix, self.counter, last);
        self.cipher
            .decrypt_in_place(&nonce, &self.header.raw, &mut *self.out)
            .map_err(|_| KeyError::Envelope {
                what: "chunk failed authentication (altered, reordered or truncated)",
                offset: self.offset,
            })?;
        self.offset += n as u64;
        self.pos = 0;
        if last {
            self.done = true;
        } else {
            self.counter = self.counter.checked_add(1).ok_or(KeyError::Envelope {
                what: "exceeds 2^32 chunks",
                offset: self.offset,
            })?;
        }
        Ok(())
    }
}

impl<R: Read> Read for Decryptor<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.next_chunk().map_err(|e| match e {
                KeyError::Stream(io) => io,
                other => io::Error::new(io::ErrorKind::InvalidData, other),
            })?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn copy_stream<R: Read, W: Write>(mut src: R, dst: &mut W) -> Result<u64, KeyError> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(into_key_error(e)),
        };
        dst.write_all(&buf[..n]).map_err(KeyError::Stream)?;
        total += n as u64;
    }
}

fn into_key_error(e: io::Error) -> KeyError {
    if e.kind() == io::ErrorKind::InvalidData
        && e.get_ref().is_some_and(|inner| inner.is::<KeyError>())
        && let Some(inner) = e.into_inner()
        && let Ok(key_err) = inner.downcast::<KeyError>()
    {
        return *key_err;
    }
    KeyError::Stream(io::Error::other("stream failed"))
}

/// Encrypts all of `src` into `dst` under `kek`; returns the plaintext
/// length.
///
/// # Errors
/// Read, write and RNG errors.
pub fn encrypt<R: Read, W: Write>(kek: &AesKey, src: R, dst: W) -> Result<u64, KeyError> {
    let mut enc = Encryptor::new(kek, dst)?;
    let n = copy_stream(src, &mut enc)?;
    enc.finish()?;
    Ok(n)
}

/// Decrypts all of `src` into `dst`, fetching the KEK the header names from
/// `keyring`; returns the plaintext length. On error `dst` may hold a
/// verified prefix of the plaintext and must be discarded.
///
/// # Errors
/// [`KeyError::Envelope`] for anything altered, reordered or truncated;
/// key and I/O errors.
pub fn decrypt<R: Read, W: Write>(keyring: &Keyring, src: R, mut dst: W) -> Result<u64, KeyError> {
    let dec = Decryptor::new(keyring, src)?;
    let n = copy_stream(dec, &mut dst)?;
    dst.flush().map_err(KeyError::Stream)?;
    Ok(n)
}

/// Encrypts the file `src` into a new file `dst` (mode 0600) atomically.
///
/// # Errors
/// I/O errors naming the path.
pub fn encrypt_file(kek: &AesKey, src: &Path, dst: &Path) -> Result<u64, KeyError> {
    let input = BufReader::new(File::open(src).map_err(|e| KeyError::io(src, e))?);
    write_atomically(dst, |out| encrypt(kek, input, out))
}

/// Decrypts the envelope file `src` into a new file `dst` (mode 0600); `dst`
/// appears only if the whole envelope verified.
///
/// # Errors
/// As [`decrypt`], and I/O errors naming the path.
pub fn decrypt_file(keyring: &Keyring, src: &Path, dst: &Path) -> Result<u64, KeyError> {
    let input = BufReader::new(File::open(src).map_err(|e| KeyError::io(src, e))?);
    write_atomically(dst, |out| decrypt(keyring, input, out))
}

fn write_atomically(
    dst: &Path,
    body: impl FnOnce(&mut BufWriter<File>) -> Result<u64, KeyError>,
) -> Result<u64, KeyError> {
    let (dir, tmp) = temp_sibling(dst);
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(|e| KeyError::io(&tmp, e))?;
    let mut out = BufWriter::new(file);
    let result = body(&mut out).and_then(|n| {
        let file = out
            .into_inner()
            .map_err(|e| KeyError::io(&tmp, e.into_error()))?;
        file.sync_all().map_err(|e| KeyError::io(&tmp, e))?;
        fs::rename(&tmp, dst).map_err(|e| KeyError::io(dst, e))?;
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| KeyError::io(dir, e))?;
        Ok(n)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests;
