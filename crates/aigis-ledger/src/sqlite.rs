//! [`SqliteStore`]: the ledger in SQLite (`aigis.db`), WAL mode,
//! `synchronous=FULL`, append-only tables guarded by triggers.
//!
//! Durability: in WAL mode with `synchronous=FULL` SQLite fsyncs the
//! write-ahead log at every commit, so a committed transaction survives a
//! process kill and a power loss; `NORMAL` would only survive the former.
//! Throughput comes from batching (one fsync per transaction, many events
//! per transaction), not from relaxing this.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::Value as SqlValue;
use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};

use crate::LedgerError;
use crate::merkle::{Hash, NodeSource, node_id};
use crate::store::{
    EventFilter, IndexColumns, LedgerStore, LedgerTx, StoredCheckpoint, StoredEvent,
};

/// Format tag stored in `ledger_meta`.
pub const LEDGER_FORMAT: &str = "aigis-ledger/1";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ledger_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ledger_events (
  seq          INTEGER PRIMARY KEY,
  time         TEXT NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  subject_kind TEXT NOT NULL,
  subject_id   TEXT NOT NULL,
  leaf         BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_events_actor ON ledger_events(actor);
CREATE INDEX IF NOT EXISTS ledger_events_action ON ledger_events(action);
CREATE INDEX IF NOT EXISTS ledger_events_subject ON ledger_events(subject_kind, subject_id);
CREATE TABLE IF NOT EXISTS ledger_nodes (
  id   INTEGER PRIMARY KEY,
  hash BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_checkpoints (
  idx     INTEGER PRIMARY KEY,
  size    INTEGER NOT NULL,
  root    BLOB NOT NULL,
  note    TEXT NOT NULL,
  created TEXT NOT NULL
);
";

const TABLES: [&str; 4] = [
    "ledger_meta",
    "ledger_events",
    "ledger_nodes",
    "ledger_checkpoints",
];

fn triggers() -> String {
    let mut sql = String::new();
    for table in TABLES {
        for op in ["UPDATE", "DELETE"] {
            sql.push_str(&format!(
                "CREATE TRIGGER IF NOT EXISTS {table}_no_{lower} BEFORE {op} ON {table} \
                 BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;\n",
                lower = op.to_ascii_lowercase()
            ));
        }
    }
    sql
}

/// The ledger in a SQLite database.
pub struct SqliteStore {
    conn: Connection,
    origin: String,
    path: PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .field("origin", &self.origin)
            .finish()
    }
}

fn connect(path: &Path, flags: OpenFlags) -> Result<Connection, LedgerError> {
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(Duration::from_secs(30))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(LedgerError::NotALedger {
            path: path.to_owned(),
            reason: format!("could not switch to WAL mode (got {mode})"),
        });
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

impl SqliteStore {
    /// Creates the ledger tables in `path` (creating the database if
    /// needed; other tables in it are left alone) under `origin`.
    ///
    /// # Errors
    /// [`LedgerError::NotALedger`] if a ledger with another origin or
    /// format is there; SQLite errors.
    pub fn create(path: &Path, origin: &str) -> Result<Self, LedgerError> {
        crate::note::check_name(origin)
            .map_err(|e| LedgerError::malformed("origin", e.to_string()))?;
        let mut conn = connect(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(SCHEMA)?;
        tx.execute_batch(&triggers())?;
        tx.execute(
            "INSERT OR IGNORE INTO ledger_meta (key, value) VALUES ('format', ?1), ('origin', ?2)",
            params![LEDGER_FORMAT, origin],
        )?;
        tx.commit()?;
        let store = Self::from_conn(conn, path)?;
        if store.origin != origin {
            return Err(LedgerError::NotALedger {
                path: path.to_owned(),
                reason: format!("holds the ledger {:?} already", store.origin),
            });
        }
        Ok(store)
    }

    /// Opens an existing ledger.
    ///
    /// # Errors
    /// [`LedgerError::NotALedger`] when the database has no ledger; SQLite
    /// errors (a damaged file included).
    pub fn open(path: &Path) -> Result<Self, LedgerError> {
        if !path.exists() {
            return Err(LedgerError::NotALedger {
                path: path.to_owned(),
                reason: "no such database".to_owned(),
            });
        }
        let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        Self::from_conn(conn, path)
    }

    fn from_conn(conn: Connection, path: &Path) -> Result<Self, LedgerError> {
        let not = |reason: &str| LedgerError::NotALedger {
            path: path.to_owned(),
            reason: reason.to_owned(),
        };
        let has_meta: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger_meta')",
            [],
            |r| r.get(0),
        )?;
        if !has_meta {
            return Err(not("no ledger in this database (run `aigis init`)"));
        }
        let meta = |key: &str| -> Result<Option<String>, LedgerError> {
            Ok(conn
                .query_row("SELECT value FROM ledger_meta WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?)
        };
        match meta("format")? {
            Some(f) if f == LEDGER_FORMAT => {}
            Some(f) => {
                return Err(not(&format!(
                    "ledger format {f:?}, expected {LEDGER_FORMAT:?}"
                )));
            }
            None => return Err(not("ledger metadata has no format")),
        }
        let origin = meta("origin")?.ok_or_else(|| not("ledger metadata has no origin"))?;
        Ok(SqliteStore {
            conn,
            origin,
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for tests and tools that inspect it.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

fn get_node(conn: &Connection, level: u32, index: u64) -> Result<Hash, LedgerError> {
    let id = node_id(level, index);
    let bytes: Option<Vec<u8>> = conn
        .prepare_cached("SELECT hash FROM ledger_nodes WHERE id = ?1")?
        .query_row([to_i64(id)?], |r| r.get(0))
        .optional()?;
    let bytes = bytes.ok_or(LedgerError::MissingNode { id })?;
    bytes
        .try_into()
        .map_err(|_| LedgerError::malformed(format!("tree node {id}"), "hash is not 32 bytes"))
}

fn to_i64(n: u64) -> Result<i64, LedgerError> {
    i64::try_from(n).map_err(|_| LedgerError::OutOfRange {
        what: "number",
        value: n,
        size: i64::MAX as u64,
    })
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn size_of(conn: &Connection) -> Result<u64, LedgerError> {
    let max: Option<i64> =
        conn.query_row("SELECT MAX(seq) FROM ledger_events", [], |r| r.get(0))?;
    Ok(max.map_or(0, |m| to_u64(m) + 1))
}

fn checkpoint_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, i64, Vec<u8>, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_checkpoint(
    (idx, size, root, note, created): (i64, i64, Vec<u8>, String, String),
) -> Result<StoredCheckpoint, LedgerError> {
    let root: Hash = root
        .try_into()
        .map_err(|_| LedgerError::malformed(format!("checkpoint {idx}"), "root is not 32 bytes"))?;
    Ok(StoredCheckpoint {
        idx: to_u64(idx),
        size: to_u64(size),
        root,
        note,
        created,
    })
}

fn latest_checkpoint_of(conn: &Connection) -> Result<Option<StoredCheckpoint>, LedgerError> {
    conn.prepare_cached(
        "SELECT idx, size, root, note, created FROM ledger_checkpoints ORDER BY idx DESC LIMIT 1",
    )?
    .query_row([], checkpoint_row)
    .optional()?
    .map(to_checkpoint)
    .transpose()
}

fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        seq: to_u64(r.get(0)?),
        columns: IndexColumns {
            time: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            subject_kind: r.get(4)?,
            subject_id: r.get(5)?,
        },
        leaf: r.get(6)?,
    })
}

const EVENT_COLUMNS: &str = "seq, time, actor, action, subject_kind, subject_id, leaf";

impl NodeSource for SqliteStore {
    fn node(&self, level: u32, index: u64) -> Result<Hash, LedgerError> {
        get_node(&self.conn, level, index)
    }
}

struct SqliteTx<'a> {
    tx: &'a Transaction<'a>,
}

impl NodeSource for SqliteTx<'_> {
    fn node(&self, level: u32, index: u64) -> Result<Hash, LedgerError> {
        get_node(self.tx, level, index)
    }
}

impl LedgerTx for SqliteTx<'_> {
    fn size(&self) -> Result<u64, LedgerError> {
        size_of(self.tx)
    }

    fn insert_event(&mut self, seq: u64, leaf: &[u8], c: &IndexColumns) -> Result<(), LedgerError> {
        self.tx
            .prepare_cached(
                "INSERT INTO ledger_events (seq, time, actor, action, subject_kind, subject_id, leaf) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                to_i64(seq)?,
                c.time,
                c.actor,
                c.action,
                c.subject_kind,
                c.subject_id,
                leaf
            ])?;
        Ok(())
    }

    fn insert_node(&mut self, id: u64, hash: &Hash) -> Result<(), LedgerError> {
        self.tx
            .prepare_cached("INSERT INTO ledger_nodes (id, hash) VALUES (?1, ?2)")?
            .execute(params![to_i64(id)?, &hash[..]])?;
        Ok(())
    }

    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, LedgerError> {
        latest_checkpoint_of(self.tx)
    }

    fn insert_checkpoint(&mut self, cp: &StoredCheckpoint) -> Result<(), LedgerError> {
        self.tx
            .prepare_cached(
                "INSERT INTO ledger_checkpoints (idx, size, root, note, created) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                to_i64(cp.idx)?,
                to_i64(cp.size)?,
                &cp.root[..],
                cp.note,
                cp.created
            ])?;
        Ok(())
    }
}

impl LedgerStore for SqliteStore {
    fn origin(&self) -> &str {
        &self.origin
    }

    fn size(&self) -> Result<u64, LedgerError> {
        size_of(&self.conn)
    }

    fn write(
        &mut self,
        body: &mut dyn FnMut(&mut dyn LedgerTx) -> Result<(), LedgerError>,
    ) -> Result<(), LedgerError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut handle = SqliteTx { tx: &tx };
            body(&mut handle)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn read_events(&self, from: u64, limit: usize) -> Result<Vec<StoredEvent>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM ledger_events WHERE seq >= ?1 ORDER BY seq LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![to_i64(from)?, to_i64(limit as u64)?], event_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn read_nodes(&self, from: u64, limit: usize) -> Result<Vec<(u64, Vec<u8>)>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, hash FROM ledger_nodes WHERE id >= ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![to_i64(from)?, to_i64(limit as u64)?], |r| {
            Ok((to_u64(r.get(0)?), r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn query(
        &self,
        filter: &EventFilter,
        from: u64,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, LedgerError> {
        let mut sql = format!("SELECT {EVENT_COLUMNS} FROM ledger_events WHERE seq >= ?");
        let mut args: Vec<SqlValue> = vec![SqlValue::Integer(to_i64(from)?)];
        let mut exact = |column: &str, value: &Option<String>, sql: &mut String| {
            if let Some(v) = value {
                sql.push_str(&format!(" AND {column} = ?"));
                args.push(SqlValue::Text(v.clone()));
            }
        };
        exact("actor", &filter.actor, &mut sql);
        exact("subject_kind", &filter.subject_kind, &mut sql);
        exact("subject_id", &filter.subject_id, &mut sql);
        if let Some(action) = &filter.action {
            if let Some(prefix) = action.strip_suffix('*') {
                sql.push_str(" AND substr(action, 1, ?) = ?");
                args.push(SqlValue::Integer(to_i64(prefix.len() as u64)?));
                args.push(SqlValue::Text(prefix.to_owned()));
            } else {
                sql.push_str(" AND action = ?");
                args.push(SqlValue::Text(action.clone()));
            }
        }
        if let Some(since) = &filter.since {
            sql.push_str(" AND time >= ?");
            args.push(SqlValue::Text(since.clone()));
        }
        if let Some(until) = &filter.until {
            sql.push_str(" AND time <= ?");
            args.push(SqlValue::Text(until.clone()));
        }
        sql.push_str(" ORDER BY seq LIMIT ?");
        args.push(SqlValue::Integer(to_i64(limit as u64)?));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), event_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT idx, size, root, note, created FROM ledger_checkpoints ORDER BY idx",
        )?;
        let rows = stmt.query_map([], checkpoint_row)?;
        rows.map(|r| to_checkpoint(r?)).collect()
    }

    fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, LedgerError> {
        latest_checkpoint_of(&self.conn)
    }
}
