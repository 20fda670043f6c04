//! `cosmos.bank.v1beta1.Query`, through the router for clients and contracts alike.

use cosmos_sdk_proto::cosmos::bank::v1beta1 as bankv1;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse;
use prost::Message;

use super::state::{coins_of, BankRead};
use super::state_key as key;
use super::NAME;
use crate::address::Address;
use crate::coins::{Coin, NATIVE_DENOM};
use crate::query::{decode_request, QueryError};
use crate::router::{Askers, Routes, StateQuery};
use crate::state::{StateRead, StateReadExt};

type Answer = Result<Vec<u8>, QueryError>;

pub fn register(routes: &mut Routes) {
    use Askers::*;
    let methods: &[(&str, Askers, StateQuery)] = &[
        // Nothing is locked on this chain (no vesting), so spendable = balance; requests and
        // answers share field numbers.
        ("Balance", ClientsAndContracts, balance),
        ("SpendableBalanceByDenom", ClientsAndContracts, balance),
        ("AllBalances", Clients, all_balances),
        ("SpendableBalances", Clients, spendable_balances),
        ("TotalSupply", Clients, total_supply),
        ("SupplyOf", ClientsAndContracts, supply_of),
        ("SendEnabled", ClientsAndContracts, send_enabled),
        ("Params", ClientsAndContracts, params),
        ("DenomMetadata", ClientsAndContracts, denom_metadata),
        ("DenomsMetadata", ClientsAndContracts, denoms_metadata),
    ];
    routes.state_queries(NAME, "cosmos.bank.v1beta1.Query", methods);
}

fn query_addr(s: &str) -> Result<Address, QueryError> {
    s.parse()
        .map_err(|e| QueryError::invalid(format!("invalid address: {e}")))
}

fn pagination(next_key: Vec<u8>) -> Option<PageResponse> {
    Some(PageResponse { next_key, total: 0 })
}

fn balance(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: bankv1::QueryBalanceRequest = decode_request(data)?;
    let addr = query_addr(&req.address)?;
    crate::coins::validate_denom(&req.denom).map_err(|e| QueryError::invalid(e.log))?;
    let amount = q.balance(&addr, &req.denom)?;
    Ok(bankv1::QueryBalanceResponse {
        balance: Some(Coin::new(&req.denom, amount).to_proto()),
    }
    .encode_to_vec())
}

/// Both requests share field numbers for address and pagination.
fn balances_page(q: &mut dyn StateRead, data: &[u8]) -> Result<(Vec<Coin>, Vec<u8>), QueryError> {
    let req: bankv1::QueryAllBalancesRequest = decode_request(data)?;
    let addr = query_addr(&req.address)?;
    let (entries, next) = q.page(&key::balances(&addr), req.pagination.as_ref())?;
    Ok((coins_of(entries)?, next))
}

fn all_balances(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let (coins, next) = balances_page(q, data)?;
    Ok(bankv1::QueryAllBalancesResponse {
        balances: coins.iter().map(Coin::to_proto).collect(),
        pagination: pagination(next),
    }
    .encode_to_vec())
}

fn spendable_balances(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let (coins, next) = balances_page(q, data)?;
    Ok(bankv1::QuerySpendableBalancesResponse {
        balances: coins.iter().map(Coin::to_proto).collect(),
        pagination: pagination(next),
    }
    .encode_to_vec())
}

fn total_supply(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: bankv1::QueryTotalSupplyRequest = decode_request(data)?;
    let (entries, next) = q.page(&key::supplies(), req.pagination.as_ref())?;
    Ok(bankv1::QueryTotalSupplyResponse {
        supply: coins_of(entries)?.iter().map(Coin::to_proto).collect(),
        pagination: pagination(next),
    }
    .encode_to_vec())
}

fn supply_of(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: bankv1::QuerySupplyOfRequest = decode_request(data)?;
    let amount = q.supply_of(&req.denom)?;
    Ok(bankv1::QuerySupplyOfResponse {
        amount: Some(Coin::new(&req.denom, amount).to_proto()),
    }
    .encode_to_vec())
}

/// No denom has its own send setting; `Params.default_send_enabled` holds for all.
fn send_enabled(_: &mut dyn StateRead, data: &[u8]) -> Answer {
    let _: bankv1::QuerySendEnabledRequest = decode_request(data)?;
    Ok(bankv1::QuerySendEnabledResponse {
        send_enabled: vec![],
        pagination: None,
    }
    .encode_to_vec())
}

#[allow(deprecated)]
fn params(_: &mut dyn StateRead, _: &[u8]) -> Answer {
    Ok(bankv1::QueryParamsResponse {
        params: Some(bankv1::Params {
            send_enabled: vec![],
            default_send_enabled: true,
        }),
    }
    .encode_to_vec())
}

/// The metadata of `denom`: the chain knows its native token's (SPEC, 6 decimals).
pub fn metadata(denom: &str) -> Option<bankv1::Metadata> {
    (denom == NATIVE_DENOM).then(|| bankv1::Metadata {
        description: "The staking and fee token of InferChain.".into(),
        denom_units: vec![
            bankv1::DenomUnit {
                denom: NATIVE_DENOM.into(),
                exponent: 0,
                aliases: vec!["microspec".into()],
            },
            bankv1::DenomUnit {
                denom: "spec".into(),
                exponent: 6,
                aliases: vec![],
            },
        ],
        base: NATIVE_DENOM.into(),
        display: "spec".into(),
        name: "SPEC".into(),
        symbol: "SPEC".into(),
        uri: String::new(),
        uri_hash: String::new(),
    })
}

fn denom_metadata(_: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: bankv1::QueryDenomMetadataRequest = decode_request(data)?;
    let metadata = metadata(&req.denom).ok_or_else(|| {
        QueryError::not_found(format!(
            "client metadata for denom {}: not found",
            req.denom
        ))
    })?;
    Ok(bankv1::QueryDenomMetadataResponse {
        metadata: Some(metadata),
    }
    .encode_to_vec())
}

fn denoms_metadata(_: &mut dyn StateRead, data: &[u8]) -> Answer {
    let _: bankv1::QueryDenomsMetadataRequest = decode_request(data)?;
    Ok(bankv1::QueryDenomsMetadataResponse {
        metadatas: metadata(NATIVE_DENOM).into_iter().collect(),
        pagination: pagination(vec![]),
    }
    .encode_to_vec())
}
