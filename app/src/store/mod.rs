//! Durable, versioned, merklized state.
//!
//! Layout: every module owns a *substore*, a Jellyfish Merkle Tree of its own; a *root tree*
//! maps each substore's name to its root hash, and the root tree's root is the app hash.
//! A proof for `store/<name>/<key>` is therefore exactly two ICS23 layers (key in substore,
//! substore root in app root), the shape IBC relayers expect of a Cosmos chain.
//!
//! Everything lives in one `redb` file, written in one transaction per block at Commit, so a
//! `kill -9` at any moment leaves either the previous or the new block, never a mix.
//! Besides the trees, a flat table keeps the latest value of every key by its raw bytes:
//! execution reads and range scans use it (JMT keys are hashed, so the tree can't be scanned).

mod db;
mod substore;

pub use db::{PendingCommit, Snapshot, Store, StoreError, StoreStats};
pub use substore::Substore;

/// A key in the flat state: one byte of substore id, then the module's own key.
pub fn state_key(store: Substore, key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + key.len());
    k.push(store.id());
    k.extend_from_slice(key);
    k
}

/// The ICS23 spec of every layer of our proofs (substore and root tree are both JMTs).
/// The entry every substore holds from genesis (see `Store::prepare_commit`).
pub const SENTINEL_KEY: &[u8] = b"\xffgenesis";

