//! Accounts: number, sequence and public key of every address, as `BaseAccount`.

use cosmos_sdk_proto::cosmos::auth::v1beta1 as authv1;
use cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey as Secp256k1PubKey;
use prost::Message;

use super::{decode_any, to_any, Module};
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse;

use crate::address::{Address, BECH32_PREFIX};
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::query::{decode_request, QueryCtx, QueryError};
use crate::store::Substore;

const NEXT_ACCOUNT_NUMBER: &[u8] = &[0x00];
const ACCOUNT_PREFIX: u8 = 0x01;

/// Ceiling on memo length, in characters (the SDK's default `MaxMemoCharacters`).
pub const MAX_MEMO_CHARS: usize = 256;
/// Ceiling on signatures per transaction (the SDK's default `TxSigLimit`).
pub const TX_SIG_LIMIT: usize = 7;

fn account_key(addr: &Address) -> Vec<u8> {
    let mut k = vec![ACCOUNT_PREFIX];
    k.extend_from_slice(addr.as_bytes());
    k
}

/// An account as stored; the public key is set by its first signed transaction.
#[derive(Clone, Debug, PartialEq)]
pub struct Account {
    pub address: Address,
    pub pub_key: Option<Vec<u8>>,
    pub number: u64,
    pub sequence: u64,
}

impl Account {
    pub fn to_proto(&self) -> authv1::BaseAccount {
        authv1::BaseAccount {
            address: self.address.to_bech32(),
            pub_key: self
                .pub_key
                .as_ref()
                .map(|k| to_any(&Secp256k1PubKey { key: k.clone() })),
            account_number: self.number,
            sequence: self.sequence,
        }
    }

    fn decode(bytes: &[u8]) -> Result<Self, String> {
        let base = authv1::BaseAccount::decode(bytes).map_err(|e| e.to_string())?;
        let address: Address = base.address.parse().map_err(|e| format!("{e}"))?;
        let pub_key = match base.pub_key {
            Some(any) => Some(
                decode_any::<Secp256k1PubKey>(&any)
                    .map_err(|e| e.to_string())?
                    .key,
            ),
            None => None,
        };
        Ok(Account {
            address,
            pub_key,
            number: base.account_number,
            sequence: base.sequence,
        })
    }
}

pub fn get_account(ctx: &mut Ctx, addr: &Address) -> Result<Option<Account>, TxError> {
    match ctx.get(Substore::Acc, &account_key(addr))? {
        Some(bytes) => Account::decode(&bytes)
            .map(Some)
            .map_err(|e| TxError::internal(format!("stored account {addr}: {e}"))),
        None => Ok(None),
    }
}

pub fn set_account(ctx: &mut Ctx, account: &Account) -> Result<(), TxError> {
    ctx.set(
        Substore::Acc,
        &account_key(&account.address),
        account.to_proto().encode_to_vec(),
    )
}

/// The account at `addr`, created with the next account number if it doesn't exist yet
/// (receiving coins creates an account, as in the SDK).
pub fn ensure_account(ctx: &mut Ctx, addr: &Address) -> Result<Account, TxError> {
    if let Some(a) = get_account(ctx, addr)? {
        return Ok(a);
    }
    let number = match ctx.get(Substore::Acc, NEXT_ACCOUNT_NUMBER)? {
        Some(b) => u64::from_be_bytes(
            b.try_into()
                .map_err(|_| TxError::internal("corrupt account counter"))?,
        ),
        None => 0,
    };
    ctx.set(
        Substore::Acc,
        NEXT_ACCOUNT_NUMBER,
        (number + 1).to_be_bytes().to_vec(),
    )?;
    let account = Account {
        address: addr.clone(),
        pub_key: None,
        number,
        sequence: 0,
    };
    set_account(ctx, &account)?;
    Ok(account)
}

pub struct Auth;

impl Module for Auth {
    fn name(&self) -> &'static str {
        "auth"
    }

    fn query(&self, q: &QueryCtx, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, QueryError>> {
        let result = match path {
            "/cosmos.auth.v1beta1.Query/Account" => (|| {
                let req: authv1::QueryAccountRequest = decode_request(data)?;
                let addr: Address = req
                    .address
                    .parse()
                    .map_err(|e| QueryError::invalid(format!("invalid address: {e}")))?;
                let account = query_account(q, &addr)?
                    .ok_or_else(|| QueryError::not_found(format!("account {addr} not found")))?;
                Ok(authv1::QueryAccountResponse {
                    account: Some(to_any(&account.to_proto())),
                }
                .encode_to_vec())
            })(),
            "/cosmos.auth.v1beta1.Query/AccountInfo" => (|| {
                let req: authv1::QueryAccountInfoRequest = decode_request(data)?;
                let addr: Address = req
                    .address
                    .parse()
                    .map_err(|e| QueryError::invalid(format!("invalid address: {e}")))?;
                let account = query_account(q, &addr)?
                    .ok_or_else(|| QueryError::not_found(format!("account {addr} not found")))?;
                Ok(authv1::QueryAccountInfoResponse {
                    info: Some(account.to_proto()),
                }
                .encode_to_vec())
            })(),
            "/cosmos.auth.v1beta1.Query/Params" => Ok(authv1::QueryParamsResponse {
                params: Some(authv1::Params {
                    max_memo_characters: MAX_MEMO_CHARS as u64,
                    tx_sig_limit: TX_SIG_LIMIT as u64,
                    tx_size_cost_per_byte: crate::gas::TX_SIZE_PER_BYTE,
                    sig_verify_cost_ed25519: 590,
                    sig_verify_cost_secp256k1: crate::gas::SIG_VERIFY_SECP256K1,
                }),
            }
            .encode_to_vec()),
            "/cosmos.auth.v1beta1.Query/Accounts" => (|| {
                let req: authv1::QueryAccountsRequest = decode_request(data)?;
                let (entries, next_key) =
                    q.page(Substore::Acc, &[ACCOUNT_PREFIX], req.pagination.as_ref())?;
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
            })(),
            "/cosmos.auth.v1beta1.Query/AddressBytesToString" => (|| {
                let req: authv1::AddressBytesToStringRequest = decode_request(data)?;
                let addr = Address::from_bytes(req.address_bytes)
                    .map_err(|e| QueryError::invalid(format!("invalid address bytes: {e}")))?;
                Ok(authv1::AddressBytesToStringResponse {
                    address_string: addr.to_bech32(),
                }
                .encode_to_vec())
            })(),
            "/cosmos.auth.v1beta1.Query/AddressStringToBytes" => (|| {
                let req: authv1::AddressStringToBytesRequest = decode_request(data)?;
                let addr: Address = req
                    .address_string
                    .parse()
                    .map_err(|e| QueryError::invalid(format!("invalid address: {e}")))?;
                Ok(authv1::AddressStringToBytesResponse {
                    address_bytes: addr.as_bytes().to_vec(),
                }
                .encode_to_vec())
            })(),
            "/cosmos.auth.v1beta1.Query/Bech32Prefix" => Ok(authv1::Bech32PrefixResponse {
                bech32_prefix: BECH32_PREFIX.into(),
            }
            .encode_to_vec()),
            _ => return None,
        };
        Some(result)
    }
}

pub fn query_account(q: &QueryCtx, addr: &Address) -> Result<Option<Account>, QueryError> {
    match q.get(Substore::Acc, &account_key(addr))? {
        Some(bytes) => Account::decode(&bytes)
            .map(Some)
            .map_err(QueryError::internal),
        None => Ok(None),
    }
}
