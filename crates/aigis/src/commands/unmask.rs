//! `aigis unmask`: reverse `encrypt` tokens in a file or a value, and a
//! `tokenize` value given its entity (or column). Needs the master key;
//! each use is a ledger event (`mask.unmask`) with counts, never values.

use std::io::{BufRead as _, Write as _};
use std::path::Path;

use aigis_detect::Entity;
use aigis_ledger::Subject;
use aigis_redact::{Operator, OperatorKind, RuleSet};
use aigis_table::write::{CellEdit, rewrite_delimited};
use aigis_table::{Batch, Input, InputFormat, ReadOptions};
use anyhow::{Context as _, bail};
use zeroize::Zeroizing;

use super::Outcome;
use super::mask::load_rules;
use crate::audit::Audit;
use crate::cli::{MaskFormat, UnmaskArgs};
use crate::mask::keys::RingKeys;
use crate::mask::pipeline::Sink;
use crate::settings::Settings;

/// Ledger action of an unmask.
const ACTION: &str = "mask.unmask";

/// Runs `aigis unmask`.
pub(crate) fn run(args: &UnmaskArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let ring = settings.keyring()?;
    let audit = Audit::open_with(settings, Some(&ring))?;
    let rules = load_rules(settings, &ring, &audit, args.rules.as_deref())?;
    let keys = RingKeys(&ring);
    let entity = args.entity.as_deref().map(Entity::new);
    // Every encrypt operator the rules use (by prefix).
    let mut encrypters = Vec::new();
    let probe: Vec<Entity> = Entity::BUILTIN.to_vec();
    for e in probe.iter().chain(entity.iter()) {
        if let (Operator::Encrypt(enc), _) = rules.set.operator_for(args.column.as_deref(), e)
            && !encrypters
                .iter()
                .any(|x: &&aigis_redact::Encrypt| std::ptr::eq(*x, enc))
        {
            encrypters.push(enc);
        }
    }
    if let Some(value) = &args.value {
        let plain: Zeroizing<String> = match &entity {
            Some(e) => match rules.set.operator_for(args.column.as_deref(), e).0 {
                Operator::Tokenize(t) => t
                    .detokenize(value, e)
                    .map_err(|err| anyhow::anyhow!("cannot detokenize: {err}"))?,
                Operator::Encrypt(enc) => enc
                    .decrypt(value, &keys)
                    .map_err(|err| anyhow::anyhow!("cannot decrypt: {err}"))?,
                op => bail!(
                    "the rule for {e} is `{}`, which cannot be reversed",
                    op.kind()
                ),
            },
            None => {
                let mut found = None;
                for enc in &encrypters {
                    if let Ok(p) = enc.decrypt(value, &keys) {
                        found = Some(p);
                        break;
                    }
                }
                found.context(
                    "not an encrypt token of these rules (for a tokenize value give --entity)",
                )?
            }
        };
        audit.record(
            audit
                .event(ACTION, Subject::new("value", "-"))
                .detail("values", 1)
                .detail(
                    "operator",
                    if entity.is_some() {
                        "tokenize"
                    } else {
                        "encrypt"
                    },
                ),
        )?;
        let mut out = std::io::stdout().lock();
        out.write_all(plain.as_bytes())?;
        out.write_all(b"\n")?;
        out.flush()?;
        return Ok(Outcome::Success);
    }
    if let (Some(column), Some(input)) = (args.column.as_deref(), args.input.as_deref())
        && input.as_os_str() != "-"
        && matches!(
            InputFormat::from_path(input),
            InputFormat::Csv | InputFormat::Tsv
        )
    {
        let entity = entity.as_ref().context(
            "unmasking a table column needs --entity (the entity its values were masked as)",
        )?;
        let total = unmask_column(
            input,
            args.output.as_deref(),
            column,
            entity,
            &rules.set,
            &keys,
        )?;
        audit.record(
            audit
                .event(ACTION, Subject::new("file", input.display().to_string()))
                .detail("values", total.values)
                .detail("not_tokens", total.not_tokens)
                .detail("column", column)
                .detail("operator", total.operator.as_str()),
        )?;
        summary(args, settings, total.values, total.not_tokens);
        return Ok(Outcome::Success);
    }
    if encrypters.is_empty() {
        bail!(
            "the rules use no `{}` operator: nothing to unmask in a file",
            OperatorKind::Encrypt
        );
    }
    let input = args.input.as_deref().context("give FILE or --value")?;
    let reader: Box<dyn std::io::BufRead> = if input.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(input)
                .with_context(|| format!("cannot open {}", input.display()))?,
        ))
    };
    let mut sink = open_sink(args.output.as_deref())?;
    let mut total = 0usize;
    let mut line = Vec::new();
    let mut reader = reader;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&line);
        let mut cur = Zeroizing::new(text.into_owned());
        for enc in &encrypters {
            let mut next = Zeroizing::new(String::with_capacity(cur.len()));
            total += enc.unmask_text(&cur, &keys, &mut next);
            cur = next;
        }
        sink.write_all(cur.as_bytes())?;
    }
    close_sink(sink)?;
    audit.record(
        audit
            .event(ACTION, Subject::new("file", input.display().to_string()))
            .detail("values", total)
            .detail("operator", "encrypt"),
    )?;
    summary(args, settings, total, 0);
    Ok(Outcome::Success)
}

