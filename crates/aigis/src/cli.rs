//! Command-line types only: clap derive structs holding raw values.
//!
//! Nothing here does I/O or reads the environment beyond what clap does;
//! commands resolve these raw values into settings before doing work.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Security and compliance automation for AI data pipelines and model
/// endpoints.
#[derive(Debug, Parser)]
#[command(name = "aigis", version, about, propagate_version = true)]
pub(crate) struct Cli {
    /// Options every subcommand understands.
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options shared by all subcommands.
#[derive(Debug, clap::Args)]
pub(crate) struct GlobalArgs {
    /// No progress bars or summaries on stderr.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// Worker threads (default: all cores).
    #[arg(long, global = true, value_name = "N")]
    pub(crate) threads: Option<usize>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Find personal data and secrets in text, CSV/TSV, JSONL and Parquet.
    ///
    /// Exit status: 0 when done (no gate failed), 1 when findings at or above
    /// --min-score exist and --fail-on-findings (or a --fail-on entity) is
    /// given, 2 on usage or input errors.
    Scan(ScanArgs),
    /// Print version and build information.
    Version,
    /// Create an aigis workspace (.aigis/) with its keyring and ledger.
    Init(InitArgs),
    /// Manage the keyring: create, list, rotate, disable, export public keys.
    Keys {
        /// What to do with keys.
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// The tamper-evident audit ledger: log, append, checkpoint, prove,
    /// verify, export.
    Ledger {
        /// What to do with the ledger.
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Sign a model directory or file (an OpenSSF model-signing bundle).
    Sign(SignArgs),
    /// Write signed in-toto attestations for pipeline steps; manage the store.
    #[command(subcommand)]
    Attest(AttestCommand),
    /// Verify a model signature, one DSSE envelope, or a model's whole chain.
    Verify(VerifyArgs),
    /// Mask personal data: same format out, originals to the encrypted
    /// quarantine, a compliance report, a gate.
    ///
    /// Exit status: 0 done, 1 the gate failed (--fail-on), 2 usage or input
    /// errors.
    Mask(MaskArgs),
    /// Reverse `encrypt` and `tokenize` outputs (needs the key; recorded in
    /// the ledger).
    Unmask(UnmaskArgs),
    /// The encrypted originals of mask runs: list, show, purge.
    Quarantine {
        /// What to do with the quarantine.
        #[command(subcommand)]
        command: QuarantineCommand,
    },
    /// Policy-as-code gates: check files against Rego policies, run policy
    /// tests, evaluate queries.
    #[command(subcommand)]
    Policy(PolicyCommand),
}

/// Output format of `mask`, `unmask` and `quarantine`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum MaskFormat {
    /// A summary for people on stderr.
    #[default]
    Human,
    /// One JSON document (stdout; stderr when the data goes to stdout).
    Json,
}

/// Arguments of `aigis mask`.
#[derive(Debug, clap::Args)]
pub(crate) struct MaskArgs {
    /// The input file (text, CSV/TSV, JSONL, Parquet); `-` reads standard
    /// input. A directory: every file under it (as `aigis scan` walks it)
    /// is masked, each as its own run, to the same relative path under
    /// OUTPUT (a directory).
    #[arg(value_name = "INPUT")]
    pub(crate) input: PathBuf,
    /// Where to write the masked data (same format); `-` for standard
    /// output.
    #[arg(short, long, value_name = "OUTPUT")]
    pub(crate) output: PathBuf,
    /// Masking rules (TOML: the `[mask]` keys), layered over aigis.toml's.
    #[arg(long, value_name = "FILE")]
    pub(crate) rules: Option<PathBuf>,
    /// Re-scan every changed value as written and report residual findings.
    #[arg(long)]
    pub(crate) verify: bool,
    /// Gate rules, comma-separated: `any`, a column class
    /// (`direct_identifier`, ...), or entity names (replaces `[mask.gate]
    /// fail_on`).
    #[arg(long, value_name = "RULES")]
    pub(crate) fail_on: Option<String>,
    /// Write the output even when the gate fails.
    #[arg(long)]
    pub(crate) keep_on_fail: bool,
    /// Directory for report.json and report.html (default:
    /// .aigis/reports/RUN/).
    #[arg(long, value_name = "DIR")]
    pub(crate) report: Option<PathBuf>,
    /// Read the input as this format instead of by extension.
    #[arg(long, value_name = "FORMAT")]
    pub(crate) input_format: Option<String>,
    /// CSV field delimiter (one ASCII character).
    #[arg(long, value_name = "CHAR")]
    pub(crate) delimiter: Option<char>,
    /// Skip bad records (counted in the report) instead of failing.
    #[arg(long)]
    pub(crate) skip_bad: bool,
    /// Drop findings scoring below this (0 to 1).
    #[arg(long, value_name = "SCORE")]
    pub(crate) min_score: Option<f32>,
    /// Do not sign an in-toto transform attestation for this run.
    #[arg(long)]
    pub(crate) no_attest: bool,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: MaskFormat,
}

/// Arguments of `aigis unmask`.
#[derive(Debug, clap::Args)]
pub(crate) struct UnmaskArgs {
    /// A masked file whose `encrypt` tokens are decrypted (any format, as
    /// text); `-` reads standard input. With --column and --entity on a
    /// CSV/TSV file: every cell of that column is reversed by its rule
    /// (`tokenize` or `encrypt`) and the rest of the file is kept as is.
    #[arg(
        value_name = "FILE",
        required_unless_present = "value",
        conflicts_with = "value"
    )]
    pub(crate) input: Option<PathBuf>,
    /// Where to write the unmasked file; `-` (default) for standard output.
    #[arg(short, long, value_name = "OUTPUT")]
    pub(crate) output: Option<PathBuf>,
    /// One masked value (an `encrypt` token, or a `tokenize` output with
    /// --entity).
    #[arg(long, value_name = "TOKEN")]
    pub(crate) value: Option<String>,
    /// The entity a `tokenize` value was masked as (its rule decides the
    /// options).
    #[arg(long, value_name = "ENTITY")]
    pub(crate) entity: Option<String>,
    /// The column a value came from, when a column rule masked it.
    #[arg(long, value_name = "NAME")]
    pub(crate) column: Option<String>,
    /// The rules the value was masked with.
    #[arg(long, value_name = "FILE")]
    pub(crate) rules: Option<PathBuf>,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: MaskFormat,
}

