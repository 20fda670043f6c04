//! State sync: a node serves snapshots of its committed state over ABCI (ListSnapshots,
//! LoadSnapshotChunk), and a new node restores one (OfferSnapshot, ApplySnapshotChunk) instead
//! of replaying every block since genesis.
//!
//! Format 1. A snapshot at height H is the latest-state table as of H (every key and value of
//! every substore, `store::Snapshot::entries`) in key order, cut into chunks of whole records
//! (`u32 BE key length ‖ key ‖ u32 BE value length ‖ value`), each chunk gzip-compressed. Its
//! metadata (JSON) names the app hash at H and every chunk's SHA-256; the snapshot's hash is
//! the SHA-256 of the metadata. Equal states give byte-identical snapshots on every node, so a
//! restoring node can fetch the chunks of one snapshot from several peers.
//!
//! Nothing in a snapshot is trusted: its app hash must equal the one CometBFT's light client
//! verified for H (OfferSnapshot's `app_hash`); each chunk must hash to what the metadata says
//! (else it is fetched again from another peer and the sender rejected); keys must be strictly
//! ascending and name a known substore; and after the last chunk every tree is rebuilt from the
//! entries and committed only if the rebuilt root is that trusted app hash.
//!
//! Taking a snapshot reads a committed `store::Snapshot` (a read transaction) on a background
//! thread, so Commit never waits on it. A restore holds the state in memory until it commits
//! (one write, so a crash mid-restore leaves an empty store and CometBFT starts over).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tendermint_proto::v0_38::abci::Snapshot as AbciSnapshot;

use crate::store::{Snapshot, Store, StoreError, Substore};

/// The only snapshot format this node writes and restores.
pub const FORMAT: u32 = 1;
/// A chunk closes once its records reach this many bytes (before compression); a record is
/// never split, so one larger value makes a larger chunk. CometBFT caps a chunk message at
/// 16 MB; the largest value the chain stores (a contract's code) is well under 4 MiB.
const CHUNK_TARGET: usize = 4 << 20;
/// What a restore accepts: CometBFT's own cap on chunks, and a bound on the state held in
/// memory until it commits.
const MAX_CHUNKS: u32 = 100_000;
const MAX_RESTORE_BYTES: u64 = 8 << 30;
/// A record's lengths: no key or value the chain writes comes near this.
const MAX_RECORD_PART: usize = 64 << 20;

/// Where and how often this node takes snapshots (`inferchaind start --snapshot-*`).
#[derive(Debug, Clone)]
pub struct SnapshotConfig {
    pub dir: PathBuf,
    /// Take one at every height divisible by this; 0 takes none (the node still restores).
    pub interval: u64,
    /// Snapshots kept on disk (older ones are deleted once a new one is complete).
    pub keep_recent: usize,
}

