//! The bank's errors, and which SDK error each is to clients (the bank's codes are the SDK's
//! root codes, as in `x/bank`).

use crate::address::Address;
use crate::coins::Coin;
use crate::error::{ModuleError, SdkError};

#[derive(Debug, thiserror::Error)]
pub enum BankError {
    #[error("spendable balance {have} is smaller than {need}")]
    InsufficientFunds { have: Coin, need: Coin },
    #[error("empty coins")]
    EmptyCoins,
    #[error("{0}")]
    Overflow(&'static str),
    #[error("sum inputs != sum outputs")]
    Unbalanced,
    #[error("{0} is not allowed to receive funds")]
    BlockedRecipient(Address),
    #[error("invalid {what} address: {reason}")]
    InvalidAddress { what: &'static str, reason: String },
    #[error("multi-send must have exactly one input")]
    NotOneInput,
    #[error("no outputs to send")]
    NoOutputs,
    #[error("burning {0} exceeds its supply")]
    BurnExceedsSupply(Coin),
}

impl ModuleError for BankError {
    fn sdk_error(&self) -> SdkError {
        use BankError::*;
        match self {
            InsufficientFunds { .. } => SdkError::InsufficientFunds,
            EmptyCoins | Overflow(_) | Unbalanced => SdkError::InvalidCoins,
            BlockedRecipient(_) => SdkError::Unauthorized,
            InvalidAddress { .. } => SdkError::InvalidAddress,
            NotOneInput | NoOutputs => SdkError::InvalidRequest,
            BurnExceedsSupply(_) => SdkError::Internal,
        }
    }
}
