//! CosmWasm hosting (`cosmwasm.wasm.v1`), the way wasmd's `x/wasm` does it: codes stored by
//! `MsgStoreCode`, contracts instantiated, executed, migrated and administered by the
//! standard messages, executed by `cosmwasm-vm` against the contract's slice of the merkle
//! store, with sub-messages, replies and wasmd's events and gas.
//!
//! - [`upload`]: decoding and static validation of uploads (also `inferchaind wasm check`).
//! - [`vm`]: the module cache and the backend (storage, address API, querier) of an instance.
//! - [`keeper`]: contract calls and what follows them, with CosmWasm's rollback semantics;
//!   [`contract_msg`]: a contract's `CosmosMsg` as the protobuf message the router runs.
//! - [`msg_server`]: the transaction messages; [`querier`]: the gRPC query service;
//!   [`query_plugins`]: the queries contracts make.
//! - [`state_key`], [`state`]: the substore's keys and typed access to them.

mod access;
mod addr;
mod contract_msg;
mod dispatch;
mod keeper;
mod msg_server;
mod querier;
mod query_plugins;
pub mod state;
mod state_key;
mod upload;
pub mod vm;

use std::collections::HashSet;
use std::sync::Arc;

pub use addr::{classic as classic_address, predictable as predictable_address};
pub use querier::{QueryCodeInfoRequest, QueryCodeInfoResponse};
pub use upload::{check_wasm, decode_upload, UploadError, MAX_UNCOMPRESSED_WASM, MAX_UPLOAD_BYTES};
pub use vm::Vm;

/// The raw value a contract stored under `key` (e.g. a cw-storage-plus `Item`'s name), for a
/// native module's read-only view of a contract's state (what `RawContractState` serves).
pub fn contract_raw(
    state: &mut dyn crate::state::StateRead,
    contract: &Address,
    key: &[u8],
) -> Result<Option<Vec<u8>>, TxError> {
    let mut full = state_key::contract_store(contract);
    full.extend_from_slice(key);
    state.get_raw(&full)
}

use crate::address::Address;
use crate::coins::Coins;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::Module;
use crate::router::Routes;

/// The module's name (events' `module` attribute, route owner).
pub const NAME: &str = "wasm";

/// CosmWasm gas per SDK gas (wasmd's `DefaultGasMultiplier`).
pub const GAS_MULTIPLIER: u64 = 140_000;
/// SDK gas to load a contract instance (wasmd's `DefaultInstanceCost`).
pub const INSTANCE_COST: u64 = 60_000;
/// SDK gas per byte of wasm compiled at upload (wasmd's `DefaultCompileCost`).
pub const COMPILE_COST_PER_BYTE: u64 = 3;
/// SDK gas per byte of event attributes a contract emits.
pub const EVENT_ATTRIBUTE_BYTE_COST: u64 = 1;
/// SDK gas a smart query served to clients may use (wasmd's `SmartQueryGasLimit`).
pub const QUERY_GAS_LIMIT: u64 = 3_000_000;
/// SDK gas per byte of a contract's raw response (data, attributes, events, messages),
/// charged before it is parsed; with the per-transaction gas cap this bounds what one
/// transaction can make every node hold and answer.
pub const RESULT_BYTE_COST: u64 = 1;
/// Largest `data` one contract call may return (wasmd has no explicit cap; 24 MiB answers
/// would make FinalizeBlock responses past CometBFT's ABCI read limit).
pub const MAX_RESPONSE_DATA: usize = 128 * 1024;
/// Without a gas limit (simulation), contract execution stops here.
pub const SIMULATION_GAS_CAP: u64 = 20_000_000;
/// Nesting of contract-to-contract messages.
pub const MAX_CALL_DEPTH: u32 = 32;
pub const MAX_LABEL_LEN: usize = 128;
pub const MAX_SALT_LEN: usize = 64;

/// Capabilities a contract may require (wasmd's list for cosmwasm-vm 3, minus ibc2).
pub const CAPABILITIES: &[&str] = &[
    "iterator",
    "staking",
    "stargate",
    "cosmwasm_1_1",
    "cosmwasm_1_2",
    "cosmwasm_1_3",
    "cosmwasm_1_4",
    "cosmwasm_2_0",
    "cosmwasm_2_1",
    "cosmwasm_2_2",
    "cosmwasm_3_0",
];

