//! `inferchain.validators.v1.Query`: params and the current set, for clients and contracts.

use inferchain_proto::inferchain::validators::v1 as pb;
use prost::Message;

use super::state::ValidatorsRead;
use super::NAME;
use crate::query::{decode_request, QueryError};
use crate::router::{Askers, Routes, StateQuery};
use crate::state::StateRead;

const SERVICE: &str = "inferchain.validators.v1.Query";
/// The SDK's staking query service, which relayers and wallets ask for the unbonding time
/// (Hermes refuses a client whose trusting period is not below it). Staking is a contract
/// here; its answer comes from the staking contract's config and this module's params.
const SDK_STAKING: &str = "cosmos.staking.v1beta1.Query";
/// `historical_entries`: how many recent heights' headers a counterparty may ask this chain
/// about — the store keeps every version within `--pruning-keep-recent`, far more than this.
pub const HISTORICAL_ENTRIES: u32 = 10_000;

pub fn register(routes: &mut Routes) {
    let methods: &[(&str, Askers, StateQuery)] = &[
        ("Params", Askers::ClientsAndContracts, params),
        ("ValidatorSet", Askers::ClientsAndContracts, validator_set),
    ];
    routes.state_queries(NAME, SERVICE, methods);
    let sdk: &[(&str, Askers, StateQuery)] = &[(
        "Params",
        Askers::ClientsAndContracts,
        sdk_staking_params_query,
    )];
    routes.state_queries(NAME, SDK_STAKING, sdk);
}

/// The staking contract's params (its `Item` "params") that the SDK's params carry.
#[derive(serde::Deserialize)]
struct ContractStakingParams {
    unbonding_period: u64,
    max_unbonding_entries: u32,
}

fn sdk_staking_params_query(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let _: cosmos_sdk_proto::cosmos::staking::v1beta1::QueryParamsRequest = decode_request(data)?;
    Ok(
        cosmos_sdk_proto::cosmos::staking::v1beta1::QueryParamsResponse {
            params: Some(sdk_staking_params(q)?),
        }
        .encode_to_vec(),
    )
}

/// The SDK's staking params of this chain: the staking contract's unbonding time and entry
/// limit, this module's validator cap. IBC's check of a counterparty's client of this chain
/// (`validate_self_client`) reads the unbonding time here too, so both agree.
pub fn sdk_staking_params(
    q: &mut dyn StateRead,
) -> Result<cosmos_sdk_proto::cosmos::staking::v1beta1::Params, QueryError> {
    use cosmos_sdk_proto::cosmos::staking::v1beta1 as staking;
    let p = q.validators_params()?;
    if p.staking_contract.is_empty() {
        return Err(QueryError::not_found(
            "no staking contract is configured (inferchain.validators.v1 params)",
        ));
    }
    let contract = p
        .staking_contract
        .parse()
        .map_err(|e| QueryError::internal(format!("params.staking_contract: {e}")))?;
    let raw = crate::modules::wasm::contract_raw(q, &contract, b"params")?.ok_or_else(|| {
        QueryError::not_found(format!(
            "the staking contract {} has no params (not instantiated yet)",
            p.staking_contract
        ))
    })?;
    let config: ContractStakingParams = serde_json::from_slice(&raw)
        .map_err(|e| QueryError::internal(format!("the staking contract's params: {e}")))?;
    Ok(staking::Params {
        unbonding_time: Some(tendermint_proto::google::protobuf::Duration {
            seconds: config.unbonding_period.min(i64::MAX as u64) as i64,
            nanos: 0,
        }),
        max_validators: p.max_validators,
        max_entries: config.max_unbonding_entries,
        historical_entries: HISTORICAL_ENTRIES,
        bond_denom: crate::coins::NATIVE_DENOM.into(),
        min_commission_rate: "0.000000000000000000".into(),
    })
}

fn params(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let _: pb::QueryParamsRequest = decode_request(data)?;
    Ok(pb::QueryParamsResponse {
        params: Some(q.validators_params()?),
    }
    .encode_to_vec())
}

fn validator_set(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let _: pb::QueryValidatorSetRequest = decode_request(data)?;
    let mut validators = q.validator_set()?;
    validators.sort_by(|a, b| b.power.cmp(&a.power).then_with(|| a.pubkey.cmp(&b.pubkey)));
    let total_power = validators.iter().map(|v| v.power).sum();
    Ok(pb::QueryValidatorSetResponse {
        validators,
        total_power,
    }
    .encode_to_vec())
}
