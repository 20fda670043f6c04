//! What a transaction leaves behind (code, log, gas, events, data), and the caps on it: the
//! outcome goes into every node's FinalizeBlock response and block results, and some of it
//! is text a contract chose.

use tendermint_proto::v0_38::abci::Event;

use crate::error::TxError;

/// The result of one transaction, as it goes into `ExecTxResult` / `CheckTx` / `Simulate`.
#[derive(Clone, Debug, Default)]
pub struct TxOutcome {
    pub code: u32,
    pub codespace: String,
    pub log: String,
    pub gas_wanted: u64,
    pub gas_used: u64,
    pub events: Vec<Event>,
    /// `TxMsgData` with one response per message (empty on failure).
    pub data: Vec<u8>,
    pub msg_responses: Vec<tendermint_proto::google::protobuf::Any>,
}

/// A failed transaction's log is cut here: logs go into every node's FinalizeBlock response
/// and block results, and some carry text a contract chose.
pub const MAX_LOG_BYTES: usize = 2048;
/// Events one transaction may emit, and their total bytes (types, keys and values).
pub const MAX_TX_EVENTS: usize = 1024;
pub const MAX_TX_EVENT_BYTES: usize = 256 * 1024;

/// `log` cut to at most `MAX_LOG_BYTES` bytes on a character boundary, marked as cut.
pub fn truncate_log(mut log: String) -> String {
    if log.len() <= MAX_LOG_BYTES {
        return log;
    }
    const MARK: &str = " … (truncated)";
    let mut end = MAX_LOG_BYTES - MARK.len();
    while !log.is_char_boundary(end) {
        end -= 1;
    }
    log.truncate(end);
    log.push_str(MARK);
    log
}

/// The size of events as the per-transaction cap counts it.
pub fn event_bytes(events: &[Event]) -> usize {
    events
        .iter()
        .map(|e| {
            e.r#type.len()
                + e.attributes
                    .iter()
                    .map(|a| a.key.len() + a.value.len())
                    .sum::<usize>()
        })
        .sum()
}

impl TxOutcome {
    pub fn failed(e: TxError, gas_wanted: u64, gas_used: u64, events: Vec<Event>) -> Self {
        TxOutcome {
            code: e.code,
            codespace: e.codespace.to_string(),
            log: truncate_log(e.log),
            gas_wanted,
            gas_used,
            events,
            ..Default::default()
        }
    }

    pub fn is_ok(&self) -> bool {
        self.code == 0
    }
}
