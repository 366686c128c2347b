//! A set of Rego modules (a "bundle"), loaded from files or from the
//! built-in library, and its digest.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::error::PolicyError;

/// One Rego source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyModule {
    /// The name errors and coverage use (a path relative to what was given,
    /// or `builtin/<file>` for the built-in library).
    pub path: String,
    /// The Rego text.
    pub text: String,
}

impl PolicyModule {
    /// True for `*_test.rego` files.
    pub fn is_test(&self) -> bool {
        self.path.ends_with("_test.rego")
    }
}

/// Rego modules to compile together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyBundle {
    modules: Vec<PolicyModule>,
}

/// Which files to take from a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestFiles {
    /// Leave `*_test.rego` out (check, eval; what OPA's eval loads matters
    /// only for tests).
    Exclude,
    /// Take them too (`policy test`).
    Include,
}

impl PolicyBundle {
    /// An empty bundle.
    pub fn new() -> PolicyBundle {
        PolicyBundle::default()
    }

    /// The built-in library (policies/ in the repository, embedded at build
    /// time).
    pub fn builtin(tests: TestFiles) -> PolicyBundle {
        let modules = crate::library::MODULES
            .iter()
            .map(|(path, text)| PolicyModule {
                path: format!("builtin/{path}"),
                text: (*text).to_string(),
            })
            .filter(|m| tests == TestFiles::Include || !m.is_test())
            .collect();
        PolicyBundle { modules }
    }

    /// Adds one module.
    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.modules.push(PolicyModule {
            path: path.into(),
            text: text.into(),
        });
    }

    /// Adds the modules of another bundle.
    pub fn extend(&mut self, other: PolicyBundle) {
        self.modules.extend(other.modules);
    }

    /// Adds a `.rego` file, or every `.rego` file under a directory (sorted,
    /// hidden directories skipped).
    pub fn add_path(&mut self, path: &Path, tests: TestFiles) -> Result<(), PolicyError> {
        let io = |path: &Path, source| PolicyError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(|e| io(path, e))?;
        let files: Vec<PathBuf> = if meta.is_dir() {
            let mut files = Vec::new();
            for entry in walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                })
            {
                let entry = entry.map_err(|e| {
                    let p = e.path().unwrap_or(path).to_path_buf();
                    io(&p, e.into())
                })?;
                let name = entry.file_name().to_string_lossy();
                if entry.file_type().is_file()
                    && name.ends_with(".rego")
                    && (tests == TestFiles::Include || !name.ends_with("_test.rego"))
                {
                    files.push(entry.into_path());
                }
            }
            files
        } else {
            vec![path.to_path_buf()]
        };
        for file in files {
            let text = std::fs::read_to_string(&file).map_err(|e| io(&file, e))?;
            self.add(file.to_string_lossy().into_owned(), text);
        }
        Ok(())
    }

    /// The modules, in the order added.
    pub fn modules(&self) -> &[PolicyModule] {
        &self.modules
    }

    /// True when there are no modules.
    pub fn is_empty(&self) -> bool {
        self.modules.is_empty()
    }

    /// `sha256:<hex>` identifying the bundle: SHA-256 over the modules
    /// sorted by path, each as `path NUL length NUL text`.
    pub fn digest(&self) -> String {
        let mut sorted: Vec<&PolicyModule> = self.modules.iter().collect();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        let mut h = Sha256::new();
        for m in sorted {
            h.update(m.path.as_bytes());
            h.update([0]);
            h.update(m.text.len().to_string().as_bytes());
            h.update([0]);
            h.update(m.text.as_bytes());
        }
        format!("sha256:{}", hex::encode(h.finalize()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_order_independent_and_content_sensitive() {
        let mut a = PolicyBundle::new();
        a.add("x.rego", "package x");
        a.add("y.rego", "package y");
        let mut b = PolicyBundle::new();
        b.add("y.rego", "package y");
        b.add("x.rego", "package x");
        assert_eq!(a.digest(), b.digest());
        b.add("z.rego", "package z");
        assert_ne!(a.digest(), b.digest());
    }

    #[test]
    fn builtin_library_is_embedded() {
        let lib = PolicyBundle::builtin(TestFiles::Exclude);
        assert!(
            lib.modules()
                .iter()
                .any(|m| m.path.ends_with("endpoint.rego"))
        );
        assert!(lib.modules().iter().all(|m| !m.is_test()));
        let with_tests = PolicyBundle::builtin(TestFiles::Include);
        assert!(with_tests.modules().iter().any(PolicyModule::is_test));
    }
}
