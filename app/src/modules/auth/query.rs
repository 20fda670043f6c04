//! `cosmos.auth.v1beta1.Query`, through the router.

use cosmos_sdk_proto::cosmos::auth::v1beta1 as authv1;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse;
use prost::Message;

use super::state::AuthRead;
use super::state_key as key;
use super::{Account, MAX_MEMO_CHARS, NAME, TX_SIG_LIMIT};
use crate::address::{Address, BECH32_PREFIX};
use crate::modules::to_any;
use crate::query::{decode_request, QueryError};
use crate::router::{Askers, Routes, StateQuery};
use crate::state::{StateRead, StateReadExt};

type Answer = Result<Vec<u8>, QueryError>;

pub fn register(routes: &mut Routes) {
    use Askers::*;
    let methods: &[(&str, Askers, StateQuery)] = &[
        ("Account", ClientsAndContracts, account),
        ("AccountInfo", ClientsAndContracts, account_info),
        ("Params", ClientsAndContracts, params),
        ("Accounts", Clients, accounts),
        (
            "AddressBytesToString",
            ClientsAndContracts,
            address_bytes_to_string,
        ),
        (
            "AddressStringToBytes",
            ClientsAndContracts,
            address_string_to_bytes,
        ),
        ("Bech32Prefix", ClientsAndContracts, bech32_prefix),
    ];
    routes.state_queries(NAME, "cosmos.auth.v1beta1.Query", methods);
}

fn parse(s: &str) -> Result<Address, QueryError> {
    s.parse()
        .map_err(|e| QueryError::invalid(format!("invalid address: {e}")))
}

fn existing(q: &mut dyn StateRead, address: &str) -> Result<Account, QueryError> {
    let addr = parse(address)?;
    q.account(&addr)?
        .ok_or_else(|| QueryError::not_found(format!("account {addr} not found")))
}

fn account(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: authv1::QueryAccountRequest = decode_request(data)?;
    let account = existing(q, &req.address)?;
    Ok(authv1::QueryAccountResponse {
        account: Some(to_any(&account.to_proto())),
    }
    .encode_to_vec())
}

fn account_info(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: authv1::QueryAccountInfoRequest = decode_request(data)?;
    let account = existing(q, &req.address)?;
    Ok(authv1::QueryAccountInfoResponse {
        info: Some(account.to_proto()),
    }
    .encode_to_vec())
}

fn params(_: &mut dyn StateRead, _: &[u8]) -> Answer {
    Ok(authv1::QueryParamsResponse {
        params: Some(authv1::Params {
            max_memo_characters: MAX_MEMO_CHARS as u64,
            tx_sig_limit: TX_SIG_LIMIT as u64,
            tx_size_cost_per_byte: crate::gas::TX_SIZE_PER_BYTE,
            sig_verify_cost_ed25519: 590,
            sig_verify_cost_secp256k1: crate::gas::SIG_VERIFY_SECP256K1,
        }),
    }
    .encode_to_vec())
}

fn accounts(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: authv1::QueryAccountsRequest = decode_request(data)?;
    let (entries, next_key) = q.page(&key::accounts(), req.pagination.as_ref())?;
    let accounts = entries
        .into_iter()
        .map(|(_, v)| {
            Account::decode(&v)
                .map(|a| to_any(&a.to_proto()))
                .map_err(QueryError::internal)
        })
        .collect::<Result<_, _>>()?;
    Ok(authv1::QueryAccountsResponse {
        accounts,
        pagination: Some(PageResponse { next_key, total: 0 }),
    }
    .encode_to_vec())
}

fn address_bytes_to_string(_: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: authv1::AddressBytesToStringRequest = decode_request(data)?;
    let addr = Address::from_bytes(req.address_bytes)
        .map_err(|e| QueryError::invalid(format!("invalid address bytes: {e}")))?;
    Ok(authv1::AddressBytesToStringResponse {
        address_string: addr.to_bech32(),
    }
    .encode_to_vec())
}

fn address_string_to_bytes(_: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: authv1::AddressStringToBytesRequest = decode_request(data)?;
    let addr = parse(&req.address_string)?;
    Ok(authv1::AddressStringToBytesResponse {
        address_bytes: addr.as_bytes().to_vec(),
    }
    .encode_to_vec())
}

fn bech32_prefix(_: &mut dyn StateRead, _: &[u8]) -> Answer {
    Ok(authv1::Bech32PrefixResponse {
        bech32_prefix: BECH32_PREFIX.into(),
    }
    .encode_to_vec())
}
