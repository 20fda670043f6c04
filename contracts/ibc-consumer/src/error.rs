use cosmwasm_std::StdError;
use thiserror::Error;

#[derive(Error, Debug)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("unauthorized: only the owner may do this")]
    Unauthorized {},

    #[error("no inference channel is open yet (create one to InferChain's port `inference`)")]
    NoChannel {},

    #[error("this contract has an inference channel already: {channel}")]
    ChannelExists { channel: String },

    #[error("channels to InferChain are unordered, not {order}")]
    Order { order: String },

    #[error("channel version {version:?} is not {expected:?}")]
    Version { version: String, expected: String },

    #[error("pay exactly {price} (got {paid})")]
    Price { price: String, paid: String },

    #[error("the input is empty")]
    EmptyInput {},

    #[error("malformed packet: {0}")]
    Malformed(String),
}
