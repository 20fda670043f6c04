//! The IBC module's errors: codespace `ibc`, one stable code per kind, so a relayer's log or
//! a client can tell a bad proof (channel/connection verification) from a malformed message.

use ibc::core::handler::types::error::HandlerError;

use crate::error::TxError;

pub const CODESPACE: &str = "ibc";

/// Which part of IBC refused a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Client,
    Connection,
    Channel,
    Router,
}

pub fn kind(e: &HandlerError) -> Kind {
    match e {
        HandlerError::Client(_) => Kind::Client,
        HandlerError::Connection(_) => Kind::Connection,
        HandlerError::Channel(_) => Kind::Channel,
        HandlerError::Router(_) => Kind::Router,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IbcError {
    #[error("malformed {type_url}: {reason}")]
    Malformed { type_url: String, reason: String },
    /// ibc-rs refused the message against state: a light-client check (forged header,
    /// invalid membership proof), a wrong channel state, a timeout not yet reached, …
    #[error("{0}")]
    Handler(String, Kind),
    #[error("ICS-20 transfer: {0}")]
    Transfer(String),
    #[error("unknown IBC denomination {0} (no trace recorded)")]
    UnknownDenom(String),
}

impl IbcError {
    pub fn code(&self) -> u32 {
        match self {
            IbcError::Malformed { .. } => 2,
            IbcError::Handler(_, Kind::Client) => 3,
            IbcError::Handler(_, Kind::Connection) => 4,
            IbcError::Handler(_, Kind::Channel) => 5,
            IbcError::Handler(_, Kind::Router) => 6,
            IbcError::Transfer(_) => 7,
            IbcError::UnknownDenom(_) => 8,
        }
    }
}

impl From<IbcError> for TxError {
    fn from(e: IbcError) -> Self {
        TxError {
            codespace: CODESPACE,
            code: e.code(),
            log: e.to_string(),
        }
    }
}
