//! Typed access to code and contract records (protobuf, as wasmd stores them), for
//! transactions (gas-metered [`Ctx`]) and for queries ([`QueryCtx`]).

use cosmos_sdk_proto::cosmwasm::wasm::v1::{CodeInfo, ContractInfo};
use cosmwasm_std::Checksum;
use prost::Message;

use super::keys;
use super::WasmError;
use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::query::{QueryCtx, QueryError};
use crate::store::Substore;

fn decode<M: Message + Default>(bytes: &[u8], what: &str) -> Result<M, String> {
    M::decode(bytes).map_err(|e| format!("stored {what} is corrupt: {e}"))
}

pub fn code_info(ctx: &mut Ctx, code_id: u64) -> Result<CodeInfo, TxError> {
    match ctx.get(Substore::Wasm, &keys::code(code_id))? {
        Some(b) => decode(&b, "code info").map_err(TxError::internal),
        None => Err(WasmError::NotFound.err(format!("no code with id {code_id}"))),
    }
}

pub fn contract_info(ctx: &mut Ctx, addr: &Address) -> Result<ContractInfo, TxError> {
    match ctx.get(Substore::Wasm, &keys::contract(addr))? {
        Some(b) => decode(&b, "contract info").map_err(TxError::internal),
        None => Err(WasmError::NotFound.err(format!("no contract at {addr}"))),
    }
}

pub fn save_contract_info(
    ctx: &mut Ctx,
    addr: &Address,
    info: &ContractInfo,
) -> Result<(), TxError> {
    ctx.set(Substore::Wasm, &keys::contract(addr), info.encode_to_vec())
}

pub fn query_code_info(q: &QueryCtx, code_id: u64) -> Result<CodeInfo, QueryError> {
    match q.get(Substore::Wasm, &keys::code(code_id))? {
        Some(b) => decode(&b, "code info").map_err(QueryError::internal),
        None => Err(QueryError::not_found(format!(
            "no code with id {code_id}: not found"
        ))),
    }
}

pub fn query_contract_info(q: &QueryCtx, addr: &Address) -> Result<ContractInfo, QueryError> {
    match q.get(Substore::Wasm, &keys::contract(addr))? {
        Some(b) => decode(&b, "contract info").map_err(QueryError::internal),
        None => Err(QueryError::not_found(format!(
            "no contract at {addr}: not found"
        ))),
    }
}

pub fn checksum(code: &CodeInfo) -> Result<Checksum, String> {
    Checksum::try_from(code.code_hash.as_slice()).map_err(|e| format!("stored checksum: {e}"))
}
