//! Accounts: number, sequence and public key of every address, as `BaseAccount`
//! (`cosmos.auth.v1beta1`). The ante step (`crate::ante`) reads and bumps them.

use cosmos_sdk_proto::cosmos::auth::v1beta1 as authv1;
use cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey as Secp256k1PubKey;
use prost::Message;

use super::{decode_any, to_any, Module};
use crate::address::Address;
use crate::router::Routes;

mod query;
mod state;
mod state_key;

pub use state::{AuthRead, AuthWrite};

pub const NAME: &str = "auth";

/// Ceiling on memo length, in characters (the SDK's default `MaxMemoCharacters`).
pub const MAX_MEMO_CHARS: usize = 256;
/// Ceiling on signatures per transaction (the SDK's default `TxSigLimit`).
pub const TX_SIG_LIMIT: usize = 7;

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

    pub(crate) fn decode(bytes: &[u8]) -> Result<Self, String> {
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

pub struct Auth;

impl Module for Auth {
    fn name(&self) -> &'static str {
        NAME
    }

    fn register(&self, routes: &mut Routes) {
        query::register(routes);
    }
}
