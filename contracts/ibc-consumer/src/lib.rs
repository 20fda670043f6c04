//! A consumer of InferChain's verified inferences on another chain (wasmd): a user calls
//! `request` (paying the configured price, if any), the contract sends an `IbcRequest` packet
//! over its channel to InferChain's port `inference`, and the packet's acknowledgement —
//! written on InferChain when a proof fulfils the request, or when its SLA is missed — lands
//! in `ibc_packet_ack`, which stores the verified result (or the failure, refunding the user).
//! A packet that times out refunds the user too. Results a feed publishes to the channel
//! arrive in `ibc_packet_receive` and are kept per feed.
//!
//! The fees on InferChain come from this contract's deposit account there (derived from
//! InferChain's channel id and this contract's address; every acknowledgement names it),
//! which anyone funds with an ICS-20 transfer of uspec.
//!
//! Wire format: `proto/inferchain/inference/v1/packet.proto` as proto3 JSON.
pub mod contract;
pub mod error;
pub mod ibc;
pub mod msg;
pub mod state;

#[cfg(test)]
mod tests;