/// Prints how many values were unmasked (and, for a column, how many of
/// its cells were not tokens of the rule).
fn summary(args: &UnmaskArgs, settings: &Settings, values: usize, not_tokens: usize) {
    match args.format {
        MaskFormat::Json => crate::output::note(
            &serde_json::json!({"unmasked": values, "not_tokens": not_tokens}).to_string(),
        ),
        MaskFormat::Human => {
            if !settings.quiet {
                let mut line = format!("unmasked {values} value(s)");
                if not_tokens > 0 {
                    line.push_str(&format!(
                        "; {not_tokens} non-empty cell(s) of the column were not tokens of the rule and were kept"
                    ));
                }
                crate::output::note(&line);
            }
        }
    }
}

/// Where the unmasked data goes: an atomic file, or standard output when
/// `output` is absent or `-`.
fn open_sink(output: Option<&Path>) -> anyhow::Result<Sink> {
    Ok(match output {
        Some(out) if out.as_os_str() != "-" => Sink::file(
            aigis_table::AtomicFile::create(out)
                .with_context(|| format!("cannot create {}", out.display()))?,
        ),
        _ => Sink::Stdout(std::io::BufWriter::new(std::io::stdout())),
    })
}

/// Puts a file sink in place (or flushes standard output).
fn close_sink(sink: Sink) -> anyhow::Result<()> {
    match sink {
        Sink::File(f, _) => f.commit()?,
        Sink::Stdout(mut s) => s.flush()?,
    }
    Ok(())
}

/// What [`unmask_column`] did.
struct ColumnTotals {
    values: usize,
    not_tokens: usize,
    operator: OperatorKind,
}

/// Reverses the rule of `column` (for `entity`) on every non-empty cell of
/// that column of a CSV/TSV file, writing the file with everything else
/// byte for byte as it was. A cell whose whole value is not a token of the
/// rule is kept and counted.
fn unmask_column(
    input: &Path,
    output: Option<&Path>,
    column: &str,
    entity: &Entity,
    rules: &RuleSet,
    keys: &RingKeys<'_>,
) -> anyhow::Result<ColumnTotals> {
    let op = rules.operator_for(Some(column), entity).0;
    if !matches!(op, Operator::Tokenize(_) | Operator::Encrypt(_)) {
        bail!(
            "the rule for {entity} in column {column} is `{}`, which cannot be reversed",
            op.kind()
        );
    }
    let opts = ReadOptions {
        keep_raw: true,
        ..ReadOptions::default()
    };
    let source = Input::named(input, None);
    let mut reader = aigis_table::open(&source, &opts)
        .with_context(|| format!("cannot read {}", input.display()))?;
    let columns = reader.columns();
    let Some(col) = columns.iter().position(|c| c == column) else {
        bail!(
            "{}: no column {column:?} (columns: {})",
            input.display(),
            columns.join(", ")
        );
    };
    let delimiter = reader.delimiter().unwrap_or(b',');
    let mut sink = open_sink(output)?;
    sink.write_all(reader.raw_header())?;
    let mut totals = ColumnTotals {
        values: 0,
        not_tokens: 0,
        operator: op.kind(),
    };
    let mut batch = Batch::new();
    let mut row = Zeroizing::new(Vec::new());
    while reader
        .next_batch(&mut batch)
        .with_context(|| format!("cannot read {}", input.display()))?
    {
        for record in batch.records() {
            let cell = record.fields().find(|f| f.column() == Some(col));
            let plain: Option<Zeroizing<String>> = match cell.map(|f| f.value()) {
                Some(v) if !v.trim().is_empty() => {
                    let reversed = match op {
                        Operator::Tokenize(t) => t.detokenize(v.trim(), entity).ok(),
                        Operator::Encrypt(e) => e.decrypt(v.trim(), keys).ok(),
                        _ => None,
                    };
                    if reversed.is_some() {
                        totals.values += 1;
                    } else {
                        totals.not_tokens += 1;
                    }
                    reversed
                }
                _ => None,
            };
            row.clear();
            let mut edits = vec![CellEdit::Keep; col + 1];
            if let (Some(p), Some(slot)) = (plain.as_ref(), edits.get_mut(col)) {
                *slot = CellEdit::Set(p.as_str());
            }
            rewrite_delimited(record.raw(), delimiter, &edits, &mut row);
            sink.write_all(&row)?;
        }
    }
    close_sink(sink)?;
    Ok(totals)
}
