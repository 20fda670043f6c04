//! The `cosmwasm.wasm.v1` message server: one typed handler per message (wasmd's
//! `msg_server.go` + each message's `ValidateBasic`). Contracts' `WasmMsg`s arrive here too,
//! through the router, with the contract as signer.

use std::sync::Arc;

use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmwasm::wasm::v1::*;
use tendermint_proto::google::protobuf::Any;

use super::access;
use super::keeper::{self, Call};
use super::state::WasmWrite;
use super::vm::Vm;
use super::{WasmError, MAX_LABEL_LEN, MAX_SALT_LEN, MAX_UPLOAD_BYTES};
use crate::address::Address;
use crate::coins::Coins;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::params::ParamsRead;
use crate::modules::to_any;
use crate::router::{MsgHandler, Routes, Senders};

/// Handles every wasm message; runs each on the keeper over the shared VM.
pub struct MsgServer {
    pub vm: Arc<Vm>,
}

impl MsgServer {
    fn run<R>(
        &self,
        ctx: &mut Ctx,
        f: impl FnOnce(&mut Call) -> Result<R, TxError>,
    ) -> Result<R, TxError> {
        keeper::run(&self.vm, ctx, f)
    }
}

/// Registers every wasm message. Contracts may send all but uploads: a code's bytes are
/// priced as transaction bytes, which a contract's message is not.
pub fn register(routes: &mut Routes, server: &Arc<MsgServer>) {
    use Senders::*;
    routes.msg::<MsgStoreCode, _>(super::NAME, server, Accounts);
    routes.msg::<MsgInstantiateContract, _>(super::NAME, server, AccountsAndContracts);
    routes.msg::<MsgInstantiateContract2, _>(super::NAME, server, AccountsAndContracts);
    routes.msg::<MsgExecuteContract, _>(super::NAME, server, AccountsAndContracts);
    routes.msg::<MsgMigrateContract, _>(super::NAME, server, AccountsAndContracts);
    routes.msg::<MsgUpdateAdmin, _>(super::NAME, server, AccountsAndContracts);
    routes.msg::<MsgClearAdmin, _>(super::NAME, server, AccountsAndContracts);
    routes.msg::<MsgPinCodes, _>(super::NAME, server, AccountsAndContracts);
    routes.msg::<MsgUnpinCodes, _>(super::NAME, server, AccountsAndContracts);
    routes.msg::<MsgUpdateInstantiateConfig, _>(super::NAME, server, AccountsAndContracts);
    routes.msg::<MsgSudoContract, _>(super::NAME, server, AccountsAndContracts);
    routes.msg::<MsgUpdateContractLabel, _>(super::NAME, server, AccountsAndContracts);
    routes.msg::<MsgUpdateParams, _>(super::NAME, server, AccountsAndContracts);
}

fn addr(s: &str, what: &str) -> Result<Address, TxError> {
    s.parse()
        .map_err(|e| TxError::invalid_address(format!("invalid {what} address {s:?}: {e}")))
}

fn optional_addr(s: &str, what: &str) -> Result<Option<Address>, TxError> {
    if s.is_empty() {
        Ok(None)
    } else {
        addr(s, what).map(Some)
    }
}

fn label(l: &str) -> Result<(), TxError> {
    if l.trim().is_empty() {
        return Err(WasmError::Empty.err("label is required"));
    }
    if l.len() > MAX_LABEL_LEN {
        return Err(WasmError::Limit.err(format!("label is longer than {MAX_LABEL_LEN} bytes")));
    }
    Ok(())
}

/// Contract messages must be JSON (wasmd's `RawContractMessage.ValidateBasic`).
fn json_msg(msg: &[u8]) -> Result<(), TxError> {
    serde_json::from_slice::<serde::de::IgnoredAny>(msg)
        .map(|_| ())
        .map_err(|e| WasmError::Invalid.err(format!("contract message is not valid JSON: {e}")))
}

fn salt(s: &[u8]) -> Result<(), TxError> {
    if s.is_empty() || s.len() > MAX_SALT_LEN {
        return Err(WasmError::Invalid.err(format!("salt must be 1 to {MAX_SALT_LEN} bytes")));
    }
    Ok(())
}

