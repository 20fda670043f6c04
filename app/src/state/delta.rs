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
    ///
    /// The work is proportional to what is returned plus the pending writes it steps over:
    /// the layers are merged lazily and the committed snapshot is read in chunks, so an
    /// iterator that refills a batch at a time never copies the block's whole overlay.
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
        let mut overlay = Overlay::new(&self.layers, start, end, reverse);
        let mut base = BaseCursor::new(&self.base, start, end, reverse, limit);
        let mut out = Vec::with_capacity(limit.min(1024));
        while out.len() < limit {
            let next_base = base.peek()?;
            let take_overlay = match (overlay.peek_key(), next_base) {
                (None, None) => break,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                // In scan order, whichever key comes first; on a tie the overlay wins and
                // hides the committed value.
                (Some(o), Some((b, _))) => {
                    if reverse {
                        o >= b.as_slice()
                    } else {
                        o <= b.as_slice()
                    }
                }
            };
            if take_overlay {
                let (key, value) = overlay.next().expect("peeked");
                if next_base.is_some_and(|(b, _)| *b == key) {
                    base.advance();
                }
                if let Some(value) = value {
                    out.push((key, value));
                }
            } else {
                let (k, v) = base.take().expect("peeked");
                out.push((k, v));
            }
        }
        Ok(out)
    }

    /// All writes, for commit. Only valid with no open layer.
    pub fn into_writes(mut self) -> Writes {
        assert_eq!(self.layers.len(), 1, "commit with open layers");
        self.layers.pop().expect("bottom layer")
    }
}

type LayerIter<'a> =
    std::iter::Peekable<Box<dyn Iterator<Item = (&'a Vec<u8>, &'a Option<Vec<u8>>)> + 'a>>;

/// The pending writes of every layer in a range, merged lazily in scan order; of a key
/// written in several layers only the topmost write shows.
struct Overlay<'a> {
    /// Bottom layer first, so a higher index is a newer write.
    layers: Vec<LayerIter<'a>>,
    reverse: bool,
}

impl<'a> Overlay<'a> {
    fn new(layers: &'a [Writes], start: &[u8], end: Option<&[u8]>, reverse: bool) -> Self {
        let upper = match end {
            Some(e) => Bound::Excluded(e.to_vec()),
            None => Bound::Unbounded,
        };
        let bounds = (Bound::Included(start.to_vec()), upper);
        let layers = layers
            .iter()
            .map(|layer| {
                let range = layer.range::<Vec<u8>, _>(bounds.clone());
                let it: Box<dyn Iterator<Item = _> + 'a> = if reverse {
                    Box::new(range.rev())
                } else {
                    Box::new(range)
                };
                it.peekable()
            })
            .collect();
        Overlay { layers, reverse }
    }

    /// The next key in scan order over all layers.
    fn peek_key(&mut self) -> Option<&[u8]> {
        let reverse = self.reverse;
        let mut best: Option<&'a Vec<u8>> = None;
        for it in &mut self.layers {
            if let Some((k, _)) = it.peek() {
                let better = match best {
                    None => true,
                    Some(b) => {
                        if reverse {
                            *k > b
                        } else {
                            *k < b
                        }
                    }
                };
                if better {
                    best = Some(*k);
                }
            }
        }
        best.map(|k| k.as_slice())
    }

    /// The next key with its topmost write (`None`: deleted); every layer moves past it.
    fn next(&mut self) -> Option<(Vec<u8>, Option<Vec<u8>>)> {
        let key = self.peek_key()?.to_vec();
        let mut value = None;
        for it in &mut self.layers {
            if it.peek().is_some_and(|(k, _)| **k == key) {
                let (_, v) = it.next().expect("peeked");
                value = Some(v.clone());
            }
        }
        Some((key, value.expect("some layer holds the key")))
    }
}

/// Reads the committed snapshot in chunks, resuming after the last key it returned.
struct BaseCursor<'a> {
    base: &'a Snapshot,
    /// Ascending: the next key to read (inclusive). Descending: the fixed lower bound.
    low: Vec<u8>,
    /// Ascending: the fixed upper bound. Descending: the last key read (exclusive).
    high: Option<Vec<u8>>,
    reverse: bool,
    chunk: usize,
    buffer: std::collections::VecDeque<(Vec<u8>, Vec<u8>)>,
    exhausted: bool,
}

