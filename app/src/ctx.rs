//! What a message handler sees: gas-metered state access, block facts, and an event sink.

use tendermint_proto::v0_38::abci::{Event, EventAttribute};

use crate::error::TxError;
use crate::gas::{self, GasMeter};
use crate::state::StateDelta;
use crate::store::{state_key, Substore};

/// Facts about the block being executed; all come from consensus, never from the local clock.
#[derive(Clone, Debug, Default)]
pub struct BlockInfo {
    pub chain_id: String,
    pub height: u64,
    /// Block time as (seconds, nanos) since the Unix epoch, from the proposer's header.
    pub time: (i64, i32),
    /// Position of the transaction being executed in this block (0 outside a block).
    pub tx_index: u32,
}

/// The transaction a handler runs in, as contracts see it (`env.transaction`).
#[derive(Clone, Copy, Debug)]
pub struct TxPosition {
    pub index: u32,
    pub hash: [u8; 32],
}

pub struct Ctx<'a> {
    pub state: &'a mut StateDelta,
    pub gas: &'a mut GasMeter,
    pub block: &'a BlockInfo,
    pub events: Vec<Event>,
    /// Set while a transaction's messages run; `None` in genesis and block hooks.
    pub tx: Option<TxPosition>,
    /// A simulation (gas estimate): nothing may outlive it, not even in a node's caches.
    pub simulate: bool,
}

impl<'a> Ctx<'a> {
    pub fn new(state: &'a mut StateDelta, gas: &'a mut GasMeter, block: &'a BlockInfo) -> Self {
        Ctx {
            state,
            gas,
            block,
            events: Vec::new(),
            tx: None,
            simulate: false,
        }
    }

    pub fn get(&mut self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, TxError> {
        self.gas.consume(gas::READ_FLAT, "ReadFlat")?;
        let value = self.state.get(&state_key(store, key))?;
        if let Some(v) = &value {
            self.gas
                .consume(gas::READ_PER_BYTE * v.len() as u64, "ReadPerByte")?;
        }
        Ok(value)
    }

    pub fn set(&mut self, store: Substore, key: &[u8], value: Vec<u8>) -> Result<(), TxError> {
        self.gas
            .consume(gas::write_cost(key.len(), value.len()), "WritePerByte")?;
        self.state.set(state_key(store, key), value);
        Ok(())
    }

    pub fn delete(&mut self, store: Substore, key: &[u8]) -> Result<(), TxError> {
        self.gas.consume(gas::delete_cost(key.len()), "Delete")?;
        self.state.delete(state_key(store, key));
        Ok(())
    }

    /// Entries under `prefix` in `store` (keys returned without the prefix), at most `limit`.
    pub fn prefix_range(
        &mut self,
        store: Substore,
        prefix: &[u8],
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, TxError> {
        let start = state_key(store, prefix);
        let end = prefix_end(&start);
        let entries = self.state.range(&start, end.as_deref(), limit)?;
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            self.gas.consume(
                gas::ITER_NEXT_FLAT + gas::READ_PER_BYTE * (k.len() + v.len()) as u64,
                "IterNext",
            )?;
            out.push((k[start.len()..].to_vec(), v));
        }
        Ok(out)
    }

    /// The last entry under `prefix` in `store` (key without the prefix), priced as one read.
    pub fn prefix_last(
        &mut self,
        store: Substore,
        prefix: &[u8],
    ) -> Result<Option<(Vec<u8>, Vec<u8>)>, TxError> {
        self.gas.consume(gas::READ_FLAT, "ReadFlat")?;
        let start = state_key(store, prefix);
        let end = prefix_end(&start);
        let last = self.state.scan(&start, end.as_deref(), true, 1)?.pop();
        if let Some((k, v)) = &last {
            self.gas.consume(
                gas::READ_PER_BYTE * (k.len() + v.len()) as u64,
                "ReadPerByte",
            )?;
        }
        Ok(last.map(|(k, v)| (k[start.len()..].to_vec(), v)))
    }

    pub fn emit(&mut self, kind: &str, attrs: &[(&str, String)]) {
        self.events.push(event(kind, attrs));
    }
}

pub fn event(kind: &str, attrs: &[(&str, String)]) -> Event {
    Event {
        r#type: kind.to_string(),
        attributes: attrs
            .iter()
            .map(|(k, v)| EventAttribute {
                key: k.to_string(),
                value: v.clone(),
                index: true,
            })
            .collect(),
    }
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
