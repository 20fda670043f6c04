//! One state layer for every reader and writer.
//!
//! [`StateRead`] is implemented by a transaction's [`Ctx`](crate::ctx::Ctx) (the block's
//! [`StateDelta`] under the transaction's gas meter) and by a query's
//! [`QueryCtx`](crate::query::QueryCtx) (a committed snapshot at a height); [`StateWrite`] by
//! the `Ctx` alone. Each module reads and writes its own keys through extension traits over
//! these (`BankRead`, `WasmWrite`, …, in `modules/<name>/state.rs`), so a transaction, a
//! client query and a contract's query share one read path, and gas is charged inside.
//!
//! Keys are full state keys (`substore id ‖ module key`), built only by the owning module's
//! `state_key.rs`.

mod delta;

pub use delta::{StateDelta, Writes};

use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;

use crate::error::TxError;
use crate::gas::{self, GasMeter};

pub trait StateRead {
    /// The value at `key`.
    fn get_raw(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, TxError>;

    /// At most `limit` entries with `start <= key < end`, ascending or (`reverse`)
    /// descending, with full keys.
    fn scan_raw(
        &mut self,
        start: &[u8],
        end: Option<&[u8]>,
        reverse: bool,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, TxError>;

    /// A private, writable copy of what this reader sees, for work that must run over it
    /// without changing it (a contract's smart query).
    fn fork(&self) -> Result<StateDelta, TxError>;
}

pub trait StateWrite: StateRead {
    fn put_raw(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<(), TxError>;
    fn delete_raw(&mut self, key: Vec<u8>) -> Result<(), TxError>;
}

/// Reads built on [`StateRead`], for every reader.
pub trait StateReadExt: StateRead {
    /// A protobuf value; a value that doesn't decode is corrupt state (an internal error).
    fn get_proto<M: prost::Message + Default>(&mut self, key: &[u8]) -> Result<Option<M>, TxError> {
        match self.get_raw(key)? {
            Some(bytes) => M::decode(bytes.as_slice())
                .map(Some)
                .map_err(|e| corrupt(key, e)),
            None => Ok(None),
        }
    }

    /// Exactly `N` bytes (a fixed-width record such as a big-endian integer).
    fn get_array<const N: usize>(&mut self, key: &[u8]) -> Result<Option<[u8; N]>, TxError> {
        self.get_raw(key)?
            .map(|b| {
                <[u8; N]>::try_from(b.as_slice())
                    .map_err(|_| corrupt(key, format!("not {N} bytes")))
            })
            .transpose()
    }

    /// A big-endian `u64`.
    fn get_u64(&mut self, key: &[u8]) -> Result<Option<u64>, TxError> {
        Ok(self.get_array(key)?.map(u64::from_be_bytes))
    }

    /// A big-endian `u128`.
    fn get_u128(&mut self, key: &[u8]) -> Result<Option<u128>, TxError> {
        Ok(self.get_array(key)?.map(u128::from_be_bytes))
    }

    /// At most `limit` entries under `prefix` (keys returned without it), starting after the
    /// suffix `after` if given.
    fn prefixed(
        &mut self,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, TxError> {
        let start = match after {
            Some(a) => {
                let mut s = prefix.to_vec();
                s.extend_from_slice(a);
                s.push(0);
                s
            }
            None => prefix.to_vec(),
        };
        let end = prefix_end(prefix);
        Ok(self
            .scan_raw(&start, end.as_deref(), false, limit)?
            .into_iter()
            .map(|(k, v)| (k[prefix.len()..].to_vec(), v))
            .collect())
    }

    /// The last entry under `prefix` (key without it).
    fn last_under(&mut self, prefix: &[u8]) -> Result<Option<(Vec<u8>, Vec<u8>)>, TxError> {
        let end = prefix_end(prefix);
        Ok(self
            .scan_raw(prefix, end.as_deref(), true, 1)?
            .pop()
            .map(|(k, v)| (k[prefix.len()..].to_vec(), v)))
    }

    /// One page of entries under `prefix`, key-based (`next_key` = the last key returned),
    /// as the SDK's `PageRequest` asks; offsets are not supported (the tree can't skip).
    fn page(
        &mut self,
        prefix: &[u8],
        req: Option<&PageRequest>,
    ) -> Result<(Vec<(Vec<u8>, Vec<u8>)>, Vec<u8>), TxError> {
        let limit = match req.map(|p| p.limit).unwrap_or(0) {
            0 => DEFAULT_PAGE,
            n => (n as usize).min(MAX_PAGE),
        };
        let after = req.map(|p| p.key.as_slice()).filter(|k| !k.is_empty());
        // Reads at most `limit + 1` entries: a page never loads the rest of the prefix.
        let mut entries = self.prefixed(prefix, after, limit + 1)?;
        let next = if entries.len() > limit {
            entries.truncate(limit);
            entries.last().map(|(k, _)| k.clone()).unwrap_or_default()
        } else {
            Vec::new()
        };
        Ok((entries, next))
    }
}

impl<S: StateRead + ?Sized> StateReadExt for S {}

/// Writes built on [`StateWrite`].
pub trait StateWriteExt: StateWrite {
    fn put_proto<M: prost::Message>(&mut self, key: Vec<u8>, value: &M) -> Result<(), TxError> {
        self.put_raw(key, value.encode_to_vec())
    }

    fn put_u64(&mut self, key: Vec<u8>, value: u64) -> Result<(), TxError> {
        self.put_raw(key, value.to_be_bytes().to_vec())
    }

    fn put_u128(&mut self, key: Vec<u8>, value: u128) -> Result<(), TxError> {
        self.put_raw(key, value.to_be_bytes().to_vec())
    }
}

impl<S: StateWrite + ?Sized> StateWriteExt for S {}

/// Default and maximum page size for listing queries.
const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 1_000;

fn corrupt(key: &[u8], e: impl std::fmt::Display) -> TxError {
    TxError::internal(format!("corrupt state at key {}: {e}", hex::encode(key)))
}

/// The smallest key greater than every key starting with `prefix` (None: no such key).
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// The SDK's store gas (`KVGasConfig`), in one place for every reader and writer.
pub(crate) mod price {
    use super::*;

    pub fn read(gas: &mut GasMeter, value: Option<&Vec<u8>>) -> Result<(), TxError> {
        gas.consume(gas::READ_FLAT, "ReadFlat")?;
        if let Some(v) = value {
            gas.consume(gas::READ_PER_BYTE * v.len() as u64, "ReadPerByte")?;
        }
        Ok(())
    }

    /// A scan: each entry as one iterator step; a one-entry reverse scan (the last entry
    /// under a prefix) as one read.
    pub fn scan(
        gas: &mut GasMeter,
        entries: &[(Vec<u8>, Vec<u8>)],
        single_read: bool,
    ) -> Result<(), TxError> {
        if single_read {
            gas.consume(gas::READ_FLAT, "ReadFlat")?;
            for (k, v) in entries {
                gas.consume(
                    gas::READ_PER_BYTE * (k.len() + v.len()) as u64,
                    "ReadPerByte",
                )?;
            }
            return Ok(());
        }
        for (k, v) in entries {
            gas.consume(
                gas::ITER_NEXT_FLAT + gas::READ_PER_BYTE * (k.len() + v.len()) as u64,
                "IterNext",
            )?;
        }
        Ok(())
    }

    /// Writes and deletes are priced by the module's key, without the substore byte, as
    /// the SDK's prefix stores see it.
    fn module_key_len(key: &[u8]) -> usize {
        key.len().saturating_sub(1)
    }

    pub fn write(gas: &mut GasMeter, key: &[u8], value: &[u8]) -> Result<(), TxError> {
        gas.consume(
            gas::write_cost(module_key_len(key), value.len()),
            "WritePerByte",
        )
    }

    pub fn delete(gas: &mut GasMeter, key: &[u8]) -> Result<(), TxError> {
        gas.consume(gas::delete_cost(module_key_len(key)), "Delete")
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ctx::{BlockInfo, Ctx};
    use crate::query::QueryCtx;
    use crate::router::Routes;
    use crate::store::Store;

    /// The committed snapshot holds `[2, b'p', i] = [i]` for i in 0..10 and one key outside
    /// the prefix.
    fn committed() -> (tempfile::TempDir, Store, Arc<crate::store::Snapshot>) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.redb")).unwrap();
        let mut writes = Writes::new();
        for i in 0..10u8 {
            writes.insert(vec![2, b'p', i], Some(vec![i]));
        }
        writes.insert(vec![2, b'q', 0], Some(vec![99]));
        let snap = store.snapshot().unwrap();
        let pending = store.prepare_commit(&snap, 0, writes).unwrap();
        store.commit(pending, 0).unwrap();
        let snap = store.snapshot().unwrap();
        (dir, store, snap)
    }

    /// A transaction's reads and a query's reads of the same state agree, for every typed
    /// read, and both are priced the same.
    #[test]
    fn transactions_and_queries_share_one_read_path() {
        let (_dir, _store, snap) = committed();
        let mut delta = StateDelta::new(snap.clone());
        let mut gas = GasMeter::new(1_000_000);
        let block = BlockInfo::default();
        let mut ctx = Ctx::new(
            &mut delta,
            &mut gas,
            &block,
            Arc::new(Routes::default().build().unwrap()),
        );
        let mut q = QueryCtx::new(snap.clone(), snap.height());

        fn reads(s: &mut dyn StateRead) -> Vec<Vec<(Vec<u8>, Vec<u8>)>> {
            let page = |s: &mut dyn StateRead, key: Vec<u8>| {
                let req = PageRequest {
                    key,
                    limit: 3,
                    ..Default::default()
                };
                s.page(&[2, b'p'], Some(&req)).unwrap()
            };
            let (first, next) = page(s, vec![]);
            let (second, _) = page(s, next.clone());
            vec![
                first,
                second,
                vec![(next, vec![])],
                s.prefixed(&[2, b'p'], Some(&[7]), 10).unwrap(),
                s.last_under(&[2, b'p']).unwrap().into_iter().collect(),
                vec![(vec![], s.get_raw(&[2, b'q', 0]).unwrap().unwrap())],
            ]
        }
        let from_tx = reads(&mut ctx);
        let tx_gas = ctx.gas_used();
        drop(ctx);
        let from_query = reads(&mut q);
        assert_eq!(from_tx, from_query);
        assert_eq!(tx_gas, q.gas.used());
        // Pages of three, continuing after the last key returned; the listing stops at the
        // prefix.
        assert_eq!(
            from_tx[0].iter().map(|(k, _)| k[0]).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(
            from_tx[1].iter().map(|(k, _)| k[0]).collect::<Vec<_>>(),
            [3, 4, 5]
        );
        assert_eq!(
            from_tx[3].iter().map(|(k, _)| k[0]).collect::<Vec<_>>(),
            [8, 9]
        );
        assert_eq!(from_tx[4], vec![(vec![9], vec![9])]);
    }

    /// A transaction sees its own pending writes through the same reads; a query at the
    /// committed height does not; a query at a past height can't list.
    #[test]
    fn pending_writes_are_seen_by_their_transaction_only() {
        let (_dir, _store, snap) = committed();
        let mut delta = StateDelta::new(snap.clone());
        let mut gas = GasMeter::infinite();
        let block = BlockInfo::default();
        let mut ctx = Ctx::new(
            &mut delta,
            &mut gas,
            &block,
            Arc::new(Routes::default().build().unwrap()),
        );
        ctx.delete_raw(vec![2, b'p', 0]).unwrap();
        ctx.put_u64(vec![2, b'p', 20], 7).unwrap();
        assert_eq!(ctx.get_u64(&[2, b'p', 20]).unwrap(), Some(7));
        let listed: Vec<u8> = ctx
            .prefixed(&[2, b'p'], None, 100)
            .unwrap()
            .iter()
            .map(|(k, _)| k[0])
            .collect();
        assert_eq!(listed, [1, 2, 3, 4, 5, 6, 7, 8, 9, 20]);
        drop(ctx);

        let mut q = QueryCtx::new(snap.clone(), snap.height());
        assert_eq!(q.get_raw(&[2, b'p', 0]).unwrap(), Some(vec![0]));
        assert_eq!(q.get_raw(&[2, b'p', 20]).unwrap(), None);
        // A fixed-width read of the wrong width is corrupt state, not a panic.
        let e = q.get_u64(&[2, b'p', 3]).unwrap_err();
        assert!(e.log.contains("not 8 bytes"), "{}", e.log);

        let mut past = QueryCtx::new(snap.clone(), snap.height() + 1);
        assert!(past.prefixed(&[2, b'p'], None, 10).is_err());
    }
}