/// `aigis quarantine ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum QuarantineCommand {
    /// List the runs in the quarantine (complete or incomplete).
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: MaskFormat,
    },
    /// Decrypt a run's originals to standard output (JSON lines).
    Show {
        /// The run id.
        run: String,
    },
    /// Delete a run's quarantine.
    Purge {
        /// The run id.
        run: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: MaskFormat,
    },
}

// ---- provenance: sign, attest, verify -------------------------------------

/// Which private key signs.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct SigningKeyArgs {
    /// Keyring key to sign with (default: `signing` for models, `attest` for
    /// attestations).
    #[arg(long, value_name = "NAME", conflicts_with = "key_file")]
    pub(crate) key: Option<String>,
    /// Sign with this PEM private key file instead of a keyring key
    /// (PKCS#8 Ed25519 / P-256, or SEC1 P-256).
    #[arg(long, value_name = "PEM")]
    pub(crate) key_file: Option<PathBuf>,
}

/// How a model directory is walked (model-signing's options).
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct WalkArgs {
    /// Leave this path (relative to the model root) out; repeatable.
    #[arg(long = "ignore", value_name = "PATH")]
    pub(crate) ignore: Vec<PathBuf>,
    /// Include .git, .gitattributes, .github and .gitignore.
    #[arg(long)]
    pub(crate) no_ignore_git_paths: bool,
    /// Hash symbolic links to files instead of refusing them.
    #[arg(long)]
    pub(crate) allow_symlinks: bool,
}

