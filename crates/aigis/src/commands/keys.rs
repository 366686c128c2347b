//! `aigis keys`: create, list, rotate, disable, export-public. Every change
//! is recorded in the ledger.

use anyhow::bail;
use serde_json::json;

use aigis_keys::{KeyInfo, KeyKind, Keyring, PublicKey};
use aigis_ledger::{LedgerStore as _, Subject, VerifierKey};

use crate::audit::Audit;
use crate::cli::{KeysCommand, OutputFormat};
use crate::commands::Outcome;
use crate::output;
use crate::settings::Settings;

pub(crate) fn run(command: KeysCommand, settings: &Settings) -> anyhow::Result<Outcome> {
    let keyring = settings.keyring()?;
    let audit = Audit::open_with(settings, Some(&keyring))?;
    match command {
        KeysCommand::Create { name, kind, format } => {
            let kind: KeyKind = kind.parse()?;
            let info = keyring.create_key(&name, kind)?;
            record(&audit, "keys.create", &info)?;
            show_one(&info, format, "created")
        }
        KeysCommand::List { format } => {
            let keys = keyring.list()?;
            match format {
                OutputFormat::Json => output::json(&keys)?,
                OutputFormat::Human => {
                    output::line(&format!(
                        "{:<20} {:<11} {:>7}  {:<28} created",
                        "NAME", "KIND", "CURRENT", "VERSIONS"
                    ))?;
                    for k in &keys {
                        output::line(&human_row(k))?;
                    }
                }
            }
            Ok(Outcome::Success)
        }
        KeysCommand::Rotate { name, format } => {
            let info = keyring.rotate(&name)?;
            record(&audit, "keys.rotate", &info)?;
            show_one(&info, format, "rotated")
        }
        KeysCommand::Disable {
            name,
            key_version: version,
            format,
        } => {
            let info = keyring.disable(&name, version)?;
            let mut draft = draft(&audit, "keys.disable", &info);
            if let Some(v) = version {
                draft = draft.detail("disabled_version", v);
            }
            audit.record(draft)?;
            show_one(&info, format, "disabled")
        }
        KeysCommand::ExportPublic {
            name,
            key_version: version,
            note,
            format,
        } => {
            let public = keyring.public_key(&name, version)?;
            let text = if note {
                note_key(&keyring, settings, &name, &public)?
            } else {
                public.to_pem()?
            };
            match format {
                OutputFormat::Json => output::json(&json!({
                    "name": name,
                    "version": version.or(keyring.info(&name)?.current),
                    if note { "verifier_key" } else { "pem" }: text,
                }))?,
                OutputFormat::Human => output::line(text.trim_end())?,
            }
            Ok(Outcome::Success)
        }
    }
}

/// The C2SP verifier key of an Ed25519 key: named after the ledger origin
/// for the checkpoint key (so it verifies checkpoints), else after the key.
fn note_key(
    keyring: &Keyring,
    settings: &Settings,
    name: &str,
    public: &PublicKey,
) -> anyhow::Result<String> {
    let PublicKey::Ed25519(vk) = public else {
        bail!(
            "key {name} is {}: C2SP verifier keys are Ed25519 only",
            keyring.info(name)?.kind
        );
    };
    let note_name = if name == settings.config.ledger.signing_key {
        let ws = settings.require_workspace()?;
        aigis_ledger::SqliteStore::open(&ws.db_path())?
            .origin()
            .to_owned()
    } else {
        name.to_owned()
    };
    Ok(VerifierKey::new(&note_name, *vk)?.to_string())
}

fn draft(audit: &Audit, action: &str, info: &KeyInfo) -> aigis_ledger::EventDraft {
    let mut d = audit
        .event(action, Subject::new("key", info.name.clone()))
        .detail("kind", info.kind.as_str());
    if let Some(v) = info.current {
        d = d.detail("version", v);
    }
    d
}

fn record(audit: &Audit, action: &str, info: &KeyInfo) -> anyhow::Result<()> {
    audit.record(draft(audit, action, info))?;
    Ok(())
}

fn human_row(k: &KeyInfo) -> String {
    let versions = k
        .versions
        .iter()
        .map(|v| format!("v{}:{}", v.version, v.state))
        .collect::<Vec<_>>()
        .join(",");
    format!(
        "{:<20} {:<11} {:>7}  {:<28} {}",
        k.name,
        k.kind.as_str(),
        k.current.map_or("-".to_owned(), |v| format!("v{v}")),
        versions,
        k.created
    )
}

fn show_one(info: &KeyInfo, format: OutputFormat, verb: &str) -> anyhow::Result<Outcome> {
    match format {
        OutputFormat::Json => output::json(info)?,
        OutputFormat::Human => output::line(&format!(
            "{verb} {} ({}), current version {}",
            info.name,
            info.kind,
            info.current.map_or("none".to_owned(), |v| v.to_string())
        ))?,
    }
    Ok(Outcome::Success)
}
