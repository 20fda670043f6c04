//! Lending pool whose credit lines are priced by a verified ML inference feed.
//!
//! Lenders deposit `uspec` for pool shares. A borrower sends 16 fixed-point features
//! (`request_credit_line`); the contract asks the chain's `inference` module for a verified
//! inference on its credit-score feed (`CosmosMsg::Any` with
//! `/inferchain.inference.v1.MsgRequestInference`, hand-encoded protobuf in `proto.rs`), learns
//! the chain's request id from the sub-message reply, and sets the borrower's credit limit when
//! the chain calls back through `sudo` with the model's logit. See contracts/README.md.
pub mod contract;
pub mod error;
pub mod msg;
pub mod pricing;
pub mod proto;
pub mod state;
