use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Coin};
use cw_storage_plus::{Item, Map};

use crate::msg::{IbcFailure, IbcResult};

#[cw_serde]
pub struct Config {
    pub owner: Addr,
    /// What a user pays per request (refunded on failure or timeout); none: free.
    pub price: Option<Coin>,
    /// Passed as the request's `max_fee` (uspec on InferChain; "": the feed's fee).
    pub max_fee: String,
}

#[cw_serde]
pub struct Channel {
    pub channel_id: String,
    /// InferChain's end.
    pub counterparty_channel_id: String,
    /// The sequence the next packet sent on the channel gets: every packet on this port is
    /// this contract's, so it counts them itself and keys requests by sequence.
    pub next_sequence: u64,
}

#[cw_serde]
pub enum Status {
    Pending,
    Fulfilled,
    Failed,
    TimedOut,
}

#[cw_serde]
pub struct Request {
    pub sequence: u64,
    pub user: Addr,
    pub feed_id: u64,
    pub input: Vec<i64>,
    pub paid: Vec<Coin>,
    pub status: Status,
    pub result: Option<IbcResult>,
    pub failure: Option<IbcFailure>,
    /// What went back to the user (failure or timeout).
    pub refunded: Vec<Coin>,
    /// The raw data sent, when the owner sent a raw packet.
    pub raw: bool,
}

pub const CONFIG: Item<Config> = Item::new("config");
pub const CHANNEL: Item<Channel> = Item::new("channel");
/// By packet sequence.
pub const REQUESTS: Map<u64, Request> = Map::new("requests");
/// Results feeds published to the channel: (feed id, request id).
pub const PUBLISHED: Map<(u64, u64), IbcResult> = Map::new("published");
