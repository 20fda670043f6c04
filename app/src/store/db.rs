//! The redb-backed store: JMT node/value tables, the flat latest-state table, and metadata.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use borsh::{BorshDeserialize, BorshSerialize};
use jmt::storage::{
    HasPreimage, LeafNode, Node, NodeKey, StaleNodeIndex, TreeReader, TreeUpdateBatch,
};
use jmt::{KeyHash, OwnedValue, RootHash, Sha256Jmt, Version};
use redb::{
    Database, ReadOnlyTable, ReadableDatabase, ReadableTable, ReadableTableMetadata,
    TableDefinition,
};

use super::Substore;

/// JMT nodes: `tree id ‖ borsh(NodeKey)` → `borsh(Node)`. Tree id 0 is the root tree.
const NODES: TableDefinition<&[u8], &[u8]> = TableDefinition::new("jmt_nodes");
/// JMT values: `tree id ‖ key hash ‖ version (BE)` → `1 ‖ value` or `0` (deleted).
const VALUES: TableDefinition<&[u8], &[u8]> = TableDefinition::new("jmt_values");
/// Nodes made stale by a version, for pruning: `stale-since (BE) ‖ tree id ‖ borsh(NodeKey)`.
const STALE: TableDefinition<&[u8], ()> = TableDefinition::new("jmt_stale");
/// Values superseded by a version, for pruning: `since (BE) ‖ tree id ‖ key hash`. The
/// values of that key written before `since` are needed only by versions before `since`.
const SUPERSEDED: TableDefinition<&[u8], ()> = TableDefinition::new("jmt_superseded");
/// Key preimages, for non-existence proofs: `tree id ‖ key hash` → raw key.
const PREIMAGES: TableDefinition<&[u8], &[u8]> = TableDefinition::new("jmt_preimages");
/// Latest state by raw key: `substore id ‖ key` → value.
const FLAT: TableDefinition<&[u8], &[u8]> = TableDefinition::new("flat");
/// Bookkeeping: last committed height and app hash, oldest retained version.
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

const ROOT_TREE: u8 = 0;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage: {0}")]
    Db(String),
    #[error("merkle tree: {0}")]
    Tree(String),
    #[error("height {requested} is not available (oldest kept {oldest}, latest {latest})")]
    HeightUnavailable {
        requested: u64,
        oldest: u64,
        latest: u64,
    },
    #[error("corrupt store: {0}")]
    Corrupt(String),
    /// State sync: the store to restore into is not empty, or the snapshot is unusable.
    #[error("restore: {0}")]
    Restore(String),
    /// State sync: the entries rebuild a different app hash than the one trusted.
    #[error(
        "restore: the snapshot's entries rebuild app hash {rebuilt}, not the trusted {trusted}"
    )]
    RestoreMismatch { rebuilt: String, trusted: String },
}

macro_rules! db_err {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Db(e.to_string())
            }
        }
    )*};
}
db_err!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

/// The durable store. Cheap to share: readers take snapshots, one writer commits per block.
pub struct Store {
    db: Database,
}

/// A consistent read-only view of the store as of one committed height.
pub struct Snapshot {
    height: u64,
    has_state: bool,
    flat: ReadOnlyTable<&'static [u8], &'static [u8]>,
    nodes: ReadOnlyTable<&'static [u8], &'static [u8]>,
    values: ReadOnlyTable<&'static [u8], &'static [u8]>,
    preimages: ReadOnlyTable<&'static [u8], &'static [u8]>,
    oldest: u64,
}

/// Everything a block changes, computed in FinalizeBlock and written at Commit.
pub struct PendingCommit {
    pub version: Version,
    pub app_hash: [u8; 32],
    batches: Vec<(u8, TreeUpdateBatch)>,
    preimages: Vec<(Vec<u8>, Vec<u8>)>,
    flat: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    /// A restored store's first version: nothing older exists (see [`Store::restore`]).
    restored_at: Option<Version>,
}

/// See [`Store::stats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreStats {
    /// Merkle tree nodes, of every kept version.
    pub nodes: u64,
    /// Versioned values, of every kept version.
    pub values: u64,
    /// Index entries of nodes and values that a later prune will drop.
    pub pending_prune: u64,
    /// Keys in the latest state.
    pub latest_keys: u64,
}

