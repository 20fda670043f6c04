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
    ($($name:ident / $variant:ident = $code:expr, $suffix:expr;)*) => {
        /// The SDK's root errors (codespace `sdk`) by kind: the one table of their codes.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum SdkError {
            $($variant,)*
        }

        impl SdkError {
            pub fn code(self) -> u32 {
                match self {
                    $(SdkError::$variant => $code,)*
                }
            }

            fn suffix(self) -> &'static str {
                match self {
                    $(SdkError::$variant => $suffix,)*
                }
            }
        }

        impl TxError {
            $(
                pub fn $name(msg: impl std::fmt::Display) -> Self {
                    SdkError::$variant.err(msg)
                }
            )*
        }
    };
}

impl SdkError {
    /// This error with `msg`, worded as the SDK wraps it (`msg: suffix`).
    pub fn err(self, msg: impl std::fmt::Display) -> TxError {
        TxError {
            codespace: SDK,
            code: self.code(),
            log: format!("{msg}: {}", self.suffix()),
        }
    }
}

/// A module's typed error: its text, and which SDK error it is to clients. Every module
/// error becomes a [`TxError`] through this one mapping.
pub trait ModuleError: std::fmt::Display {
    fn sdk_error(&self) -> SdkError;
}

impl<E: ModuleError> From<E> for TxError {
    fn from(e: E) -> Self {
        e.sdk_error().err(e)
    }
}

sdk_errors! {
    tx_decode / TxDecode = 2, "tx parse error";
    unauthorized / Unauthorized = 4, "unauthorized";
    insufficient_funds / InsufficientFunds = 5, "insufficient funds";
    unknown_request / UnknownRequest = 6, "unknown request";
    invalid_address / InvalidAddress = 7, "invalid address";
    invalid_pubkey / InvalidPubkey = 8, "invalid pubkey";
    unknown_address / UnknownAddress = 9, "unknown address";
    invalid_coins / InvalidCoins = 10, "invalid coins";
    memo_too_large / MemoTooLarge = 12, "memo too large";
    insufficient_fee / InsufficientFee = 13, "insufficient fee";
    too_many_signatures / TooManySignatures = 14, "maximum number of signatures exceeded";
    no_signatures / NoSignatures = 15, "no signatures supplied";
    invalid_request / InvalidRequest = 18, "invalid request";
    tx_too_large / TxTooLarge = 21, "tx too large";
    invalid_chain_id / InvalidChainId = 28, "invalid chain-id";
    tx_timeout_height / TxTimeoutHeight = 30, "tx timeout height";
    wrong_sequence / WrongSequence = 32, "incorrect account sequence";
    unknown_extension_options / UnknownExtensionOptions = 31, "unknown extension options";
    not_supported / NotSupported = 37, "feature not supported";
    not_found / NotFound = 38, "not found";
    internal / Internal = 1, "internal";
    invalid_gas_limit / InvalidGasLimit = 41, "invalid gas limit";
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
