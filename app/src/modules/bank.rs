//! Balances, transfers and total supply (`cosmos.bank.v1beta1`).

use cosmos_sdk_proto::cosmos::bank::v1beta1 as bankv1;
use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageResponse;
use prost::Message;
use tendermint_proto::google::protobuf::Any;

use super::{auth, decode_any, to_any, type_url, Module};
use crate::address::Address;
use crate::coins::{Coin, Coins};
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::genesis::Genesis;
use crate::query::{decode_request, QueryCtx, QueryError};
use crate::store::Substore;

const SUPPLY_PREFIX: u8 = 0x00;
const BALANCE_PREFIX: u8 = 0x02;

/// Module account that collects transaction fees.
pub const FEE_COLLECTOR: &str = "fee_collector";

fn balances_prefix(addr: &Address) -> Vec<u8> {
    let mut k = vec![BALANCE_PREFIX, addr.as_bytes().len() as u8];
    k.extend_from_slice(addr.as_bytes());
    k
}

fn balance_key(addr: &Address, denom: &str) -> Vec<u8> {
    let mut k = balances_prefix(addr);
    k.extend_from_slice(denom.as_bytes());
    k
}

fn supply_key(denom: &str) -> Vec<u8> {
    let mut k = vec![SUPPLY_PREFIX];
    k.extend_from_slice(denom.as_bytes());
    k
}

fn decode_amount(bytes: &[u8]) -> Result<u128, String> {
    Ok(u128::from_be_bytes(
        bytes
            .try_into()
            .map_err(|_| "stored amount is not 16 bytes")?,
    ))
}

pub fn balance(ctx: &mut Ctx, addr: &Address, denom: &str) -> Result<u128, TxError> {
    match ctx.get(Substore::Bank, &balance_key(addr, denom))? {
        Some(b) => decode_amount(&b).map_err(TxError::internal),
        None => Ok(0),
    }
}

fn set_balance(ctx: &mut Ctx, addr: &Address, denom: &str, amount: u128) -> Result<(), TxError> {
    let key = balance_key(addr, denom);
    if amount == 0 {
        ctx.delete(Substore::Bank, &key)
    } else {
        ctx.set(Substore::Bank, &key, amount.to_be_bytes().to_vec())
    }
}

/// Moves `coins` from `from` to `to`, creating the recipient's account if needed.
pub fn send(ctx: &mut Ctx, from: &Address, to: &Address, coins: &Coins) -> Result<(), TxError> {
    subtract(ctx, from, coins)?;
    add(ctx, to, coins)?;
    ctx.emit(
        "transfer",
        &[
            ("recipient", to.to_bech32()),
            ("sender", from.to_bech32()),
            ("amount", coins.to_string()),
        ],
    );
    Ok(())
}

fn subtract(ctx: &mut Ctx, from: &Address, coins: &Coins) -> Result<(), TxError> {
    for coin in &coins.0 {
        let have = balance(ctx, from, &coin.denom)?;
        let left = have.checked_sub(coin.amount).ok_or_else(|| {
            TxError::insufficient_funds(format!(
                "spendable balance {} is smaller than {coin}",
                Coin::new(&coin.denom, have)
            ))
        })?;
        set_balance(ctx, from, &coin.denom, left)?;
    }
    ctx.emit(
        "coin_spent",
        &[("spender", from.to_bech32()), ("amount", coins.to_string())],
    );
    Ok(())
}

fn add(ctx: &mut Ctx, to: &Address, coins: &Coins) -> Result<(), TxError> {
    auth::ensure_account(ctx, to)?;
    for coin in &coins.0 {
        let have = balance(ctx, to, &coin.denom)?;
        let new = have
            .checked_add(coin.amount)
            .ok_or_else(|| TxError::invalid_coins("balance overflow"))?;
        set_balance(ctx, to, &coin.denom, new)?;
    }
    ctx.emit(
        "coin_received",
        &[("receiver", to.to_bech32()), ("amount", coins.to_string())],
    );
    Ok(())
}

/// Creates new coins (genesis only, for now) and credits them to `to`.
fn mint(ctx: &mut Ctx, to: &Address, coins: &Coins) -> Result<(), TxError> {
    for coin in &coins.0 {
        let supply = supply_of(ctx, &coin.denom)?;
        let new = supply
            .checked_add(coin.amount)
            .ok_or_else(|| TxError::invalid_coins("supply overflow"))?;
        ctx.set(
            Substore::Bank,
            &supply_key(&coin.denom),
            new.to_be_bytes().to_vec(),
        )?;
    }
    add(ctx, to, coins)
}

