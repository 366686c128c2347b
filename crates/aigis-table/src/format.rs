//! Input formats and how a format is chosen for a path.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// The format an input is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputFormat {
    /// Plain text: one record per line, the whole line is the field.
    Text,
    /// Comma-separated values with a header row (the delimiter is sniffed
    /// from the header line unless set: `,` `;` `|` or tab).
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// JSON Lines: one JSON value per line, every string leaf is a field.
    Jsonl,
    /// Apache Parquet: every string column (also inside structs and lists).
    Parquet,
}

impl InputFormat {
    /// Every format, in documentation order.
    pub const ALL: &'static [InputFormat] = &[
        InputFormat::Text,
        InputFormat::Csv,
        InputFormat::Tsv,
        InputFormat::Jsonl,
        InputFormat::Parquet,
    ];

    /// The format's name as accepted by [`FromStr`] (`text`, `csv`, ...).
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Text => "text",
            InputFormat::Csv => "csv",
            InputFormat::Tsv => "tsv",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Parquet => "parquet",
        }
    }

    /// The format a file name implies; anything unknown is plain text.
    ///
    /// `.csv` -> CSV; `.tsv`, `.tab` -> TSV; `.jsonl`, `.ndjson` -> JSONL;
    /// `.parquet`, `.pq` -> Parquet; everything else (including no
    /// extension) -> text. Case is ignored.
    pub fn from_path(path: &Path) -> InputFormat {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "csv" => InputFormat::Csv,
            "tsv" | "tab" => InputFormat::Tsv,
            "jsonl" | "ndjson" => InputFormat::Jsonl,
            "parquet" | "pq" => InputFormat::Parquet,
            _ => InputFormat::Text,
        }
    }

    /// True for formats with named columns (CSV, TSV, Parquet), which get
    /// per-column statistics and classification.
    pub fn is_table(self) -> bool {
        matches!(
            self,
            InputFormat::Csv | InputFormat::Tsv | InputFormat::Parquet
        )
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of [`InputFormat::ALL`].
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown input format {0:?} (expected one of: text, csv, tsv, jsonl, parquet)")]
pub struct UnknownFormat(pub String);

impl FromStr for InputFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "text" | "txt" => Ok(InputFormat::Text),
            "csv" => Ok(InputFormat::Csv),
            "tsv" => Ok(InputFormat::Tsv),
            "jsonl" | "ndjson" => Ok(InputFormat::Jsonl),
            "parquet" => Ok(InputFormat::Parquet),
            _ => Err(UnknownFormat(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_picks_format() {
        let f = |p: &str| InputFormat::from_path(Path::new(p));
        assert_eq!(f("a/b.csv"), InputFormat::Csv);
        assert_eq!(f("b.TSV"), InputFormat::Tsv);
        assert_eq!(f("x.ndjson"), InputFormat::Jsonl);
        assert_eq!(f("x.parquet"), InputFormat::Parquet);
        assert_eq!(f("notes.txt"), InputFormat::Text);
        assert_eq!(f("Makefile"), InputFormat::Text);
    }

    #[test]
    fn names_round_trip() {
        for f in InputFormat::ALL {
            assert_eq!(f.name().parse::<InputFormat>().unwrap(), *f);
        }
        assert!("xml".parse::<InputFormat>().is_err());
    }
}
