use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Binary, Coin, Int64, Uint64};

/// The version of channels to InferChain's port `inference`.
pub const VERSION: &str = "inferchain-inference-1";

#[cw_serde]
pub struct InstantiateMsg {
    /// What a user pays per request, refunded if it fails or times out.
    pub price: Option<Coin>,
    /// The most uspec a request may cost on InferChain ("" or absent: the feed's fee).
    #[serde(default)]
    pub max_fee: String,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Ask feed `feed_id` on InferChain for an inference of `input` (fixed point, scale 256).
    Request {
        feed_id: Uint64,
        input: Vec<i64>,
        /// Seconds the packet may wait for a relayer (default 600).
        timeout_seconds: Option<u64>,
    },
    /// Owner only: send `data` as a packet as it is (protocol testing; a newer version's
    /// packets). Tracked like a request; its acknowledgement is stored as it comes.
    SendRaw {
        data: Binary,
        timeout_seconds: Option<u64>,
    },
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(crate::state::Config)]
    Config {},
    #[returns(Option<crate::state::Channel>)]
    Channel {},
    /// A request by its packet sequence.
    #[returns(Option<crate::state::Request>)]
    Request { sequence: u64 },
    #[returns(RequestsResponse)]
    Requests {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// The results a feed published to this contract, by request id.
    #[returns(PublishedResponse)]
    Published { feed_id: Uint64 },
}

#[cw_serde]
pub struct RequestsResponse {
    pub requests: Vec<crate::state::Request>,
}

#[cw_serde]
pub struct PublishedResponse {
    pub results: Vec<IbcResult>,
}

// --- the wire format (proto/inferchain/inference/v1/packet.proto, proto3 JSON) -------------
// Incoming types tolerate fields they don't know (a newer InferChain may add some).

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum PacketData {
    Request(IbcRequest),
    Result(IbcResult),
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
pub struct IbcRequest {
    pub feed_id: Uint64,
    pub input: Vec<Int64>,
    pub callback_data: Binary,
    pub sender: String,
    pub max_fee: String,
}

#[derive(
    serde::Serialize,
    serde::Deserialize,
    Clone,
    Debug,
    PartialEq,
    Default,
    cosmwasm_schema::schemars::JsonSchema,
    cosmwasm_schema::cw_schema::Schemaifier,
)]
#[schemars(crate = "cosmwasm_schema::schemars")]
#[schemaifier(crate = "::cosmwasm_schema::cw_schema", mute_warnings)]
#[serde(default)]
pub struct IbcResult {
    pub request_id: Uint64,
    pub feed_id: Uint64,
    pub output: Vec<Int64>,
    pub model_id: Uint64,
    pub model_commitment: String,
    pub proof_hash: String,
    pub height: Uint64,
    pub input_hash: String,
    pub callback_data: Binary,
}

#[derive(
    serde::Serialize,
    serde::Deserialize,
    Clone,
    Debug,
    PartialEq,
    Default,
    cosmwasm_schema::schemars::JsonSchema,
    cosmwasm_schema::cw_schema::Schemaifier,
)]
#[schemars(crate = "cosmwasm_schema::schemars")]
#[schemaifier(crate = "::cosmwasm_schema::cw_schema", mute_warnings)]
#[serde(default)]
pub struct IbcFailure {
    pub code: u32,
    pub codespace: String,
    pub message: String,
    pub request_id: Uint64,
    pub refund: String,
    pub payer: String,
}

#[derive(serde::Serialize, serde::Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Ack {
    Result(IbcResult),
    Error(IbcFailure),
}