fn funds(coins: &[ProtoCoin]) -> Result<Coins, TxError> {
    Coins::from_proto(coins)
}

fn code_id(id: u64) -> Result<(), TxError> {
    if id == 0 {
        return Err(WasmError::Invalid.err("code id is required"));
    }
    Ok(())
}

/// What both instantiate messages must satisfy.
fn check_instantiate(
    admin: &str,
    code: u64,
    l: &str,
    msg: &[u8],
    coins: &[ProtoCoin],
) -> Result<(), TxError> {
    optional_addr(admin, "admin")?;
    code_id(code)?;
    label(l)?;
    json_msg(msg)?;
    funds(coins).map(|_| ())
}

impl MsgHandler<MsgStoreCode> for MsgServer {
    fn check_stateless(&self, m: &MsgStoreCode) -> Result<Vec<Address>, TxError> {
        if m.wasm_byte_code.is_empty() {
            return Err(WasmError::Empty.err("wasm byte code is empty"));
        }
        if m.wasm_byte_code.len() > MAX_UPLOAD_BYTES {
            return Err(WasmError::Limit.err(format!(
                "wasm byte code is {} bytes, limit {MAX_UPLOAD_BYTES}",
                m.wasm_byte_code.len(),
            )));
        }
        if let Some(p) = &m.instantiate_permission {
            access::validate(p)?;
        }
        Ok(vec![addr(&m.sender, "sender")?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &MsgStoreCode) -> Result<Any, TxError> {
        let sender = addr(&m.sender, "sender")?;
        let (code_id, checksum) = self.run(ctx, |call| {
            call.store_code(&sender, &m.wasm_byte_code, m.instantiate_permission.clone())
        })?;
        Ok(to_any(&MsgStoreCodeResponse {
            code_id,
            checksum: checksum.as_slice().to_vec(),
        }))
    }
}

impl MsgServer {
    /// Both instantiate messages: the classic one is instantiate2 without a salt.
    fn instantiate(
        &self,
        ctx: &mut Ctx,
        m: &MsgInstantiateContract2,
        predictable: bool,
    ) -> Result<(String, Vec<u8>), TxError> {
        let sender = addr(&m.sender, "sender")?;
        let admin = optional_addr(&m.admin, "admin")?;
        let salt = predictable.then_some((m.salt.as_slice(), m.fix_msg));
        let funds = funds(&m.funds)?;
        let (address, data) = self.run(ctx, |call| {
            call.instantiate(&sender, m.code_id, admin, &m.label, &m.msg, &funds, salt)
        })?;
        Ok((address.to_bech32(), data.unwrap_or_default()))
    }
}

impl MsgHandler<MsgInstantiateContract> for MsgServer {
    fn check_stateless(&self, m: &MsgInstantiateContract) -> Result<Vec<Address>, TxError> {
        check_instantiate(&m.admin, m.code_id, &m.label, &m.msg, &m.funds)?;
        Ok(vec![addr(&m.sender, "sender")?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &MsgInstantiateContract) -> Result<Any, TxError> {
        let m2 = MsgInstantiateContract2 {
            sender: m.sender.clone(),
            admin: m.admin.clone(),
            code_id: m.code_id,
            label: m.label.clone(),
            msg: m.msg.clone(),
            funds: m.funds.clone(),
            salt: vec![],
            fix_msg: false,
        };
        let (address, data) = self.instantiate(ctx, &m2, false)?;
        Ok(to_any(&MsgInstantiateContractResponse { address, data }))
    }
}

impl MsgHandler<MsgInstantiateContract2> for MsgServer {
    fn check_stateless(&self, m: &MsgInstantiateContract2) -> Result<Vec<Address>, TxError> {
        check_instantiate(&m.admin, m.code_id, &m.label, &m.msg, &m.funds)?;
        salt(&m.salt)?;
        Ok(vec![addr(&m.sender, "sender")?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &MsgInstantiateContract2) -> Result<Any, TxError> {
        let (address, data) = self.instantiate(ctx, m, true)?;
        Ok(to_any(&MsgInstantiateContract2Response { address, data }))
    }
}

impl MsgHandler<MsgExecuteContract> for MsgServer {
    fn check_stateless(&self, m: &MsgExecuteContract) -> Result<Vec<Address>, TxError> {
        addr(&m.contract, "contract")?;
        json_msg(&m.msg)?;
        funds(&m.funds)?;
        Ok(vec![addr(&m.sender, "sender")?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &MsgExecuteContract) -> Result<Any, TxError> {
        let (sender, target) = (addr(&m.sender, "sender")?, addr(&m.contract, "contract")?);
        let funds = funds(&m.funds)?;
        let data = self.run(ctx, |call| call.execute(&sender, &target, &m.msg, &funds))?;
        Ok(to_any(&MsgExecuteContractResponse {
            data: data.unwrap_or_default(),
        }))
    }
}

impl MsgHandler<MsgMigrateContract> for MsgServer {
    fn check_stateless(&self, m: &MsgMigrateContract) -> Result<Vec<Address>, TxError> {
        addr(&m.contract, "contract")?;
        json_msg(&m.msg)?;
        code_id(m.code_id)?;
        Ok(vec![addr(&m.sender, "sender")?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &MsgMigrateContract) -> Result<Any, TxError> {
        let (sender, target) = (addr(&m.sender, "sender")?, addr(&m.contract, "contract")?);
        let data = self.run(ctx, |call| {
            call.migrate(&sender, &target, m.code_id, &m.msg)
        })?;
        Ok(to_any(&MsgMigrateContractResponse {
            data: data.unwrap_or_default(),
        }))
    }
}

impl MsgHandler<MsgUpdateAdmin> for MsgServer {
    fn check_stateless(&self, m: &MsgUpdateAdmin) -> Result<Vec<Address>, TxError> {
        addr(&m.contract, "contract")?;
        addr(&m.new_admin, "new admin")?;
        Ok(vec![addr(&m.sender, "sender")?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &MsgUpdateAdmin) -> Result<Any, TxError> {
        let (sender, target) = (addr(&m.sender, "sender")?, addr(&m.contract, "contract")?);
        let new_admin = addr(&m.new_admin, "new admin")?;
        self.run(ctx, |call| {
            call.update_admin(&sender, &target, Some(&new_admin))
        })?;
        Ok(to_any(&MsgUpdateAdminResponse {}))
    }
}

impl MsgHandler<MsgClearAdmin> for MsgServer {
    fn check_stateless(&self, m: &MsgClearAdmin) -> Result<Vec<Address>, TxError> {
        addr(&m.contract, "contract")?;
        Ok(vec![addr(&m.sender, "sender")?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &MsgClearAdmin) -> Result<Any, TxError> {
        let (sender, target) = (addr(&m.sender, "sender")?, addr(&m.contract, "contract")?);
        self.run(ctx, |call| call.update_admin(&sender, &target, None))?;
        Ok(to_any(&MsgClearAdminResponse {}))
    }
}

impl MsgHandler<MsgSudoContract> for MsgServer {
    fn check_stateless(&self, m: &MsgSudoContract) -> Result<Vec<Address>, TxError> {
        addr(&m.contract, "contract")?;
        json_msg(&m.msg)?;
        Ok(vec![addr(&m.authority, "authority")?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &MsgSudoContract) -> Result<Any, TxError> {
        let (sender, target) = (
            addr(&m.authority, "authority")?,
            addr(&m.contract, "contract")?,
        );
        let data = self.run(ctx, |call| call.sudo(&sender, &target, &m.msg))?;
        Ok(to_any(&MsgSudoContractResponse {
            data: data.unwrap_or_default(),
        }))
    }
}

impl MsgHandler<MsgUpdateContractLabel> for MsgServer {
    fn check_stateless(&self, m: &MsgUpdateContractLabel) -> Result<Vec<Address>, TxError> {
        addr(&m.contract, "contract")?;
        label(&m.new_label)?;
        Ok(vec![addr(&m.sender, "sender")?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &MsgUpdateContractLabel) -> Result<Any, TxError> {
        let (sender, target) = (addr(&m.sender, "sender")?, addr(&m.contract, "contract")?);
        self.run(ctx, |call| {
            call.update_label(&sender, &target, &m.new_label)
        })?;
        Ok(to_any(&MsgUpdateContractLabelResponse {}))
    }
}

impl MsgHandler<MsgUpdateInstantiateConfig> for MsgServer {
    fn check_stateless(&self, m: &MsgUpdateInstantiateConfig) -> Result<Vec<Address>, TxError> {
        code_id(m.code_id)?;
        let p = m
            .new_instantiate_permission
            .as_ref()
            .ok_or_else(|| WasmError::Empty.err("new instantiate permission is required"))?;
        access::validate(p)?;
        Ok(vec![addr(&m.sender, "sender")?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &MsgUpdateInstantiateConfig) -> Result<Any, TxError> {
        let sender = addr(&m.sender, "sender")?;
        let config = m.new_instantiate_permission.clone().unwrap_or_default();
        self.run(ctx, |call| {
            call.update_instantiate_config(&sender, m.code_id, config)
        })?;
        Ok(to_any(&MsgUpdateInstantiateConfigResponse {}))
    }
}

/// Both pin messages have the same fields and check.
fn check_pin(code_ids: &[u64], authority: &str) -> Result<Vec<Address>, TxError> {
    if code_ids.is_empty() {
        return Err(WasmError::Empty.err("no code ids"));
    }
    Ok(vec![addr(authority, "authority")?])
}

impl MsgHandler<MsgPinCodes> for MsgServer {
    fn check_stateless(&self, m: &MsgPinCodes) -> Result<Vec<Address>, TxError> {
        check_pin(&m.code_ids, &m.authority)
    }

    fn execute(&self, ctx: &mut Ctx, m: &MsgPinCodes) -> Result<Any, TxError> {
        let sender = addr(&m.authority, "authority")?;
        self.run(ctx, |call| call.set_pinned(&sender, &m.code_ids, true))?;
        Ok(to_any(&MsgPinCodesResponse {}))
    }
}

impl MsgHandler<MsgUnpinCodes> for MsgServer {
    fn check_stateless(&self, m: &MsgUnpinCodes) -> Result<Vec<Address>, TxError> {
        check_pin(&m.code_ids, &m.authority)
    }

    fn execute(&self, ctx: &mut Ctx, m: &MsgUnpinCodes) -> Result<Any, TxError> {
        let sender = addr(&m.authority, "authority")?;
        self.run(ctx, |call| call.set_pinned(&sender, &m.code_ids, false))?;
        Ok(to_any(&MsgUnpinCodesResponse {}))
    }
}

impl MsgHandler<MsgUpdateParams> for MsgServer {
    fn check_stateless(&self, m: &MsgUpdateParams) -> Result<Vec<Address>, TxError> {
        let p = m
            .params
            .as_ref()
            .ok_or_else(|| WasmError::Empty.err("params are required"))?;
        let upload = p
            .code_upload_access
            .as_ref()
            .ok_or_else(|| WasmError::Empty.err("params.code_upload_access is required"))?;
        access::validate(upload)?;
        // The default permission is a bare access type (AnyOfAddresses: the uploader).
        access::validate(&access::default_for(
            p.instantiate_default_permission,
            &addr(&m.authority, "authority")?,
        ))?;
        if AccessType::try_from(p.instantiate_default_permission)
            .map_or(true, |t| t == AccessType::Unspecified)
        {
            return Err(
                WasmError::Invalid.err("params.instantiate_default_permission is unspecified")
            );
        }
        Ok(vec![addr(&m.authority, "authority")?])
    }

    fn check_stateful(&self, ctx: &mut Ctx, m: &MsgUpdateParams) -> Result<(), TxError> {
        let sender = addr(&m.authority, "authority")?;
        if !ctx.is_authority(&sender)? {
            return Err(TxError::unauthorized(format!(
                "{sender} is not the chain's authority; can not change wasm params"
            )));
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut Ctx, m: &MsgUpdateParams) -> Result<Any, TxError> {
        let params = m.params.clone().unwrap_or_default();
        ctx.put_wasm_params(&params)?;
        let upload = params.code_upload_access.unwrap_or_default();
        ctx.emit(
            "update_params",
            &[
                ("module", super::NAME.to_string()),
                ("code_upload_access", access::describe(&upload)),
                (
                    "instantiate_default_permission",
                    AccessType::try_from(params.instantiate_default_permission)
                        .map(|t| t.as_str_name().to_string())
                        .unwrap_or_default(),
                ),
            ],
        );
        Ok(to_any(&MsgUpdateParamsResponse {}))
    }
}
