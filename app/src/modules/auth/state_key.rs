//! The accounts substore's layout: the next account number, and accounts by address.

use crate::address::Address;
use crate::store::Substore;

const NEXT_ACCOUNT_NUMBER: u8 = 0x00;
const ACCOUNT: u8 = 0x01;

pub fn next_account_number() -> Vec<u8> {
    vec![Substore::Acc.id(), NEXT_ACCOUNT_NUMBER]
}

/// Prefix of every account.
pub fn accounts() -> Vec<u8> {
    vec![Substore::Acc.id(), ACCOUNT]
}

pub fn account(addr: &Address) -> Vec<u8> {
    let mut k = accounts();
    k.extend_from_slice(addr.as_bytes());
    k
}
