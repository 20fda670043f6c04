use cosmwasm_std::{StdError, Uint128};
use cw_utils::PaymentError;
use thiserror::Error;

#[derive(Error, Debug)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("{0}")]
    Payment(#[from] PaymentError),

    #[error("unauthorized")]
    Unauthorized {},

    #[error("deposit {sent} is below the minimum {min}")]
    InsufficientDeposit { sent: Uint128, min: Uint128 },

    #[error("title must not be empty")]
    EmptyTitle {},

    #[error("proposal {id} not found")]
    ProposalNotFound { id: u64 },

    #[error("proposal {id} is not open")]
    NotOpen { id: u64 },

    #[error("voting on proposal {id} has ended")]
    VotingEnded { id: u64 },

    #[error("voting on proposal {id} has not ended")]
    VotingNotEnded { id: u64 },

    #[error("no voting power at height {height}")]
    NoVotingPower { height: u64 },

    #[error("already voted")]
    AlreadyVoted {},

    #[error("proposal {id} did not pass")]
    NotPassed { id: u64 },

    #[error("proposal {id} passed; execute it instead")]
    Passed { id: u64 },

    #[error("the proposal spent deposits held for other proposals")]
    Insolvent {},

    #[error("invalid params: {reason}")]
    InvalidParams { reason: String },

    #[error("contract name mismatch: cannot migrate {found}")]
    WrongContract { found: String },
}
