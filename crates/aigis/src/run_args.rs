//! Command-line values that `aigis scan` and `aigis mask` read the same
//! way: thread count, input format, CSV delimiter, minimum score.

use std::num::NonZeroUsize;

use aigis_table::InputFormat;
use anyhow::bail;

use crate::cli::GlobalArgs;

/// `--threads`, or every core when it is not given.
pub(crate) fn threads(global: &GlobalArgs) -> anyhow::Result<usize> {
    Ok(match global.threads {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
    })
}

/// `--input-format`, parsed.
pub(crate) fn input_format(arg: Option<&str>) -> anyhow::Result<Option<InputFormat>> {
    Ok(match arg {
        Some(f) => Some(f.parse::<InputFormat>()?),
        None => None,
    })
}

/// `--delimiter`: one ASCII byte that is not a quote or a line break.
pub(crate) fn delimiter(arg: Option<char>) -> anyhow::Result<Option<u8>> {
    match arg {
        None => Ok(None),
        Some(c) => match u8::try_from(c) {
            Ok(b) if c.is_ascii() && b != b'"' && b != b'\n' && b != b'\r' => Ok(Some(b)),
            _ => bail!("--delimiter must be one ASCII character other than a quote or newline"),
        },
    }
}

/// Refuses a `--min-score` outside [0, 1].
pub(crate) fn check_min_score(arg: Option<f32>) -> anyhow::Result<()> {
    if let Some(s) = arg
        && !(0.0..=1.0).contains(&s)
    {
        bail!("--min-score must be between 0 and 1, got {s}");
    }
    Ok(())
}
