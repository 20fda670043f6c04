use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Uint128};
use cw_storage_plus::{Item, Map};

#[cw_serde]
pub struct Config {
    pub owner: Addr,
    pub inference_feed_id: Option<u64>,
    pub max_credit: Uint128,
    pub min_logit: i64,
    pub max_logit: i64,
    pub borrow_fee_bps: u16,
    pub request_fee: Uint128,
    pub input_width: u32,
    pub request_expiry_blocks: u64,
}

/// Pool totals. Shares are worth `liquidity + total_lent` together; `liquidity` is tracked
/// here rather than read from the bank, so coins sent to the contract outside `deposit` and
/// `repay` change nothing.
#[cw_serde]
#[derive(Default)]
pub struct Pool {
    pub liquidity: Uint128,
    pub total_lent: Uint128,
    pub total_shares: Uint128,
}

impl Pool {
    pub fn value(&self) -> Uint128 {
        self.liquidity + self.total_lent
    }
}

/// A request sent to the chain and not yet answered: at most one per borrower.
#[cw_serde]
pub struct PendingRequest {
    pub borrower: Addr,
    pub feed_id: u64,
    /// The chain's id, from the sub-message reply (`null` if the reply carried none).
    pub request_id: Option<u64>,
    /// Block by which the chain answers, from the reply.
    pub deadline: Option<u64>,
    /// Hex SHA-256 of the features as consecutive 8-byte little-endian `i64`s.
    pub features_hash: String,
    /// Block of the request.
    pub height: u64,
}

/// The last fulfilled inference of a borrower.
#[cw_serde]
pub struct Score {
    pub request_id: u64,
    pub feed_id: u64,
    /// `output[0]`; `null` when the model returned no output (the limit is then 0).
    pub logit: Option<i64>,
    /// The limit the pricing policy gave the logit.
    pub limit: Uint128,
    pub model_id: u64,
    pub model_commitment: String,
    pub proof_hash: String,
    /// The chain's height of the inference.
    pub height: u64,
}

/// How a borrower's last request ended.
#[cw_serde]
pub enum CreditOutcome {
    Fulfilled {
        request_id: u64,
        height: u64,
    },
    /// The feed missed its SLA; the limit stays what it was.
    TimedOut {
        request_id: u64,
        deadline: u64,
    },
    /// Dropped by `cancel_request` at `height`.
    Cancelled {
        request_id: Option<u64>,
        height: u64,
    },
}

#[cw_serde]
#[derive(Default)]
pub struct CreditLine {
    pub limit: Uint128,
    pub outstanding: Uint128,
    pub score: Option<Score>,
    pub last_outcome: Option<CreditOutcome>,
}

pub const CONFIG: Item<Config> = Item::new("config");
pub const POOL: Item<Pool> = Item::new("pool");
/// Lender shares.
pub const SHARES: Map<&Addr, Uint128> = Map::new("shares");
pub const CREDIT_LINES: Map<&Addr, CreditLine> = Map::new("credit_lines");
/// Pending request by borrower.
pub const PENDING: Map<&Addr, PendingRequest> = Map::new("pending");
/// Borrower by the chain's `(feed_id, request_id)`, for pending requests whose id is known.
pub const REQUESTS: Map<(u64, u64), Addr> = Map::new("requests");
