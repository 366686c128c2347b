//! RFC 6962 / RFC 9162 Merkle tree: hashing, node addressing, the compact
//! frontier used while appending, proof construction over stored nodes, and
//! proof verification.
//!
//! Stored nodes are the roots of complete (perfect) subtrees. The node at
//! `(level, index)` covers leaves `[index << level, (index + 1) << level)`.
//! Its storage id is its position in post-order, which is also the order in
//! which appends create nodes: `id = 2*last - popcount(last) + level` with
//! `last` the subtree's last leaf. A tree of `n` leaves stores
//! `2n - popcount(n)` nodes, and the root of any size, an inclusion proof or
//! a consistency proof needs O(log n) of them.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::LedgerError;

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// Hash of a leaf: `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// Hash of an interior node: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Root of the empty tree: `SHA-256("")`.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// Post-order storage id of the complete subtree at `(level, index)`.
pub fn node_id(level: u32, index: u64) -> u64 {
    let last = ((index + 1) << level) - 1;
    2 * last - u64::from(last.count_ones()) + u64::from(level)
}

/// Number of stored nodes in a tree of `size` leaves.
pub fn node_count(size: u64) -> u64 {
    2 * size - u64::from(size.count_ones())
}

/// Reads stored complete-subtree hashes.
pub trait NodeSource {
    /// The hash of the complete subtree at `(level, index)`; an error if it
    /// is not stored.
    ///
    /// # Errors
    /// Storage errors, or a missing node.
    fn node(&self, level: u32, index: u64) -> Result<Hash, LedgerError>;
}

/// The compact frontier of a tree: the roots of its complete subtrees from
/// left (largest) to right. Enough to append leaves and compute the root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    nodes: Vec<Hash>,
}

impl Frontier {
    /// The empty tree's frontier.
    pub fn new() -> Self {
        Frontier::default()
    }

    /// Loads the frontier of a tree of `size` leaves from stored nodes.
    ///
    /// # Errors
    /// Storage errors.
    pub fn load(source: &dyn NodeSource, size: u64) -> Result<Self, LedgerError> {
        let mut nodes = Vec::new();
        let mut start = 0u64;
        for level in (0..64u32).rev() {
            if size & (1u64 << level) != 0 {
                nodes.push(source.node(level, start >> level)?);
                start += 1u64 << level;
            }
        }
        Ok(Frontier { size, nodes })
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends a leaf hash; `emit(level, index, hash)` is called for every
    /// node this completes, in increasing storage-id order.
    pub fn push(&mut self, leaf: Hash, mut emit: impl FnMut(u32, u64, &Hash)) {
        let mut hash = leaf;
        let mut level = 0u32;
        let mut index = self.size;
        emit(level, index, &hash);
        while index & 1 == 1 {
            let Some(left) = self.nodes.pop() else { break };
            hash = node_hash(&left, &hash);
            level += 1;
            index >>= 1;
            emit(level, index, &hash);
        }
        self.nodes.push(hash);
        self.size += 1;
    }

    /// The tree's root hash.
    pub fn root(&self) -> Hash {
        let mut iter = self.nodes.iter().rev();
        let Some(last) = iter.next() else {
            return empty_root();
        };
        iter.fold(*last, |acc, left| node_hash(left, &acc))
    }
}

/// Largest power of two strictly below `n` (n >= 2).
fn split(n: u64) -> u64 {
    1u64 << (63 - (n - 1).leading_zeros())
}

/// Caches node reads during one proof.
struct Memo<'a> {
    source: &'a dyn NodeSource,
    seen: HashMap<(u32, u64), Hash>,
}

impl Memo<'_> {
    fn node(&mut self, level: u32, index: u64) -> Result<Hash, LedgerError> {
        if let Some(h) = self.seen.get(&(level, index)) {
            return Ok(*h);
        }
        let h = self.source.node(level, index)?;
        self.seen.insert((level, index), h);
        Ok(h)
    }

    /// Merkle tree hash of leaves `[lo, hi)` where `lo` is a multiple of the
    /// largest power of two not above `hi - lo`: complete subtrees, left to
    /// right, folded from the right.
    fn range(&mut self, lo: u64, hi: u64) -> Result<Hash, LedgerError> {
        if hi <= lo {
            return Ok(empty_root());
        }
        let mut parts = Vec::new();
        let mut start = lo;
        while start < hi {
            let level = 63 - (hi - start).leading_zeros();
            parts.push(self.node(level, start >> level)?);
            start += 1u64 << level;
        }
        let mut iter = parts.iter().rev();
        let last = *iter.next().unwrap_or(&[0u8; 32]);
        Ok(iter.fold(last, |acc, left| node_hash(left, &acc)))
    }
}

