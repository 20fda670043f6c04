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

pub use db::{PendingCommit, Snapshot, Store, StoreError};
pub use substore::Substore;

/// A key in the flat state: one byte of substore id, then the module's own key.
pub fn state_key(store: Substore, key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + key.len());
    k.push(store.id());
    k.extend_from_slice(key);
    k
}

/// The ICS23 spec of every layer of our proofs (substore and root tree are both JMTs).
pub fn proof_spec() -> ics23::ProofSpec {
    jmt::ics23_spec()
}
