//! File helpers for secrets: atomic private writes, permission checks, and
//! random bytes.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use crate::KeyError;

/// Writes `bytes` to `path` atomically with mode 0600: a temporary file in
/// the same directory, fsync, rename, fsync of the directory. A crash leaves
/// either the old file or the new one, never half of one.
///
/// # Errors
/// I/O errors, naming the path.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> Result<(), KeyError> {
    let (dir, tmp) = temp_sibling(path);
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(|e| KeyError::io(path, e))
}

/// The directory of `path` and a temporary file name beside it, for
/// write-then-rename.
pub(crate) fn temp_sibling(path: &Path) -> (&Path, std::path::PathBuf) {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    (dir, tmp)
}

/// Refuses a secret file that group or others can read or write.
///
/// # Errors
/// [`KeyError::InsecurePermissions`] or an I/O error.
pub fn check_private_file(path: &Path) -> Result<(), KeyError> {
    let meta = fs::metadata(path).map_err(|e| KeyError::io(path, e))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyError::InsecurePermissions {
            path: path.to_owned(),
            mode,
        });
    }
    Ok(())
}

/// Creates `dir` (and parents) with mode 0700 if absent, and tightens an
/// existing one to 0700.
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), KeyError> {
    fs::create_dir_all(dir).map_err(|e| KeyError::io(dir, e))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| KeyError::io(dir, e))
}

/// Fills `buf` from the operating system's random number generator.
pub(crate) fn random_bytes(buf: &mut [u8]) -> Result<(), KeyError> {
    getrandom::fill(buf).map_err(|_| KeyError::Rng)
}

/// `N` fresh random bytes.
pub(crate) fn random_array<const N: usize>() -> Result<[u8; N], KeyError> {
    let mut out = [0u8; N];
    random_bytes(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_file_is_0600_and_passes_check() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        write_private_file(&path, b"x").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        check_private_file(&path).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        assert!(matches!(
            check_private_file(&path),
            Err(KeyError::InsecurePermissions { .. })
        ));
    }
}
