//! Test helpers: an in-memory node store and the shared known-answer vectors.

use std::path::PathBuf;

use crate::LedgerError;
use crate::merkle::{Frontier, Hash, NodeSource, leaf_hash, node_id};

/// Every node of a tree, by storage id.
pub(crate) struct MemTree {
    nodes: Vec<Hash>,
}

impl MemTree {
    pub(crate) fn from_leaves(leaves: &[Vec<u8>]) -> Self {
        let mut nodes = Vec::new();
        let mut f = Frontier::new();
        for leaf in leaves {
            f.push(leaf_hash(leaf), |level, index, h| {
                assert_eq!(node_id(level, index), nodes.len() as u64);
                nodes.push(*h);
            });
        }
        MemTree { nodes }
    }
}

impl NodeSource for MemTree {
    fn node(&self, level: u32, index: u64) -> Result<Hash, LedgerError> {
        let id = node_id(level, index);
        self.nodes
            .get(id as usize)
            .copied()
            .ok_or(LedgerError::MissingNode { id })
    }
}

/// `shared/` beside the checkout, or `AIGIS_SHARED`.
pub(crate) fn shared_dir() -> PathBuf {
    std::env::var_os("AIGIS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

/// `interop/vectors/tlog/rfc6962.json`.
pub(crate) fn shared_vectors() -> serde_json::Value {
    let path = shared_dir().join("interop/vectors/tlog/rfc6962.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (set AIGIS_SHARED)", path.display()));
    serde_json::from_str(&text).unwrap()
}
