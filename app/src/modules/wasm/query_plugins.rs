//! Queries a contract makes while it runs (wasmd's `query_plugins.go`): bank, wasm (smart,
//! raw, contract and code info), and gRPC queries, through the router, to the paths open to
//! contracts. They read the state of the running message, including its uncommitted writes,
//! as in wasmd, through the same typed reads as transactions and client queries.

use std::sync::Arc;

use cosmos_sdk_proto::cosmwasm::wasm::v1 as wasmv1;
use cosmwasm_std::{
    BankQuery, Binary, ContractResult, Empty, GrpcQuery, QueryRequest, SystemError, SystemResult,
    WasmQuery,
};
use cosmwasm_vm::{call_query_raw, BackendError, BackendResult, GasInfo, VmError};
use prost::Message;
use serde_json::json;

use super::state::{self, WasmRead};
use super::vm::{lock, unsupported, ContractQueries, Exec, MAX_QUERY_DEPTH};
use super::{GAS_MULTIPLIER, INSTANCE_COST};
use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::gas::GasMeter;
use crate::modules::bank::BankRead;

pub(super) type Answer = SystemResult<ContractResult<Binary>>;

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
    let mut ctx = Ctx::new(&mut state, &mut gas, &exec.block, exec.router.clone());
    let r = f(&mut ctx);
    drop(ctx);
    (
        r,
        GasInfo::with_externally_used(gas.used().saturating_mul(GAS_MULTIPLIER)),
    )
}

/// The chain's answers to contract queries.
pub struct Plugins;

pub static PLUGINS: Plugins = Plugins;

impl ContractQueries for Plugins {
    fn answer(
        &self,
        exec: &Arc<Exec>,
        depth: u32,
        request: &[u8],
        gas_limit: u64,
    ) -> BackendResult<Answer> {
        answer(exec, depth, request, gas_limit)
    }
}

fn answer(exec: &Arc<Exec>, depth: u32, request: &[u8], gas_limit: u64) -> BackendResult<Answer> {
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
            let (r, gas) = read(exec, |ctx| ctx.balance(&a, &denom));
            let answer = r.map(|amount| {
                json_ok(json!({"amount": {"denom": denom, "amount": amount.to_string()}}))
            });
            (answer.map_err(|e| BackendError::unknown(e.log)), gas)
        }
        QueryRequest::Bank(BankQuery::Supply { denom }) => {
            let (r, gas) = read(exec, |ctx| ctx.supply_of(&denom));
            let answer = r.map(|amount| {
                json_ok(json!({"amount": {"denom": denom, "amount": amount.to_string()}}))
            });
            (answer.map_err(|e| BackendError::unknown(e.log)), gas)
        }
        QueryRequest::Bank(BankQuery::DenomMetadata { denom }) => {
            match crate::modules::bank::query::metadata(&denom) {
                Some(m) => (
                    Ok(json_ok(json!({"metadata": metadata_json(&m)}))),
                    GasInfo::free(),
                ),
                None => (
                    Ok(SystemResult::Ok(ContractResult::Err(format!(
                        "no metadata for denom {denom}"
                    )))),
                    GasInfo::free(),
                ),
            }
        }
        QueryRequest::Bank(BankQuery::AllDenomMetadata { .. }) => {
            let all: Vec<_> = crate::modules::bank::query::metadata(crate::coins::NATIVE_DENOM)
                .iter()
                .map(metadata_json)
                .collect();
            (
                Ok(json_ok(json!({"metadata": all, "next_key": null}))),
                GasInfo::free(),
            )
        }
        QueryRequest::Wasm(WasmQuery::Smart { contract_addr, msg }) => {
            smart(exec, depth, &contract_addr, &msg, gas_limit)
        }
        QueryRequest::Wasm(WasmQuery::Raw { contract_addr, key }) => {
            let Ok(a) = contract_addr.parse::<Address>() else {
                return (Ok(no_contract(&contract_addr)), GasInfo::free());
            };
            let (r, gas) = read(exec, |ctx| {
                Ok(match ctx.contract_info(&a)? {
                    Some(_) => Some(ctx.contract_raw(&a, &key)?),
                    None => None,
                })
            });
            match r {
                Ok(Some(v)) => (Ok(ok(v.unwrap_or_default())), gas),
                Ok(None) => (Ok(no_contract(&contract_addr)), gas),
                Err(e) => (Err(BackendError::unknown(e.log)), gas),
            }
        }
        QueryRequest::Wasm(WasmQuery::ContractInfo { contract_addr }) => {
            let Ok(a) = contract_addr.parse::<Address>() else {
                return (Ok(no_contract(&contract_addr)), GasInfo::free());
            };
            let (r, gas) = read(exec, |ctx| match ctx.contract_info(&a)? {
                Some(info) => Ok(Some((ctx.is_pinned(info.code_id)?, info))),
                None => Ok(None),
            });
            match r {
                Ok(Some((pinned, info))) => (
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
                Ok(None) => (Ok(no_contract(&contract_addr)), gas),
                Err(e) => (Err(BackendError::unknown(e.log)), gas),
            }
        }
        QueryRequest::Wasm(WasmQuery::CodeInfo { code_id }) => {
            let (r, gas) = read(exec, |ctx| ctx.code_info(code_id));
            match r {
                Ok(Some(code)) => (
                    Ok(json_ok(json!({
                        "code_id": code_id,
                        "creator": code.creator,
                        "checksum": hex::encode(&code.code_hash),
                    }))),
                    gas,
                ),
                Ok(None) => (
                    Ok(SystemResult::Err(SystemError::NoSuchCode { code_id })),
                    gas,
                ),
                Err(e) => (Err(BackendError::unknown(e.log)), gas),
            }
        }
        QueryRequest::Grpc(GrpcQuery { path, data }) => grpc(exec, depth, &path, &data, gas_limit),
        QueryRequest::Bank(_) => (Ok(unsupported("this bank query")), GasInfo::free()),
        QueryRequest::Wasm(_) => (Ok(unsupported("this wasm query")), GasInfo::free()),
        QueryRequest::Custom(_) => (Ok(unsupported("custom queries")), GasInfo::free()),
        QueryRequest::Staking(_) => (Ok(unsupported("staking queries")), GasInfo::free()),
        QueryRequest::Distribution(_) => (Ok(unsupported("distribution queries")), GasInfo::free()),
        QueryRequest::Ibc(_) => (Ok(unsupported("IBC queries")), GasInfo::free()),
        // The deprecated name of the same thing (protobuf in and out, as wasmd answers it).
        #[allow(deprecated)]
        QueryRequest::Stargate { path, data } => grpc(exec, depth, &path, &data, gas_limit),
        _ => (Ok(unsupported("this query")), GasInfo::free()),
    }
}