/// How long a starting node waits for the state file's lock. A node restarted right after a
/// `kill -9` can find the lock still held for a moment: the killed process's other threads
/// release the file after its main thread already shows as exited.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// Opens (or creates) the database, waiting up to `wait` for another process's lock on it to
/// go; a lock held longer is another live node on the same home, and an error.
fn open_locked(path: &Path, wait: std::time::Duration) -> Result<Database, StoreError> {
    let deadline = std::time::Instant::now() + wait;
    loop {
        match Database::create(path) {
            Err(redb::DatabaseError::DatabaseAlreadyOpen)
                if std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(redb::DatabaseError::DatabaseAlreadyOpen) => {
                return Err(StoreError::Db(format!(
                    "{} is locked by another process (is another node running on this home?)",
                    path.display()
                )))
            }
            other => return Ok(other?),
        }
    }
}

impl Store {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let db = open_locked(path, LOCK_WAIT)?;
        let txn = db.begin_write()?;
        {
            txn.open_table(NODES)?;
            txn.open_table(VALUES)?;
            txn.open_table(STALE)?;
            txn.open_table(SUPERSEDED)?;
            txn.open_table(FLAT)?;
            txn.open_table(META)?;
            txn.open_table(PREIMAGES)?;
        }
        txn.commit()?;
        Ok(Store { db })
    }

    /// Row counts of the store's tables: what pruning keeps bounded.
    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        let txn = self.db.begin_read()?;
        Ok(StoreStats {
            nodes: txn.open_table(NODES)?.len()?,
            values: txn.open_table(VALUES)?.len()?,
            pending_prune: txn.open_table(STALE)?.len()? + txn.open_table(SUPERSEDED)?.len()?,
            latest_keys: txn.open_table(FLAT)?.len()?,
        })
    }

    /// A snapshot of the latest committed state.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, StoreError> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(META)?;
        let height = read_u64(&meta, "height")?;
        let oldest = read_u64(&meta, "oldest")?.unwrap_or(0);
        Ok(Arc::new(Snapshot {
            height: height.unwrap_or(0),
            has_state: height.is_some(),
            flat: txn.open_table(FLAT)?,
            nodes: txn.open_table(NODES)?,
            values: txn.open_table(VALUES)?,
            preimages: txn.open_table(PREIMAGES)?,
            oldest,
        }))
    }

    /// Last committed height and its app hash; `None` before genesis was committed.
    pub fn last_commit(&self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(META)?;
        let Some(height) = read_u64(&meta, "height")? else {
            return Ok(None);
        };
        let hash = meta
            .get("app_hash")?
            .ok_or_else(|| StoreError::Corrupt("height without app hash".into()))?;
        let hash: [u8; 32] = hash
            .value()
            .try_into()
            .map_err(|_| StoreError::Corrupt("app hash is not 32 bytes".into()))?;
        Ok(Some((height, hash)))
    }

    /// Computes the trees for `version` from `base` (the snapshot the block executed on) plus
    /// `writes`, without touching disk. The result's `app_hash` goes into FinalizeBlock's answer.
    pub fn prepare_commit(
        &self,
        base: &Snapshot,
        version: Version,
        writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    ) -> Result<PendingCommit, StoreError> {
        self.prepare(base, version, writes, false)
    }

    /// Rebuilds the store at `version` from every latest-state entry a state-sync snapshot
    /// holds, and commits it only if the rebuilt app hash is `trusted` (the one CometBFT's
    /// light client verified). The store must be empty; afterwards `version` is its oldest.
    /// A JMT's root depends only on its keys and values, not on the order they were written
    /// in, so trees rebuilt in one version equal the ones the chain grew block by block.
    pub fn restore(
        &self,
        version: Version,
        entries: BTreeMap<Vec<u8>, Vec<u8>>,
        trusted: &[u8; 32],
    ) -> Result<(), StoreError> {
        let base = self.snapshot()?;
        if base.has_state() {
            return Err(StoreError::Restore(format!(
                "the store already holds height {}",
                base.height()
            )));
        }
        if version == 0 {
            return Err(StoreError::Restore(
                "a snapshot of genesis is not restored: start from genesis instead".into(),
            ));
        }
        let writes = entries.into_iter().map(|(k, v)| (k, Some(v))).collect();
        let mut pending = self.prepare(&base, version, writes, true)?;
        if &pending.app_hash != trusted {
            return Err(StoreError::RestoreMismatch {
                rebuilt: hex::encode_upper(pending.app_hash),
                trusted: hex::encode_upper(trusted),
            });
        }
        pending.restored_at = Some(version);
        self.commit(pending, 0)
    }

    /// `fresh`: build `version`'s trees from nothing (a restore) instead of from the
    /// previous version's.
    fn prepare(
        &self,
        base: &Snapshot,
        version: Version,
        mut writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
        fresh: bool,
    ) -> Result<PendingCommit, StoreError> {
        if version == 0 {
            // jmt cannot prove absence in an empty tree, and IBC relayers ask for absent keys:
            // every substore starts with one entry under a key no module uses (module keys
            // start with a prefix byte below 0x80). Not the empty key: ics23 refuses an
            // existence proof with an empty key, so an absence proof whose neighbour it is
            // would not verify.
            for store in Substore::ALL {
                writes.insert(
                    super::state_key(store, super::SENTINEL_KEY),
                    Some(store.name().as_bytes().to_vec()),
                );
            }
        }
        let mut per_store: BTreeMap<u8, Vec<(KeyHash, Option<OwnedValue>)>> = BTreeMap::new();
        let mut preimages = Vec::with_capacity(writes.len() + Substore::ALL.len());
        for (key, value) in &writes {
            let (&id, raw) = key
                .split_first()
                .ok_or_else(|| StoreError::Corrupt("empty state key".into()))?;
            if Substore::from_id(id).is_none() {
                return Err(StoreError::Corrupt(format!("unknown substore id {id}")));
            }
            let hash = KeyHash::with::<sha2::Sha256>(raw);
            if value.is_some() {
                preimages.push((preimage_key(id, &hash), raw.to_vec()));
            }
            per_store.entry(id).or_default().push((hash, value.clone()));
        }
        let mut batches = Vec::with_capacity(Substore::ALL.len() + 1);
        let mut roots = Vec::with_capacity(Substore::ALL.len());
        // Every substore gets a new version each block (an empty update copies the root), so
        // any height can be proven without looking for the last version that touched a store.
        for store in Substore::ALL {
            let reader = TreeView {
                snap: base,
                tree: store.id(),
                fresh_at: fresh.then_some(version),
            };
            let tree = Sha256Jmt::new(&reader);
            let set = per_store.remove(&store.id()).unwrap_or_default();
            let (root, mut batch) = tree
                .put_value_set(set, version)
                .map_err(|e| StoreError::Tree(e.to_string()))?;
            mark_copied_root_stale(&mut batch, version);
            let name_hash = KeyHash::with::<sha2::Sha256>(store.name().as_bytes());
            preimages.push((
                preimage_key(ROOT_TREE, &name_hash),
                store.name().as_bytes().to_vec(),
            ));
            roots.push((name_hash, Some(root.0.to_vec())));
            batches.push((store.id(), batch));
        }
        let reader = TreeView {
            snap: base,
            tree: ROOT_TREE,
            fresh_at: fresh.then_some(version),
        };
        let (app_root, mut batch) = Sha256Jmt::new(&reader)
            .put_value_set(roots, version)
            .map_err(|e| StoreError::Tree(e.to_string()))?;
        mark_copied_root_stale(&mut batch, version);
        batches.push((ROOT_TREE, batch));
        Ok(PendingCommit {
            version,
            app_hash: app_root.0,
            batches,
            preimages,
            flat: writes,
            restored_at: None,
        })
    }

    /// Writes a prepared block atomically and prunes versions older than `keep_recent`
    /// (0 keeps everything).
    pub fn commit(&self, pending: PendingCommit, keep_recent: u64) -> Result<(), StoreError> {
        let txn = self.db.begin_write()?;
        {
            let mut nodes = txn.open_table(NODES)?;
            let mut values = txn.open_table(VALUES)?;
            let mut stale = txn.open_table(STALE)?;
            let mut superseded = txn.open_table(SUPERSEDED)?;
            let mut flat = txn.open_table(FLAT)?;
            let mut meta = txn.open_table(META)?;
            let mut preimages = txn.open_table(PREIMAGES)?;
            for (k, v) in &pending.preimages {
                preimages.insert(k.as_slice(), v.as_slice())?;
            }
            for (tree, batch) in &pending.batches {
                for (key, node) in batch.node_batch.nodes() {
                    nodes.insert(node_key(*tree, key)?.as_slice(), encode(node)?.as_slice())?;
                }
                for ((version, hash), value) in batch.node_batch.values() {
                    let v = match value {
                        Some(v) => [&[1u8][..], v].concat(),
                        None => vec![0u8],
                    };
                    values.insert(value_key(*tree, hash, *version).as_slice(), v.as_slice())?;
                    let mut since = version.to_be_bytes().to_vec();
                    since.push(*tree);
                    since.extend_from_slice(&hash.0);
                    superseded.insert(since.as_slice(), ())?;
                }
                for entry in &batch.stale_node_index_batch {
                    let mut k = entry.stale_since_version.to_be_bytes().to_vec();
                    k.extend(node_key(*tree, &entry.node_key)?);
                    stale.insert(k.as_slice(), ())?;
                }
            }
            for (key, value) in &pending.flat {
                match value {
                    Some(v) => {
                        flat.insert(key.as_slice(), v.as_slice())?;
                    }
                    None => {
                        flat.remove(key.as_slice())?;
                    }
                }
            }
            meta.insert("height", pending.version.to_be_bytes().as_slice())?;
            meta.insert("app_hash", pending.app_hash.as_slice())?;
            if let Some(first) = pending.restored_at {
                meta.insert("oldest", first.to_be_bytes().as_slice())?;
            }
            // A restored store has nothing below its first version, whatever `keep_recent`
            // would allow.
            let kept_from = read_u64(&meta, "oldest")?.unwrap_or(0);
            if keep_recent > 0
                && pending.version >= keep_recent
                && pending.version + 1 - keep_recent >= kept_from
            {
                // Versions >= `oldest` stay provable; a node stale since v is only needed by
                // versions < v, so every node stale since <= oldest can go.
                let oldest = pending.version + 1 - keep_recent;
                let end = (oldest + 1).to_be_bytes();
                let doomed: Vec<Vec<u8>> = stale
                    .range(..&end[..])?
                    .map(|r| r.map(|(k, _)| k.value().to_vec()))
                    .collect::<Result<_, _>>()?;
                for k in doomed {
                    nodes.remove(&k[8..])?;
                    stale.remove(k.as_slice())?;
                }
                // Likewise a value overwritten (or deleted) at v <= oldest: no kept version
                // reads the values written before v.
                let doomed: Vec<Vec<u8>> = superseded
                    .range(..&end[..])?
                    .map(|r| r.map(|(k, _)| k.value().to_vec()))
                    .collect::<Result<_, _>>()?;
                for k in doomed {
                    let since = u64::from_be_bytes(k[..8].try_into().expect("8-byte prefix"));
                    let hash = KeyHash(k[9..].try_into().map_err(|_| {
                        StoreError::Corrupt("superseded entry without a key hash".into())
                    })?);
                    let lo = value_key(k[8], &hash, 0);
                    let hi = value_key(k[8], &hash, since);
                    let old: Vec<Vec<u8>> = values
                        .range(lo.as_slice()..hi.as_slice())?
                        .map(|r| r.map(|(k, _)| k.value().to_vec()))
                        .collect::<Result<_, _>>()?;
                    for v in old {
                        values.remove(v.as_slice())?;
                    }
                    superseded.remove(k.as_slice())?;
                }
                meta.insert("oldest", oldest.to_be_bytes().as_slice())?;
            }
        }
        txn.commit()?;
        Ok(())
    }
}

