//! Model manifests: every file of a model with its SHA-256, walked, ignored,
//! ordered and summarized exactly as OpenSSF model-signing 1.1.1 does it
//! (file serialization, `sha256`), so signatures interoperate.
//!
//! The rules, read from that package's source:
//! - A model is a directory or a single file. A single file is one resource
//!   named `.`.
//! - Every regular file below the directory is a resource, hidden and empty
//!   ones included, named by its POSIX path relative to the model root.
//! - Every path met on the walk (ignored ones too) must be a regular file or a
//!   directory; a symbolic link is an error unless links are allowed, in which
//!   case links to files are hashed (through the link) and links to
//!   directories are skipped, not descended into.
//! - A path is ignored when it equals an ignore path or lies below one
//!   (component-wise). By default `.git`, `.gitattributes`, `.github` and
//!   `.gitignore` are ignored.
//! - Resources are ordered component by component (`tokenizer/vocab.txt`
//!   sorts before `tokenizer.json`).
//! - The model's digest (the signature subject) is SHA-256 over the raw
//!   32-byte resource digests concatenated in that order.
//!
//! Files are hashed in parallel on the current rayon pool, largest first so
//! that one big file does not end up last on a busy core.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest as _, Sha256};

use crate::digest::Sha256Digest;
use crate::error::{Error, Result, VerifyError};

/// Paths model-signing ignores by default (its `ignore_git_paths`).
pub const GIT_PATHS: [&str; 4] = [".git", ".gitattributes", ".github", ".gitignore"];

/// How to walk a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestOptions {
    /// Paths relative to the model root to leave out (a directory leaves out
    /// everything below it). Paths that escape the root are dropped.
    pub ignore_paths: Vec<String>,
    /// Also leave out [`GIT_PATHS`] (model-signing's default: on).
    pub ignore_git_paths: bool,
    /// Hash symbolic links to files instead of refusing them.
    pub allow_symlinks: bool,
}

impl Default for ManifestOptions {
    fn default() -> Self {
        ManifestOptions {
            ignore_paths: Vec::new(),
            ignore_git_paths: true,
            allow_symlinks: false,
        }
    }
}

impl ManifestOptions {
    /// The normalized ignore list: user paths plus git paths, each as
    /// relative components, deduplicated and sorted.
    fn ignore_components(&self) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = self
            .ignore_paths
            .iter()
            .filter_map(|p| normalize_relative(p))
            .collect();
        if self.ignore_git_paths {
            out.extend(GIT_PATHS.iter().map(|p| vec![(*p).to_owned()]));
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Normalizes a relative path lexically into components; `None` when it is
/// empty, absolute, or climbs out of the root.
fn normalize_relative(path: &str) -> Option<Vec<String>> {
    let mut parts: Vec<String> = Vec::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(c) => parts.push(c.to_str()?.to_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then_some(parts)
}

/// How a manifest was made, recorded in the signature so a verifier can redo
/// it (model-signing's `serialization` object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serialization {
    /// `files` (the only method aigis produces and checks).
    pub method: String,
    /// `sha256`.
    pub hash_type: String,
    /// Whether symbolic links to files were hashed.
    pub allow_symlinks: bool,
    /// The ignore paths in effect, relative to the model root.
    pub ignore_paths: Vec<String>,
}

/// One file of a model and its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// POSIX path relative to the model root (`.` for a single-file model).
    pub name: String,
    /// SHA-256 of the file's bytes.
    pub digest: Sha256Digest,
}

/// Every file of a model with its digest, in model-signing's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The model's name: the last component of its path (informative only).
    pub model_name: String,
    /// The files, ordered component by component.
    pub resources: Vec<Resource>,
    /// How the manifest was made.
    pub serialization: Serialization,
}

impl Manifest {
    /// Walks and hashes the model at `path` (a directory or a single file).
    pub fn build(path: &Path, options: &ManifestOptions) -> Result<Manifest> {
        let ignores = options.ignore_components();
        let files = collect_files(path, &ignores, options.allow_symlinks)?;
        let resources = hash_files(files)?;
        Ok(Manifest {
            model_name: model_name(path),
            resources,
            serialization: Serialization {
                method: "files".to_owned(),
                hash_type: "sha256".to_owned(),
                allow_symlinks: options.allow_symlinks,
                ignore_paths: ignores.iter().map(|c| c.join("/")).collect(),
            },
        })
    }

    /// The model digest: SHA-256 over the resources' raw digests in order.
    pub fn root_digest(&self) -> Sha256Digest {
        root_digest(&self.resources)
    }

