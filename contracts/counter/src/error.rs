use cosmwasm_std::StdError;
use thiserror::Error;

#[derive(Error, Debug)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("unauthorized")]
    Unauthorized {},

    /// Returned by `fail {}` after it has already saved an incremented count.
    #[error("counter: failing on purpose (after writing count {count})")]
    FailingOnPurpose { count: u64 },

    #[error("contract name mismatch: cannot migrate {found}")]
    WrongContract { found: String },
}
