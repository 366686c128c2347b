//! Rules text and where it came from: parsing it into a [`MaskConfig`] and
//! turning every problem into an error with a file, line and column.
//!
//! serde reports an unknown option of an operator at the rule's table (the
//! operator tag is read first); [`RulesSource::error_from_toml`] moves such
//! errors to the line of the offending key, so the user sees the line they
//! must fix.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::RulesError;
use crate::rules::MaskConfig;

/// The text of a rules file (or of aigis.toml) and its path.
#[derive(Debug, Clone)]
pub struct RulesSource {
    path: Option<PathBuf>,
    text: String,
}

/// A rules file may be the `[mask]` section's keys at the top level, or a
/// document whose only table is `[mask]` (a copy of aigis.toml's section).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wrapped {
    mask: MaskConfig,
}

impl RulesSource {
    /// Rules text read from `path` (`None` for text from elsewhere).
    pub fn new(path: Option<PathBuf>, text: String) -> RulesSource {
        RulesSource { path, text }
    }

    /// Reads a rules file. I/O errors are the caller's (the binary names the
    /// file); this only wraps the text.
    pub fn from_file_text(path: &Path, text: String) -> RulesSource {
        RulesSource::new(Some(path.to_path_buf()), text)
    }

    /// The path the rules came from.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The rules text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Parses the rules: the `[mask]` section's keys at the top level, or a
    /// single `[mask]` table.
    pub fn parse(&self) -> Result<MaskConfig, RulesError> {
        let wrapped = DeTable::parse(&self.text)
            .map(|t| {
                let t = t.get_ref();
                t.len() == 1 && t.iter().next().is_some_and(|(k, _)| k.get_ref() == "mask")
            })
            .unwrap_or(false);
        let parsed = if wrapped {
            toml::from_str::<Wrapped>(&self.text).map(|w| w.mask)
        } else {
            toml::from_str::<MaskConfig>(&self.text)
        };
        parsed.map_err(|e| self.error_from_toml(&e))
    }

    /// A TOML error in this text as a [`RulesError::Parse`] with the line and
    /// column of the key at fault where serde only named its table.
    pub fn error_from_toml(&self, err: &toml::de::Error) -> RulesError {
        let message = err.message().trim_end().to_string();
        let span = err.span().map(|s| self.refine(s, &message)).unwrap_or(0..0);
        let (line, column) = self.line_col(span.start);
        RulesError::Parse {
            path: self.path.clone(),
            line,
            column,
            message,
        }
    }

    /// For "unknown field `k`" reported at a table, the span of `k` in it.
    fn refine(&self, span: Range<usize>, message: &str) -> Range<usize> {
        let Some(field) = message
            .strip_prefix("unknown field `")
            .and_then(|r| r.split_once('`'))
            .map(|(f, _)| f)
        else {
            return span;
        };
        let Ok(doc) = DeTable::parse(&self.text) else {
            return span;
        };
        find_key_in_table_at(doc.get_ref(), &span, field).unwrap_or(span)
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }

    /// Line and column of the key at `path` (e.g. `["entities", "PERSON"]`),
    /// looked up both at the top level and under `[mask]`. `(0, 0)` when the
    /// key is not written in this text.
    pub fn locate(&self, path: &[&str]) -> (usize, usize) {
        let Ok(doc) = DeTable::parse(&self.text) else {
            return (0, 0);
        };
        let found = key_span(doc.get_ref(), path).or_else(|| {
            let mask = doc.get_ref().iter().find(|(k, _)| k.get_ref() == "mask")?;
            match mask.1.get_ref() {
                DeValue::Table(t) => key_span(t, path),
                _ => None,
            }
        });
        match found {
            Some(span) => self.line_col(span.start),
            None => (0, 0),
        }
    }
}

fn key_span(table: &DeTable<'_>, path: &[&str]) -> Option<Range<usize>> {
    let (first, rest) = path.split_first()?;
    let (k, v) = table.iter().find(|(k, _)| k.get_ref() == first)?;
    if rest.is_empty() {
        return Some(k.span());
    }
    match v.get_ref() {
        DeValue::Table(t) => key_span(t, rest),
        _ => None,
    }
}

