//! The `cosmwasm-vm` embedding: one module cache per node (compiled modules on disk, an LRU
//! in memory), and the backend a contract instance runs against — its prefixed slice of the
//! merkle store, the address API, and a querier over the same in-flight state.
//!
//! State is shared with instances through [`Exec`]: while a wasm message runs, the block's
//! `StateDelta` lives in a mutex there, so instances (which must own `'static` handles) and
//! nested query instances all see one consistent state. Locks are held per storage call only.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use cosmwasm_std::{Binary, Checksum, ContractResult, Order, Record, SystemError, SystemResult};
use cosmwasm_vm::{
    Backend, BackendApi, BackendError, BackendResult, Cache, CacheOptions, GasInfo, Instance,
    InstanceOptions, Querier, Size, Storage, VmError,
};

use super::state::{self, WasmRead};
use super::state_key as key;
use super::GAS_MULTIPLIER;
use crate::address::Address;
use crate::ctx::{BlockInfo, Dispatch, TxPosition};
use crate::gas;
use crate::query::QueryCtx;
use crate::state::{prefix_end, StateDelta, StateReadExt};

/// Memory a single instance may use (wasmd's default: 512 pages of 64 KiB).
pub const INSTANCE_MEMORY_LIMIT_BYTES: u64 = 32 << 20;
const INSTANCE_MEMORY_LIMIT: Size = Size::mebi(32);
/// Compiled modules kept in memory.
const MEMORY_CACHE: Size = Size::mebi(256);
/// Nested contract queries a contract may make (wasmd's `max_query_stack_size`).
pub const MAX_QUERY_DEPTH: u32 = 10;
/// Open iterators per instance; each holds a small buffer.
const MAX_ITERATORS: usize = 1_024;
/// Records fetched per iterator refill.
const ITER_BATCH: usize = 32;
/// Cost of an address API call (SDK gas), as wasmd's `DefaultGasCost{Canonical,Human}Address`.
const ADDRESS_API_GAS: u64 = 4;

pub type WasmCache = Cache<ChainApi, ContractStore, ChainQuerier>;
pub type WasmInstance = Instance<ChainApi, ContractStore, ChainQuerier>;

pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn wasm_gas(sdk_gas: u64) -> GasInfo {
    GasInfo::with_cost(sdk_gas.saturating_mul(GAS_MULTIPLIER))
}

/// The node's compiled-module cache.
pub struct Vm {
    pub cache: WasmCache,
    pub chain_id: String,
}

