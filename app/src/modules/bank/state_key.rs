//! The bank substore's layout (the SDK's `x/bank` prefixes): supply by denom, balances by
//! length-prefixed address then denom. Full state keys; only this module builds them.

use crate::address::Address;
use crate::store::Substore;

const SUPPLY: u8 = 0x00;
const BALANCE: u8 = 0x02;

/// Prefix of every balance of `addr` (the suffix after it is the denom).
pub fn balances(addr: &Address) -> Vec<u8> {
    let mut k = vec![Substore::Bank.id(), BALANCE, addr.as_bytes().len() as u8];
    k.extend_from_slice(addr.as_bytes());
    k
}

pub fn balance(addr: &Address, denom: &str) -> Vec<u8> {
    let mut k = balances(addr);
    k.extend_from_slice(denom.as_bytes());
    k
}

/// Prefix of every denom's supply (the suffix after it is the denom).
pub fn supplies() -> Vec<u8> {
    vec![Substore::Bank.id(), SUPPLY]
}

pub fn supply(denom: &str) -> Vec<u8> {
    let mut k = supplies();
    k.extend_from_slice(denom.as_bytes());
    k
}
