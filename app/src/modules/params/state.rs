//! Typed access to the chain's authority, for every module that lets governance act.

use super::state_key;
use crate::address::Address;
use crate::error::TxError;
use crate::state::{StateRead, StateWrite};

pub trait ParamsRead: StateRead {
    /// The address allowed to change params, pin codes and call `sudo`, if any.
    fn authority(&mut self) -> Result<Option<Address>, TxError> {
        let Some(bytes) = self.get_raw(&state_key::authority())? else {
            return Ok(None);
        };
        let text = String::from_utf8(bytes).map_err(|_| TxError::internal("stored authority"))?;
        text.parse()
            .map(Some)
            .map_err(|e| TxError::internal(format!("stored authority {text:?}: {e}")))
    }

    /// Whether `sender` is the chain's authority.
    fn is_authority(&mut self, sender: &Address) -> Result<bool, TxError> {
        Ok(self.authority()?.as_ref() == Some(sender))
    }
}

impl<S: StateRead + ?Sized> ParamsRead for S {}

pub(super) trait ParamsWrite: StateWrite {
    fn put_authority(&mut self, authority: &Address) -> Result<(), TxError> {
        self.put_raw(state_key::authority(), authority.to_bech32().into_bytes())
    }
}

impl<S: StateWrite + ?Sized> ParamsWrite for S {}
