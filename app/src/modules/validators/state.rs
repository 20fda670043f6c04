//! Typed access to the validators module's state, for the hooks and queries alike.

use inferchain_proto::inferchain::validators::v1 as pb;

use super::state_key as key;
use crate::address::Address;
use crate::error::TxError;
use crate::state::{StateRead, StateReadExt, StateWrite, StateWriteExt};

/// Default params: no staking contract (the genesis set stays), 100 seats, 1 SPEC per unit
/// of power, 5 % slashed for a double sign.
pub fn default_params() -> pb::Params {
    pb::Params {
        staking_contract: String::new(),
        max_validators: 100,
        power_reduction: "1000000".into(),
        double_sign_slash_fraction: "0.05".into(),
    }
}

pub trait ValidatorsRead: StateRead {
    fn validators_params(&mut self) -> Result<pb::Params, TxError> {
        Ok(self
            .get_proto(&key::params())?
            .unwrap_or_else(default_params))
    }

    /// The current set, ordered by consensus public key.
    fn validator_set(&mut self) -> Result<Vec<pb::Validator>, TxError> {
        self.prefixed(&key::set(), None, usize::MAX)?
            .into_iter()
            .map(|(_, v)| {
                prost::Message::decode(v.as_slice())
                    .map_err(|e| TxError::internal(format!("corrupt validator record: {e}")))
            })
            .collect()
    }

    /// The last record of the validator with CometBFT address `address`, if it was ever in
    /// the set with an operator.
    fn validator_by_address(&mut self, address: &[u8]) -> Result<Option<pb::Validator>, TxError> {
        self.get_proto(&key::by_address(address))
    }

    fn is_jailed(&mut self, address: &[u8], operator: Option<&Address>) -> Result<bool, TxError> {
        if self.get_raw(&key::jailed_address(address))?.is_some() {
            return Ok(true);
        }
        match operator {
            Some(op) => Ok(self.get_raw(&key::jailed_operator(op))?.is_some()),
            None => Ok(false),
        }
    }
}

impl<S: StateRead + ?Sized> ValidatorsRead for S {}

pub(super) trait ValidatorsWrite: StateWrite {
    fn put_validators_params(&mut self, p: &pb::Params) -> Result<(), TxError> {
        self.put_proto(key::params(), p)
    }

    /// Seats or re-weighs `v`, and remembers its operator by address.
    fn put_member(&mut self, v: &pb::Validator) -> Result<(), TxError> {
        self.put_proto(key::member(&v.pubkey), v)?;
        if !v.operator.is_empty() {
            self.put_proto(key::by_address(&v.address), v)?;
        }
        Ok(())
    }

    fn remove_member(&mut self, pubkey: &[u8]) -> Result<(), TxError> {
        self.delete_raw(key::member(pubkey))
    }

    fn jail(
        &mut self,
        address: &[u8],
        operator: Option<&Address>,
        height: i64,
    ) -> Result<(), TxError> {
        self.put_u64(key::jailed_address(address), height.max(0) as u64)?;
        if let Some(op) = operator {
            self.put_u64(key::jailed_operator(op), height.max(0) as u64)?;
        }
        Ok(())
    }
}

impl<S: StateWrite + ?Sized> ValidatorsWrite for S {}
