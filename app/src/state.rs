//! Copy-on-write state over a committed snapshot, with nested layers for rollback.
//!
//! A block executes on one `StateDelta`; each transaction's ante step and message step get a
//! layer of their own, so a failed message reverts only its writes (the fee and sequence
//! bump stay, as in the Cosmos SDK). Later, contract sub-messages push further layers.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use crate::store::{Snapshot, StoreError};

/// Pending writes of one layer: `None` is a deletion.
pub type Writes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

#[derive(Clone)]
pub struct StateDelta {
    base: Arc<Snapshot>,
    layers: Vec<Writes>,
}

impl StateDelta {
    pub fn new(base: Arc<Snapshot>) -> Self {
        StateDelta {
            base,
            layers: vec![Writes::new()],
        }
    }

    pub fn base(&self) -> &Arc<Snapshot> {
        &self.base
    }

    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        for layer in self.layers.iter().rev() {
            if let Some(v) = layer.get(key) {
                return Ok(v.clone());
            }
        }
        self.base.get(key)
    }

    pub fn set(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.top().insert(key, Some(value));
    }

    pub fn delete(&mut self, key: Vec<u8>) {
        self.top().insert(key, None);
    }

    fn top(&mut self) -> &mut Writes {
        self.layers
            .last_mut()
            .expect("a delta always has its bottom layer")
    }

    /// Starts a layer that can be dropped as a whole with [`Self::discard`].
    pub fn begin(&mut self) {
        self.layers.push(Writes::new());
    }

    /// Folds the top layer into the one below it.
    pub fn keep(&mut self) {
        assert!(self.layers.len() > 1, "keep without begin");
        let top = self.layers.pop().expect("checked above");
        self.top().extend(top);
    }

    /// Drops the top layer's writes.
    pub fn discard(&mut self) {
        assert!(self.layers.len() > 1, "discard without begin");
        self.layers.pop();
    }

    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    /// Entries with `start <= key < end`, ascending, merged over all layers, at most `limit`.
    pub fn range(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreError> {
        self.scan(start, end, false, limit)
    }

    /// Like [`Self::range`], ascending or (`reverse`) descending.
    pub fn scan(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        reverse: bool,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, StoreError> {
        if end.is_some_and(|e| e <= start) || limit == 0 {
            return Ok(Vec::new());
        }
        let upper = match end {
            Some(e) => Bound::Excluded(e.to_vec()),
            None => Bound::Unbounded,
        };
        let bounds = (Bound::Included(start.to_vec()), upper);
        let mut overlay: Writes = Writes::new();
        for layer in &self.layers {
            for (k, v) in layer.range::<Vec<u8>, _>(bounds.clone()) {
                overlay.insert(k.clone(), v.clone());
            }
        }
        // Each overlay entry hides at most one base entry, so the first `limit` live keys
        // are among the first `limit + overlay.len()` base keys.
        let base_limit = limit.saturating_add(overlay.len());
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = self
            .base
            .scan(start, end, reverse, base_limit)?
            .into_iter()
            .collect();
        for (k, v) in overlay {
            match v {
                Some(v) => {
                    merged.insert(k, v);
                }
                None => {
                    merged.remove(&k);
                }
            }
        }
        Ok(if reverse {
            merged.into_iter().rev().take(limit).collect()
        } else {
            merged.into_iter().take(limit).collect()
        })
    }

    /// All writes, for commit. Only valid with no open layer.
    pub fn into_writes(mut self) -> Writes {
        assert_eq!(self.layers.len(), 1, "commit with open layers");
        self.layers.pop().expect("bottom layer")
    }
}
