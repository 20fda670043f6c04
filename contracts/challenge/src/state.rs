use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Binary, Decimal, Timestamp, Uint128};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};
use serde::{Deserialize, Serialize};

use crate::msg::{ChallengeStatus, FeedModel, ForfeitDestination, Metric, Task};

#[cw_serde]
pub struct Config {
    pub owner: Addr,
    pub staking: Addr,
    pub reputation: Addr,
    pub creation_deposit: Uint128,
    pub forfeit_destination: ForfeitDestination,
    pub max_top_k: u32,
}

#[cw_serde]
pub struct Challenge {
    pub creator: Addr,
    pub title: String,
    pub description: String,
    pub task: Task,
    pub architecture_id: String,
    pub metric: Metric,
    pub dataset_uri: String,
    pub test_set_hash: String,
    pub test_set_uri: Option<String>,
    pub submission_deadline: Timestamp,
    pub reveal_deadline: Timestamp,
    pub scoring_deadline: Timestamp,
    pub min_stake: Uint128,
    pub payout_bps: Vec<u32>,
    pub bounty: Uint128,
    pub deposit: Uint128,
    pub status: ChallengeStatus,
    /// The winners (best first) once finalized.
    pub feed_models: Vec<FeedModel>,
}

#[cw_serde]
/// A modeler's current submission to a challenge.
pub struct Model {
    pub challenge_id: u64,
    pub modeler: Addr,
    /// 64-hex Poseidon hash of the weights. Not unique: proofs of score are bound to the
    /// modeler, so a copied commitment is an independent (and useless) entry.
    pub commitment: String,
    pub architecture_id: String,
    pub submitted_at: Timestamp,
    pub sequence: u64,
    pub score: Option<Decimal>,
    pub rank: Option<u32>,
    pub payout: Uint128,
    pub is_feed: bool,
    pub consumption: u64,
    pub fees_earned: Uint128,
}

/// What the contract owes; its `uspec` balance never drops below the sum.
#[cw_serde]
#[derive(Default)]
pub struct Liabilities {
    pub escrow: Uint128,
}

/// [`Liabilities`] as `migrate` reads them: also the layout from before the chain's `inference`
/// module owned the fee split, which counted the credited, unclaimed fee shares (`claims`).
#[derive(Serialize, Deserialize)]
pub struct StoredLiabilities {
    pub escrow: Uint128,
    /// Zero when absent (the current layout).
    #[serde(default)]
    pub claims: Uint128,
}

pub const CONFIG: Item<Config> = Item::new("config");
pub const LIABILITIES: Item<Liabilities> = Item::new("liabilities");
pub const STORED_LIABILITIES: Item<StoredLiabilities> = Item::new("liabilities");
pub const CHALLENGE_COUNT: Item<u64> = Item::new("challenge_count");
pub const SUBMISSION_SEQ: Item<u64> = Item::new("submission_seq");
/// One submission per (challenge, modeler); a re-submission before the deadline overwrites it.
pub const MODELS: Map<(u64, &Addr), Model> = Map::new("models");
/// Revealed test sets (canonical ICTS v1 bytes), by challenge.
pub const TEST_SETS: Map<u64, Binary> = Map::new("test_sets");

pub struct ChallengeIndexes<'a> {
    pub status: MultiIndex<'a, u8, Challenge, u64>,
}

impl IndexList<Challenge> for ChallengeIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<Challenge>> + '_> {
        let v: Vec<&dyn Index<Challenge>> = vec![&self.status];
        Box::new(v.into_iter())
    }
}

pub fn challenges<'a>() -> IndexedMap<u64, Challenge, ChallengeIndexes<'a>> {
    let indexes = ChallengeIndexes {
        status: MultiIndex::new(
            |_pk, c: &Challenge| c.status.tag(),
            "challenges",
            "challenges__status",
        ),
    };
    IndexedMap::new("challenges", indexes)
}
