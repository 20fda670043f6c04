//! Snapshots taken from one store restore into another with the same app hash and proofs;
//! every way a snapshot or a chunk can be wrong is refused with the answer CometBFT needs.

use std::collections::BTreeMap;

use tendermint_proto::v0_38::abci::response_offer_snapshot::Result as OfferResult;

use super::*;
use crate::store::{proof_spec, state_key};

type Writes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

fn commit(store: &Store, version: u64, writes: Writes, keep: u64) -> [u8; 32] {
    let snap = store.snapshot().unwrap();
    let pending = store.prepare_commit(&snap, version, writes).unwrap();
    let hash = pending.app_hash;
    store.commit(pending, keep).unwrap();
    hash
}

/// Block `v`'s writes: keys in several substores, some overwritten, some deleted, and a
/// value big enough to span chunks when chunks are small.
fn block(v: u64) -> Writes {
    let mut w = Writes::new();
    for i in 0..20u64 {
        w.insert(
            state_key(Substore::Bank, format!("balance/{}", i * 7 + v).as_bytes()),
            Some((v * 1000 + i).to_be_bytes().to_vec()),
        );
    }
    w.insert(
        state_key(Substore::Wasm, format!("code/{v}").as_bytes()),
        Some(vec![v as u8; 3000]),
    );
    w.insert(
        state_key(Substore::Acc, b"counter"),
        Some(v.to_be_bytes().to_vec()),
    );
    if v >= 2 {
        w.insert(
            state_key(Substore::Bank, format!("balance/{}", v - 2).as_bytes()),
            None,
        );
    }
    w
}

/// A store that committed genesis and blocks 1..=`height`.
fn chain(dir: &Path, height: u64) -> (Store, [u8; 32]) {
    let store = Store::open(&dir.join("db")).unwrap();
    let mut hash = [0; 32];
    for v in 0..=height {
        hash = commit(&store, v, block(v), 0);
    }
    (store, hash)
}

fn snapshots(dir: &Path, chunk_target: usize) -> Snapshots {
    let mut s = Snapshots::open(SnapshotConfig {
        dir: dir.join("snapshots"),
        interval: 0,
        keep_recent: 2,
    })
    .unwrap();
    s.chunk_target = chunk_target;
    s
}

fn chunks(s: &Snapshots, snap: &AbciSnapshot) -> Vec<Vec<u8>> {
    (0..snap.chunks)
        .map(|i| {
            s.load_chunk(snap.height, snap.format, i)
                .expect("chunk on disk")
        })
        .collect()
}

/// Feeds every chunk; the last one's answer.
fn restore_all(
    store: &Store,
    snap: &AbciSnapshot,
    trusted: &[u8],
    chunks: &[Vec<u8>],
) -> Result<Progress, SnapshotError> {
    let mut r = Restore::offer(store, snap, trusted)?;
    let mut last = Progress::More;
    for (i, c) in chunks.iter().enumerate() {
        last = r.apply(store, i as u32, c)?;
    }
    Ok(last)
}

fn proven(snap: &Snapshot, store: Substore, key: &[u8], height: u64) -> Option<Vec<u8>> {
    let app_hash = snap.app_hash_at(height).unwrap();
    let (value, [key_proof, store_proof]) = snap.get_with_proof(store, key, height).unwrap();
    let Some(ics23::commitment_proof::Proof::Exist(e)) = &store_proof.proof else {
        panic!("substore proof must be an existence proof")
    };
    let spec = proof_spec();
    assert!(ics23::verify_membership::<ics23::HostFunctionsManager>(
        &store_proof,
        &spec,
        &app_hash.to_vec(),
        store.name().as_bytes(),
        &e.value
    ));
    match &value {
        Some(v) => assert!(ics23::verify_membership::<ics23::HostFunctionsManager>(
            &key_proof, &spec, &e.value, key, v
        )),
        None => assert!(ics23::verify_non_membership::<ics23::HostFunctionsManager>(
            &key_proof, &spec, &e.value, key
        )),
    }
    value
}

