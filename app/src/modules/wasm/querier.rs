//! `cosmwasm.wasm.v1.Query` (wasmd's `keeper/querier.go`): the gRPC query service, answered
//! through the router for ABCI queries, the gRPC server and contracts alike.

use std::sync::{Arc, Mutex};

use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse;
use cosmos_sdk_proto::cosmwasm::wasm::v1::*;
use cosmwasm_std::{Binary, ContractResult};
use cosmwasm_vm::{call_query_raw, VmError};
use prost::Message;

use super::state::{self, WasmRead};
use super::vm::{Exec, Vm};
use super::{state_key as keys, GAS_MULTIPLIER, QUERY_GAS_LIMIT};
use crate::address::Address;
use crate::ctx::BlockInfo;
use crate::ctx::Dispatch;
use crate::modules::block::BlockRead;
use crate::query::{decode_request, QueryError};
use crate::router::{Askers, Routes};
use crate::state::{StateRead, StateReadExt};

/// The service's methods; contracts may ask those whose answer needs no contract call
/// (smart queries from contracts go through `WasmQuery::Smart`, inside the running call).
const METHODS: &[(&str, Askers)] = &[
    ("ContractInfo", Askers::ClientsAndContracts),
    ("ContractHistory", Askers::Clients),
    ("ContractsByCode", Askers::Clients),
    ("ContractsByCreator", Askers::Clients),
    ("AllContractState", Askers::Clients),
    ("RawContractState", Askers::ClientsAndContracts),
    ("SmartContractState", Askers::Clients),
    ("Code", Askers::Clients),
    ("CodeInfo", Askers::ClientsAndContracts),
    ("Codes", Askers::Clients),
    ("BuildAddress", Askers::ClientsAndContracts),
    ("PinnedCodes", Askers::Clients),
    ("Params", Askers::ClientsAndContracts),
];

pub fn register(routes: &mut Routes, vm: &Arc<Vm>) {
    for &(method, askers) in METHODS {
        let vm = vm.clone();
        routes.query(
            super::NAME,
            &format!("/cosmwasm.wasm.v1.Query/{method}"),
            askers,
            move |router, q, data| answer(&vm, router, q, method, data),
        );
    }
}

fn contract_info(q: &mut dyn StateRead, contract: &Address) -> Result<ContractInfo, QueryError> {
    q.contract_info(contract)?
        .ok_or_else(|| QueryError::not_found(format!("no contract at {contract}: not found")))
}

fn code_info(q: &mut dyn StateRead, code_id: u64) -> Result<CodeInfo, QueryError> {
    q.code_info(code_id)?
        .ok_or_else(|| QueryError::not_found(format!("no code with id {code_id}: not found")))
}

/// `QueryCodeInfo` (wasmd 0.53+), not in the generated types we use.
#[derive(Clone, PartialEq, Message)]
pub struct QueryCodeInfoRequest {
    #[prost(uint64, tag = "1")]
    pub code_id: u64,
}

#[derive(Clone, PartialEq, Message)]
pub struct QueryCodeInfoResponse {
    #[prost(uint64, tag = "1")]
    pub code_id: u64,
    #[prost(string, tag = "2")]
    pub creator: String,
    #[prost(bytes = "vec", tag = "3")]
    pub checksum: Vec<u8>,
    #[prost(message, optional, tag = "4")]
    pub instantiate_permission: Option<AccessConfig>,
}

fn addr(s: &str) -> Result<Address, QueryError> {
    s.parse()
        .map_err(|e| QueryError::invalid(format!("invalid address {s:?}: {e}")))
}

fn pagination(next_key: Vec<u8>) -> Option<PageResponse> {
    Some(PageResponse { next_key, total: 0 })
}

fn code_info_response(code_id: u64, code: CodeInfo) -> CodeInfoResponse {
    CodeInfoResponse {
        code_id,
        creator: code.creator,
        data_hash: code.code_hash,
        instantiate_permission: code.instantiate_config,
    }
}

fn address_list(entries: Vec<(Vec<u8>, Vec<u8>)>) -> Result<Vec<String>, QueryError> {
    entries
        .into_iter()
        .map(|(k, _)| {
            Address::from_bytes(k)
                .map(|a| a.to_bech32())
                .map_err(|e| QueryError::internal(format!("index entry: {e}")))
        })
        .collect()
}