pub fn proof_spec() -> ics23::ProofSpec {
    jmt::ics23_spec()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn writes(pairs: &[(Substore, &[u8], Option<&[u8]>)]) -> BTreeMap<Vec<u8>, Option<Vec<u8>>> {
        pairs
            .iter()
            .map(|(s, k, v)| (state_key(*s, k), v.map(|v| v.to_vec())))
            .collect()
    }

    fn commit(
        store: &Store,
        version: u64,
        w: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
        keep: u64,
    ) -> [u8; 32] {
        let snap = store.snapshot().unwrap();
        let pending = store.prepare_commit(&snap, version, w).unwrap();
        let hash = pending.app_hash;
        store.commit(pending, keep).unwrap();
        hash
    }

    fn verify(snap: &Snapshot, store: Substore, key: &[u8], height: u64) -> Option<Vec<u8>> {
        let app_hash = snap.app_hash_at(height).unwrap();
        let (value, [key_proof, store_proof]) = snap.get_with_proof(store, key, height).unwrap();
        let spec = proof_spec();
        let substore_root = match &store_proof.proof {
            Some(ics23::commitment_proof::Proof::Exist(e)) => e.value.clone(),
            _ => panic!("substore proof must be an existence proof"),
        };
        assert!(ics23::verify_membership::<ics23::HostFunctionsManager>(
            &store_proof,
            &spec,
            &app_hash.to_vec(),
            store.name().as_bytes(),
            &substore_root
        ));
        match &value {
            Some(v) => assert!(ics23::verify_membership::<ics23::HostFunctionsManager>(
                &key_proof,
                &spec,
                &substore_root,
                key,
                v
            )),
            None => assert!(ics23::verify_non_membership::<ics23::HostFunctionsManager>(
                &key_proof,
                &spec,
                &substore_root,
                key
            )),
        }
        value
    }

    #[test]
    fn state_survives_reopen_and_proves_every_height() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.redb");
        let (h0, h1, h2);
        {
            let store = Store::open(&path).unwrap();
            assert!(store.last_commit().unwrap().is_none());
            h0 = commit(
                &store,
                0,
                writes(&[
                    (Substore::Bank, b"a", Some(b"1")),
                    (Substore::Bank, b"b", Some(b"0")),
                ]),
                0,
            );
            h1 = commit(
                &store,
                1,
                writes(&[
                    (Substore::Bank, b"a", Some(b"2")),
                    (Substore::Acc, b"x", Some(b"y")),
                ]),
                0,
            );
            h2 = commit(&store, 2, writes(&[(Substore::Bank, b"a", None)]), 0);
        }
        assert_ne!(h0, h1);
        assert_ne!(h1, h2);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.last_commit().unwrap(), Some((2, h2)));
        let snap = store.snapshot().unwrap();
        assert_eq!(snap.app_hash_at(0).unwrap(), h0);
        assert_eq!(verify(&snap, Substore::Bank, b"a", 0), Some(b"1".to_vec()));
        assert_eq!(verify(&snap, Substore::Bank, b"a", 1), Some(b"2".to_vec()));
        assert_eq!(verify(&snap, Substore::Bank, b"a", 2), None);
        assert_eq!(verify(&snap, Substore::Acc, b"x", 2), Some(b"y".to_vec()));
        assert_eq!(snap.get(&state_key(Substore::Bank, b"a")).unwrap(), None);
        assert_eq!(
            snap.get_at(Substore::Bank, b"a", 1).unwrap(),
            Some(b"2".to_vec())
        );
        assert!(matches!(
            snap.app_hash_at(3),
            Err(StoreError::HeightUnavailable { .. })
        ));
    }

    #[test]
    fn empty_block_keeps_app_hash_and_same_writes_give_same_hash() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let sa = Store::open(&a.path().join("db")).unwrap();
        let sb = Store::open(&b.path().join("db")).unwrap();
        let w = || {
            writes(&[
                (Substore::Bank, b"k1", Some(b"v1")),
                (Substore::Params, b"k2", Some(b"v2")),
            ])
        };
        let ha = commit(&sa, 0, w(), 0);
        assert_eq!(
            ha,
            commit(&sb, 0, w(), 0),
            "same writes, same app hash (determinism)"
        );
        assert_eq!(
            commit(&sa, 1, BTreeMap::new(), 0),
            ha,
            "an empty block leaves the root unchanged"
        );
        assert_eq!(
            verify(&sa.snapshot().unwrap(), Substore::Bank, b"k1", 1),
            Some(b"v1".to_vec())
        );
    }

    #[test]
    fn pruning_drops_old_versions_but_keeps_recent_ones_provable() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        for v in 0..10u64 {
            commit(
                &store,
                v,
                writes(&[(Substore::Bank, b"counter", Some(&v.to_be_bytes()))]),
                3,
            );
        }
        let snap = store.snapshot().unwrap();
        assert!(matches!(
            snap.get_with_proof(Substore::Bank, b"counter", 2),
            Err(StoreError::HeightUnavailable { .. })
        ));
        for v in 7..10u64 {
            assert_eq!(
                verify(&snap, Substore::Bank, b"counter", v),
                Some(v.to_be_bytes().to_vec())
            );
        }
    }

    /// Pruning bounds the store: a key overwritten every block keeps only the values and
    /// nodes the kept versions need, however long the chain runs, while a key written once
    /// at genesis stays provable.
    #[test]
    fn pruning_keeps_the_store_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        let keep = 5u64;
        commit(
            &store,
            0,
            writes(&[(Substore::Acc, b"written-once", Some(b"genesis"))]),
            keep,
        );
        let mut sizes = Vec::new();
        for v in 1..=300u64 {
            let mut w = vec![(Substore::Bank, &b"counter"[..], Some(v.to_be_bytes()))];
            if v % 50 == 0 {
                w.push((Substore::Bank, &b"deleted"[..], None));
            } else if v % 50 == 1 {
                w.push((Substore::Bank, &b"deleted"[..], Some(v.to_be_bytes())));
            }
            let w: Vec<_> = w
                .iter()
                .map(|(s, k, v)| (*s, *k, v.as_ref().map(|v| &v[..])))
                .collect();
            commit(&store, v, writes(&w), keep);
            if v % 100 == 0 {
                sizes.push(store.stats().unwrap());
            }
        }
        // Steady state: the same size after 200 and 300 blocks.
        assert_eq!(sizes[1].values, sizes[2].values, "{sizes:?}");
        assert_eq!(sizes[1].nodes, sizes[2].nodes, "{sizes:?}");
        // Two substore roots and two keys change per block; `keep` versions, plus the latest
        // values of what did not change since, and the root tree's entries and sentinels
        // (which grow with the number of substores: 38 with five, 50 with seven). The steady
        // state above is what matters.
        assert!(
            sizes[2].values <= 4 * (keep + 1) + 6 * Substore::ALL.len() as u64,
            "{sizes:?}"
        );
        let snap = store.snapshot().unwrap();
        for v in 296..=300u64 {
            assert_eq!(
                verify(&snap, Substore::Bank, b"counter", v),
                Some(v.to_be_bytes().to_vec())
            );
            assert_eq!(
                verify(&snap, Substore::Acc, b"written-once", v),
                Some(b"genesis".to_vec())
            );
        }
        assert!(matches!(
            snap.get_with_proof(Substore::Bank, b"counter", 295),
            Err(StoreError::HeightUnavailable { .. })
        ));
    }

    #[test]
    fn uncommitted_prepare_leaves_no_trace() {
        // FinalizeBlock computes; only Commit writes. A crash between them loses nothing.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        let h0 = {
            let store = Store::open(&path).unwrap();
            let h0 = commit(&store, 0, writes(&[(Substore::Bank, b"a", Some(b"1"))]), 0);
            let snap = store.snapshot().unwrap();
            let _never_committed = store
                .prepare_commit(&snap, 1, writes(&[(Substore::Bank, b"a", Some(b"2"))]))
                .unwrap();
            h0
        };
        let store = Store::open(&path).unwrap();
        assert_eq!(store.last_commit().unwrap(), Some((0, h0)));
        assert_eq!(
            store
                .snapshot()
                .unwrap()
                .get(&state_key(Substore::Bank, b"a"))
                .unwrap(),
            Some(b"1".to_vec())
        );
        // The same block can then be applied for real.
        commit(&store, 1, writes(&[(Substore::Bank, b"a", Some(b"2"))]), 0);
        assert_eq!(
            verify(&store.snapshot().unwrap(), Substore::Bank, b"a", 1),
            Some(b"2".to_vec())
        );
    }
}