impl Snapshot {
    /// Height of the last committed block this snapshot shows (0 = genesis).
    pub fn height(&self) -> u64 {
        self.height
    }

    /// Whether genesis has been committed at all.
    pub fn has_state(&self) -> bool {
        self.has_state
    }

    /// Latest value of a full state key (`substore id ‖ key`).
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.flat.get(key)?.map(|v| v.value().to_vec()))
    }

    /// Every entry of the latest state, in key order: what a state-sync snapshot holds.
    pub fn entries(
        &self,
    ) -> Result<impl Iterator<Item = Result<(Vec<u8>, Vec<u8>), StoreError>> + '_, StoreError> {
        Ok(self.flat.iter()?.map(|r| {
            let (k, v) = r?;
            Ok((k.value().to_vec(), v.value().to_vec()))
        }))
    }

    /// Latest entries with `start <= key < end` (no end: to the end of the table), ascending.
    pub fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreError> {
        self.scan(start, end, false, usize::MAX)
    }

    /// At most `limit` entries with `start <= key < end`, ascending or (`reverse`) descending.
    pub fn scan(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        reverse: bool,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreError> {
        let iter = match end {
            Some(end) if end <= start => return Ok(Vec::new()),
            Some(end) => self.flat.range(start..end)?,
            None => self.flat.range(start..)?,
        };
        let entry = |r: Result<_, redb::StorageError>| {
            r.map(
                |(k, v): (redb::AccessGuard<&[u8]>, redb::AccessGuard<&[u8]>)| {
                    (k.value().to_vec(), v.value().to_vec())
                },
            )
            .map_err(StoreError::from)
        };
        if reverse {
            iter.rev().take(limit).map(entry).collect()
        } else {
            iter.take(limit).map(entry).collect()
        }
    }

    fn check_height(&self, height: u64) -> Result<(), StoreError> {
        if !self.has_state || height > self.height || height < self.oldest {
            return Err(StoreError::HeightUnavailable {
                requested: height,
                oldest: self.oldest,
                latest: self.height,
            });
        }
        Ok(())
    }

    /// The app hash committed at `height`.
    pub fn app_hash_at(&self, height: u64) -> Result<[u8; 32], StoreError> {
        self.check_height(height)?;
        let reader = TreeView {
            snap: self,
            tree: ROOT_TREE,
            fresh_at: None,
        };
        let root: RootHash = Sha256Jmt::new(&reader)
            .get_root_hash(height)
            .map_err(|e| StoreError::Tree(e.to_string()))?;
        Ok(root.0)
    }

    /// Value of `key` in `store` at `height`, with the two-layer ICS23 proof against that
    /// height's app hash: [key in the substore, substore root in the root tree].
    pub fn get_with_proof(
        &self,
        store: Substore,
        key: &[u8],
        height: u64,
    ) -> Result<(Option<Vec<u8>>, [ics23::CommitmentProof; 2]), StoreError> {
        self.check_height(height)?;
        let sub = TreeView {
            snap: self,
            tree: store.id(),
            fresh_at: None,
        };
        let (value, key_proof) = Sha256Jmt::new(&sub)
            .get_with_ics23_proof(key.to_vec(), height)
            .map_err(|e| StoreError::Tree(e.to_string()))?;
        let root = TreeView {
            snap: self,
            tree: ROOT_TREE,
            fresh_at: None,
        };
        let (_, store_proof) = Sha256Jmt::new(&root)
            .get_with_ics23_proof(store.name().as_bytes().to_vec(), height)
            .map_err(|e| StoreError::Tree(e.to_string()))?;
        Ok((value, [key_proof, store_proof]))
    }

    /// Value of `key` in `store` at a past `height`, without proof.
    pub fn get_at(
        &self,
        store: Substore,
        key: &[u8],
        height: u64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        if height == self.height {
            let mut full = vec![store.id()];
            full.extend_from_slice(key);
            return self.get(&full);
        }
        self.check_height(height)?;
        let view = TreeView {
            snap: self,
            tree: store.id(),
            fresh_at: None,
        };
        view.get_value_option(height, KeyHash::with::<sha2::Sha256>(key))
            .map_err(|e| StoreError::Tree(e.to_string()))
    }
}