#[test]
fn a_restored_store_has_the_same_app_hash_proofs_and_future() {
    let a = tempfile::tempdir().unwrap();
    let (store_a, hash) = chain(a.path(), 6);
    // Small chunks: the 4 KiB target gives several (a 3000-byte value spans most of one),
    // one record never split.
    let s = snapshots(a.path(), 4 * 1024);
    let meta = s.take(&store_a.snapshot().unwrap()).unwrap();
    assert!(meta.chunk_hashes.len() > 3, "{meta:?}");
    let listed = s.list();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].height, listed[0].format), (6, FORMAT));

    let b = tempfile::tempdir().unwrap();
    let store_b = Store::open(&b.path().join("db")).unwrap();
    let done = restore_all(&store_b, &listed[0], &hash, &chunks(&s, &listed[0])).unwrap();
    assert_eq!(
        done,
        Progress::Restored {
            height: 6,
            entries: meta.entries
        }
    );
    assert_eq!(store_b.last_commit().unwrap(), Some((6, hash)));

    // Every key reads and proves the same; absent keys prove absent; nothing older exists.
    let (sa, sb) = (store_a.snapshot().unwrap(), store_b.snapshot().unwrap());
    let all_a: Vec<_> = sa.entries().unwrap().map(|e| e.unwrap()).collect();
    let all_b: Vec<_> = sb.entries().unwrap().map(|e| e.unwrap()).collect();
    assert_eq!(all_a, all_b);
    assert_eq!(
        proven(&sb, Substore::Acc, b"counter", 6),
        Some(6u64.to_be_bytes().to_vec())
    );
    assert_eq!(proven(&sb, Substore::Bank, b"balance/3", 6), None);
    assert_eq!(
        proven(&sb, Substore::Wasm, b"code/2", 6),
        proven(&sa, Substore::Wasm, b"code/2", 6)
    );
    assert!(matches!(
        sb.app_hash_at(5),
        Err(StoreError::HeightUnavailable { oldest: 6, .. })
    ));

    // The same next blocks give the same app hashes, with pruning on the restored store.
    for v in 7..=12 {
        assert_eq!(
            commit(&store_a, v, block(v), 0),
            commit(&store_b, v, block(v), 3)
        );
    }
    let sb = store_b.snapshot().unwrap();
    assert_eq!(
        proven(&sb, Substore::Acc, b"counter", 12),
        Some(12u64.to_be_bytes().to_vec())
    );
    assert!(sb.app_hash_at(10).is_ok());
    assert!(sb.app_hash_at(9).is_err());
}

#[test]
fn equal_states_give_identical_snapshots() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (store_a, _) = chain(a.path(), 4);
    let (store_b, _) = chain(b.path(), 4);
    let (sa, sb) = (snapshots(a.path(), 4096), snapshots(b.path(), 4096));
    sa.take(&store_a.snapshot().unwrap()).unwrap();
    sb.take(&store_b.snapshot().unwrap()).unwrap();
    let (la, lb) = (sa.list(), sb.list());
    assert_eq!(la, lb, "same state, same snapshot hash and metadata");
    assert_eq!(chunks(&sa, &la[0]), chunks(&sb, &lb[0]));
}