/// A snapshot's metadata, as served in `Snapshot.metadata`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Metadata {
    /// The app hash at the snapshot's height, hex.
    pub app_hash: String,
    /// SHA-256 of each chunk as served (compressed), hex.
    pub chunk_hashes: Vec<String>,
    /// Entries and their bytes (keys plus values, uncompressed).
    pub entries: u64,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("snapshot storage: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("snapshot format {0} is not supported (this node knows format {FORMAT})")]
    Format(u32),
    #[error("snapshot metadata: {0}")]
    Metadata(String),
    #[error("the snapshot's app hash {snapshot} is not the trusted app hash {trusted}")]
    UntrustedAppHash { snapshot: String, trusted: String },
    #[error("this node already has state (height {0}); state sync only fills an empty node")]
    HasState(u64),
    #[error("chunk {got} arrived, chunk {expected} was expected")]
    OutOfOrder { expected: u32, got: u32 },
    #[error("chunk {0} does not hash to what the snapshot's metadata says")]
    ChunkHash(u32),
    #[error("chunk {index}: {why}")]
    Malformed { index: u32, why: String },
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The snapshots this node takes and serves.
pub struct Snapshots {
    config: SnapshotConfig,
    chunk_target: usize,
    /// One snapshot at a time: a node that can't keep up skips heights rather than pile up.
    busy: Arc<AtomicBool>,
}

impl Snapshots {
    pub fn open(config: SnapshotConfig) -> Result<Self, SnapshotError> {
        std::fs::create_dir_all(&config.dir)?;
        // A snapshot interrupted by a crash never got renamed into place.
        for entry in std::fs::read_dir(&config.dir)? {
            let path = entry?.path();
            if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(".tmp-"))
            {
                std::fs::remove_dir_all(&path)?;
            }
        }
        Ok(Snapshots {
            config,
            chunk_target: CHUNK_TARGET,
            busy: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Called after each Commit: at an interval height, takes a snapshot of the state just
    /// committed on a background thread.
    pub fn after_commit(&self, store: &Store, height: u64) {
        let interval = self.config.interval;
        if interval == 0 || height == 0 || height % interval != 0 {
            return;
        }
        if self.busy.swap(true, Ordering::AcqRel) {
            tracing::warn!(
                height,
                "previous snapshot still being written; skipping this one"
            );
            return;
        }
        // Taken here, before the next block can commit: the thread reads exactly `height`.
        let snap = match store.snapshot() {
            Ok(s) if s.height() == height => s,
            Ok(s) => {
                tracing::error!(height, found = s.height(), "snapshot height moved");
                self.busy.store(false, Ordering::Release);
                return;
            }
            Err(e) => {
                tracing::error!(height, error = %e, "reading state for a snapshot");
                self.busy.store(false, Ordering::Release);
                return;
            }
        };
        let config = self.config.clone();
        let busy = self.busy.clone();
        let chunk_target = self.chunk_target;
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            match write_snapshot(&config, &snap, chunk_target) {
                Ok(meta) => tracing::info!(
                    height,
                    chunks = meta.chunk_hashes.len(),
                    entries = meta.entries,
                    bytes = meta.bytes,
                    ms = started.elapsed().as_millis() as u64,
                    "state-sync snapshot taken"
                ),
                Err(e) => tracing::error!(height, error = %e, "taking a state-sync snapshot"),
            }
            busy.store(false, Ordering::Release);
        });
    }

    /// Takes a snapshot of `snap` now, on this thread (tests, and `after_commit`'s thread).
    pub fn take(&self, snap: &Snapshot) -> Result<Metadata, SnapshotError> {
        write_snapshot(&self.config, snap, self.chunk_target)
    }

    /// The complete snapshots on disk, newest first.
    pub fn list(&self) -> Vec<AbciSnapshot> {
        let mut out: Vec<AbciSnapshot> = snapshot_heights(&self.config.dir)
            .into_iter()
            .filter_map(|h| {
                let metadata =
                    std::fs::read(snapshot_dir(&self.config.dir, h).join("metadata.json")).ok()?;
                let meta: Metadata = serde_json::from_slice(&metadata).ok()?;
                Some(AbciSnapshot {
                    height: h,
                    format: FORMAT,
                    chunks: meta.chunk_hashes.len() as u32,
                    hash: sha256(&metadata).to_vec().into(),
                    metadata: metadata.into(),
                })
            })
            .collect();
        out.sort_by(|a, b| b.height.cmp(&a.height));
        out
    }

    /// Chunk `chunk` of the snapshot at `height`, if this node has it.
    pub fn load_chunk(&self, height: u64, format: u32, chunk: u32) -> Option<Vec<u8>> {
        if format != FORMAT {
            return None;
        }
        std::fs::read(snapshot_dir(&self.config.dir, height).join(format!("{chunk}.gz"))).ok()
    }
}

fn snapshot_dir(dir: &Path, height: u64) -> PathBuf {
    dir.join(height.to_string())
}

/// Heights of the complete snapshots in `dir` (a directory named by its height holding a
/// `metadata.json`, written last).
fn snapshot_heights(dir: &Path) -> Vec<u64> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut heights: Vec<u64> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .filter(|h| snapshot_dir(dir, *h).join("metadata.json").is_file())
        .collect();
    heights.sort_unstable();
    heights
}