/// `aigis sign`.
#[derive(Debug, clap::Args)]
pub(crate) struct SignArgs {
    /// The model directory or file.
    pub(crate) path: PathBuf,
    #[command(flatten)]
    pub(crate) key: SigningKeyArgs,
    /// Where to write the signature (default: PATH.sig beside the model).
    #[arg(short, long, value_name = "SIG")]
    pub(crate) output: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) walk: WalkArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: OutputFormat,
}

/// Where attestations are kept.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct StoreArgs {
    /// Attestation store directory (content-addressed DSSE envelopes;
    /// default: the workspace's .aigis/attestations).
    #[arg(long, value_name = "DIR", env = "AIGIS_ATTESTATION_STORE")]
    pub(crate) store: Option<PathBuf>,
}

/// Options every `aigis attest <step>` takes.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct AttestCommon {
    #[command(flatten)]
    pub(crate) key: SigningKeyArgs,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Also write the envelope to this file.
    #[arg(long, value_name = "FILE")]
    pub(crate) envelope_out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: OutputFormat,
}

/// `aigis attest ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum AttestCommand {
    /// A transform step (scan, mask, ...): inputs in, outputs (the subjects) out.
    Transform {
        /// Raw input file or directory; repeatable.
        #[arg(long = "input", value_name = "RAW", required = true)]
        inputs: Vec<PathBuf>,
        /// Output file or directory; repeatable.
        #[arg(long = "output", value_name = "OUT", required = true)]
        outputs: Vec<PathBuf>,
        /// The step's name.
        #[arg(long, value_name = "NAME")]
        step: String,
        /// The report the step wrote.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// The rules or configuration the step applied.
        #[arg(long, value_name = "FILE")]
        rules: Option<PathBuf>,
        /// A parameter of the run, `key=value`; repeatable.
        #[arg(long = "param", value_name = "K=V")]
        params: Vec<String>,
        #[command(flatten)]
        common: AttestCommon,
    },
    /// Training: datasets in, the model (the subject) out.
    Train {
        /// Training dataset file or directory; repeatable.
        #[arg(long = "dataset", value_name = "D", required = true)]
        datasets: Vec<PathBuf>,
        /// The trained model file or directory.
        #[arg(long, value_name = "M")]
        model: PathBuf,
        /// Commit of the training code.
        #[arg(long, value_name = "SHA")]
        code_commit: Option<String>,
        /// A hyperparameter, `key=value`; repeatable.
        #[arg(long = "param", value_name = "K=V")]
        params: Vec<String>,
        #[command(flatten)]
        common: AttestCommon,
    },
    /// Evaluation of a model against a metrics file.
    Eval {
        /// The evaluated model file or directory.
        #[arg(long, value_name = "M")]
        model: PathBuf,
        /// The metrics file (JSON is embedded in the attestation).
        #[arg(long, value_name = "FILE")]
        metrics: PathBuf,
        #[command(flatten)]
        common: AttestCommon,
    },
    /// Copy the store out as a directory (same layout) or a JSONL bundle.
    Export {
        /// Target directory, or a `.jsonl` file (`-` for stdout) with --jsonl.
        target: PathBuf,
        /// Write one envelope per line instead of a directory.
        #[arg(long)]
        jsonl: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Add envelopes from a directory or a JSONL bundle to the store.
    Import {
        /// Directory of envelopes (or an exported store), or a `.jsonl` file.
        source: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List the store's attestations.
    List {
        #[command(flatten)]
        store: StoreArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

/// `aigis verify`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["signature", "chain", "envelope"])))]
pub(crate) struct VerifyArgs {
    /// The model directory or file (with --chain, also `sha256:HEX`).
    pub(crate) path: Option<PathBuf>,
    /// Verify this model signature (a model-signing bundle).
    #[arg(long, value_name = "SIG")]
    pub(crate) signature: Option<PathBuf>,
    /// Verify the model's attestation chain back to its raw inputs.
    #[arg(long)]
    pub(crate) chain: bool,
    /// Verify one DSSE envelope (an attestation).
    #[arg(long, value_name = "FILE", conflicts_with = "path")]
    pub(crate) envelope: Option<PathBuf>,
    /// PEM public key to verify with.
    #[arg(long, value_name = "PEM", conflicts_with = "key")]
    pub(crate) public_key: Option<PathBuf>,
    /// Keyring key to verify with: all its versions, retired ones refused as
    /// rotated out.
    #[arg(long, value_name = "NAME", conflicts_with = "trust")]
    pub(crate) key: Option<String>,
    /// TOML file with a [provenance] section: trusted keys and what each may
    /// sign (default: the workspace's aigis.toml).
    #[arg(long, value_name = "FILE")]
    pub(crate) trust: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
    /// Accept recorded digests for artifacts absent from disk (--chain).
    #[arg(long)]
    pub(crate) offline: bool,
    /// Directory that artifact names in attestations are relative to
    /// (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub(crate) base: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) walk: WalkArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: OutputFormat,
}

/// Human-readable or machine-readable output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Text for people (`text` is accepted too).
    #[default]
    #[value(alias = "text")]
    Human,
    /// JSON (one document, or one object per line for streams).
    Json,
}

/// `aigis init`.
#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// Directory to create `.aigis/` in (default: AIGIS_HOME if set, else
    /// the current directory).
    #[arg(value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
    /// Master key file (base64 of 32 bytes, mode 0600, outside the
    /// workspace); generated if it does not exist. Used unless
    /// AIGIS_MASTER_KEY is set.
    #[arg(long, value_name = "PATH")]
    pub(crate) master_key_file: Option<PathBuf>,
    /// Derive the master key from AIGIS_MASTER_PASSPHRASE with Argon2id.
    #[arg(long, conflicts_with = "master_key_file")]
    pub(crate) passphrase: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: OutputFormat,
}

/// `aigis keys ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum KeysCommand {
    /// Create a key.
    Create {
        /// Key name (a-z 0-9 - _ .).
        name: String,
        /// Key kind: ed25519, ecdsa-p256, hmac, aes256.
        #[arg(long)]
        kind: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// List keys and their versions.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Add a new current version; older versions verify and decrypt only.
    Rotate {
        /// Key name.
        name: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Disable a key (all versions) or one version.
    Disable {
        /// Key name.
        name: String,
        /// Only this version.
        #[arg(long, value_name = "N")]
        key_version: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Print a signing key's public key: PEM SubjectPublicKeyInfo, or with
    /// --note a C2SP signed-note verifier key (Ed25519 only).
    ExportPublic {
        /// Key name.
        name: String,
        /// Version (default: current).
        #[arg(long, value_name = "N")]
        key_version: Option<u32>,
        /// C2SP verifier key instead of PEM.
        #[arg(long)]
        note: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

/// `aigis ledger ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum LedgerCommand {
    /// Show events, oldest first.
    Log(LedgerLogArgs),
    /// Record events from steps outside aigis.
    Append(LedgerAppendArgs),
    /// Sign a checkpoint of the whole ledger now.
    Checkpoint {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
    /// Print an inclusion proof (--seq) or a consistency proof (--from, --to).
    Proof(LedgerProofArgs),
    /// Recompute every leaf, node and root and check every checkpoint.
    Verify(LedgerVerifyArgs),
    /// Write an offline-verifiable bundle to DIR.
    Export {
        /// Directory to create (must not exist or be empty).
        dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: OutputFormat,
    },
}

/// `aigis ledger log`.
#[derive(Debug, clap::Args)]
pub(crate) struct LedgerLogArgs {
    /// Only this actor.
    #[arg(long)]
    pub(crate) actor: Option<String>,
    /// Only this action (`keys.*` for a prefix).
    #[arg(long)]
    pub(crate) action: Option<String>,
    /// Only this subject: KIND or KIND:ID.
    #[arg(long)]
    pub(crate) subject: Option<String>,
    /// From this time on (RFC 3339).
    #[arg(long)]
    pub(crate) since: Option<String>,
    /// Up to this time (RFC 3339).
    #[arg(long)]
    pub(crate) until: Option<String>,
    /// At most this many events.
    #[arg(long)]
    pub(crate) limit: Option<u64>,
    /// Output format (json: one event per line, the leaf bytes).
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: OutputFormat,
}

/// `aigis ledger append`.
#[derive(Debug, clap::Args)]
pub(crate) struct LedgerAppendArgs {
    /// Who did it (default: AIGIS_ACTOR, else user:$USER).
    #[arg(long, conflicts_with = "stdin")]
    pub(crate) actor: Option<String>,
    /// What was done (`train.finish`).
    #[arg(long, required_unless_present = "stdin", conflicts_with = "stdin")]
    pub(crate) action: Option<String>,
    /// What it was done to: KIND:ID.
    #[arg(long, required_unless_present = "stdin", conflicts_with = "stdin")]
    pub(crate) subject: Option<String>,
    /// Content digest of the subject: sha256:HEX.
    #[arg(long, conflicts_with = "stdin")]
    pub(crate) digest: Option<String>,
    /// success, failure, denied or error.
    #[arg(long, conflicts_with = "stdin")]
    pub(crate) outcome: Option<String>,
    /// Details as a JSON object (no PII, no secrets).
    #[arg(long, conflicts_with = "stdin")]
    pub(crate) details: Option<String>,
    /// Read events from stdin, one JSON object per line.
    #[arg(long)]
    pub(crate) stdin: bool,
    /// Output format (json: one {"seq", "leaf_hash"} per event).
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: OutputFormat,
}

/// `aigis ledger proof`.
#[derive(Debug, clap::Args)]
pub(crate) struct LedgerProofArgs {
    /// Inclusion proof of this event.
    #[arg(long, conflicts_with_all = ["from", "to"], required_unless_present_all = ["from", "to"])]
    pub(crate) seq: Option<u64>,
    /// Tree size for --seq (default: the newest checkpoint's).
    #[arg(long, requires = "seq")]
    pub(crate) size: Option<u64>,
    /// Consistency proof from this tree size...
    #[arg(long, requires = "to")]
    pub(crate) from: Option<u64>,
    /// ...to this tree size.
    #[arg(long, requires = "from")]
    pub(crate) to: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: OutputFormat,
}

/// `aigis ledger verify`.
#[derive(Debug, clap::Args)]
pub(crate) struct LedgerVerifyArgs {
    /// Verify an exported bundle offline (no workspace needed).
    #[arg(long, value_name = "DIR")]
    pub(crate) bundle: Option<PathBuf>,
    /// Trusted verifier key (C2SP `NAME+HASH+KEY`); repeatable.
    #[arg(long, value_name = "VKEY")]
    pub(crate) vkey: Vec<String>,
    /// File with trusted verifier keys, one per line.
    #[arg(long, value_name = "PATH")]
    pub(crate) vkey_file: Option<PathBuf>,
    /// A checkpoint kept outside the ledger; the ledger must still hold it.
    #[arg(long, value_name = "PATH")]
    pub(crate) witness: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: OutputFormat,
}

// ---- policy: check, test, eval, parse ------------------------------------

/// `aigis policy ...`
#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCommand {
    /// Check files (YAML, JSON, Terraform, plans, Airflow DAGs, Dockerfiles,
    /// .env) against deny/violation/warn rules; exit 1 when anything is
    /// denied.
    Check(PolicyCheckArgs),
    /// Run the test_* rules of policies, like `opa test`; exit 1 when a test
    /// fails.
    Test(PolicyTestArgs),
    /// Evaluate a query or data path, like `opa eval`.
    Eval(PolicyEvalArgs),
    /// Print the input documents policies see for files (JSON array), like
    /// `conftest parse`.
    Parse(PolicyParseArgs),
}

/// Arguments of `aigis policy parse`.
#[derive(Debug, clap::Args)]
pub(crate) struct PolicyParseArgs {
    /// Files to read.
    #[arg(required = true, value_name = "FILES")]
    pub(crate) files: Vec<std::path::PathBuf>,
    /// Read every file with this parser instead of choosing by file name.
    #[arg(long, value_name = "PARSER")]
    pub(crate) parser: Option<String>,
}

/// Output formats of `policy check`: [`OutputFormat`]'s two and the CI
/// report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CheckFormat {
    /// `FAIL - file:line - namespace - message` lines and a summary.
    #[value(alias = "text")]
    Human,
    /// One JSON document.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
}

/// Arguments of `aigis policy check`.
#[derive(Debug, clap::Args)]
pub(crate) struct PolicyCheckArgs {
    /// Files or directories to check (directories: every file a parser
    /// recognises).
    #[arg(required = true, value_name = "FILES|DIRS")]
    pub(crate) inputs: Vec<std::path::PathBuf>,
    /// Policy file or directory to load (repeatable); added to the
    /// built-in library unless --no-builtin.
    #[arg(short = 'p', long = "policy", value_name = "DIR")]
    pub(crate) policies: Vec<std::path::PathBuf>,
    /// Leave the built-in library out.
    #[arg(long)]
    pub(crate) no_builtin: bool,
    /// Only these packages (repeatable; `aigis.*` selects a prefix).
    #[arg(short = 'n', long = "namespace", value_name = "PACKAGE")]
    pub(crate) namespaces: Vec<String>,
    /// Read every input with this parser (yaml, json, tfplan, hcl, airflow,
    /// dockerfile, dotenv) instead of choosing by file name.
    #[arg(long, value_name = "PARSER")]
    pub(crate) parser: Option<String>,
    /// JSON or YAML document merged into `data` (repeatable).
    #[arg(long = "data", value_name = "FILE")]
    pub(crate) data: Vec<std::path::PathBuf>,
    /// aigis.toml to read the [policy] section from (default:
    /// .aigis/aigis.toml of the workspace, if any).
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub(crate) format: CheckFormat,
    /// Do not record decisions in the ledger.
    #[arg(long)]
    pub(crate) no_ledger: bool,
}

/// Arguments of `aigis policy test`.
#[derive(Debug, clap::Args)]
pub(crate) struct PolicyTestArgs {
    /// Policy directories or files holding the policies and their
    /// *_test.rego files.
    #[arg(required = true, value_name = "DIR")]
    pub(crate) paths: Vec<std::path::PathBuf>,
    /// Only tests whose `package.name` contains this text.
    #[arg(long = "run", short = 'r', value_name = "TEXT")]
    pub(crate) run: Option<String>,
    /// JSON or YAML document merged into `data` (repeatable).
    #[arg(long = "data", value_name = "FILE")]
    pub(crate) data: Vec<std::path::PathBuf>,
    /// List passing tests too.
    #[arg(short, long)]
    pub(crate) verbose: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: OutputFormat,
    /// Do not record the run in the ledger.
    #[arg(long)]
    pub(crate) no_ledger: bool,
}

/// Arguments of `aigis policy eval`.
#[derive(Debug, clap::Args)]
pub(crate) struct PolicyEvalArgs {
    /// A data path (`aigis.endpoint.deny`, `data.aigis.endpoint`) or any
    /// Rego query.
    #[arg(value_name = "QUERY")]
    pub(crate) query: String,
    /// Policy file or directory (repeatable; *_test.rego files are left
    /// out).
    #[arg(short = 'd', long = "policy", value_name = "DIR", required = true)]
    pub(crate) policies: Vec<std::path::PathBuf>,
    /// The input document: `.json` as is (like opa eval); other kinds
    /// through their loader, exactly as `check` gives them to policies.
    #[arg(short, long, value_name = "INPUT")]
    pub(crate) input: Option<std::path::PathBuf>,
    /// Parser for a non-JSON input (default: by file name).
    #[arg(long, value_name = "PARSER")]
    pub(crate) parser: Option<String>,
    /// JSON or YAML document merged into `data` (repeatable).
    #[arg(long = "data", value_name = "FILE")]
    pub(crate) data: Vec<std::path::PathBuf>,
    /// Output: json prints exactly one line, {"result": VALUE} or
    /// {"undefined": true}.
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: OutputFormat,
    /// Do not record the decision in the ledger.
    #[arg(long)]
    pub(crate) no_ledger: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}

/// How `aigis scan` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScanFormat {
    /// A summary for people: counts by entity, column classes, throughput.
    Human,
    /// One JSON object per line (per finding, or per column with --columns).
    Json,
    /// One SARIF 2.1.0 log, for code-scanning UIs.
    Sarif,
}

/// Arguments of `aigis scan`.
#[derive(Debug, clap::Args)]
pub(crate) struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Human)]
    pub(crate) format: ScanFormat,
    /// Report one result per table column instead of one per finding.
    #[arg(long)]
    pub(crate) columns: bool,
    /// Include the matched text in the output (off by default: the output
    /// would itself hold the personal data).
    #[arg(long)]
    pub(crate) show_values: bool,
    /// Drop findings scoring below this, in [0, 1] (default 0.5).
    #[arg(long, value_name = "SCORE")]
    pub(crate) min_score: Option<f32>,
    /// Exit with status 1 when any finding is reported.
    #[arg(long)]
    pub(crate) fail_on_findings: bool,
    /// Exit with status 1 when a finding of one of these entities is
    /// reported (comma-separated, e.g. US_SSN,CREDIT_CARD).
    #[arg(long, value_name = "ENTITY,...", value_delimiter = ',')]
    pub(crate) fail_on: Vec<String>,
    /// Report only these entities (comma-separated; default: all).
    #[arg(long, value_name = "ENTITY,...", value_delimiter = ',')]
    pub(crate) entities: Vec<String>,
    /// Say why each finding has its score (pattern, validation, context).
    #[arg(long)]
    pub(crate) explain: bool,
    /// Load custom recognizers from this file (aigis TOML, or Presidio's
    /// ad-hoc YAML for .yaml/.yml); may be repeated.
    #[arg(long, value_name = "FILE")]
    pub(crate) recognizers: Vec<PathBuf>,
    /// Skip bad records and unreadable files, counting them, instead of
    /// stopping at the first one.
    #[arg(long)]
    pub(crate) skip_bad: bool,
    /// Read every input as this format instead of choosing by extension.
    #[arg(long, value_name = "FORMAT", value_parser = ["text", "csv", "tsv", "jsonl", "parquet"])]
    pub(crate) input_format: Option<String>,
    /// Field delimiter for CSV input (default: sniffed from the header).
    #[arg(long, value_name = "CHAR")]
    pub(crate) delimiter: Option<char>,
    /// In directories, scan only files matching this glob; may be repeated.
    #[arg(long, value_name = "GLOB")]
    pub(crate) include: Vec<String>,
    /// In directories, skip files and directories matching this glob; may
    /// be repeated.
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude: Vec<String>,
    /// In directories, also scan hidden files and directories.
    #[arg(long)]
    pub(crate) hidden: bool,
    /// Largest CSV row or JSON line read, in bytes (larger ones are bad
    /// records).
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    pub(crate) max_record_size: usize,
}