#[cfg(test)]
mod absence_proofs {
    use std::collections::BTreeMap;

    use super::*;

    /// Every absent key gets a non-existence proof that ics23 verifies: before, middle and
    /// after the stored keys, including next to the genesis entry every substore holds.
    #[test]
    fn absence_proofs_verify_for_every_position() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.redb")).unwrap();
        let mut w = BTreeMap::new();
        for i in 0..40u32 {
            w.insert(
                state_key(Substore::Bank, format!("key-{i}").as_bytes()),
                Some(vec![1]),
            );
        }
        let snap = store.snapshot().unwrap();
        let pending = store.prepare_commit(&snap, 0, w).unwrap();
        store.commit(pending, 0).unwrap();
        let snap = store.snapshot().unwrap();
        let spec = proof_spec();
        for i in 0..200u32 {
            let key = format!("absent-{i}");
            let (v, [kp, sp]) = snap
                .get_with_proof(Substore::Bank, key.as_bytes(), 0)
                .unwrap();
            assert!(v.is_none());
            let Some(ics23::commitment_proof::Proof::Exist(e)) = &sp.proof else {
                panic!("substore proof must be an existence proof")
            };
            assert!(
                ics23::verify_non_membership::<ics23::HostFunctionsManager>(
                    &kp,
                    &spec,
                    &e.value,
                    key.as_bytes()
                ),
                "absence proof of {key} does not verify"
            );
        }
        // An empty substore (only its genesis entry) proves absence too.
        let (v, [kp, sp]) = snap.get_with_proof(Substore::Wasm, b"nothing", 0).unwrap();
        assert!(v.is_none());
        let Some(ics23::commitment_proof::Proof::Exist(e)) = &sp.proof else {
            panic!()
        };
        assert!(ics23::verify_non_membership::<ics23::HostFunctionsManager>(
            &kp, &spec, &e.value, b"nothing"
        ));
    }
}