/// Writes the snapshot of `snap` into `<dir>/.tmp-<height>`, renames it to `<dir>/<height>`
/// when complete, then deletes all but the newest `keep_recent`.
fn write_snapshot(
    config: &SnapshotConfig,
    snap: &Snapshot,
    chunk_target: usize,
) -> Result<Metadata, SnapshotError> {
    let height = snap.height();
    let app_hash = snap.app_hash_at(height)?;
    let tmp = config.dir.join(format!(".tmp-{height}"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir_all(&tmp)?;
    let mut meta = Metadata {
        app_hash: hex::encode_upper(app_hash),
        chunk_hashes: Vec::new(),
        entries: 0,
        bytes: 0,
    };
    let mut chunk = Vec::with_capacity(chunk_target + 1024);
    let flush = |chunk: &mut Vec<u8>, meta: &mut Metadata| -> Result<(), SnapshotError> {
        let compressed = compress(chunk)?;
        let index = meta.chunk_hashes.len();
        std::fs::write(tmp.join(format!("{index}.gz")), &compressed)?;
        meta.chunk_hashes
            .push(hex::encode_upper(sha256(&compressed)));
        chunk.clear();
        Ok(())
    };
    for entry in snap.entries()? {
        let (key, value) = entry?;
        chunk.extend_from_slice(&(key.len() as u32).to_be_bytes());
        chunk.extend_from_slice(&key);
        chunk.extend_from_slice(&(value.len() as u32).to_be_bytes());
        chunk.extend_from_slice(&value);
        meta.entries += 1;
        meta.bytes += (key.len() + value.len()) as u64;
        if chunk.len() >= chunk_target {
            flush(&mut chunk, &mut meta)?;
        }
    }
    if !chunk.is_empty() || meta.chunk_hashes.is_empty() {
        flush(&mut chunk, &mut meta)?;
    }
    let metadata = serde_json::to_vec(&meta).map_err(|e| SnapshotError::Metadata(e.to_string()))?;
    std::fs::write(tmp.join("metadata.json"), metadata)?;
    let done = snapshot_dir(&config.dir, height);
    if done.exists() {
        std::fs::remove_dir_all(&done)?;
    }
    std::fs::rename(&tmp, &done)?;
    let heights = snapshot_heights(&config.dir);
    let keep = config.keep_recent.max(1);
    for old in heights.iter().take(heights.len().saturating_sub(keep)) {
        std::fs::remove_dir_all(snapshot_dir(&config.dir, *old))?;
    }
    Ok(meta)
}

fn compress(raw: &[u8]) -> Result<Vec<u8>, std::io::Error> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(raw)?;
    gz.finish()
}

/// What ABCI's OfferSnapshot and ApplySnapshotChunk answer, by error.
impl SnapshotError {
    /// OfferSnapshot: a snapshot this node can't use at all, or can't use in this format.
    pub fn offer_result(&self) -> tendermint_proto::v0_38::abci::response_offer_snapshot::Result {
        use tendermint_proto::v0_38::abci::response_offer_snapshot::Result as R;
        match self {
            SnapshotError::Format(_) => R::RejectFormat,
            // Every snapshot would be refused: stop state sync instead of trying them all.
            SnapshotError::HasState(_) | SnapshotError::Io(_) | SnapshotError::Store(_) => R::Abort,
            _ => R::Reject,
        }
    }
}

/// A restore in progress: the snapshot accepted by OfferSnapshot and the chunks so far.
pub struct Restore {
    height: u64,
    trusted: [u8; 32],
    chunk_hashes: Vec<[u8; 32]>,
    next: u32,
    declared_bytes: u64,
    bytes: u64,
    entries: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// Where a restore stands after a chunk.
#[derive(Debug, PartialEq, Eq)]
pub enum Progress {
    /// More chunks to come.
    More,
    /// The last chunk: the store now holds the snapshot's height.
    Restored { height: u64, entries: u64 },
}

impl Restore {
    /// OfferSnapshot: accepts `snapshot` for an empty `store` if it is in our format, its
    /// metadata is sound and its app hash is the light-client-verified `trusted` one.
    pub fn offer(
        store: &Store,
        snapshot: &AbciSnapshot,
        trusted: &[u8],
    ) -> Result<Restore, SnapshotError> {
        if snapshot.format != FORMAT {
            return Err(SnapshotError::Format(snapshot.format));
        }
        if let Some((height, _)) = store.last_commit()? {
            return Err(SnapshotError::HasState(height));
        }
        if snapshot.height == 0 {
            return Err(SnapshotError::Metadata("a snapshot at height 0".into()));
        }
        if sha256(&snapshot.metadata)[..] != snapshot.hash[..] {
            return Err(SnapshotError::Metadata(
                "the snapshot's hash is not the hash of its metadata".into(),
            ));
        }
        let meta: Metadata = serde_json::from_slice(&snapshot.metadata)
            .map_err(|e| SnapshotError::Metadata(e.to_string()))?;
        let count = meta.chunk_hashes.len();
        if count == 0 || count != snapshot.chunks as usize || snapshot.chunks > MAX_CHUNKS {
            return Err(SnapshotError::Metadata(format!(
                "{} chunks announced, {count} hashed (at most {MAX_CHUNKS})",
                snapshot.chunks
            )));
        }
        if meta.bytes > MAX_RESTORE_BYTES {
            return Err(SnapshotError::Metadata(format!(
                "{} bytes of state: more than the {MAX_RESTORE_BYTES} a restore holds",
                meta.bytes
            )));
        }
        let hash32 = |h: &str| -> Result<[u8; 32], SnapshotError> {
            hex::decode(h)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| SnapshotError::Metadata(format!("{h:?} is not a 32-byte hex hash")))
        };
        let app_hash = hash32(&meta.app_hash)?;
        if app_hash[..] != trusted[..] {
            return Err(SnapshotError::UntrustedAppHash {
                snapshot: meta.app_hash.clone(),
                trusted: hex::encode_upper(trusted),
            });
        }
        Ok(Restore {
            height: snapshot.height,
            trusted: app_hash,
            chunk_hashes: meta
                .chunk_hashes
                .iter()
                .map(|h| hash32(h))
                .collect::<Result<_, _>>()?,
            next: 0,
            declared_bytes: meta.bytes,
            bytes: 0,
            entries: BTreeMap::new(),
        })
    }

    pub fn height(&self) -> u64 {
        self.height
    }

    /// ApplySnapshotChunk: checks chunk `index` against the metadata and takes its entries;
    /// after the last one rebuilds the trees and commits them (if they prove `trusted`).
    /// A failed chunk leaves the restore as it was, ready for the chunk again.
    pub fn apply(
        &mut self,
        store: &Store,
        index: u32,
        chunk: &[u8],
    ) -> Result<Progress, SnapshotError> {
        if index != self.next {
            return Err(SnapshotError::OutOfOrder {
                expected: self.next,
                got: index,
            });
        }
        if sha256(chunk) != self.chunk_hashes[index as usize] {
            return Err(SnapshotError::ChunkHash(index));
        }
        // The hash matched the metadata, so from here on a bad chunk means a bad snapshot.
        let malformed = |why: String| SnapshotError::Malformed { index, why };
        let limit = self.declared_bytes.saturating_sub(self.bytes) + 1024 * 1024;
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(chunk)
            .take(limit.saturating_mul(2))
            .read_to_end(&mut raw)
            .map_err(|e| malformed(format!("gzip: {e}")))?;
        let mut rest = &raw[..];
        let mut taken = Vec::new();
        let last = self.entries.keys().next_back().cloned();
        while !rest.is_empty() {
            let key = take_part(&mut rest).map_err(|w| malformed(format!("key: {w}")))?;
            let value = take_part(&mut rest).map_err(|w| malformed(format!("value: {w}")))?;
            let previous = taken
                .last()
                .map(|(k, _): &(Vec<u8>, Vec<u8>)| k.as_slice())
                .or(last.as_deref());
            if previous.is_some_and(|p| p >= key) {
                return Err(malformed("keys are not strictly ascending".into()));
            }
            let known = key.first().and_then(|id| Substore::from_id(*id)).is_some();
            if !known {
                return Err(malformed(format!(
                    "key {} names no substore",
                    hex::encode(&key[..key.len().min(8)])
                )));
            }
            taken.push((key.to_vec(), value.to_vec()));
        }
        let added: u64 = taken.iter().map(|(k, v)| (k.len() + v.len()) as u64).sum();
        if self.bytes + added > self.declared_bytes {
            return Err(malformed(format!(
                "more than the {} bytes the metadata declares",
                self.declared_bytes
            )));
        }
        self.bytes += added;
        self.entries.extend(taken);
        self.next += 1;
        if (self.next as usize) < self.chunk_hashes.len() {
            return Ok(Progress::More);
        }
        let entries = std::mem::take(&mut self.entries);
        let count = entries.len() as u64;
        store.restore(self.height, entries, &self.trusted)?;
        Ok(Progress::Restored {
            height: self.height,
            entries: count,
        })
    }
}

/// Reads one `u32 BE length ‖ bytes` part off the front of `rest`.
fn take_part<'a>(rest: &mut &'a [u8]) -> Result<&'a [u8], String> {
    if rest.len() < 4 {
        return Err("truncated length".into());
    }
    let (len, tail) = rest.split_at(4);
    let len = u32::from_be_bytes(len.try_into().expect("4 bytes")) as usize;
    if len > MAX_RECORD_PART || len > tail.len() {
        return Err(format!("length {len} runs past the chunk"));
    }
    let (part, tail) = tail.split_at(len);
    *rest = tail;
    Ok(part)
}

#[cfg(test)]
mod tests;
