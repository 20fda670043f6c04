//! Queries a contract makes while it runs: bank, wasm (smart, raw, contract and code info),
//! and gRPC queries on a whitelist of paths. They read the state of the running message,
//! including its uncommitted writes, as in wasmd.

use std::sync::Arc;

use cosmos_sdk_proto::cosmos::bank::v1beta1 as bankv1;
use cosmos_sdk_proto::cosmwasm::wasm::v1 as wasmv1;
use cosmwasm_std::{
    BankQuery, Binary, ContractResult, Empty, GrpcQuery, QueryRequest, SystemError, SystemResult,
    WasmQuery,
};
use cosmwasm_vm::{call_query_raw, BackendError, BackendResult, GasInfo, VmError};
use prost::Message;
use serde_json::json;

use super::vm::{lock, unsupported, Exec, MAX_QUERY_DEPTH};
use super::{keys, records, GAS_MULTIPLIER, INSTANCE_COST};
use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::gas::GasMeter;
use crate::modules::bank;
use crate::store::Substore;

type Answer = SystemResult<ContractResult<Binary>>;

fn ok(value: impl Into<Binary>) -> Answer {
    SystemResult::Ok(ContractResult::Ok(value.into()))
}

fn json_ok(value: serde_json::Value) -> Answer {
    ok(serde_json::to_vec(&value).expect("plain JSON"))
}

fn no_contract(addr: &str) -> Answer {
    SystemResult::Err(SystemError::NoSuchContract {
        addr: addr.to_string(),
    })
}

/// Runs `f` on a metered [`Ctx`] over the running state; returns its result and its gas in
/// CosmWasm units.
fn read<R>(
    exec: &Exec,
    f: impl FnOnce(&mut Ctx) -> Result<R, TxError>,
) -> (Result<R, TxError>, GasInfo) {
    let mut gas = GasMeter::infinite();
    let mut state = lock(&exec.state);
    let mut ctx = Ctx::new(&mut state, &mut gas, &exec.block);
    let r = f(&mut ctx);
    drop(ctx);
    (
        r,
        GasInfo::with_externally_used(gas.used().saturating_mul(GAS_MULTIPLIER)),
    )
}