#[test]
fn old_snapshots_and_interrupted_ones_are_cleaned_up() {
    let a = tempfile::tempdir().unwrap();
    let store = Store::open(&a.path().join("db")).unwrap();
    let s = snapshots(a.path(), CHUNK_TARGET);
    for v in 0..=3 {
        commit(&store, v, block(v), 0);
        if v > 0 {
            s.take(&store.snapshot().unwrap()).unwrap();
        }
    }
    let heights: Vec<u64> = s.list().iter().map(|x| x.height).collect();
    assert_eq!(heights, vec![3, 2], "keep_recent = 2, newest first");
    assert!(s.load_chunk(1, FORMAT, 0).is_none(), "height 1 was deleted");
    assert!(s.load_chunk(3, FORMAT, 1).is_none(), "no such chunk");
    assert!(s.load_chunk(3, FORMAT + 1, 0).is_none(), "no such format");
    // A snapshot a crash interrupted is neither listed nor left behind.
    let tmp = a.path().join("snapshots/.tmp-4");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("0.gz"), b"partial").unwrap();
    let s = snapshots(a.path(), CHUNK_TARGET);
    assert!(!tmp.exists());
    assert_eq!(s.list().len(), 2);
}

#[test]
fn offers_the_node_cannot_trust_or_use_are_refused() {
    let a = tempfile::tempdir().unwrap();
    let (store_a, hash) = chain(a.path(), 3);
    let s = snapshots(a.path(), CHUNK_TARGET);
    s.take(&store_a.snapshot().unwrap()).unwrap();
    let good = s.list().remove(0);
    let b = tempfile::tempdir().unwrap();
    let empty = Store::open(&b.path().join("db")).unwrap();
    let refused = |snap: &AbciSnapshot, trusted: &[u8], store: &Store| match Restore::offer(
        store, snap, trusted,
    ) {
        Ok(_) => panic!("offer accepted"),
        Err(e) => (e.offer_result(), e.to_string()),
    };

    // The light client trusts another app hash at that height.
    let (r, msg) = refused(&good, &[7; 32], &empty);
    assert_eq!(r, OfferResult::Reject);
    assert!(msg.contains("is not the trusted app hash"), "{msg}");
    // Another format.
    let (r, _) = refused(
        &AbciSnapshot {
            format: 2,
            ..good.clone()
        },
        &hash,
        &empty,
    );
    assert_eq!(r, OfferResult::RejectFormat);
    // Metadata that isn't what the snapshot's hash names, or announces other chunks.
    let mut forged = good.clone();
    forged.metadata = forged
        .metadata
        .to_vec()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .into();
    assert_eq!(refused(&forged, &hash, &empty).0, OfferResult::Reject);
    let more = AbciSnapshot {
        chunks: good.chunks + 1,
        ..good.clone()
    };
    let (r, msg) = refused(&more, &hash, &empty);
    assert_eq!(r, OfferResult::Reject);
    assert!(msg.contains("chunks announced"), "{msg}");
    // A node with state: every offer would fail, so state sync stops.
    let (r, msg) = refused(&good, &hash, &store_a);
    assert_eq!(r, OfferResult::Abort);
    assert!(msg.contains("already has state"), "{msg}");

    // None of it left a trace: the good offer still restores.
    let chunks = chunks(&s, &good);
    assert!(matches!(
        restore_all(&empty, &good, &hash, &chunks),
        Ok(Progress::Restored { height: 3, .. })
    ));
}

#[test]
fn a_wrong_chunk_is_retried_and_out_of_order_chunks_refused() {
    let a = tempfile::tempdir().unwrap();
    let (store_a, hash) = chain(a.path(), 3);
    let s = snapshots(a.path(), 8 * 1024);
    s.take(&store_a.snapshot().unwrap()).unwrap();
    let snap = s.list().remove(0);
    let chunks = chunks(&s, &snap);
    assert!(chunks.len() >= 2);
    let b = tempfile::tempdir().unwrap();
    let store_b = Store::open(&b.path().join("db")).unwrap();
    let mut r = Restore::offer(&store_b, &snap, &hash).unwrap();
    let mut bad = chunks[0].clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 1;
    assert!(matches!(
        r.apply(&store_b, 0, &bad),
        Err(SnapshotError::ChunkHash(0))
    ));
    assert!(matches!(
        r.apply(&store_b, 1, &chunks[1]),
        Err(SnapshotError::OutOfOrder {
            expected: 0,
            got: 1
        })
    ));
    // The restore is where it was: the right chunks, in order, finish it.
    let mut last = Progress::More;
    for (i, c) in chunks.iter().enumerate() {
        last = r.apply(&store_b, i as u32, c).unwrap();
    }
    assert!(matches!(last, Progress::Restored { height: 3, .. }));
    assert_eq!(store_b.last_commit().unwrap(), Some((3, hash)));
}