pub fn capabilities() -> HashSet<String> {
    CAPABILITIES.iter().map(|c| c.to_string()).collect()
}

/// wasmd's error codes (codespace `wasm`), so clients see the same codes as on wasmd.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WasmError {
    Create = 2,
    Instantiate = 4,
    Execute = 5,
    NotFound = 8,
    InvalidMsg = 10,
    Migration = 11,
    Empty = 12,
    Limit = 13,
    Invalid = 14,
    Duplicate = 15,
    Query = 16,
    InvalidEvent = 21,
}

pub const CODESPACE: &str = "wasm";

impl WasmError {
    fn describe(self) -> &'static str {
        match self {
            WasmError::Create => "create wasm contract failed",
            WasmError::Instantiate => "instantiate wasm contract failed",
            WasmError::Execute => "execute wasm contract failed",
            WasmError::NotFound => "not found",
            WasmError::InvalidMsg => "invalid CosmosMsg from the contract",
            WasmError::Migration => "migrate wasm contract failed",
            WasmError::Empty => "empty",
            WasmError::Limit => "exceeds limit",
            WasmError::Invalid => "invalid",
            WasmError::Duplicate => "duplicate",
            WasmError::Query => "query wasm contract failed",
            WasmError::InvalidEvent => "invalid event",
        }
    }

    pub fn err(self, msg: impl std::fmt::Display) -> TxError {
        TxError {
            codespace: CODESPACE,
            code: self as u32,
            log: format!("{msg}: {}", self.describe()),
        }
    }
}

pub struct Wasm {
    vm: Arc<Vm>,
}

impl Wasm {
    pub fn new(vm: Arc<Vm>) -> Self {
        Wasm { vm }
    }

    /// The keeper handle for native modules that call contracts (given out by the app
    /// builder; transactions can't reach it).
    pub fn keeper(&self) -> WasmKeeper {
        WasmKeeper {
            vm: self.vm.clone(),
        }
    }
}

/// Privileged calls into contracts for native modules: the inference module records scores
/// with a contract's `sudo` and calls consumers back with `execute`, as the chain itself.
/// Each call runs with the caller's gas meter and state layer and CosmWasm's semantics
/// (the contract's messages and sub-messages follow, through the router).
#[derive(Clone)]
pub struct WasmKeeper {
    vm: Arc<Vm>,
}

impl WasmKeeper {
    /// The chain id contracts see in their `env`.
    pub fn chain_id(&self) -> &str {
        &self.vm.chain_id
    }

    /// Calls `contract`'s `sudo` entry point with `msg` (JSON); returns its data.
    pub fn sudo(
        &self,
        ctx: &mut Ctx,
        contract: &Address,
        msg: &[u8],
    ) -> Result<Option<Vec<u8>>, TxError> {
        keeper::run(&self.vm, ctx, |call| call.sudo_as_chain(contract, msg))
    }

    /// Runs `contract`'s smart query `msg` (JSON) over the transaction's state, metered on its
    /// gas meter as a contract's query of another contract is; returns the answer's JSON.
    pub fn smart_query(
        &self,
        ctx: &mut Ctx,
        contract: &Address,
        msg: &[u8],
    ) -> Result<Vec<u8>, TxError> {
        keeper::run(&self.vm, ctx, |call| call.smart_query(contract, msg))
    }

    /// Executes `contract` with `msg` (JSON) as `sender` (typically a module account),
    /// sending `funds` from it; returns the contract's data.
    pub fn execute(
        &self,
        ctx: &mut Ctx,
        sender: &Address,
        contract: &Address,
        msg: &[u8],
        funds: &Coins,
    ) -> Result<Option<Vec<u8>>, TxError> {
        keeper::run(&self.vm, ctx, |call| {
            call.execute(sender, contract, msg, funds)
        })
    }
}

impl Module for Wasm {
    fn name(&self) -> &'static str {
        NAME
    }

    fn register(&self, routes: &mut Routes) {
        let server = Arc::new(msg_server::MsgServer {
            vm: self.vm.clone(),
        });
        msg_server::register(routes, &server);
        querier::register(routes, &self.vm);
    }
}
