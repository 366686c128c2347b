use proptest::prelude::*;

use super::*;
use crate::testutil::{MemTree, shared_vectors};

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

fn hash(s: &str) -> Hash {
    unhex(s).try_into().unwrap()
}

fn hashes(v: &serde_json::Value) -> Vec<Hash> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| hash(x.as_str().unwrap()))
        .collect()
}

#[test]
fn node_ids_are_post_order() {
    // Creation order for 8 leaves.
    let mut seen = Vec::new();
    let mut f = Frontier::new();
    for i in 0..8u64 {
        f.push(leaf_hash(&[i as u8]), |level, index, _| {
            seen.push(node_id(level, index))
        });
    }
    assert_eq!(seen, (0..15).collect::<Vec<_>>());
    assert_eq!(node_count(8), 15);
    assert_eq!(node_count(7), 11);
}

#[test]
fn rfc6962_roots_and_proofs() {
    let v = shared_vectors();
    let leaves: Vec<Vec<u8>> = v["leaves_hex"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| unhex(x.as_str().unwrap()))
        .collect();
    let roots = hashes(&v["roots_hex"]);
    assert_eq!(
        empty_root(),
        hash(v["empty_tree_root_hex"].as_str().unwrap())
    );
    let tree = MemTree::from_leaves(&leaves);
    let mut f = Frontier::new();
    for (n, leaf) in leaves.iter().enumerate() {
        f.push(leaf_hash(leaf), |_, _, _| {});
        assert_eq!(f.root(), roots[n], "frontier root of {}", n + 1);
        assert_eq!(root_at(&tree, n as u64 + 1).unwrap(), roots[n]);
    }
    for case in v["inclusion"].as_array().unwrap() {
        let index = case["index"].as_u64().unwrap();
        let size = case["size"].as_u64().unwrap();
        let want = hashes(&case["proof_hex"]);
        assert_eq!(inclusion_proof(&tree, index, size).unwrap(), want);
        let leaf = leaf_hash(&leaves[index as usize]);
        verify_inclusion(index, size, &leaf, &want, &roots[size as usize - 1]).unwrap();
    }
    for case in v["consistency"].as_array().unwrap() {
        let old = case["old"].as_u64().unwrap();
        let new = case["new"].as_u64().unwrap();
        let want = hashes(&case["proof_hex"]);
        assert_eq!(consistency_proof(&tree, old, new).unwrap(), want);
        verify_consistency(
            old,
            new,
            &want,
            &roots[old as usize - 1],
            &roots[new as usize - 1],
        )
        .unwrap();
    }
}

#[test]
fn edge_cases() {
    let tree = MemTree::from_leaves(&[b"a".to_vec()]);
    assert!(inclusion_proof(&tree, 1, 1).is_err());
    assert_eq!(inclusion_proof(&tree, 0, 1).unwrap(), Vec::<Hash>::new());
    assert!(consistency_proof(&tree, 2, 1).is_err());
    let r = root_at(&tree, 1).unwrap();
    verify_consistency(1, 1, &[], &r, &r).unwrap();
    assert!(verify_consistency(1, 1, &[r], &r, &r).is_err());
    verify_consistency(0, 1, &[], &empty_root(), &r).unwrap();
    assert!(verify_inclusion(0, 0, &r, &[], &r).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_inclusion_proof_verifies_and_none_after_a_change(
        size in 1u64..200, pick in any::<prop::sample::Index>(), flip in any::<prop::sample::Index>(), bit in 0u8..8
    ) {
        let leaves: Vec<Vec<u8>> = (0..size).map(|i| i.to_be_bytes().to_vec()).collect();
        let tree = MemTree::from_leaves(&leaves);
        let root = root_at(&tree, size).unwrap();
        for index in 0..size {
            let proof = inclusion_proof(&tree, index, size).unwrap();
            let leaf = leaf_hash(&leaves[index as usize]);
            prop_assert!(verify_inclusion(index, size, &leaf, &proof, &root).is_ok());
        }
        let index = pick.index(size as usize) as u64;
        let proof = inclusion_proof(&tree, index, size).unwrap();
        let leaf = leaf_hash(&leaves[index as usize]);
        // Any change: a flipped bit in a proof hash, the leaf, the root,
        // a dropped or an extra hash, another index.
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let i = flip.index(bad.len());
            bad[i][usize::from(bit) % 32] ^= 1 << bit;
            prop_assert!(verify_inclusion(index, size, &leaf, &bad, &root).is_err());
            prop_assert!(verify_inclusion(index, size, &leaf, &proof[1..], &root).is_err());
        }
        let mut bad_leaf = leaf;
        bad_leaf[0] ^= 1;
        prop_assert!(verify_inclusion(index, size, &bad_leaf, &proof, &root).is_err());
        let mut bad_root = root;
        bad_root[31] ^= 1;
        prop_assert!(verify_inclusion(index, size, &leaf, &proof, &bad_root).is_err());
        let mut longer = proof.clone();
        longer.push(root);
        prop_assert!(verify_inclusion(index, size, &leaf, &longer, &root).is_err());
        if size > 1 {
            let other = (index + 1) % size;
            prop_assert!(verify_inclusion(other, size, &leaf, &proof, &root).is_err());
        }
    }

    #[test]
    fn every_consistency_proof_verifies_and_none_after_a_change(
        new in 1u64..200, old_pick in any::<prop::sample::Index>(), flip in any::<prop::sample::Index>(), bit in 0u8..8
    ) {
        let leaves: Vec<Vec<u8>> = (0..new).map(|i| vec![i as u8, 7]).collect();
        let tree = MemTree::from_leaves(&leaves);
        let new_root = root_at(&tree, new).unwrap();
        for old in 1..=new {
            let proof = consistency_proof(&tree, old, new).unwrap();
            let old_root = root_at(&tree, old).unwrap();
            prop_assert!(verify_consistency(old, new, &proof, &old_root, &new_root).is_ok());
        }
        let old = old_pick.index(new as usize) as u64 + 1;
        let proof = consistency_proof(&tree, old, new).unwrap();
        let old_root = root_at(&tree, old).unwrap();
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let i = flip.index(bad.len());
            bad[i][usize::from(bit) % 32] ^= 1 << bit;
            prop_assert!(verify_consistency(old, new, &bad, &old_root, &new_root).is_err());
            prop_assert!(verify_consistency(old, new, &proof[..proof.len() - 1], &old_root, &new_root).is_err());
            let mut longer = proof.clone();
            longer.push(new_root);
            prop_assert!(verify_consistency(old, new, &longer, &old_root, &new_root).is_err());
        }
        let mut bad_old = old_root;
        bad_old[0] ^= 1;
        if old < new {
            prop_assert!(verify_consistency(old, new, &proof, &bad_old, &new_root).is_err());
        }
        let mut bad_new = new_root;
        bad_new[0] ^= 1;
        prop_assert!(verify_consistency(old, new, &proof, &old_root, &bad_new).is_err());
        // A tree that differs in one leaf is not consistent with this one.
        if old < new {
            let mut other = leaves.clone();
            other[old as usize - 1][1] ^= 1;
            let other_root = root_at(&MemTree::from_leaves(&other), old).unwrap();
            prop_assert!(verify_consistency(old, new, &proof, &other_root, &new_root).is_err());
        }
    }
}