pub fn answer(
    exec: &Arc<Exec>,
    depth: u32,
    request: &[u8],
    gas_limit: u64,
) -> BackendResult<Answer> {
    let request: QueryRequest<Empty> = match cosmwasm_std::from_json(request) {
        Ok(r) => r,
        Err(e) => {
            let err = SystemError::InvalidRequest {
                error: format!("parsing query request: {e}"),
                request: Binary::from(request),
            };
            return (Ok(SystemResult::Err(err)), GasInfo::free());
        }
    };
    match request {
        QueryRequest::Bank(BankQuery::Balance { address, denom }) => {
            let Ok(a) = address.parse::<Address>() else {
                return (
                    Ok(invalid(format!("invalid address {address}"))),
                    GasInfo::free(),
                );
            };
            let (r, gas) = read(exec, |ctx| bank::balance(ctx, &a, &denom));
            let answer = r.map(|amount| {
                json_ok(json!({"amount": {"denom": denom, "amount": amount.to_string()}}))
            });
            (answer.map_err(|e| BackendError::unknown(e.log)), gas)
        }
        QueryRequest::Bank(BankQuery::Supply { denom }) => {
            let (r, gas) = read(exec, |ctx| bank::supply_of(ctx, &denom));
            let answer = r.map(|amount| {
                json_ok(json!({"amount": {"denom": denom, "amount": amount.to_string()}}))
            });
            (answer.map_err(|e| BackendError::unknown(e.log)), gas)
        }
        QueryRequest::Wasm(WasmQuery::Smart { contract_addr, msg }) => {
            smart(exec, depth, &contract_addr, &msg, gas_limit)
        }
        QueryRequest::Wasm(WasmQuery::Raw { contract_addr, key }) => {
            let Ok(a) = contract_addr.parse::<Address>() else {
                return (Ok(no_contract(&contract_addr)), GasInfo::free());
            };
            let (r, gas) = read(exec, |ctx| {
                records::contract_info(ctx, &a)?;
                let mut k = keys::contract_store(&a);
                k.extend_from_slice(&key);
                ctx.get(Substore::Wasm, &k)
            });
            match r {
                Ok(v) => (Ok(ok(v.unwrap_or_default())), gas),
                Err(_) => (Ok(no_contract(&contract_addr)), gas),
            }
        }
        QueryRequest::Wasm(WasmQuery::ContractInfo { contract_addr }) => {
            let Ok(a) = contract_addr.parse::<Address>() else {
                return (Ok(no_contract(&contract_addr)), GasInfo::free());
            };
            let (r, gas) = read(exec, |ctx| {
                let info = records::contract_info(ctx, &a)?;
                let pinned = ctx
                    .get(Substore::Wasm, &keys::pinned(info.code_id))?
                    .is_some();
                Ok((info, pinned))
            });
            match r {
                Ok((info, pinned)) => (
                    Ok(json_ok(json!({
                        "code_id": info.code_id,
                        "creator": info.creator,
                        "admin": (!info.admin.is_empty()).then_some(info.admin),
                        "pinned": pinned,
                        "ibc_port": null,
                        "ibc2_port": null,
                    }))),
                    gas,
                ),
                Err(_) => (Ok(no_contract(&contract_addr)), gas),
            }
        }
        QueryRequest::Wasm(WasmQuery::CodeInfo { code_id }) => {
            let (r, gas) = read(exec, |ctx| records::code_info(ctx, code_id));
            match r {
                Ok(code) => (
                    Ok(json_ok(json!({
                        "code_id": code_id,
                        "creator": code.creator,
                        "checksum": hex::encode(&code.code_hash),
                    }))),
                    gas,
                ),
                Err(_) => (
                    Ok(SystemResult::Err(SystemError::NoSuchCode { code_id })),
                    gas,
                ),
            }
        }
        QueryRequest::Grpc(GrpcQuery { path, data }) => grpc(exec, depth, &path, &data, gas_limit),
        QueryRequest::Bank(_) => (Ok(unsupported("this bank query")), GasInfo::free()),
        QueryRequest::Wasm(_) => (Ok(unsupported("this wasm query")), GasInfo::free()),
        QueryRequest::Custom(_) => (Ok(unsupported("custom queries")), GasInfo::free()),
        QueryRequest::Staking(_) => (Ok(unsupported("staking queries")), GasInfo::free()),
        QueryRequest::Distribution(_) => (Ok(unsupported("distribution queries")), GasInfo::free()),
        QueryRequest::Ibc(_) => (Ok(unsupported("IBC queries")), GasInfo::free()),
        #[allow(deprecated)]
        QueryRequest::Stargate { .. } => (
            Ok(unsupported("Stargate queries (use Grpc)")),
            GasInfo::free(),
        ),
        _ => (Ok(unsupported("this query")), GasInfo::free()),
    }
}

fn invalid(error: String) -> Answer {
    SystemResult::Err(SystemError::InvalidRequest {
        error,
        request: Binary::default(),
    })
}

