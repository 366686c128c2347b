//! `aigis init`: create `.aigis/` with its configuration, ledger, keyring
//! (the default keys in `aigis_keys::defaults`), quarantine directory and
//! attestation store.

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde_json::json;

use aigis_keys::{KdfParams, Keyring, MasterKey, defaults};
use aigis_ledger::{SqliteStore, Subject};

use crate::audit::{Audit, open_auditor};
use crate::cli::{InitArgs, OutputFormat};
use crate::commands::Outcome;
use crate::output;
use crate::settings::{self, Settings, WORKSPACE_DIR, Workspace, env};

/// Where the master key came from, for the message and the config.
enum Source {
    Env,
    File(PathBuf, bool),
    Passphrase,
}

pub(crate) fn run(args: &InitArgs, settings: &Settings) -> anyhow::Result<Outcome> {
    let root = match (&args.dir, std::env::var_os(env::HOME)) {
        (Some(dir), _) => dir.join(WORKSPACE_DIR),
        (None, Some(home)) => PathBuf::from(home),
        (None, None) => std::env::current_dir()
            .context("current directory")?
            .join(WORKSPACE_DIR),
    };
    if root.exists() {
        bail!(
            "{} already exists; refusing to overwrite an aigis workspace",
            root.display()
        );
    }
    let parent = root
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        bail!("{}: no such directory", parent.display());
    }
    // Resolve the master key before creating anything.
    let (master, kdf, source) = master_for_init(args, &root)?;

    // Build in a temporary sibling and rename, so a failed init leaves nothing.
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| WORKSPACE_DIR.to_owned());
    let tmp = parent.join(format!(".{name}.init{}", std::process::id()));
    let result = build(&tmp, master, kdf, &source, settings);
    let origin = match result {
        Ok(origin) => origin,
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    fs::rename(&tmp, &root).with_context(|| format!("creating {}", root.display()))?;
    fs::File::open(parent)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("syncing {}", parent.display()))?;

    let source_text = match &source {
        Source::Env => format!(
            "{} (keep it outside {}; every command needs it set)",
            env::MASTER_KEY,
            root.display()
        ),
        Source::File(p, generated) => format!(
            "the key file {} ({}, mode 0600, named in aigis.toml; back it up apart from {})",
            p.display(),
            if *generated {
                "generated now"
            } else {
                "existing"
            },
            root.display()
        ),
        Source::Passphrase => format!(
            "{} (Argon2id; salt and costs in keys/keyring.json)",
            env::MASTER_PASSPHRASE
        ),
    };
    match args.format {
        OutputFormat::Json => output::json(&json!({
            "workspace": root,
            "origin": origin,
            "keys": defaults::ALL.iter().map(|(n, k)| json!({"name": n, "kind": k.as_str()})).collect::<Vec<_>>(),
            "master_key_source": match &source {
                Source::Env => json!({"env": env::MASTER_KEY}),
                Source::File(p, _) => json!({"file": p}),
                Source::Passphrase => json!({"passphrase_env": env::MASTER_PASSPHRASE}),
            },
        }))?,
        OutputFormat::Human => {
            output::line(&format!("initialized aigis workspace {}", root.display()))?;
            output::line(&format!("ledger origin: {origin}"))?;
            let keys: Vec<String> = defaults::ALL
                .iter()
                .map(|(n, k)| format!("{n} ({k})"))
                .collect();
            output::line(&format!("keys: {}", keys.join(", ")))?;
            output::line(&format!("master key: {source_text}"))?;
        }
    }
    Ok(Outcome::Success)
}

fn master_for_init(
    args: &InitArgs,
    root: &Path,
) -> anyhow::Result<(MasterKey, Option<KdfParams>, Source)> {
    if let Ok(text) = std::env::var(env::MASTER_KEY) {
        let text = zeroize::Zeroizing::new(text);
        return Ok((MasterKey::from_base64(&text)?, None, Source::Env));
    }
    if let Some(path) = &args.master_key_file {
        let path =
            std::path::absolute(path).with_context(|| format!("resolving {}", path.display()))?;
        settings::check_outside(root, &path)?;
        if path.exists() {
            return Ok((
                MasterKey::from_file(&path)?,
                None,
                Source::File(path, false),
            ));
        }
        let key = MasterKey::generate_file(&path)?;
        return Ok((key, None, Source::File(path, true)));
    }
    if args.passphrase {
        let params = KdfParams::generate()?;
        let key = settings::passphrase_key(&params)?;
        return Ok((key, Some(params), Source::Passphrase));
    }
    bail!(
        "no master key: set {} (base64 of 32 random bytes, e.g. `export {}=$(head -c32 /dev/urandom | base64)`), \
         or pass --master-key-file PATH (created if absent), or --passphrase with {} set",
        env::MASTER_KEY,
        env::MASTER_KEY,
        env::MASTER_PASSPHRASE
    )
}

fn private_dir(path: &Path) -> anyhow::Result<()> {
    fs::create_dir(path).with_context(|| format!("creating {}", path.display()))?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o700))
        .with_context(|| format!("setting permissions of {}", path.display()))
}

fn build(
    dir: &Path,
    master: MasterKey,
    kdf: Option<KdfParams>,
    source: &Source,
    settings: &Settings,
) -> anyhow::Result<String> {
    private_dir(dir)?;
    let ws = Workspace::at(dir.to_owned());
    let key_file = match source {
        Source::File(p, _) => Some(p.as_path()),
        _ => None,
    };
    aigis_keys::write_private_file(
        &ws.config_path(),
        settings::default_config_text(key_file).as_bytes(),
    )?;
    private_dir(&ws.quarantine_dir())?;
    fs::create_dir(ws.attestations_dir())
        .with_context(|| format!("creating {}", ws.attestations_dir().display()))?;

    let mut random = [0u8; 8];
    getrandom::fill(&mut random).map_err(|_| anyhow::anyhow!("random number generator failed"))?;
    let origin = format!("aigis-ledger/{}", hex::encode(random));
    drop(SqliteStore::create(&ws.db_path(), &origin)?);

    let keyring = Keyring::create(ws.keys_dir(), master, kdf)?;
    let mut created = Vec::new();
    for (name, kind) in defaults::ALL {
        created.push((name, kind, keyring.create_key(name, kind)?));
    }
    let auditor = open_auditor(settings, &ws.db_path(), Some(&keyring))?;
    let audit = Audit::from_auditor(auditor, settings);
    let mut drafts = vec![
        audit
            .event("workspace.init", Subject::new("workspace", WORKSPACE_DIR))
            .detail("origin", origin.clone()),
    ];
    for (name, kind, info) in created {
        drafts.push(
            audit
                .event("keys.create", Subject::new("key", name))
                .detail("kind", kind.as_str())
                .detail("version", info.current.unwrap_or(1)),
        );
    }
    audit.record_batch(drafts)?;
    if let Some(auditor) = audit.auditor() {
        auditor
            .checkpoint()
            .context("signing the first checkpoint")?;
    }
    Ok(origin)
}