    /// Compares the files on disk (`self`) with a signed list of resources;
    /// names every changed, missing and extra file.
    pub fn compare_with_signed(&self, signed: &[Resource]) -> Result<(), VerifyError> {
        // Later entries win on duplicate names, as in model-signing.
        let expected: BTreeMap<&str, &Sha256Digest> = signed
            .iter()
            .map(|r| (r.name.as_str(), &r.digest))
            .collect();
        let actual: BTreeMap<&str, &Sha256Digest> = self
            .resources
            .iter()
            .map(|r| (r.name.as_str(), &r.digest))
            .collect();
        let mut extra = Vec::new();
        let mut changed = Vec::new();
        for (name, digest) in &actual {
            match expected.get(name) {
                None => extra.push((*name).to_owned()),
                Some(want) if want != digest => {
                    changed.push(((*name).to_owned(), want.to_hex(), digest.to_hex()));
                }
                Some(_) => {}
            }
        }
        let missing: Vec<String> = expected
            .keys()
            .filter(|name| !actual.contains_key(*name))
            .map(|name| (*name).to_owned())
            .collect();
        if extra.is_empty() && missing.is_empty() && changed.is_empty() {
            Ok(())
        } else {
            Err(VerifyError::ModelMismatch {
                extra,
                missing,
                changed,
            })
        }
    }
}

/// SHA-256 over the raw digests of `resources`, in the order given.
pub fn root_digest(resources: &[Resource]) -> Sha256Digest {
    let mut hasher = Sha256::new();
    for resource in resources {
        hasher.update(resource.digest.as_bytes());
    }
    Sha256Digest::from_bytes(hasher.finalize().into())
}

/// The digest aigis uses to name an artifact in attestations: a file's
/// SHA-256, or for a directory its model-signing root digest (default walk).
pub fn artifact_digest(path: &Path) -> Result<Sha256Digest> {
    let meta = fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        Ok(Manifest::build(path, &ManifestOptions::default())?.root_digest())
    } else if meta.is_file() {
        Sha256Digest::of_file(path)
    } else {
        Err(Error::SpecialFile {
            path: path.to_owned(),
        })
    }
}

/// The model name model-signing records: the last path component, or the
/// resolved directory's name for `.`-like paths.
fn model_name(path: &Path) -> String {
    match path.file_name().and_then(|n| n.to_str()) {
        Some(name) if !name.is_empty() && name != ".." => name.to_owned(),
        _ => fs::canonicalize(path)
            .ok()
            .and_then(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_owned))
            .unwrap_or_default(),
    }
}

/// A file to hash: its components relative to the root, its full path, its
/// size (for scheduling).
struct FileEntry {
    components: Vec<String>,
    path: PathBuf,
    size: u64,
}

/// Walks `root` and returns the files to hash, applying model-signing's
/// checks to every path met.
fn collect_files(
    root: &Path,
    ignores: &[Vec<String>],
    allow_symlinks: bool,
) -> Result<Vec<FileEntry>> {
    let root_meta = fs::symlink_metadata(root).map_err(|e| Error::io(root, e))?;
    if root_meta.file_type().is_symlink() && !allow_symlinks {
        return Err(Error::Symlink {
            path: root.to_owned(),
        });
    }
    let meta = fs::metadata(root).map_err(|e| Error::io(root, e))?;
    if meta.is_file() {
        return Ok(vec![FileEntry {
            components: vec![".".to_owned()],
            path: root.to_owned(),
            size: meta.len(),
        }]);
    }
    if !meta.is_dir() {
        return Err(Error::SpecialFile {
            path: root.to_owned(),
        });
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).min_depth(1).follow_links(false) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(root).to_owned();
            Error::io(path, e.into())
        })?;
        let path = entry.path();
        let file_type = entry.file_type();
        let (is_file, size) = if file_type.is_symlink() {
            if !allow_symlinks {
                return Err(Error::Symlink {
                    path: path.to_owned(),
                });
            }
            match fs::metadata(path) {
                Ok(m) if m.is_file() => (true, m.len()),
                Ok(m) if m.is_dir() => (false, 0),
                _ => {
                    return Err(Error::SpecialFile {
                        path: path.to_owned(),
                    });
                }
            }
        } else if file_type.is_dir() {
            (false, 0)
        } else if file_type.is_file() {
            let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
            (true, len)
        } else {
            return Err(Error::SpecialFile {
                path: path.to_owned(),
            });
        };
        if !is_file {
            continue;
        }
        let components = relative_components(root, path)?;
        if is_ignored(&components, ignores) {
            continue;
        }
        files.push(FileEntry {
            components,
            path: path.to_owned(),
            size,
        });
    }
    Ok(files)
}

