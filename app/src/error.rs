//! Transaction errors with the Cosmos SDK's codespace and codes, so clients that branch on
//! them (CosmJS, Hermes's sequence-mismatch retry) behave as against any Cosmos chain.

use crate::store::StoreError;

/// The SDK's root codespace.
pub const SDK: &str = "sdk";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{log}")]
pub struct TxError {
    pub codespace: &'static str,
    pub code: u32,
    pub log: String,
}

macro_rules! sdk_errors {
    ($($name:ident = $code:expr, $suffix:expr;)*) => {
        impl TxError {
            $(
                pub fn $name(msg: impl std::fmt::Display) -> Self {
                    TxError { codespace: SDK, code: $code, log: format!("{msg}: {}", $suffix) }
                }
            )*
        }
    };
}

sdk_errors! {
    tx_decode = 2, "tx parse error";
    unauthorized = 4, "unauthorized";
    insufficient_funds = 5, "insufficient funds";
    unknown_request = 6, "unknown request";
    invalid_address = 7, "invalid address";
    invalid_pubkey = 8, "invalid pubkey";
    unknown_address = 9, "unknown address";
    invalid_coins = 10, "invalid coins";
    memo_too_large = 12, "memo too large";
    insufficient_fee = 13, "insufficient fee";
    too_many_signatures = 14, "maximum number of signatures exceeded";
    no_signatures = 15, "no signatures supplied";
    invalid_request = 18, "invalid request";
    tx_too_large = 21, "tx too large";
    invalid_chain_id = 28, "invalid chain-id";
    tx_timeout_height = 30, "tx timeout height";
    wrong_sequence = 32, "incorrect account sequence";
    not_supported = 37, "feature not supported";
    not_found = 38, "not found";
    internal = 1, "internal";
    invalid_gas_limit = 41, "invalid gas limit";
}

impl TxError {
    /// Code 11, worded as the SDK does (clients grep for "out of gas").
    pub fn out_of_gas(location: &str, wanted: u64, used: u64) -> Self {
        TxError {
            codespace: SDK,
            code: 11,
            log: format!(
                "out of gas in location: {location}; gasWanted: {wanted}, gasUsed: {used}: out of gas"
            ),
        }
    }
}

impl From<StoreError> for TxError {
    fn from(e: StoreError) -> Self {
        TxError::internal(e)
    }
}
