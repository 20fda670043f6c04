//! The wasm keeper: a wasm message in progress ([`Call`]) and the life of codes and contracts
//! (upload, instantiate, execute, migrate, sudo, admin, label, permissions, pins). What
//! follows each contract call (events, messages, sub-messages, replies) is in `dispatch.rs`.

use std::sync::{Arc, Mutex};

use cosmos_sdk_proto::cosmwasm::wasm::v1::{
    AbsoluteTxPosition, AccessConfig, CodeInfo, ContractCodeHistoryEntry,
    ContractCodeHistoryOperationType, ContractInfo,
};
use cosmwasm_std::Checksum;

use serde_json::json;
use tendermint_proto::v0_38::abci::Event;

use super::state::{self, WasmRead, WasmWrite};
use super::vm::{lock, Exec, Vm};
use super::{access, addr, state_key as key, WasmError};
use super::{COMPILE_COST_PER_BYTE, SIMULATION_GAS_CAP};
use crate::address::Address;
use crate::coins::Coins;
use crate::ctx::{event, Ctx};
use crate::error::TxError;
use crate::gas::GasMeter;
use crate::modules::auth::AuthWrite;
use crate::modules::bank;
use crate::modules::params::ParamsRead;
use crate::state::{StateDelta, StateRead};

/// A wasm message in progress: the shared state, the transaction's gas meter, the events
/// emitted so far, and how deeply contracts have called each other.
pub struct Call<'a> {
    pub(super) exec: Arc<Exec>,
    pub(super) gas: &'a mut GasMeter,
    pub(super) events: Vec<Event>,
    /// Bytes of contract event attributes emitted so far (also those of sub-messages that
    /// failed: a conservative, deterministic count).
    pub(super) event_bytes: usize,
    pub(super) depth: u32,
}

/// Puts the block state back where it was lent from, even when a handler panics.
struct Restore<'s> {
    slot: &'s mut StateDelta,
    exec: Option<Arc<Exec>>,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        let Some(exec) = self.exec.take() else { return };
        *self.slot = match Arc::try_unwrap(exec) {
            Ok(exec) => exec.state.into_inner().unwrap_or_else(|p| p.into_inner()),
            // Something still holds the context (it shouldn't): copy the state out of it.
            Err(shared) => lock(&shared.state).clone(),
        };
    }
}

/// Runs `f` with the context's state lent to a shared [`Exec`], then returns it.
pub fn run<R>(
    vm: &Arc<Vm>,
    ctx: &mut Ctx,
    f: impl FnOnce(&mut Call) -> Result<R, TxError>,
) -> Result<R, TxError> {
    let placeholder = StateDelta::new(ctx.state.base().clone());
    let state = std::mem::replace(&mut *ctx.state, placeholder);
    let exec = Arc::new(Exec {
        state: Mutex::new(state),
        block: ctx.block.clone(),
        tx: ctx.tx,
        vm: vm.clone(),
        router: ctx.router.clone(),
        queries: &super::query_plugins::PLUGINS,
        simulate: ctx.simulate,
    });
    let _restore = Restore {
        slot: &mut *ctx.state,
        exec: Some(exec.clone()),
    };
    let mut call = Call {
        exec,
        gas: &mut *ctx.gas,
        events: Vec::new(),
        event_bytes: 0,
        depth: ctx.depth,
    };
    let result = f(&mut call);
    ctx.events.append(&mut call.events);
    result
}

