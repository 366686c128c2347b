//! Turning the paths a user gives into a list of inputs: files as named,
//! directories walked recursively in name order, filtered by include and
//! exclude globs.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::{Input, InputFormat, ReadError, Source};

/// How directories are walked.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Globs a file found in a directory must match (any of them) to be
    /// read; empty means every file. Matched against the path relative to
    /// the directory given, and against the file name alone.
    pub include: Vec<String>,
    /// Globs that exclude a file or a whole subdirectory (same matching).
    pub exclude: Vec<String>,
    /// Also walk into hidden files and directories (names starting with
    /// `.`), which are skipped by default.
    pub hidden: bool,
    /// Read every input as this format instead of choosing by extension.
    pub format: Option<InputFormat>,
}

/// The inputs found, and the entries that could not be walked.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Inputs in the order given, directory contents sorted by name.
    pub inputs: Vec<Input>,
    /// Entries that could not be read (missing paths, permission denied).
    pub errors: Vec<ReadError>,
}

/// Expands `paths` (files, directories, `-` for stdin) into inputs.
///
/// Explicitly named files are always included, whatever the globs say;
/// globs filter what directory walks find. Symbolic links are not
/// followed inside directories.
pub fn discover(paths: &[PathBuf], opts: &WalkOptions) -> Result<Discovery, ReadError> {
    let include = build_set(&opts.include)?;
    let exclude = build_set(&opts.exclude)?;
    let mut found = Discovery::default();
    for path in paths {
        if path.as_os_str() == "-" {
            found.inputs.push(Input::named(path, opts.format));
            continue;
        }
        match path.metadata() {
            Err(e) => found
                .errors
                .push(ReadError::io(&path.display().to_string(), e)),
            Ok(meta) if meta.is_dir() => {
                walk_dir(path, opts, include.as_ref(), exclude.as_ref(), &mut found);
            }
            Ok(_) => found.inputs.push(Input::named(path, opts.format)),
        }
    }
    Ok(found)
}

fn build_set(globs: &[String]) -> Result<Option<GlobSet>, ReadError> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for g in globs {
        let glob = Glob::new(g).map_err(|e| ReadError::Glob {
            glob: g.clone(),
            detail: e.kind().to_string(),
        })?;
        builder.add(glob);
    }
    builder.build().map(Some).map_err(|e| ReadError::Glob {
        glob: globs.join(","),
        detail: e.to_string(),
    })
}

fn matches(set: Option<&GlobSet>, rel: &Path) -> bool {
    set.is_some_and(|s| s.is_match(rel) || rel.file_name().is_some_and(|n| s.is_match(n)))
}

fn walk_dir(
    root: &Path,
    opts: &WalkOptions,
    include: Option<&GlobSet>,
    exclude: Option<&GlobSet>,
    found: &mut Discovery,
) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let hidden = e.file_name().to_str().is_some_and(|n| n.starts_with('.'));
            let rel = e.path().strip_prefix(root).unwrap_or(e.path());
            (opts.hidden || !hidden) && !matches(exclude, rel)
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(root).display().to_string();
                found.errors.push(ReadError::Walk {
                    path,
                    detail: e.to_string(),
                });
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        if include.is_some() && !matches(include, rel) {
            continue;
        }
        let path = entry.path().to_path_buf();
        let format = opts.format.unwrap_or_else(|| InputFormat::from_path(&path));
        let size = entry.metadata().ok().map(|m| m.len());
        found.inputs.push(Input {
            source: Source::Path(path),
            format,
            size,
            discovered: true,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, rel: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::File::create(p).unwrap();
    }

    fn names(d: &Discovery, root: &Path) -> Vec<String> {
        d.inputs
            .iter()
            .map(|i| {
                i.source
                    .path()
                    .unwrap()
                    .strip_prefix(root)
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn walks_sorted_with_globs_and_hidden() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        for f in [
            "b.csv",
            "a.jsonl",
            "sub/c.csv",
            "sub/d.txt",
            ".git/x.csv",
            "skip/e.csv",
        ] {
            touch(root, f);
        }
        let all = discover(&[root.to_path_buf()], &WalkOptions::default()).unwrap();
        assert_eq!(
            names(&all, root),
            ["a.jsonl", "b.csv", "skip/e.csv", "sub/c.csv", "sub/d.txt"]
        );
        assert_eq!(all.inputs[0].format, InputFormat::Jsonl);

        let opts = WalkOptions {
            include: vec!["*.csv".into()],
            exclude: vec!["skip".into()],
            ..WalkOptions::default()
        };
        let some = discover(&[root.to_path_buf()], &opts).unwrap();
        assert_eq!(names(&some, root), ["b.csv", "sub/c.csv"]);

        let hidden = WalkOptions {
            hidden: true,
            ..opts
        };
        let with_hidden = discover(&[root.to_path_buf()], &hidden).unwrap();
        assert_eq!(
            names(&with_hidden, root),
            [".git/x.csv", "b.csv", "sub/c.csv"]
        );
    }

    #[test]
    fn missing_path_is_reported_and_bad_glob_fails() {
        let d = discover(&[PathBuf::from("/no/such/file")], &WalkOptions::default()).unwrap();
        assert!(d.inputs.is_empty());
        assert!(d.errors[0].to_string().contains("/no/such/file"));
        let bad = WalkOptions {
            include: vec!["a[".into()],
            ..WalkOptions::default()
        };
        assert!(matches!(discover(&[], &bad), Err(ReadError::Glob { .. })));
    }
}