fn answer(
    vm: &Arc<Vm>,
    router: &Arc<dyn Dispatch>,
    q: &mut dyn StateRead,
    method: &str,
    data: &[u8],
) -> Result<Vec<u8>, QueryError> {
    match method {
        "ContractInfo" => {
            let req: QueryContractInfoRequest = decode_request(data)?;
            let info = contract_info(q, &addr(&req.address)?)?;
            Ok(QueryContractInfoResponse {
                address: req.address,
                contract_info: Some(info),
            }
            .encode_to_vec())
        }
        "ContractHistory" => {
            let req: QueryContractHistoryRequest = decode_request(data)?;
            let contract = addr(&req.address)?;
            contract_info(q, &contract)?;
            let (entries, next) =
                q.page(&keys::history_prefix(&contract), req.pagination.as_ref())?;
            let entries = entries
                .into_iter()
                .map(|(_, v)| {
                    ContractCodeHistoryEntry::decode(v.as_slice())
                        .map_err(|e| QueryError::internal(format!("history entry: {e}")))
                })
                .collect::<Result<_, _>>()?;
            Ok(QueryContractHistoryResponse {
                entries,
                pagination: pagination(next),
            }
            .encode_to_vec())
        }
        "ContractsByCode" => {
            let req: QueryContractsByCodeRequest = decode_request(data)?;
            let prefix = keys::contracts_by_code_prefix(req.code_id);
            let (entries, next) = q.page(&prefix, req.pagination.as_ref())?;
            Ok(QueryContractsByCodeResponse {
                contracts: address_list(entries)?,
                pagination: pagination(next),
            }
            .encode_to_vec())
        }
        "ContractsByCreator" => {
            let req: QueryContractsByCreatorRequest = decode_request(data)?;
            let prefix = keys::contracts_by_creator_prefix(&addr(&req.creator_address)?);
            let (entries, next) = q.page(&prefix, req.pagination.as_ref())?;
            Ok(QueryContractsByCreatorResponse {
                contract_addresses: address_list(entries)?,
                pagination: pagination(next),
            }
            .encode_to_vec())
        }
        "AllContractState" => {
            let req: QueryAllContractStateRequest = decode_request(data)?;
            let contract = addr(&req.address)?;
            contract_info(q, &contract)?;
            let prefix = keys::contract_store(&contract);
            let (entries, next) = q.page(&prefix, req.pagination.as_ref())?;
            let models = entries
                .into_iter()
                .map(|(key, value)| Model { key, value })
                .collect();
            Ok(QueryAllContractStateResponse {
                models,
                pagination: pagination(next),
            }
            .encode_to_vec())
        }
        "RawContractState" => {
            let req: QueryRawContractStateRequest = decode_request(data)?;
            let contract = addr(&req.address)?;
            contract_info(q, &contract)?;
            let mut key = keys::contract_store(&contract);
            key.extend_from_slice(&req.query_data);
            let data = q.get_raw(&key)?.unwrap_or_default();
            Ok(QueryRawContractStateResponse { data }.encode_to_vec())
        }
        "SmartContractState" => {
            let req: QuerySmartContractStateRequest = decode_request(data)?;
            let data = smart_query(vm, router, q, &addr(&req.address)?, &req.query_data)?;
            Ok(QuerySmartContractStateResponse { data }.encode_to_vec())
        }
        "Code" => {
            let req: QueryCodeRequest = decode_request(data)?;
            let code = code_info(q, req.code_id)?;
            let wasm = q.wasm_bytes(&code.code_hash)?.unwrap_or_default();
            Ok(QueryCodeResponse {
                code_info: Some(code_info_response(req.code_id, code)),
                data: wasm,
            }
            .encode_to_vec())
        }
        "CodeInfo" => {
            let req: QueryCodeInfoRequest = decode_request(data)?;
            let code = code_info(q, req.code_id)?;
            Ok(QueryCodeInfoResponse {
                code_id: req.code_id,
                creator: code.creator,
                checksum: code.code_hash,
                instantiate_permission: code.instantiate_config,
            }
            .encode_to_vec())
        }
        "Codes" => {
            let req: QueryCodesRequest = decode_request(data)?;
            let (entries, next) = q.page(&keys::codes_prefix(), req.pagination.as_ref())?;
            let code_infos = entries
                .into_iter()
                .map(|(k, v)| {
                    let id = keys::code_id_from_key(&k)
                        .ok_or_else(|| QueryError::internal("code key"))?;
                    let code = CodeInfo::decode(v.as_slice())
                        .map_err(|e| QueryError::internal(format!("code info: {e}")))?;
                    Ok(code_info_response(id, code))
                })
                .collect::<Result<_, QueryError>>()?;
            Ok(QueryCodesResponse {
                code_infos,
                pagination: pagination(next),
            }
            .encode_to_vec())
        }
        "BuildAddress" => {
            let req: QueryBuildAddressRequest = decode_request(data)?;
            let hexed = |s: &str, what: &str| {
                hex::decode(s).map_err(|e| QueryError::invalid(format!("{what} must be hex: {e}")))
            };
            let checksum = hexed(&req.code_hash, "code hash")?;
            let salt = hexed(&req.salt, "salt")?;
            if checksum.len() != 32 || salt.is_empty() || salt.len() > super::MAX_SALT_LEN {
                return Err(QueryError::invalid(
                    "code hash must be 32 bytes, salt 1 to 64 bytes",
                ));
            }
            let creator = addr(&req.creator_address)?;
            let address = super::addr::predictable(&checksum, &creator, &salt, &req.init_args);
            Ok(QueryBuildAddressResponse {
                address: address.to_bech32(),
            }
            .encode_to_vec())
        }
        "PinnedCodes" => {
            let req: QueryPinnedCodesRequest = decode_request(data)?;
            let (entries, next) = q.page(&keys::pinned_prefix(), req.pagination.as_ref())?;
            let code_ids = entries
                .iter()
                .map(|(k, _)| {
                    keys::code_id_from_key(k).ok_or_else(|| QueryError::internal("pin key"))
                })
                .collect::<Result<_, _>>()?;
            Ok(QueryPinnedCodesResponse {
                code_ids,
                pagination: pagination(next),
            }
            .encode_to_vec())
        }
        "Params" => Ok(QueryParamsResponse {
            params: Some(q.wasm_params()?),
        }
        .encode_to_vec()),
        _ => Err(QueryError::unimplemented(format!(
            "unknown query: cosmwasm.wasm.v1.Query/{method}"
        ))),
    }
}