/// Root of the first `size` leaves from stored nodes, O(log n) reads.
///
/// # Errors
/// Storage errors.
pub fn root_at(source: &dyn NodeSource, size: u64) -> Result<Hash, LedgerError> {
    Memo {
        source,
        seen: HashMap::new(),
    }
    .range(0, size)
}

/// Inclusion proof (RFC 9162 2.1.3.1) of leaf `index` in the tree of
/// `size` leaves, leaf side first.
///
/// # Errors
/// [`LedgerError::OutOfRange`] when `index >= size`; storage errors.
pub fn inclusion_proof(
    source: &dyn NodeSource,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, LedgerError> {
    if index >= size {
        return Err(LedgerError::OutOfRange {
            what: "leaf index",
            value: index,
            size,
        });
    }
    let mut memo = Memo {
        source,
        seen: HashMap::new(),
    };
    let mut path = Vec::new();
    let (mut lo, mut hi) = (0u64, size);
    let mut siblings = Vec::new();
    while hi - lo > 1 {
        let k = split(hi - lo);
        if index < lo + k {
            siblings.push((lo + k, hi));
            hi = lo + k;
        } else {
            siblings.push((lo, lo + k));
            lo += k;
        }
    }
    for (a, b) in siblings.into_iter().rev() {
        path.push(memo.range(a, b)?);
    }
    Ok(path)
}

/// Consistency proof (RFC 9162 2.1.4.1) from size `old` to size `new`.
///
/// # Errors
/// [`LedgerError::OutOfRange`] when `old > new`; storage errors.
pub fn consistency_proof(
    source: &dyn NodeSource,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>, LedgerError> {
    if old > new {
        return Err(LedgerError::OutOfRange {
            what: "old size",
            value: old,
            size: new,
        });
    }
    if old == 0 || old == new {
        return Ok(Vec::new());
    }
    let mut memo = Memo {
        source,
        seen: HashMap::new(),
    };
    // SUBPROOF(m, D[lo:hi], b), unrolled; collects from the top down and
    // reverses at the end.
    let mut out = Vec::new();
    let (mut m, mut lo, mut hi, mut whole) = (old, 0u64, new, true);
    loop {
        let n = hi - lo;
        if m == n {
            if !whole {
                out.push(memo.range(lo, hi)?);
            }
            break;
        }
        let k = split(n);
        if m <= k {
            out.push(memo.range(lo + k, hi)?);
            hi = lo + k;
        } else {
            out.push(memo.range(lo, lo + k)?);
            lo += k;
            m -= k;
            whole = false;
        }
    }
    out.reverse();
    Ok(out)
}

/// Why a proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The leaf index is not below the tree size.
    #[error("index beyond tree size")]
    IndexBeyondSize,
    /// The proof has more hashes than the tree shape allows.
    #[error("proof too long")]
    TooLong,
    /// The proof has fewer hashes than the tree shape needs.
    #[error("proof too short")]
    TooShort,
    /// The recomputed root differs.
    #[error("root mismatch")]
    RootMismatch,
    /// The old size is larger than the new one.
    #[error("old size larger than new size")]
    SizeOrder,
    /// Sizes or proof shape are inconsistent (e.g. a non-empty proof for equal sizes).
    #[error("malformed proof for these sizes")]
    Malformed,
}

/// Verifies an inclusion proof (RFC 9162 2.1.3.2).
///
/// # Errors
/// [`ProofError`] saying why it fails.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexBeyondSize);
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return Err(ProofError::TooLong);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::TooShort);
    }
    if &r != root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies a consistency proof (RFC 9162 2.1.4.2).
///
/// # Errors
/// [`ProofError`] saying why it fails.
pub fn verify_consistency(
    old: u64,
    new: u64,
    proof: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<(), ProofError> {
    if old > new {
        return Err(ProofError::SizeOrder);
    }
    if old == new {
        return if proof.is_empty() && old_root == new_root {
            Ok(())
        } else {
            Err(ProofError::Malformed)
        };
    }
    if old == 0 {
        return if proof.is_empty() {
            Ok(())
        } else {
            Err(ProofError::Malformed)
        };
    }
    if proof.is_empty() {
        return Err(ProofError::TooShort);
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let (mut fnode, mut snode) = (old - 1, new - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if snode == 0 {
            return Err(ProofError::TooLong);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::TooShort);
    }
    if &fr != old_root || &sr != new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