/// A snapshot whose chunks hash as its metadata says (a peer that made it up) but whose
/// content is wrong: each fault is caught, and the store stays empty.
#[test]
fn forged_snapshots_with_consistent_hashes_are_rejected() {
    let a = tempfile::tempdir().unwrap();
    let (store_a, hash) = chain(a.path(), 3);
    let entries: Vec<(Vec<u8>, Vec<u8>)> = store_a
        .snapshot()
        .unwrap()
        .entries()
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    let record = |k: &[u8], v: &[u8]| {
        let mut r = (k.len() as u32).to_be_bytes().to_vec();
        r.extend_from_slice(k);
        r.extend_from_slice(&(v.len() as u32).to_be_bytes());
        r.extend_from_slice(v);
        r
    };
    let forge = |raw: Vec<u8>| -> (AbciSnapshot, Vec<u8>) {
        let chunk = compress(&raw).unwrap();
        let meta = Metadata {
            app_hash: hex::encode_upper(hash),
            chunk_hashes: vec![hex::encode_upper(sha256(&chunk))],
            entries: entries.len() as u64,
            bytes: 1 << 20,
        };
        let metadata = serde_json::to_vec(&meta).unwrap();
        (
            AbciSnapshot {
                height: 3,
                format: FORMAT,
                chunks: 1,
                hash: sha256(&metadata).to_vec().into(),
                metadata: metadata.into(),
            },
            chunk,
        )
    };
    let all = |skip: Option<usize>| -> Vec<u8> {
        entries
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != skip)
            .flat_map(|(_, (k, v))| record(k, v))
            .collect()
    };
    let mut reversed: Vec<u8> = Vec::new();
    for (k, v) in entries.iter().rev() {
        reversed.extend(record(k, v));
    }
    let mut unknown = all(None);
    unknown.extend(record(&[0xEE, 1, 2], b"x"));
    let mut truncated = all(None);
    truncated.truncate(truncated.len() - 3);
    let mut huge = record(&entries[0].0, &entries[0].1);
    huge.extend_from_slice(&u32::MAX.to_be_bytes());
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("keys out of order", reversed, "strictly ascending"),
        ("an unknown substore", unknown, "names no substore"),
        ("a truncated record", truncated, "runs past the chunk"),
        ("a length past the end", huge, "runs past the chunk"),
        ("a missing entry", all(Some(5)), "rebuild app hash"),
        (
            "an altered value",
            {
                let mut e = entries.clone();
                e[3].1.push(1);
                e.iter().flat_map(|(k, v)| record(k, v)).collect()
            },
            "rebuild app hash",
        ),
    ];
    for (what, raw, expect) in cases {
        let b = tempfile::tempdir().unwrap();
        let store_b = Store::open(&b.path().join("db")).unwrap();
        let (snap, chunk) = forge(raw);
        let err = restore_all(&store_b, &snap, &hash, &[chunk]).expect_err(what);
        assert!(err.to_string().contains(expect), "{what}: {err}");
        assert_eq!(
            store_b.last_commit().unwrap(),
            None,
            "{what} left state behind"
        );
    }
    // And the honest encoding of the same entries restores.
    let b = tempfile::tempdir().unwrap();
    let store_b = Store::open(&b.path().join("db")).unwrap();
    let (snap, chunk) = forge(all(None));
    assert!(restore_all(&store_b, &snap, &hash, &[chunk]).is_ok());
}