/// A client's smart query: a read-only instance over committed state, with wasmd's query
/// gas limit so an endless query stops.
fn smart_query(
    vm: &Arc<Vm>,
    router: &Arc<dyn Dispatch>,
    q: &mut dyn StateRead,
    contract: &Address,
    msg: &[u8],
) -> Result<Vec<u8>, QueryError> {
    serde_json::from_slice::<serde::de::IgnoredAny>(msg)
        .map_err(|e| QueryError::invalid(format!("query data must be JSON: {e}")))?;
    let info = contract_info(q, contract)?;
    let code = code_info(q, info.code_id)?;
    let checksum = state::checksum(&code)?;
    let (height, time) = q.last_block()?;
    let exec = Arc::new(Exec {
        state: Mutex::new(q.fork()?),
        block: BlockInfo {
            chain_id: vm.chain_id.clone(),
            height,
            time,
            tx_index: 0,
            header: Default::default(),
        },
        tx: None,
        vm: vm.clone(),
        router: router.clone(),
        queries: &super::query_plugins::PLUGINS,
        simulate: true,
    });
    let mut instance = vm
        .instance(
            &exec,
            contract,
            &checksum,
            QUERY_GAS_LIMIT * GAS_MULTIPLIER,
            0,
        )
        .map_err(|e| QueryError::internal(format!("loading contract: {e}")))?;
    let result = call_query_raw(&mut instance, &exec.env(contract), msg);
    drop(instance);
    let bytes = match result {
        Ok(b) => b,
        Err(VmError::GasDepletion { .. }) => {
            return Err(QueryError::invalid(format!(
                "query ran out of gas (limit {QUERY_GAS_LIMIT}): query wasm contract failed"
            )))
        }
        Err(e) => {
            return Err(QueryError::invalid(format!(
                "{e}: query wasm contract failed"
            )))
        }
    };
    match cosmwasm_std::from_json::<ContractResult<Binary>>(&bytes) {
        Ok(ContractResult::Ok(data)) => Ok(data.to_vec()),
        Ok(ContractResult::Err(e)) => Err(QueryError::invalid(format!(
            "{e}: query wasm contract failed"
        ))),
        Err(e) => Err(QueryError::internal(format!(
            "contract returned an invalid response: {e}"
        ))),
    }
}