/// One tree's nodes and values inside a snapshot, as jmt reads them.
struct TreeView<'a> {
    snap: &'a Snapshot,
    tree: u8,
    /// Restoring at this version: jmt builds version v on the root of v - 1, which a
    /// restored store never had, so that root reads as the empty tree.
    fresh_at: Option<Version>,
}

impl TreeReader for TreeView<'_> {
    fn get_node_option(&self, key: &NodeKey) -> anyhow::Result<Option<Node>> {
        if let Some(v) = self.fresh_at {
            if key.version() + 1 == v && key.nibble_path().num_nibbles() == 0 {
                return Ok(Some(Node::Null));
            }
        }
        let k = node_key(self.tree, key)?;
        match self.snap.nodes.get(k.as_slice())? {
            Some(bytes) => Ok(Some(Node::try_from_slice(bytes.value())?)),
            None => Ok(None),
        }
    }

    fn get_value_option(
        &self,
        max_version: Version,
        key_hash: KeyHash,
    ) -> anyhow::Result<Option<OwnedValue>> {
        let lo = value_key(self.tree, &key_hash, 0);
        let hi = value_key(self.tree, &key_hash, max_version);
        let last = self
            .snap
            .values
            .range(lo.as_slice()..=hi.as_slice())?
            .next_back();
        match last {
            Some(entry) => {
                let (_, v) = entry?;
                let v = v.value();
                Ok(match v.first() {
                    Some(1) => Some(v[1..].to_vec()),
                    _ => None,
                })
            }
            None => Ok(None),
        }
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        // Only used by jmt's state-sync restore, which this node does not offer.
        anyhow::bail!("rightmost-leaf lookup is not supported (no state-sync restore)")
    }
}

