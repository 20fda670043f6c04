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

    #[error("invalid challenge: {reason}")]
    InvalidChallenge { reason: String },

    #[error("funds {sent} do not cover the creation deposit {deposit} plus a positive bounty")]
    InsufficientFunds { sent: Uint128, deposit: Uint128 },

    #[error("challenge {id} not found")]
    ChallengeNotFound { id: u64 },

    #[error("no model of {modeler} in challenge {challenge_id}")]
    ModelNotFound { challenge_id: u64, modeler: String },

    #[error("commitment must be 64 lowercase hex characters")]
    InvalidCommitment {},

    #[error("architecture {got} does not match the challenge's {expected}")]
    ArchitectureMismatch { expected: String, got: String },

    #[error("submissions closed")]
    SubmissionClosed {},

    #[error("sender is not a bonded modeler")]
    NotAModeler {},

    #[error("modeler stake {bonded} is below the challenge minimum {min}")]
    BelowMinimumStake { bonded: Uint128, min: Uint128 },

    #[error("challenge {id} is not in the expected status for this action")]
    WrongStatus { id: u64 },

    #[error("the reveal window is closed or not yet open")]
    RevealWindowClosed {},

    #[error("invalid test set: {reason}")]
    InvalidTestSet { reason: String },

    #[error("revealed test set hash {got} does not match the commitment {expected}")]
    TestSetHashMismatch { expected: String, got: String },

    #[error("reveal deadline not reached")]
    RevealDeadlineNotReached {},

    #[error("scoring window is closed")]
    ScoringClosed {},

    #[error("commitment {got} is not the submitted {expected}")]
    CommitmentMismatch { expected: String, got: String },

    #[error("the model of {modeler} in challenge {challenge_id} is already scored")]
    AlreadyScored { challenge_id: u64, modeler: String },

    #[error("scoring deadline not reached")]
    ScoringNotOver {},

    #[error("challenge {id} is already finalized")]
    AlreadyFinalized { id: u64 },

    #[error("the model of {modeler} in challenge {challenge_id} is not a feed model")]
    NotAFeedModel { challenge_id: u64, modeler: String },

    #[error(
        "{claims} uspec of credited consumption fees are unclaimed: claim them before migrating"
    )]
    UnclaimedFees { claims: Uint128 },

    #[error("contract name mismatch: cannot migrate {found}")]
    WrongContract { found: String },
}
