use cosmwasm_std::StdError;
use thiserror::Error;

#[derive(Error, Debug)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("unauthorized")]
    Unauthorized {},

    #[error("invalid rank {rank} in a field of {field_size}")]
    InvalidRank { rank: u32, field_size: u32 },

    #[error("results of challenge {challenge_id} were already recorded")]
    AlreadyRecorded { challenge_id: u64 },

    #[error("invalid params: {reason}")]
    InvalidParams { reason: String },

    #[error("contract name mismatch: cannot migrate {found}")]
    WrongContract { found: String },
}
