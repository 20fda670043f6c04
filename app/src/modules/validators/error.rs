//! The validators module's errors: codespace `validators`, one stable code each.

use crate::error::TxError;

pub const CODESPACE: &str = "validators";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidatorsError {
    #[error("invalid params: {0}")]
    InvalidParams(String),
    #[error("genesis validator {index}: {why}")]
    InvalidGenesisValidator { index: usize, why: String },
    #[error("the staking contract's answer is not understood: {0}")]
    BadStakingAnswer(String),
}

impl ValidatorsError {
    /// This error's code in the `validators` codespace (stable: clients branch on it).
    pub fn code(&self) -> u32 {
        match self {
            ValidatorsError::InvalidParams(_) => 2,
            ValidatorsError::InvalidGenesisValidator { .. } => 3,
            ValidatorsError::BadStakingAnswer(_) => 4,
        }
    }
}

impl From<ValidatorsError> for TxError {
    fn from(e: ValidatorsError) -> Self {
        TxError {
            codespace: CODESPACE,
            code: e.code(),
            log: e.to_string(),
        }
    }
}
