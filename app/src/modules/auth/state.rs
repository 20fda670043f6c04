//! Typed access to accounts, for transactions (ante, bank) and queries alike.

use prost::Message;

use super::state_key as key;
use super::Account;
use crate::address::Address;
use crate::error::TxError;
use crate::state::{StateRead, StateReadExt, StateWrite, StateWriteExt};

pub trait AuthRead: StateRead {
    fn account(&mut self, addr: &Address) -> Result<Option<Account>, TxError> {
        match self.get_raw(&key::account(addr))? {
            Some(bytes) => Account::decode(&bytes)
                .map(Some)
                .map_err(|e| TxError::internal(format!("stored account {addr}: {e}"))),
            None => Ok(None),
        }
    }
}

impl<S: StateRead + ?Sized> AuthRead for S {}

pub trait AuthWrite: StateWrite {
    fn put_account(&mut self, account: &Account) -> Result<(), TxError> {
        self.put_raw(
            key::account(&account.address),
            account.to_proto().encode_to_vec(),
        )
    }

    /// The account at `addr`, created with the next account number if it doesn't exist yet
    /// (receiving coins creates an account, as in the SDK).
    fn ensure_account(&mut self, addr: &Address) -> Result<Account, TxError> {
        if let Some(a) = self.account(addr)? {
            return Ok(a);
        }
        let number = self.get_u64(&key::next_account_number())?.unwrap_or(0);
        self.put_u64(key::next_account_number(), number + 1)?;
        let account = Account {
            address: addr.clone(),
            pub_key: None,
            number,
            sequence: 0,
        };
        self.put_account(&account)?;
        Ok(account)
    }
}

impl<S: StateWrite + ?Sized> AuthWrite for S {}
