//! The params module's errors, and which SDK error each is to clients.

use crate::address::Address;
use crate::error::{ModuleError, SdkError};

#[derive(Debug, thiserror::Error)]
pub enum ParamsError {
    #[error("{sender} is not the chain's authority {authority}; can not change params")]
    NotAuthority { sender: Address, authority: Address },
    #[error("this chain has no authority (genesis params.authority); can not change params")]
    NoAuthority,
    #[error("invalid authority address: {0}")]
    InvalidAuthority(String),
    #[error("params are required")]
    Missing,
    #[error("{0}")]
    Invalid(String),
}

impl ModuleError for ParamsError {
    fn sdk_error(&self) -> SdkError {
        match self {
            ParamsError::NotAuthority { .. } | ParamsError::NoAuthority => SdkError::Unauthorized,
            ParamsError::InvalidAuthority(_) => SdkError::InvalidAddress,
            ParamsError::Missing | ParamsError::Invalid(_) => SdkError::InvalidRequest,
        }
    }
}
