//! Typed reads of balances and supply (for transactions, client and contract queries alike),
//! and the bank keeper: the only writers of balances and supply, for every module.

use super::error::BankError;
use super::state_key as key;
use crate::address::Address;
use crate::coins::{Coin, Coins};
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::auth::AuthWrite;
use crate::state::{StateRead, StateReadExt, StateWrite, StateWriteExt};

pub trait BankRead: StateRead {
    fn balance(&mut self, addr: &Address, denom: &str) -> Result<u128, TxError> {
        Ok(self.get_u128(&key::balance(addr, denom))?.unwrap_or(0))
    }

    fn supply_of(&mut self, denom: &str) -> Result<u128, TxError> {
        Ok(self.get_u128(&key::supply(denom))?.unwrap_or(0))
    }

    /// At most `limit` of `addr`'s balances, by denom.
    fn balances(&mut self, addr: &Address, limit: usize) -> Result<Vec<Coin>, TxError> {
        coins_of(self.prefixed(&key::balances(addr), None, limit)?)
    }
}

impl<S: StateRead + ?Sized> BankRead for S {}

/// Coins of `(denom suffix, amount)` entries read under a balances or supplies prefix.
pub fn coins_of(entries: Vec<(Vec<u8>, Vec<u8>)>) -> Result<Vec<Coin>, TxError> {
    entries
        .into_iter()
        .map(|(k, v)| {
            let denom = String::from_utf8(k).map_err(|_| TxError::internal("stored denom"))?;
            let amount = <[u8; 16]>::try_from(v.as_slice())
                .map(u128::from_be_bytes)
                .map_err(|_| TxError::internal("stored amount is not 16 bytes"))?;
            Ok(Coin { denom, amount })
        })
        .collect()
}

fn set_balance(ctx: &mut Ctx, addr: &Address, denom: &str, amount: u128) -> Result<(), TxError> {
    let k = key::balance(addr, denom);
    if amount == 0 {
        ctx.delete_raw(k)
    } else {
        ctx.put_u128(k, amount)
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

pub(super) fn subtract(ctx: &mut Ctx, from: &Address, coins: &Coins) -> Result<(), TxError> {
    for coin in &coins.0 {
        let have = ctx.balance(from, &coin.denom)?;
        let left = have
            .checked_sub(coin.amount)
            .ok_or_else(|| BankError::InsufficientFunds {
                have: Coin::new(&coin.denom, have),
                need: coin.clone(),
            })?;
        set_balance(ctx, from, &coin.denom, left)?;
    }
    ctx.emit(
        "coin_spent",
        &[("spender", from.to_bech32()), ("amount", coins.to_string())],
    );
    Ok(())
}

pub(super) fn add(ctx: &mut Ctx, to: &Address, coins: &Coins) -> Result<(), TxError> {
    ctx.ensure_account(to)?;
    for coin in &coins.0 {
        let have = ctx.balance(to, &coin.denom)?;
        let new = have
            .checked_add(coin.amount)
            .ok_or(BankError::Overflow("balance overflow"))?;
        set_balance(ctx, to, &coin.denom, new)?;
    }
    ctx.emit(
        "coin_received",
        &[("receiver", to.to_bech32()), ("amount", coins.to_string())],
    );
    Ok(())
}

/// Creates new coins (genesis only, for now) and credits them to `to`.
pub fn mint(ctx: &mut Ctx, to: &Address, coins: &Coins) -> Result<(), TxError> {
    for coin in &coins.0 {
        let new = ctx
            .supply_of(&coin.denom)?
            .checked_add(coin.amount)
            .ok_or(BankError::Overflow("supply overflow"))?;
        ctx.put_u128(key::supply(&coin.denom), new)?;
    }
    add(ctx, to, coins)
}

/// Destroys `coins` held by `from`: its balance and the total supply drop together (the
/// SDK's `BurnCoins`, as wasmd runs it for a contract's `BankMsg::Burn`).
pub fn burn(ctx: &mut Ctx, from: &Address, coins: &Coins) -> Result<(), TxError> {
    subtract(ctx, from, coins)?;
    for coin in &coins.0 {
        let left = ctx
            .supply_of(&coin.denom)?
            .checked_sub(coin.amount)
            .ok_or_else(|| BankError::BurnExceedsSupply(coin.clone()))?;
        ctx.put_u128(key::supply(&coin.denom), left)?;
    }
    ctx.emit(
        "burn",
        &[("burner", from.to_bech32()), ("amount", coins.to_string())],
    );
    Ok(())
}