/// What a contract entry point is called with (JSON, as the VM passes it on).
pub(super) enum Entry<'m> {
    Instantiate { info: Vec<u8>, msg: &'m [u8] },
    Execute { info: Vec<u8>, msg: &'m [u8] },
    Migrate { info: Vec<u8>, msg: &'m [u8] },
    Reply(Vec<u8>),
    Sudo { msg: &'m [u8] },
}

fn message_info(sender: &Address, funds: &Coins) -> Vec<u8> {
    let funds: Vec<_> = funds
        .0
        .iter()
        .map(|c| json!({"denom": c.denom, "amount": c.amount.to_string()}))
        .collect();
    serde_json::to_vec(&json!({"sender": sender.to_bech32(), "funds": funds})).expect("plain JSON")
}

/// The code `code_id`, or wasm's not-found error.
fn require_code(state: &mut impl StateRead, code_id: u64) -> Result<CodeInfo, TxError> {
    state
        .code_info(code_id)?
        .ok_or_else(|| WasmError::NotFound.err(format!("no code with id {code_id}")))
}

/// The contract at `contract`, or wasm's not-found error.
fn require_contract(
    state: &mut impl StateRead,
    contract: &Address,
) -> Result<ContractInfo, TxError> {
    state
        .contract_info(contract)?
        .ok_or_else(|| WasmError::NotFound.err(format!("no contract at {contract}")))
}

impl Call<'_> {
    /// Runs `f` on a [`Ctx`] over the shared state (bank transfers, records); no contract
    /// runs meanwhile, so holding the lock is fine.
    pub(super) fn with_ctx<R>(
        &mut self,
        f: impl FnOnce(&mut Ctx) -> Result<R, TxError>,
    ) -> Result<R, TxError> {
        let mut state = lock(&self.exec.state);
        let mut ctx = Ctx::new(
            &mut state,
            self.gas,
            &self.exec.block,
            self.exec.router.clone(),
        );
        ctx.tx = self.exec.tx;
        ctx.simulate = self.exec.simulate;
        ctx.depth = self.depth;
        let result = f(&mut ctx);
        let mut events = std::mem::take(&mut ctx.events);
        drop(ctx);
        drop(state);
        self.events.append(&mut events);
        result
    }

    fn position(&self) -> AbsoluteTxPosition {
        AbsoluteTxPosition {
            block_height: self.exec.block.height,
            tx_index: self.exec.tx.map_or(0, |t| t.index as u64),
        }
    }

    pub(super) fn remaining_sdk_gas(&self) -> u64 {
        self.gas
            .limit()
            .unwrap_or(SIMULATION_GAS_CAP)
            .saturating_sub(self.gas.used())
    }

    pub(super) fn contract_code(
        &mut self,
        contract: &Address,
    ) -> Result<(ContractInfo, Checksum), TxError> {
        let info = self.with_ctx(|ctx| require_contract(ctx, contract))?;
        let code = self.with_ctx(|ctx| require_code(ctx, info.code_id))?;
        let checksum = state::checksum(&code)?;
        Ok((info, checksum))
    }

    /// Stores an upload, if the params' `code_upload_access` lets `sender` upload;
    /// `permission` says who may instantiate it (the params' default if `None`).
    pub fn store_code(
        &mut self,
        sender: &Address,
        upload: &[u8],
        permission: Option<AccessConfig>,
    ) -> Result<(u64, Checksum), TxError> {
        // Before anything is decompressed or compiled: a refused upload costs one read.
        let params = self.with_ctx(|ctx| ctx.wasm_params())?;
        let upload_access = params.code_upload_access.unwrap_or_else(access::everybody);
        if !access::allows(&upload_access, sender) && !self.is_authority(sender)? {
            return Err(TxError::unauthorized(format!(
                "{sender} may not upload code (code upload access {}); can not create code",
                access::describe(&upload_access)
            )));
        }
        let permission = permission
            .unwrap_or_else(|| access::default_for(params.instantiate_default_permission, sender));
        let wasm = super::decode_upload(upload).map_err(|e| WasmError::Create.err(e))?;
        self.gas.consume(
            COMPILE_COST_PER_BYTE * wasm.len() as u64,
            "compiling wasm code",
        )?;
        // Validates (floats, imports, exports, limits) and compiles into the module cache;
        // a simulation compiles the same way but writes nothing (it is free and unsigned, so
        // anything it kept would be disk anyone could fill).
        let checksum = self
            .exec
            .vm
            .cache
            .store_code(&wasm, true, !self.exec.simulate)
            .map_err(|e| WasmError::Create.err(format!("wasm validation failed: {e}")))?;
        let id = self.with_ctx(|ctx| {
            let id = ctx.next_sequence(key::LAST_CODE_ID)?;
            let info = CodeInfo {
                code_hash: checksum.as_slice().to_vec(),
                creator: sender.to_bech32(),
                instantiate_config: Some(permission),
            };
            ctx.put_code_info(id, &info)?;
            // The bytes are priced by the compile cost above; wasmd keeps them outside the
            // KV store, we keep them in state so any node can rebuild its module cache.
            ctx.state.set(key::wasm_bytes(checksum.as_ref()), wasm);
            ctx.emit(
                "store_code",
                &[
                    ("code_checksum", hex::encode(checksum.as_ref())),
                    ("code_id", id.to_string()),
                ],
            );
            Ok(id)
        })?;
        Ok((id, checksum))
    }

    /// Instantiates `code_id`; with `salt`, at the predictable (instantiate2) address.
    #[allow(clippy::too_many_arguments)]
    pub fn instantiate(
        &mut self,
        sender: &Address,
        code_id: u64,
        admin: Option<Address>,
        label: &str,
        msg: &[u8],
        funds: &Coins,
        salt: Option<(&[u8], bool)>,
    ) -> Result<(Address, Option<Vec<u8>>), TxError> {
        let code = self.with_ctx(|ctx| require_code(ctx, code_id))?;
        let config = code
            .instantiate_config
            .clone()
            .unwrap_or_else(access::everybody);
        if !access::allows(&config, sender) && !self.is_authority(sender)? {
            return Err(TxError::unauthorized(format!(
                "{sender} may not instantiate code {code_id} (instantiate permission {}); can not instantiate",
                access::describe(&config)
            )));
        }
        let checksum = state::checksum(&code)?;
        let contract = match salt {
            None => addr::classic(
                code_id,
                self.with_ctx(|c| c.next_sequence(key::LAST_INSTANCE_ID))?,
            ),
            Some((salt, fix_msg)) => addr::predictable(
                checksum.as_ref(),
                sender,
                salt,
                if fix_msg { msg } else { b"" },
            ),
        };
        let position = self.position();
        let info = ContractInfo {
            code_id,
            creator: sender.to_bech32(),
            admin: admin.map(|a| a.to_bech32()).unwrap_or_default(),
            label: label.to_string(),
            created: Some(position.clone()),
            ibc_port_id: String::new(),
            extension: None,
        };
        self.with_ctx(|ctx| {
            if ctx.contract_info(&contract)?.is_some() {
                return Err(WasmError::Duplicate.err(format!(
                    "contract address {contract} already exists, try a different combination of creator, checksum and salt"
                )));
            }
            ctx.ensure_account(&contract)?;
            if !funds.is_empty() {
                bank::send(ctx, sender, &contract, funds)?;
            }
            ctx.put_contract_info(&contract, &info)?;
            ctx.index_by_code(code_id, &contract, true)?;
            ctx.index_by_creator(sender, &contract)?;
            ctx.append_history(&contract, &ContractCodeHistoryEntry {
                operation: ContractCodeHistoryOperationType::Init as i32,
                code_id,
                updated: Some(position),
                msg: msg.to_vec(),
            })
        })?;
        let entry = Entry::Instantiate {
            info: message_info(sender, funds),
            msg,
        };
        let response = self.call(&contract, &checksum, entry, WasmError::Instantiate)?;
        self.events.push(event(
            "instantiate",
            &[
                ("_contract_address", contract.to_bech32()),
                ("code_id", code_id.to_string()),
            ],
        ));
        let data = self.handle_response(&contract, response)?;
        Ok((contract, data))
    }

    pub fn execute(
        &mut self,
        sender: &Address,
        contract: &Address,
        msg: &[u8],
        funds: &Coins,
    ) -> Result<Option<Vec<u8>>, TxError> {
        let (_, checksum) = self.contract_code(contract)?;
        if !funds.is_empty() {
            self.with_ctx(|ctx| bank::send(ctx, sender, contract, funds))?;
        }
        let entry = Entry::Execute {
            info: message_info(sender, funds),
            msg,
        };
        let response = self.call(contract, &checksum, entry, WasmError::Execute)?;
        self.events.push(event(
            "execute",
            &[("_contract_address", contract.to_bech32())],
        ));
        self.handle_response(contract, response)
    }

    pub fn migrate(
        &mut self,
        sender: &Address,
        contract: &Address,
        new_code_id: u64,
        msg: &[u8],
    ) -> Result<Option<Vec<u8>>, TxError> {
        let (mut info, old_checksum) = self.contract_code(contract)?;
        if info.admin != sender.to_bech32() {
            return Err(TxError::unauthorized(format!(
                "{sender} is not the admin of {contract}; can not migrate"
            )));
        }
        let code = self.with_ctx(|ctx| require_code(ctx, new_code_id))?;
        let checksum = state::checksum(&code)?;
        // From the code in state, not the module cache: consensus can't depend on a cache.
        let old_version = super::vm::stored_wasm(&lock(&self.exec.state), &old_checksum)
            .and_then(|wasm| super::upload::migrate_version(&wasm));
        let old_code_id = info.code_id;
        info.code_id = new_code_id;
        let position = self.position();
        self.with_ctx(|ctx| {
            ctx.put_contract_info(contract, &info)?;
            ctx.index_by_code(old_code_id, contract, false)?;
            ctx.index_by_code(new_code_id, contract, true)?;
            ctx.append_history(
                contract,
                &ContractCodeHistoryEntry {
                    operation: ContractCodeHistoryOperationType::Migrate as i32,
                    code_id: new_code_id,
                    updated: Some(position),
                    msg: msg.to_vec(),
                },
            )
        })?;
        let migrate_info = serde_json::to_vec(
            &json!({"sender": sender.to_bech32(), "old_migrate_version": old_version}),
        )
        .expect("plain JSON");
        let entry = Entry::Migrate {
            info: migrate_info,
            msg,
        };
        let response = self.call(contract, &checksum, entry, WasmError::Migration)?;
        self.events.push(event(
            "migrate",
            &[
                ("code_id", new_code_id.to_string()),
                ("_contract_address", contract.to_bech32()),
            ],
        ));
        self.handle_response(contract, response)
    }

    /// Calls a contract's `sudo` entry point: the chain's privileged call (e.g. the staking
    /// contract's slash), only from the wasm authority — SPEC holders, through governance.
    pub fn sudo(
        &mut self,
        sender: &Address,
        contract: &Address,
        msg: &[u8],
    ) -> Result<Option<Vec<u8>>, TxError> {
        if !self.is_authority(sender)? {
            return Err(TxError::unauthorized(format!(
                "{sender} is not the wasm authority; can not call sudo"
            )));
        }
        self.sudo_as_chain(contract, msg)
    }

    /// `sudo` with the chain's own privilege: for native modules (see [`super::WasmKeeper`]).
    pub fn sudo_as_chain(
        &mut self,
        contract: &Address,
        msg: &[u8],
    ) -> Result<Option<Vec<u8>>, TxError> {
        let (_, checksum) = self.contract_code(contract)?;
        let response = self.call(contract, &checksum, Entry::Sudo { msg }, WasmError::Execute)?;
        self.events.push(event(
            "sudo",
            &[("_contract_address", contract.to_bech32())],
        ));
        self.handle_response(contract, response)
    }

    /// A native module's smart query of `contract` (see [`super::WasmKeeper::smart_query`]).
    pub fn smart_query(&mut self, contract: &Address, msg: &[u8]) -> Result<Vec<u8>, TxError> {
        use cosmwasm_std::{ContractResult, SystemResult};
        let limit = self
            .remaining_sdk_gas()
            .saturating_mul(super::GAS_MULTIPLIER);
        let (answer, gas) =
            super::query_plugins::smart(&self.exec, self.depth, &contract.to_bech32(), msg, limit);
        self.gas.consume(
            (gas.cost + gas.externally_used).div_ceil(super::GAS_MULTIPLIER),
            "wasm smart query",
        )?;
        match answer {
            Ok(SystemResult::Ok(ContractResult::Ok(data))) => Ok(data.to_vec()),
            Ok(SystemResult::Ok(ContractResult::Err(e))) => {
                Err(WasmError::Query.err(format!("query of contract {contract} failed: {e}")))
            }
            Ok(SystemResult::Err(e)) => {
                Err(WasmError::Query.err(format!("query of contract {contract}: {e}")))
            }
            Err(e) => Err(WasmError::Query.err(format!("query of contract {contract}: {e}"))),
        }
    }

    /// Renames a contract; only its admin may.
    pub fn update_label(
        &mut self,
        sender: &Address,
        contract: &Address,
        label: &str,
    ) -> Result<(), TxError> {
        let (mut info, _) = self.contract_code(contract)?;
        if info.admin.is_empty() || info.admin != sender.to_bech32() {
            return Err(TxError::unauthorized(format!(
                "{sender} is not the admin of {contract}; can not modify the label"
            )));
        }
        info.label = label.to_string();
        self.with_ctx(|ctx| {
            ctx.put_contract_info(contract, &info)?;
            ctx.emit(
                "update_contract_label",
                &[
                    ("_contract_address", contract.to_bech32()),
                    ("new_label", label.to_string()),
                ],
            );
            Ok(())
        })
    }

    /// Sets (or with `None` clears) a contract's admin; only the current admin may.
    pub fn update_admin(
        &mut self,
        sender: &Address,
        contract: &Address,
        new_admin: Option<&Address>,
    ) -> Result<(), TxError> {
        let (mut info, _) = self.contract_code(contract)?;
        if info.admin != sender.to_bech32() {
            return Err(TxError::unauthorized(format!(
                "{sender} is not the admin of {contract}; can not modify the admin"
            )));
        }
        info.admin = new_admin.map(|a| a.to_bech32()).unwrap_or_default();
        let admin = info.admin.clone();
        self.with_ctx(|ctx| {
            ctx.put_contract_info(contract, &info)?;
            ctx.emit(
                "update_contract_admin",
                &[
                    ("_contract_address", contract.to_bech32()),
                    ("new_admin_address", admin),
                ],
            );
            Ok(())
        })
    }

    /// The chain's authority (genesis `params.authority`; on the localnet the governance
    /// contract), if any.
    fn authority(&mut self) -> Result<Option<String>, TxError> {
        Ok(self.with_ctx(|ctx| ctx.authority())?.map(|a| a.to_bech32()))
    }

    fn is_authority(&mut self, sender: &Address) -> Result<bool, TxError> {
        Ok(self.authority()?.as_deref() == Some(sender.to_bech32().as_str()))
    }

    /// Changes who may instantiate a code: its creator or the wasm authority may.
    pub fn update_instantiate_config(
        &mut self,
        sender: &Address,
        code_id: u64,
        config: AccessConfig,
    ) -> Result<(), TxError> {
        access::validate(&config)?;
        let mut code = self.with_ctx(|ctx| require_code(ctx, code_id))?;
        if code.creator != sender.to_bech32() && !self.is_authority(sender)? {
            return Err(TxError::unauthorized(format!(
                "{sender} is neither the creator of code {code_id} nor the wasm authority; can not modify code access config"
            )));
        }
        let described = access::describe(&config);
        code.instantiate_config = Some(config);
        self.with_ctx(|ctx| {
            ctx.put_code_info(code_id, &code)?;
            ctx.emit(
                "update_code_access_config",
                &[
                    ("code_id", code_id.to_string()),
                    ("code_permission", described),
                ],
            );
            Ok(())
        })
    }

    /// Pins (or unpins) codes: only the wasm authority (the governance contract) may. The
    /// flag is state; keeping the module in memory is each node's cache acting on it, and gas
    /// never depends on it.
    pub fn set_pinned(
        &mut self,
        sender: &Address,
        code_ids: &[u64],
        pinned: bool,
    ) -> Result<(), TxError> {
        let authority = self.authority()?;
        if authority.as_deref() != Some(sender.to_bech32().as_str()) {
            return Err(TxError::unauthorized(match authority {
                Some(a) => format!("{sender} is not the wasm authority {a}; can not pin codes"),
                None => {
                    "no wasm authority is configured (genesis params.authority); can not pin codes"
                        .into()
                }
            }));
        }
        for &code_id in code_ids {
            let code = self.with_ctx(|ctx| require_code(ctx, code_id))?;
            let checksum = state::checksum(&code)?;
            self.with_ctx(|ctx| {
                ctx.set_pinned(code_id, pinned)?;
                let kind = if pinned { "pin_code" } else { "unpin_code" };
                ctx.emit(kind, &[("code_id", code_id.to_string())]);
                Ok(())
            })?;
            let exec = self.exec.clone();
            if let Err(e) = exec.vm.set_pinned(&checksum, pinned, || {
                super::vm::stored_wasm(&lock(&exec.state), &checksum)
            }) {
                // The state change stands (it is consensus); the cache catches up at restart.
                tracing::warn!(code_id, error = %e, "module cache did not follow a pin change");
            }
        }
        Ok(())
    }
}