/// Destroys `coins` held by `from`: its balance and the total supply drop together (the
/// SDK's `BurnCoins`, as wasmd runs it for a contract's `BankMsg::Burn`).
pub fn burn(ctx: &mut Ctx, from: &Address, coins: &Coins) -> Result<(), TxError> {
    subtract(ctx, from, coins)?;
    for coin in &coins.0 {
        let supply = supply_of(ctx, &coin.denom)?;
        let left = supply
            .checked_sub(coin.amount)
            .ok_or_else(|| TxError::internal(format!("burning {coin} exceeds its supply")))?;
        ctx.set(
            Substore::Bank,
            &supply_key(&coin.denom),
            left.to_be_bytes().to_vec(),
        )?;
    }
    ctx.emit(
        "burn",
        &[("burner", from.to_bech32()), ("amount", coins.to_string())],
    );
    Ok(())
}

pub fn supply_of(ctx: &mut Ctx, denom: &str) -> Result<u128, TxError> {
    match ctx.get(Substore::Bank, &supply_key(denom))? {
        Some(b) => decode_amount(&b).map_err(TxError::internal),
        None => Ok(0),
    }
}

/// Addresses that must not receive coins by `MsgSend` (module accounts), as in the SDK.
fn is_blocked(addr: &Address) -> bool {
    *addr == Address::module(FEE_COLLECTOR)
}

fn parse_addr(s: &str, what: &str) -> Result<Address, TxError> {
    s.parse()
        .map_err(|e| TxError::invalid_address(format!("invalid {what} address: {e}")))
}

fn nonempty(coins: &[cosmos_sdk_proto::cosmos::base::v1beta1::Coin]) -> Result<Coins, TxError> {
    let coins = Coins::from_proto(coins)?;
    if coins.is_empty() {
        return Err(TxError::invalid_coins("empty coins"));
    }
    Ok(coins)
}

pub struct Bank;