impl Vm {
    /// Opens (or creates) the cache in `dir`. Compiled modules found there are reused, so a
    /// restarted node doesn't recompile its contracts.
    pub fn open(dir: &Path, chain_id: &str) -> Result<Self, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let options = CacheOptions::new(
            dir,
            super::capabilities(),
            MEMORY_CACHE,
            INSTANCE_MEMORY_LIMIT,
        );
        // SAFETY: one cache per directory: the node owns `<home>/data/wasm` and opens it once
        // (a second node on the same home would already fail on the state database's lock).
        let cache = unsafe { Cache::new(options) }.map_err(|e| e.to_string())?;
        Ok(Vm {
            cache,
            chain_id: chain_id.to_string(),
        })
    }

    /// An instance of `checksum` for `contract`, metered with `gas_limit` (CosmWasm gas).
    /// If the cache lost the code (a wiped cache directory), it is restored from state.
    pub fn instance(
        &self,
        exec: &Arc<Exec>,
        contract: &Address,
        checksum: &Checksum,
        gas_limit: u64,
        query_depth: u32,
    ) -> Result<WasmInstance, VmError> {
        let backend = || Backend {
            api: ChainApi,
            storage: ContractStore::new(exec.clone(), contract),
            querier: ChainQuerier {
                exec: exec.clone(),
                depth: query_depth,
            },
        };
        let options = InstanceOptions { gas_limit };
        match self.cache.get_instance(checksum, backend(), options) {
            Ok(i) => Ok(i),
            Err(e) => {
                if !self.restore(checksum, || stored_wasm(&lock(&exec.state), checksum)) {
                    return Err(e);
                }
                self.cache.get_instance(checksum, backend(), options)
            }
        }
    }

    /// Puts code the cache lost (a wiped cache directory) back from `wasm`; false if the
    /// cache still had it or the code can't be found.
    fn restore(&self, checksum: &Checksum, wasm: impl FnOnce() -> Option<Vec<u8>>) -> bool {
        if self.cache.load_wasm(checksum).is_ok() {
            return false;
        }
        let Some(wasm) = wasm() else { return false };
        tracing::warn!(checksum = %checksum, "restoring code missing from the module cache");
        self.cache.store_code(&wasm, false, true).is_ok()
    }

    /// Keeps a code compiled in memory (`pin`) or lets the LRU cache manage it again.
    pub fn set_pinned(
        &self,
        checksum: &Checksum,
        pinned: bool,
        wasm: impl FnOnce() -> Option<Vec<u8>>,
    ) -> Result<(), String> {
        if !pinned {
            return self.cache.unpin(checksum).map_err(|e| e.to_string());
        }
        match self.cache.pin(checksum) {
            Ok(()) => Ok(()),
            Err(e) if self.restore(checksum, wasm) => self
                .cache
                .pin(checksum)
                .map_err(|e2| format!("{e}; after restoring: {e2}")),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Pins every code the state marks pinned (at node start).
    pub fn pin_stored(&self, snapshot: &Arc<crate::store::Snapshot>) -> Result<usize, String> {
        let mut q = QueryCtx::new(snapshot.clone(), snapshot.height());
        let marked = q
            .prefixed(&key::pinned_prefix(), None, usize::MAX)
            .map_err(|e| e.log)?;
        let state = StateDelta::new(snapshot.clone());
        for (suffix, _) in &marked {
            let code_id = key::code_id_from_key(suffix).ok_or("corrupt pin key")?;
            let code = q
                .code_info(code_id)
                .map_err(|e| e.log)?
                .ok_or_else(|| format!("pinned code {code_id} has no code info"))?;
            let checksum = state::checksum(&code).map_err(|e| e.log)?;
            self.set_pinned(&checksum, true, || stored_wasm(&state, &checksum))?;
        }
        Ok(marked.len())
    }
}

/// The wasm bytes kept in state for `checksum`.
pub fn stored_wasm(state: &StateDelta, checksum: &Checksum) -> Option<Vec<u8>> {
    state
        .get(&key::wasm_bytes(checksum.as_ref()))
        .ok()
        .flatten()
}

/// One wasm message's execution context, shared by every instance it creates.
pub struct Exec {
    pub state: Mutex<StateDelta>,
    pub block: BlockInfo,
    pub tx: Option<TxPosition>,
    pub vm: Arc<Vm>,
    /// For the messages and gRPC queries contracts send (they go through the route tables).
    pub router: Arc<dyn Dispatch>,
    /// Answers the instances' queries.
    pub queries: &'static dyn ContractQueries,
    /// A simulation: uploads are validated and compiled but not written to the cache.
    pub simulate: bool,
}

impl Exec {
    /// `env` as contracts receive it (JSON, built directly: cosmwasm-std's types are
    /// non-exhaustive).
    pub fn env(&self, contract: &Address) -> Vec<u8> {
        let (secs, nanos) = self.block.time;
        let time = (secs.max(0) as u64).saturating_mul(1_000_000_000) + nanos.max(0) as u64;
        let transaction = self
            .tx
            .map(|t| serde_json::json!({"index": t.index, "hash": Binary::from(t.hash.to_vec())}));
        serde_json::to_vec(&serde_json::json!({
            "block": {
                "height": self.block.height,
                "time": time.to_string(),
                "chain_id": self.block.chain_id,
            },
            "transaction": transaction,
            "contract": {"address": contract.to_bech32()},
        }))
        .expect("JSON of plain values")
    }
}

/// Bech32 `infer` addresses; canonical form is the raw 20 or 32 bytes.
#[derive(Clone, Copy)]
pub struct ChainApi;

impl BackendApi for ChainApi {
    fn addr_validate(&self, input: &str) -> BackendResult<()> {
        let gas = wasm_gas(ADDRESS_API_GAS * 2);
        match input.parse::<Address>() {
            // Only the canonical (lowercase) spelling is valid, as in wasmd.
            Ok(a) if a.to_bech32() == input => (Ok(()), gas),
            Ok(_) => (
                Err(BackendError::user_err(format!(
                    "address not normalized: {input}"
                ))),
                gas,
            ),
            Err(e) => (Err(BackendError::user_err(e.to_string())), gas),
        }
    }

    fn addr_canonicalize(&self, human: &str) -> BackendResult<Vec<u8>> {
        let gas = wasm_gas(ADDRESS_API_GAS);
        match human.parse::<Address>() {
            Ok(a) => (Ok(a.as_bytes().to_vec()), gas),
            Err(e) => (Err(BackendError::user_err(e.to_string())), gas),
        }
    }

    fn addr_humanize(&self, canonical: &[u8]) -> BackendResult<String> {
        let gas = wasm_gas(ADDRESS_API_GAS);
        match Address::from_bytes(canonical.to_vec()) {
            Ok(a) => (Ok(a.to_bech32()), gas),
            Err(e) => (Err(BackendError::user_err(e.to_string())), gas),
        }
    }
}

struct Iter {
    /// Ascending: the next key to read (inclusive). Descending: the fixed lower bound.
    low: Vec<u8>,
    /// Ascending: the fixed upper bound. Descending: the last key returned (exclusive).
    high: Option<Vec<u8>>,
    reverse: bool,
    buffer: VecDeque<(Vec<u8>, Vec<u8>)>,
    exhausted: bool,
}

/// A contract's key space: its keys live under `0x03 ‖ len ‖ address` in the wasm substore.
/// Gas is the SDK's KV price times the wasm multiplier, charged inside the VM's budget.
pub struct ContractStore {
    exec: Arc<Exec>,
    prefix: Vec<u8>,
    iterators: Vec<Iter>,
}

impl ContractStore {
    fn new(exec: Arc<Exec>, contract: &Address) -> Self {
        ContractStore {
            exec,
            prefix: key::contract_store(contract),
            iterators: Vec::new(),
        }
    }

    fn full_key(&self, key: &[u8]) -> Vec<u8> {
        let mut k = Vec::with_capacity(self.prefix.len() + key.len());
        k.extend_from_slice(&self.prefix);
        k.extend_from_slice(key);
        k
    }
}

/// Reads the next batch of an iterator. The state is locked only for the read.
fn refill(exec: &Exec, it: &mut Iter) -> Result<(), BackendError> {
    let batch = lock(&exec.state)
        .scan(&it.low, it.high.as_deref(), it.reverse, ITER_BATCH)
        .map_err(|e| BackendError::unknown(e.to_string()))?;
    if batch.len() < ITER_BATCH {
        it.exhausted = true;
    }
    if let Some((last, _)) = batch.last() {
        if it.reverse {
            it.high = Some(last.clone());
        } else {
            let mut next = last.clone();
            next.push(0);
            it.low = next;
        }
    }
    it.buffer.extend(batch);
    Ok(())
}

impl Storage for ContractStore {
    fn get(&self, key: &[u8]) -> BackendResult<Option<Vec<u8>>> {
        let value = lock(&self.exec.state).get(&self.full_key(key));
        match value {
            Ok(v) => {
                let len = v.as_ref().map_or(0, |v| v.len()) as u64;
                (Ok(v), wasm_gas(gas::READ_FLAT + gas::READ_PER_BYTE * len))
            }
            Err(e) => (Err(BackendError::unknown(e.to_string())), GasInfo::free()),
        }
    }

    fn scan(
        &mut self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> BackendResult<u32> {
        let gas = wasm_gas(gas::READ_FLAT);
        if self.iterators.len() >= MAX_ITERATORS {
            let msg = format!("too many open iterators (limit {MAX_ITERATORS})");
            return (Err(BackendError::user_err(msg)), gas);
        }
        let low = self.full_key(start.unwrap_or_default());
        let high = match end {
            Some(e) => Some(self.full_key(e)),
            None => prefix_end(&self.prefix),
        };
        self.iterators.push(Iter {
            low,
            high,
            reverse: order == Order::Descending,
            buffer: VecDeque::new(),
            exhausted: false,
        });
        // Iterator ids start at 1 (0 is reserved by the VM for "none").
        (Ok(self.iterators.len() as u32), gas)
    }

    fn next(&mut self, iterator_id: u32) -> BackendResult<Option<Record>> {
        let prefix_len = self.prefix.len();
        let index = iterator_id.wrapping_sub(1) as usize;
        let Some(it) = self.iterators.get_mut(index) else {
            return (
                Err(BackendError::iterator_does_not_exist(iterator_id)),
                GasInfo::free(),
            );
        };
        let flat = wasm_gas(gas::ITER_NEXT_FLAT);
        if it.buffer.is_empty() && !it.exhausted {
            if let Err(e) = refill(&self.exec, it) {
                return (Err(e), flat);
            }
        }
        match it.buffer.pop_front() {
            Some((k, v)) => {
                let bytes = (k.len() - prefix_len + v.len()) as u64;
                let gas = wasm_gas(gas::ITER_NEXT_FLAT + gas::READ_PER_BYTE * bytes);
                (Ok(Some((k[prefix_len..].to_vec(), v))), gas)
            }
            None => (Ok(None), flat),
        }
    }

    fn set(&mut self, key: &[u8], value: &[u8]) -> BackendResult<()> {
        let gas = wasm_gas(gas::write_cost(key.len(), value.len()));
        lock(&self.exec.state).set(self.full_key(key), value.to_vec());
        (Ok(()), gas)
    }

    fn remove(&mut self, key: &[u8]) -> BackendResult<()> {
        lock(&self.exec.state).delete(self.full_key(key));
        (Ok(()), wasm_gas(gas::delete_cost(key.len())))
    }
}

/// Answers the queries a contract makes (`query_plugins`; the VM reaches it through this
/// trait, so the two don't depend on each other).
pub trait ContractQueries: Send + Sync {
    fn answer(
        &self,
        exec: &Arc<Exec>,
        depth: u32,
        request: &[u8],
        gas_limit: u64,
    ) -> BackendResult<SystemResult<ContractResult<Binary>>>;
}

/// Answers a contract's queries against the state of the message being executed.
pub struct ChainQuerier {
    exec: Arc<Exec>,
    depth: u32,
}

impl Querier for ChainQuerier {
    fn query_raw(
        &self,
        request: &[u8],
        gas_limit: u64,
    ) -> BackendResult<SystemResult<ContractResult<Binary>>> {
        self.exec
            .queries
            .answer(&self.exec, self.depth, request, gas_limit)
    }
}

/// The error for requests this chain doesn't serve.
pub fn unsupported(kind: &str) -> SystemResult<ContractResult<Binary>> {
    SystemResult::Err(SystemError::UnsupportedRequest {
        kind: kind.to_string(),
    })
}