/// The UTF-8 components of `path` below `root`.
fn relative_components(root: &Path, path: &Path) -> Result<Vec<String>> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| {
            c.as_os_str()
                .to_str()
                .map(str::to_owned)
                .ok_or_else(|| Error::NonUtf8Path {
                    path: path.to_owned(),
                })
        })
        .collect()
}

/// True when `components` equals or lies below one of `ignores`.
fn is_ignored(components: &[String], ignores: &[Vec<String>]) -> bool {
    ignores
        .iter()
        .any(|ignore| components.len() >= ignore.len() && components.starts_with(ignore))
}

/// Hashes `files` in parallel and returns them as resources in
/// model-signing's order.
fn hash_files(mut files: Vec<FileEntry>) -> Result<Vec<Resource>> {
    // Largest first: the long jobs start early and small ones fill the gaps.
    files.sort_by_key(|f| std::cmp::Reverse(f.size));
    let mut hashed: Vec<(Vec<String>, Sha256Digest)> = files
        .into_par_iter()
        .map(|f| Ok((f.components, Sha256Digest::of_file(&f.path)?)))
        .collect::<Result<_>>()?;
    hashed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(hashed
        .into_iter()
        .map(|(components, digest)| Resource {
            name: components.join("/"),
            digest,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, data: &[u8]) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::File::create(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, data))
            .unwrap();
    }

    #[test]
    fn orders_component_by_component_and_ignores_git() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("m");
        write(&root, "tokenizer.json", b"t");
        write(&root, "tokenizer/vocab.txt", b"v");
        write(&root, ".hidden", b"");
        write(&root, ".git/HEAD", b"ref");
        write(&root, ".gitignore", b"*");
        write(&root, "model.sig", b"sig");
        let opts = ManifestOptions {
            ignore_paths: vec!["./model.sig".into()],
            ..ManifestOptions::default()
        };
        let m = Manifest::build(&root, &opts).unwrap();
        let names: Vec<&str> = m.resources.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, [".hidden", "tokenizer/vocab.txt", "tokenizer.json"]);
        assert_eq!(m.model_name, "m");
        assert_eq!(
            m.serialization.ignore_paths,
            [
                ".git",
                ".gitattributes",
                ".github",
                ".gitignore",
                "model.sig"
            ]
        );
    }

    #[test]
    fn single_file_is_one_resource_named_dot() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "w.bin", b"abc");
        let m = Manifest::build(&dir.path().join("w.bin"), &ManifestOptions::default()).unwrap();
        assert_eq!(m.resources.len(), 1);
        assert_eq!(m.resources[0].name, ".");
        assert_eq!(m.model_name, "w.bin");
    }

    #[test]
    fn symlinks_refused_unless_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("m");
        write(&root, "a", b"a");
        write(dir.path(), "other/o", b"o");
        std::os::unix::fs::symlink("a", root.join("link")).unwrap();
        std::os::unix::fs::symlink("../other", root.join("dirlink")).unwrap();
        let err = Manifest::build(&root, &ManifestOptions::default()).unwrap_err();
        assert!(matches!(err, Error::Symlink { .. }), "{err}");
        let opts = ManifestOptions {
            allow_symlinks: true,
            ..ManifestOptions::default()
        };
        let m = Manifest::build(&root, &opts).unwrap();
        let names: Vec<&str> = m.resources.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["a", "link"]);
        assert_eq!(m.resources[0].digest, m.resources[1].digest);
    }

    #[test]
    fn compare_names_each_difference() {
        let d = |s: &[u8]| Sha256Digest::of_bytes(s);
        let r = |n: &str, s: &[u8]| Resource {
            name: n.into(),
            digest: d(s),
        };
        let on_disk = Manifest {
            model_name: "m".into(),
            resources: vec![r("a", b"1"), r("b", b"2"), r("new", b"3")],
            serialization: Serialization {
                method: "files".into(),
                hash_type: "sha256".into(),
                allow_symlinks: false,
                ignore_paths: vec![],
            },
        };
        let signed = vec![r("a", b"1"), r("b", b"X"), r("gone", b"4")];
        match on_disk.compare_with_signed(&signed).unwrap_err() {
            VerifyError::ModelMismatch {
                extra,
                missing,
                changed,
            } => {
                assert_eq!(extra, ["new"]);
                assert_eq!(missing, ["gone"]);
                assert_eq!(changed.len(), 1);
                assert_eq!(changed[0].0, "b");
            }
            other => panic!("{other}"),
        }
    }
}
