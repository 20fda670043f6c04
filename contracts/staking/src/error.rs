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

    #[error("stake {amount} is below the role's minimum {min}")]
    BelowMinimumStake { amount: Uint128, min: Uint128 },

    #[error("address is already bonded with another role")]
    RoleMismatch {},

    #[error("only validators register a consensus public key")]
    PubkeyNotAllowed {},

    #[error("consensus public key must be 32 bytes (ed25519), got {len}")]
    InvalidPubkey { len: usize },

    #[error("a consensus public key needs consensus_key_proof: its ed25519 signature over inferchain/consensus-key/v1/<chain id>/<operator>")]
    MissingKeyProof {},

    #[error("consensus_key_proof is not the consensus key's signature over {message:?}")]
    InvalidKeyProof { message: String },

    #[error("consensus_key_proof without a consensus_pubkey")]
    ProofWithoutPubkey {},

    #[error("consensus public key is already registered by {operator}")]
    PubkeyInUse { operator: String },

    #[error("nothing bonded")]
    NotBonded {},

    #[error("cannot unbond {requested}, only {bonded} bonded")]
    InsufficientBonded { requested: Uint128, bonded: Uint128 },

    #[error("amount must be positive")]
    ZeroAmount {},

    #[error("too many unbonding entries (max {max})")]
    TooManyUnbondingEntries { max: u32 },

    #[error("nothing to claim")]
    NothingToClaim {},

    #[error("slash fraction must be in (0, 1]")]
    InvalidFraction {},

    #[error("invalid params: {reason}")]
    InvalidParams { reason: String },

    #[error("contract name mismatch: cannot migrate {found}")]
    WrongContract { found: String },
}