impl Module for Bank {
    fn name(&self) -> &'static str {
        "bank"
    }

    fn init_genesis(&self, ctx: &mut Ctx, genesis: &Genesis) -> Result<(), TxError> {
        auth::ensure_account(ctx, &Address::module(FEE_COLLECTOR))?;
        for b in &genesis.bank.balances {
            let addr = parse_addr(&b.address, "genesis")?;
            let coins = Coins::parse(&b.coins)?;
            mint(ctx, &addr, &coins)?;
        }
        Ok(())
    }

    fn handles(&self, url: &str) -> bool {
        url == type_url::<bankv1::MsgSend>() || url == type_url::<bankv1::MsgMultiSend>()
    }

    fn check_msg(&self, msg: &Any) -> Result<Vec<Address>, TxError> {
        if msg.type_url == type_url::<bankv1::MsgSend>() {
            let m: bankv1::MsgSend = decode_any(msg)?;
            let from = parse_addr(&m.from_address, "sender")?;
            parse_addr(&m.to_address, "recipient")?;
            nonempty(&m.amount)?;
            Ok(vec![from])
        } else {
            let m: bankv1::MsgMultiSend = decode_any(msg)?;
            // The SDK allows exactly one input since v0.47.
            let [input] = m.inputs.as_slice() else {
                return Err(TxError::invalid_request(
                    "multi-send must have exactly one input",
                ));
            };
            if m.outputs.is_empty() {
                return Err(TxError::invalid_request("no outputs to send"));
            }
            let from = parse_addr(&input.address, "input")?;
            let total_in = nonempty(&input.coins)?;
            let mut total_out: std::collections::BTreeMap<String, u128> = Default::default();
            for o in &m.outputs {
                parse_addr(&o.address, "output")?;
                for c in nonempty(&o.coins)?.0 {
                    let e = total_out.entry(c.denom).or_default();
                    *e = e
                        .checked_add(c.amount)
                        .ok_or_else(|| TxError::invalid_coins("overflow"))?;
                }
            }
            let out: Vec<Coin> = total_out
                .into_iter()
                .map(|(denom, amount)| Coin { denom, amount })
                .collect();
            if out != total_in.0 {
                return Err(TxError::invalid_coins("sum inputs != sum outputs"));
            }
            Ok(vec![from])
        }
    }

    fn deliver_msg(&self, ctx: &mut Ctx, msg: &Any) -> Result<Any, TxError> {
        if msg.type_url == type_url::<bankv1::MsgSend>() {
            let m: bankv1::MsgSend = decode_any(msg)?;
            let from = parse_addr(&m.from_address, "sender")?;
            let to = parse_addr(&m.to_address, "recipient")?;
            if is_blocked(&to) {
                return Err(TxError::unauthorized(format!(
                    "{to} is not allowed to receive funds"
                )));
            }
            send(ctx, &from, &to, &Coins::from_proto(&m.amount)?)?;
            ctx.emit("message", &[("sender", from.to_bech32())]);
            Ok(to_any(&bankv1::MsgSendResponse {}))
        } else {
            let m: bankv1::MsgMultiSend = decode_any(msg)?;
            let input = &m.inputs[0];
            let from = parse_addr(&input.address, "input")?;
            subtract(ctx, &from, &Coins::from_proto(&input.coins)?)?;
            ctx.emit("message", &[("sender", from.to_bech32())]);
            for o in &m.outputs {
                let to = parse_addr(&o.address, "output")?;
                if is_blocked(&to) {
                    return Err(TxError::unauthorized(format!(
                        "{to} is not allowed to receive funds"
                    )));
                }
                let coins = Coins::from_proto(&o.coins)?;
                add(ctx, &to, &coins)?;
                ctx.emit(
                    "transfer",
                    &[("recipient", to.to_bech32()), ("amount", coins.to_string())],
                );
            }
            Ok(to_any(&bankv1::MsgMultiSendResponse {}))
        }
    }

    fn query(&self, q: &QueryCtx, path: &str, data: &[u8]) -> Option<Result<Vec<u8>, QueryError>> {
        let result = match path {
            // Nothing is locked on this chain (no vesting), so spendable = balance; both
            // requests and answers share field numbers.
            "/cosmos.bank.v1beta1.Query/Balance"
            | "/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom" => (|| {
                let req: bankv1::QueryBalanceRequest = decode_request(data)?;
                let addr = query_addr(&req.address)?;
                crate::coins::validate_denom(&req.denom).map_err(|e| QueryError::invalid(e.log))?;
                let amount = match q.get(Substore::Bank, &balance_key(&addr, &req.denom))? {
                    Some(b) => decode_amount(&b).map_err(QueryError::internal)?,
                    None => 0,
                };
                Ok(bankv1::QueryBalanceResponse {
                    balance: Some(Coin::new(&req.denom, amount).to_proto()),
                }
                .encode_to_vec())
            })(),
            "/cosmos.bank.v1beta1.Query/AllBalances"
            | "/cosmos.bank.v1beta1.Query/SpendableBalances" => (|| {
                // Both requests share field numbers for address and pagination.
                let req: bankv1::QueryAllBalancesRequest = decode_request(data)?;
                let addr = query_addr(&req.address)?;
                let (entries, next) = q.page(
                    Substore::Bank,
                    &balances_prefix(&addr),
                    req.pagination.as_ref(),
                )?;
                let balances = entries
                    .into_iter()
                    .map(|(k, v)| {
                        let denom =
                            String::from_utf8(k).map_err(|_| QueryError::internal("denom"))?;
                        let amount = decode_amount(&v).map_err(QueryError::internal)?;
                        Ok(Coin { denom, amount }.to_proto())
                    })
                    .collect::<Result<Vec<_>, QueryError>>()?;
                let pagination = Some(PageResponse {
                    next_key: next,
                    total: 0,
                });
                Ok(if path.ends_with("SpendableBalances") {
                    bankv1::QuerySpendableBalancesResponse {
                        balances,
                        pagination,
                    }
                    .encode_to_vec()
                } else {
                    bankv1::QueryAllBalancesResponse {
                        balances,
                        pagination,
                    }
                    .encode_to_vec()
                })
            })(),
            "/cosmos.bank.v1beta1.Query/TotalSupply" => (|| {
                let req: bankv1::QueryTotalSupplyRequest = decode_request(data)?;
                let (entries, next) =
                    q.page(Substore::Bank, &[SUPPLY_PREFIX], req.pagination.as_ref())?;
                let supply = entries
                    .into_iter()
                    .map(|(k, v)| {
                        let denom =
                            String::from_utf8(k).map_err(|_| QueryError::internal("denom"))?;
                        let amount = decode_amount(&v).map_err(QueryError::internal)?;
                        Ok(Coin { denom, amount }.to_proto())
                    })
                    .collect::<Result<Vec<_>, QueryError>>()?;
                Ok(bankv1::QueryTotalSupplyResponse {
                    supply,
                    pagination: Some(PageResponse {
                        next_key: next,
                        total: 0,
                    }),
                }
                .encode_to_vec())
            })(),
            "/cosmos.bank.v1beta1.Query/SupplyOf" => (|| {
                let req: bankv1::QuerySupplyOfRequest = decode_request(data)?;
                let amount = match q.get(Substore::Bank, &supply_key(&req.denom))? {
                    Some(b) => decode_amount(&b).map_err(QueryError::internal)?,
                    None => 0,
                };
                Ok(bankv1::QuerySupplyOfResponse {
                    amount: Some(Coin::new(&req.denom, amount).to_proto()),
                }
                .encode_to_vec())
            })(),
            // No denom has its own send setting; `Params.default_send_enabled` holds for all.
            "/cosmos.bank.v1beta1.Query/SendEnabled" => (|| {
                let _: bankv1::QuerySendEnabledRequest = decode_request(data)?;
                Ok(bankv1::QuerySendEnabledResponse {
                    send_enabled: vec![],
                    pagination: None,
                }
                .encode_to_vec())
            })(),
            #[allow(deprecated)]
            "/cosmos.bank.v1beta1.Query/Params" => Ok(bankv1::QueryParamsResponse {
                params: Some(bankv1::Params {
                    send_enabled: vec![],
                    default_send_enabled: true,
                }),
            }
            .encode_to_vec()),
            _ => return None,
        };
        Some(result)
    }
}

fn query_addr(s: &str) -> Result<Address, QueryError> {
    s.parse()
        .map_err(|e| QueryError::invalid(format!("invalid address: {e}")))
}