/// A smart query to another contract, in a read-only instance of its own.
fn smart(
    exec: &Arc<Exec>,
    depth: u32,
    contract_addr: &str,
    msg: &[u8],
    gas_limit: u64,
) -> BackendResult<Answer> {
    if depth + 1 >= MAX_QUERY_DEPTH {
        let error = format!("contract queries nested more than {MAX_QUERY_DEPTH} deep");
        return (
            Ok(SystemResult::Err(SystemError::InvalidRequest {
                error,
                request: Binary::default(),
            })),
            GasInfo::free(),
        );
    }
    let Ok(contract) = contract_addr.parse::<Address>() else {
        return (Ok(no_contract(contract_addr)), GasInfo::free());
    };
    let (code, mut gas) = read(exec, |ctx| {
        let info = records::contract_info(ctx, &contract)?;
        records::code_info(ctx, info.code_id)
    });
    let Ok(code) = code else {
        return (Ok(no_contract(contract_addr)), gas);
    };
    let Ok(checksum) = records::checksum(&code) else {
        return (Err(BackendError::unknown("corrupt code record")), gas);
    };
    gas += GasInfo::with_externally_used(INSTANCE_COST * GAS_MULTIPLIER);
    let limit = gas_limit.saturating_sub(gas.externally_used);
    if limit == 0 {
        return (Err(BackendError::out_of_gas()), gas);
    }
    let mut instance = match exec
        .vm
        .instance(exec, &contract, &checksum, limit, depth + 1)
    {
        Ok(i) => i,
        Err(e) => {
            return (
                Ok(SystemResult::Ok(ContractResult::Err(e.to_string()))),
                gas,
            )
        }
    };
    let env = exec.env(&contract);
    let result = call_query_raw(&mut instance, &env, msg);
    let report = instance.create_gas_report();
    drop(instance);
    gas += GasInfo::with_externally_used(report.limit.saturating_sub(report.remaining));
    match result {
        Ok(bytes) => match cosmwasm_std::from_json::<ContractResult<Binary>>(&bytes) {
            Ok(r) => (Ok(SystemResult::Ok(r)), gas),
            Err(e) => (
                Ok(SystemResult::Ok(ContractResult::Err(e.to_string()))),
                gas,
            ),
        },
        Err(VmError::GasDepletion { .. }) => (Err(BackendError::out_of_gas()), gas),
        Err(e) => (
            Ok(SystemResult::Ok(ContractResult::Err(e.to_string()))),
            gas,
        ),
    }
}

/// gRPC queries contracts may make; answers are protobuf, as over the chain's gRPC.
fn grpc(
    exec: &Arc<Exec>,
    depth: u32,
    path: &str,
    data: &[u8],
    gas_limit: u64,
) -> BackendResult<Answer> {
    let bad = |e: String| (Ok(invalid(e)), GasInfo::free());
    match path {
        "/cosmos.bank.v1beta1.Query/Balance" => {
            let Ok(req) = bankv1::QueryBalanceRequest::decode(data) else {
                return bad("decoding QueryBalanceRequest".into());
            };
            let Ok(a) = req.address.parse::<Address>() else {
                return bad(format!("invalid address {}", req.address));
            };
            let (r, gas) = read(exec, |ctx| bank::balance(ctx, &a, &req.denom));
            let answer = r.map(|amount| {
                let balance = crate::coins::Coin::new(&req.denom, amount).to_proto();
                ok(bankv1::QueryBalanceResponse {
                    balance: Some(balance),
                }
                .encode_to_vec())
            });
            (answer.map_err(|e| BackendError::unknown(e.log)), gas)
        }
        "/cosmwasm.wasm.v1.Query/SmartContractState" => {
            let Ok(req) = wasmv1::QuerySmartContractStateRequest::decode(data) else {
                return bad("decoding QuerySmartContractStateRequest".into());
            };
            let (r, gas) = smart(exec, depth, &req.address, &req.query_data, gas_limit);
            let r = r.map(|answer| match answer {
                SystemResult::Ok(ContractResult::Ok(data)) => {
                    ok(wasmv1::QuerySmartContractStateResponse {
                        data: data.to_vec(),
                    }
                    .encode_to_vec())
                }
                other => other,
            });
            (r, gas)
        }
        "/cosmwasm.wasm.v1.Query/RawContractState" => {
            let Ok(req) = wasmv1::QueryRawContractStateRequest::decode(data) else {
                return bad("decoding QueryRawContractStateRequest".into());
            };
            let Ok(a) = req.address.parse::<Address>() else {
                return (Ok(no_contract(&req.address)), GasInfo::free());
            };
            let mut key = keys::contract_store(&a);
            key.extend_from_slice(&req.query_data);
            let (r, gas) = read(exec, |ctx| ctx.get(Substore::Wasm, &key));
            let answer = r.map(|v| {
                ok(wasmv1::QueryRawContractStateResponse {
                    data: v.unwrap_or_default(),
                }
                .encode_to_vec())
            });
            (answer.map_err(|e| BackendError::unknown(e.log)), gas)
        }
        _ => (
            Ok(SystemResult::Err(SystemError::UnsupportedRequest {
                kind: format!("gRPC query {path} (not on the whitelist)"),
            })),
            GasInfo::free(),
        ),
    }
}
