//! What a message handler sees: gas-metered state access, block facts, and an event sink.

use tendermint_proto::google::protobuf::Any;
use tendermint_proto::v0_38::abci::{Event, EventAttribute};

use std::sync::Arc;

use crate::address::Address;
use crate::error::TxError;
use crate::gas::GasMeter;
use crate::query::QueryError;
use crate::state::{price, StateDelta, StateRead, StateWrite};

/// What a module may ask of the route tables while it runs: dispatch a message on behalf of
/// a contract, answer a contract's gRPC query (the router implements it; declared here so
/// handlers can reach the router without the context depending on it).
pub trait Dispatch: Send + Sync {
    /// Whether `addr` is a module account (which must not receive sends).
    fn is_module_account(&self, addr: &Address) -> bool;

    /// Runs `msg` sent by `sender` (a contract), under the route's policy.
    fn dispatch_from(&self, ctx: &mut Ctx, sender: &Address, msg: &Any) -> Result<Any, TxError>;

    /// Answers a contract's gRPC query, for the paths open to contracts only.
    fn contract_query(
        self: Arc<Self>,
        state: &mut dyn StateRead,
        path: &str,
        data: &[u8],
    ) -> Result<Vec<u8>, QueryError>;
}

/// Facts about the block being executed; all come from consensus, never from the local clock.
#[derive(Clone, Debug, Default)]
pub struct BlockInfo {
    pub chain_id: String,
    pub height: u64,
    /// Block time as (seconds, nanos) since the Unix epoch, from the proposer's header.
    pub time: (i64, i32),
    /// Position of the transaction being executed in this block (0 outside a block).
    pub tx_index: u32,
    /// The decided block's header facts (empty outside FinalizeBlock: CheckTx, queries).
    pub header: BlockHeader,
}

/// What FinalizeBlock says of the block beyond its height and time, for the hooks that need
/// it (an IBC light client's consensus state: the app hash and next validators).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockHeader {
    pub hash: Vec<u8>,
    pub proposer_address: Vec<u8>,
    pub next_validators_hash: Vec<u8>,
    /// The app hash the previous block committed to (this block's header carries it).
    pub last_app_hash: Vec<u8>,
    /// The previous block's commit: every validator of its set, whether it signed
    /// (`decided_last_commit.votes`).
    pub last_commit_votes: Vec<CommitVote>,
    /// Evidence of misbehaviour CometBFT decided to report in this block.
    pub misbehavior: Vec<Misbehavior>,
}

/// One validator of the previous block's set and whether its signature is in the commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitVote {
    /// CometBFT address: the first 20 bytes of sha256 of the consensus public key.
    pub address: Vec<u8>,
    pub power: i64,
    /// Its precommit for the block is in the commit (`BlockIdFlag::Commit`).
    pub signed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MisbehaviorKind {
    /// Two votes for different blocks at one height and round: a double sign.
    DuplicateVote,
    LightClientAttack,
    Unknown,
}

/// Evidence against a validator (`RequestFinalizeBlock.misbehavior`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Misbehavior {
    pub kind: MisbehaviorKind,
    /// The validator's CometBFT address (20 bytes).
    pub address: Vec<u8>,
    pub power: i64,
    /// Height of the offence.
    pub height: i64,
}

/// The transaction a handler runs in, as contracts see it (`env.transaction`).
#[derive(Clone, Copy, Debug)]
pub struct TxPosition {
    pub index: u32,
    pub hash: [u8; 32],
}

pub struct Ctx<'a> {
    /// The block's state. Modules read and write it through [`StateRead`]/[`StateWrite`]
    /// (their extension traits), which charge `gas`; the wasm keeper lends it to the VM.
    pub(crate) state: &'a mut StateDelta,
    pub(crate) gas: &'a mut GasMeter,
    pub block: &'a BlockInfo,
    /// The route tables, for modules that dispatch messages on behalf of others (contracts).
    pub router: Arc<dyn Dispatch>,
    pub events: Vec<Event>,
    /// Set while a transaction's messages run; `None` in genesis and block hooks.
    pub tx: Option<TxPosition>,
    /// A simulation (gas estimate): nothing may outlive it, not even in a node's caches.
    pub simulate: bool,
    /// How deeply messages were dispatched by contracts to reach this one (0: the
    /// transaction's own message).
    pub depth: u32,
}

impl<'a> Ctx<'a> {
    pub fn new(
        state: &'a mut StateDelta,
        gas: &'a mut GasMeter,
        block: &'a BlockInfo,
        router: Arc<dyn Dispatch>,
    ) -> Self {
        Ctx {
            state,
            gas,
            block,
            router,
            events: Vec::new(),
            tx: None,
            simulate: false,
            depth: 0,
        }
    }

    pub fn gas_used(&self) -> u64 {
        self.gas.used()
    }

    pub fn emit(&mut self, kind: &str, attrs: &[(&str, String)]) {
        self.events.push(event(kind, attrs));
    }

    /// Runs `f` (typically a contract call a native module makes) in a state layer of its own,
    /// metered by a gas meter of its own limited to `gas_limit`: on success its writes and
    /// events are kept; on failure — an error, a trap, out of gas, a panic — they are dropped
    /// and the error returned, so the caller's own work stands (CosmWasm's reply-on-error, for
    /// native callers). This context's meter is charged the gas used either way.
    pub fn isolated<R>(
        &mut self,
        gas_limit: u64,
        f: impl FnOnce(&mut Ctx) -> Result<R, TxError>,
    ) -> Result<R, TxError> {
        let depth = self.state.depth();
        self.state.begin();
        let mut gas = GasMeter::new(gas_limit);
        let (result, events) = {
            let mut sub = Ctx::new(&mut *self.state, &mut gas, self.block, self.router.clone());
            sub.tx = self.tx;
            sub.simulate = self.simulate;
            sub.depth = self.depth;
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut sub)))
                .unwrap_or_else(|p| {
                    Err(TxError::internal(format!(
                        "panic: {}",
                        crate::app::panic_message(p.as_ref())
                    )))
                });
            (result, std::mem::take(&mut sub.events))
        };
        match &result {
            Ok(_) => {
                self.state.keep();
                self.events.extend(events);
            }
            Err(_) => {
                while self.state.depth() > depth {
                    self.state.discard();
                }
            }
        }
        self.gas.consume(gas.used(), "isolated call")?;
        result
    }
}

impl StateRead for Ctx<'_> {
    fn get_raw(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, TxError> {
        let value = self.state.get(key)?;
        price::read(self.gas, value.as_ref())?;
        Ok(value)
    }

    fn scan_raw(
        &mut self,
        start: &[u8],
        end: Option<&[u8]>,
        reverse: bool,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, TxError> {
        let entries = self.state.scan(start, end, reverse, limit)?;
        price::scan(self.gas, &entries, reverse && limit == 1)?;
        Ok(entries)
    }

    fn fork(&self) -> Result<StateDelta, TxError> {
        Ok(self.state.clone())
    }
}

impl StateWrite for Ctx<'_> {
    fn put_raw(&mut self, key: Vec<u8>, value: Vec<u8>) -> Result<(), TxError> {
        price::write(self.gas, &key, &value)?;
        self.state.set(key, value);
        Ok(())
    }

    fn delete_raw(&mut self, key: Vec<u8>) -> Result<(), TxError> {
        price::delete(self.gas, &key)?;
        self.state.delete(key);
        Ok(())
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