impl<'a> BaseCursor<'a> {
    fn new(
        base: &'a Snapshot,
        start: &[u8],
        end: Option<&[u8]>,
        reverse: bool,
        limit: usize,
    ) -> Self {
        BaseCursor {
            base,
            low: start.to_vec(),
            high: end.map(<[u8]>::to_vec),
            reverse,
            // Most scans are served by one chunk: the limit and a little slack for keys
            // the overlay hides.
            chunk: limit.saturating_add(16).min(4096),
            buffer: Default::default(),
            exhausted: false,
        }
    }

    fn fill(&mut self) -> Result<(), StoreError> {
        if !self.buffer.is_empty() || self.exhausted {
            return Ok(());
        }
        if self
            .high
            .as_deref()
            .is_some_and(|h| h <= self.low.as_slice())
        {
            self.exhausted = true;
            return Ok(());
        }
        let batch = self
            .base
            .scan(&self.low, self.high.as_deref(), self.reverse, self.chunk)?;
        if batch.len() < self.chunk {
            self.exhausted = true;
        }
        if let Some((last, _)) = batch.last() {
            if self.reverse {
                self.high = Some(last.clone());
            } else {
                let mut next = last.clone();
                next.push(0);
                self.low = next;
            }
        }
        self.buffer.extend(batch);
        Ok(())
    }

    fn peek(&mut self) -> Result<Option<&(Vec<u8>, Vec<u8>)>, StoreError> {
        self.fill()?;
        Ok(self.buffer.front())
    }

    fn advance(&mut self) {
        self.buffer.pop_front();
    }

    fn take(&mut self) -> Option<(Vec<u8>, Vec<u8>)> {
        self.buffer.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use rand::{Rng, SeedableRng};

    /// The lazy merge returns exactly what a naive merge of all layers over the snapshot
    /// would, in both directions, for random layers of writes and deletions.
    #[test]
    fn scan_matches_a_naive_merge() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.redb")).unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let key = |rng: &mut rand::rngs::StdRng| vec![2u8, b'k', rng.gen_range(0..60u8)];
        let mut committed = Writes::new();
        for _ in 0..40 {
            committed.insert(key(&mut rng), Some(vec![rng.gen()]));
        }
        let snap = store.snapshot().unwrap();
        let pending = store.prepare_commit(&snap, 0, committed).unwrap();
        store.commit(pending, 0).unwrap();
        let snap = store.snapshot().unwrap();

        for round in 0..200 {
            let mut delta = StateDelta::new(snap.clone());
            let mut model: BTreeMap<Vec<u8>, Vec<u8>> = snap
                .scan(&[2], Some(&[3]), false, usize::MAX)
                .unwrap()
                .into_iter()
                .collect();
            for layer in 0..rng.gen_range(0..5) {
                if layer > 0 {
                    delta.begin();
                }
                for _ in 0..rng.gen_range(0..20) {
                    let k = key(&mut rng);
                    if rng.gen_bool(0.4) {
                        delta.delete(k.clone());
                        model.remove(&k);
                    } else {
                        let v = vec![rng.gen()];
                        delta.set(k.clone(), v.clone());
                        model.insert(k, v);
                    }
                }
            }
            let lo = vec![2u8, b'k', rng.gen_range(0..60u8)];
            let hi = vec![2u8, b'k', rng.gen_range(0..64u8)];
            let limit = rng.gen_range(0..30usize);
            for reverse in [false, true] {
                let got = delta.scan(&lo, Some(&hi), reverse, limit).unwrap();
                let mut want: Vec<_> = model
                    .range(lo.clone()..)
                    .filter(|(k, _)| **k < hi)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if reverse {
                    want.reverse();
                }
                want.truncate(limit);
                assert_eq!(got, want, "round {round} reverse {reverse}");
            }
        }
    }
}
