//! IBC events as ABCI events, every attribute indexed.
//!
//! ibc-rs writes its attributes with `index: false`; CometBFT's kv indexer skips those, and
//! Hermes finds packets, acknowledgements and client updates by `tx_search` / `block_search`
//! over them (`send_packet.packet_sequence=…`), so each one is marked indexed here.

use ibc::core::handler::types::events::IbcEvent;
use ibc::core::host::types::error::HostError;
use tendermint_proto::v0_38::abci::{Event, EventAttribute};

pub fn to_abci(event: IbcEvent) -> Result<Event, HostError> {
    let event = tendermint::abci::Event::try_from(event)
        .map_err(|e| HostError::invalid_state(format!("IBC event: {e}")))?;
    Ok(indexed(event))
}

/// A tendermint-rs event as the app's ABCI event, indexed.
pub fn indexed(event: tendermint::abci::Event) -> Event {
    Event {
        r#type: event.kind,
        attributes: event
            .attributes
            .iter()
            .map(|a| EventAttribute {
                key: a.key_str().unwrap_or_default().to_string(),
                value: a.value_str().unwrap_or_default().to_string(),
                index: true,
            })
            .collect(),
    }
}