/// The table whose span serde reported, then `field` in it or, since an
/// operator's options are read after its tag, in a table nested in it (an
/// operator's `fallback`); the first in document order.
fn find_key_in_table_at(
    table: &DeTable<'_>,
    span: &Range<usize>,
    field: &str,
) -> Option<Range<usize>> {
    for (_, v) in table.iter() {
        if let DeValue::Table(t) = v.get_ref() {
            if v.span() == *span
                && let Some(s) = first_key_named(t, field)
            {
                return Some(s);
            }
            if let Some(s) = find_key_in_table_at(t, span, field) {
                return Some(s);
            }
        }
    }
    None
}

fn first_key_named(table: &DeTable<'_>, field: &str) -> Option<Range<usize>> {
    let mut best: Option<Range<usize>> = None;
    for (k, v) in table.iter() {
        let candidate = if k.get_ref() == field {
            Some(k.span())
        } else if let DeValue::Table(t) = v.get_ref() {
            first_key_named(t, field)
        } else {
            None
        };
        if let Some(c) = candidate
            && best.as_ref().is_none_or(|b| c.start < b.start)
        {
            best = Some(c);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> (usize, usize, String) {
        match RulesSource::new(Some("rules.toml".into()), text.into()).parse() {
            Err(RulesError::Parse {
                line,
                column,
                message,
                ..
            }) => (line, column, message),
            other => panic!("expected a parse error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_option_points_at_its_line() {
        let text = "[entities.PERSON]\noperator = \"hash\"\nlength = 20\nbogus = 1\n";
        let (line, column, msg) = err(text);
        assert_eq!((line, column), (4, 1), "{msg}");
        assert!(msg.contains("unknown field `bogus`"), "{msg}");
    }

    #[test]
    fn unknown_option_in_inline_table_and_under_mask() {
        let text = "[mask]\n[mask.columns]\nemail = { operator = \"redact\", x = 1 }\n";
        let (line, column, msg) = err(text);
        assert_eq!((line, column), (3, 32), "{msg}");
        let text = "[mask.entities.US_SSN]\noperator = \"tokenize\"\n\n[mask.entities.US_SSN.fallback]\noperator = \"mask\"\nkeep = 4\n";
        let (line, _, msg) = err(text);
        assert_eq!(line, 6, "{msg}");
    }

    #[test]
    fn unknown_operator_points_at_its_value() {
        let (line, column, msg) = err("[entities.PERSON]\n\noperator = \"hsh\"\n");
        assert_eq!((line, column), (3, 12));
        assert!(
            msg.contains("unknown variant `hsh`") && msg.contains("`hash`"),
            "{msg}"
        );
    }

    #[test]
    fn other_errors_name_the_table_or_key() {
        let (line, _, msg) = err("inherit = true\n[entities.PERSON]\nlength = 3\n");
        assert_eq!(line, 2);
        assert!(msg.contains("missing field `operator`"), "{msg}");
        let (line, _, msg) = err("[entites.PERSON]\noperator = \"hash\"\n");
        assert_eq!(line, 1);
        assert!(msg.contains("unknown field `entites`"), "{msg}");
        let (line, _, _) = err("inherit = true\n\n[entities\n");
        assert_eq!(line, 3);
        let (line, _, msg) = err("[entities.PERSON]\noperator = \"hash\"\nlength = \"long\"\n");
        assert_eq!(line, 1, "{msg}");
    }

    #[test]
    fn display_names_file_and_line() {
        let e = RulesSource::new(
            Some("r.toml".into()),
            "[entities.X]\noperator = \"nope\"\n".into(),
        )
        .parse()
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("r.toml:2:12: unknown variant `nope`"),
            "{e}"
        );
    }

    #[test]
    fn locate_finds_keys() {
        let s = RulesSource::new(
            None,
            "[mask]\n\n[mask.entities.PERSON]\noperator = \"hash\"\n".into(),
        );
        assert_eq!(s.locate(&["entities", "PERSON"]), (3, 16));
        assert_eq!(s.locate(&["entities", "EMAIL"]), (0, 0));
    }
}