impl HasPreimage for TreeView<'_> {
    fn preimage(&self, key_hash: KeyHash) -> anyhow::Result<Option<Vec<u8>>> {
        let k = preimage_key(self.tree, &key_hash);
        Ok(self
            .snap
            .preimages
            .get(k.as_slice())?
            .map(|v| v.value().to_vec()))
    }
}

fn preimage_key(tree: u8, hash: &KeyHash) -> Vec<u8> {
    let mut k = Vec::with_capacity(33);
    k.push(tree);
    k.extend_from_slice(&hash.0);
    k
}

fn node_key(tree: u8, key: &NodeKey) -> Result<Vec<u8>, StoreError> {
    let mut k = vec![tree];
    key.serialize(&mut k)
        .map_err(|e| StoreError::Corrupt(format!("encoding node key: {e}")))?;
    Ok(k)
}

/// An update that changes nothing (a block that leaves a substore alone) makes jmt copy the
/// previous root under the new version without marking the previous one stale, so pruning
/// would never drop it: one node per untouched substore per block, forever. Any real change
/// stales at least the previous root, so an empty stale index means exactly this copy.
fn mark_copied_root_stale(batch: &mut TreeUpdateBatch, version: Version) {
    if version == 0 || !batch.stale_node_index_batch.is_empty() {
        return;
    }
    let copied: Vec<NodeKey> = batch
        .node_batch
        .nodes()
        .keys()
        .filter(|k| k.version() == version && k.nibble_path().num_nibbles() == 0)
        .cloned()
        .collect();
    for root in copied {
        batch.stale_node_index_batch.insert(StaleNodeIndex {
            stale_since_version: version,
            node_key: NodeKey::new(version - 1, root.nibble_path().clone()),
        });
    }
}