/// Bank denom metadata as cosmwasm-std's `DenomMetadata` JSON.
fn metadata_json(m: &cosmos_sdk_proto::cosmos::bank::v1beta1::Metadata) -> serde_json::Value {
    json!({
        "description": m.description,
        "denom_units": m.denom_units.iter().map(|u| json!({
            "denom": u.denom, "exponent": u.exponent, "aliases": u.aliases,
        })).collect::<Vec<_>>(),
        "base": m.base,
        "display": m.display,
        "name": m.name,
        "symbol": m.symbol,
        "uri": m.uri,
        "uri_hash": m.uri_hash,
    })
}

fn invalid(error: String) -> Answer {
    SystemResult::Err(SystemError::InvalidRequest {
        error,
        request: Binary::default(),
    })
}

/// A smart query to another contract, in a read-only instance of its own.
pub(super) fn smart(
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
    let (code, mut gas) = read(exec, |ctx| match ctx.contract_info(&contract)? {
        Some(info) => ctx.code_info(info.code_id),
        None => Ok(None),
    });
    let code = match code {
        Ok(Some(code)) => code,
        Ok(None) => return (Ok(no_contract(contract_addr)), gas),
        Err(e) => return (Err(BackendError::unknown(e.log)), gas),
    };
    let Ok(checksum) = state::checksum(&code) else {
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

/// A contract's gRPC query: protobuf in and out, as over the chain's gRPC. A smart query runs
/// inside the running call (its depth and gas); every other path goes through the router, to
/// the paths open to contracts.
fn grpc(
    exec: &Arc<Exec>,
    depth: u32,
    path: &str,
    data: &[u8],
    gas_limit: u64,
) -> BackendResult<Answer> {
    if path == "/cosmwasm.wasm.v1.Query/SmartContractState" {
        let Ok(req) = wasmv1::QuerySmartContractStateRequest::decode(data) else {
            return (
                Ok(invalid("decoding QuerySmartContractStateRequest".into())),
                GasInfo::free(),
            );
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
        return (r, gas);
    }
    let router = exec.router.clone();
    let (r, gas) = read(exec, |ctx| Ok(router.contract_query(ctx, path, data)));
    let answer = match r {
        Ok(Ok(bytes)) => Ok(ok(bytes)),
        Ok(Err(e)) if e.code == tonic::Code::Unimplemented => {
            Ok(SystemResult::Err(SystemError::UnsupportedRequest {
                kind: format!("gRPC query {path}: {}", e.message),
            }))
        }
        Ok(Err(e)) if e.code == tonic::Code::ResourceExhausted => Err(BackendError::out_of_gas()),
        Ok(Err(e)) => Ok(SystemResult::Ok(ContractResult::Err(e.to_string()))),
        Err(e) => Err(BackendError::unknown(e.log)),
    };
    (answer, gas)
}