fn value_key(tree: u8, hash: &KeyHash, version: Version) -> Vec<u8> {
    let mut k = Vec::with_capacity(41);
    k.push(tree);
    k.extend_from_slice(&hash.0);
    k.extend_from_slice(&version.to_be_bytes());
    k
}

fn encode(node: &Node) -> Result<Vec<u8>, StoreError> {
    borsh::to_vec(node).map_err(|e| StoreError::Corrupt(format!("encoding node: {e}")))
}

fn read_u64(
    meta: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &str,
) -> Result<Option<u64>, StoreError> {
    match meta.get(key)? {
        Some(v) => {
            let bytes: [u8; 8] = v
                .value()
                .try_into()
                .map_err(|_| StoreError::Corrupt(format!("meta {key} is not a u64")))?;
            Ok(Some(u64::from_be_bytes(bytes)))
        }
        None => Ok(None),
    }
}

#[cfg(test)]
mod lock_tests {
    use super::*;

    /// A restart right after a crash waits for the dying process's lock; a lock that stays
    /// is a clear error, not a hang.
    #[test]
    fn opening_waits_for_a_released_lock_and_names_a_held_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.redb");
        let first = Store::open(&path).unwrap();
        let e = open_locked(&path, std::time::Duration::from_millis(200))
            .err()
            .expect("held lock");
        assert!(e.to_string().contains("locked by another process"), "{e}");
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            drop(first);
        });
        open_locked(&path, std::time::Duration::from_secs(5)).expect("lock released in time");
        releaser.join().unwrap();
    }
}
