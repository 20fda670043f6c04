use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Binary, Decimal256, Uint128};
use cw_storage_plus::{
    Index, IndexList, IndexedMap, Item, Map, MultiIndex, SnapshotItem, SnapshotMap, Strategy,
};

use crate::msg::{Params, Role, UnbondingEntry};

#[cw_serde]
pub struct Config {
    pub owner: Addr,
    pub slashers: Vec<Addr>,
    pub reputation: Option<Addr>,
}

/// One bonded staker.
#[cw_serde]
pub struct Staker {
    pub role: Role,
    pub bonded: Uint128,
    pub consensus_pubkey: Option<Binary>,
    /// The role's reward index when `pending_rewards` was last settled.
    pub reward_index: Decimal256,
    /// Rewards settled but not yet claimed.
    pub pending_rewards: Uint128,
}

/// Per-role reward accounting (reward-per-token).
#[cw_serde]
#[derive(Default)]
pub struct RewardPool {
    /// Cumulative rewards per bonded `uspec`.
    pub index: Decimal256,
    /// Rewards that arrived while nobody of the role was bonded; folded in on the next
    /// distribution.
    pub undistributed: Uint128,
}

#[cw_serde]
#[derive(Default)]
pub struct Totals {
    pub bonded_modeler: Uint128,
    pub bonded_validator: Uint128,
    pub unbonding: Uint128,
    pub rewards_held: Uint128,
}

impl Totals {
    pub fn bonded_mut(&mut self, role: Role) -> &mut Uint128 {
        match role {
            Role::Modeler => &mut self.bonded_modeler,
            Role::Validator => &mut self.bonded_validator,
        }
    }
    pub fn bonded(&self, role: Role) -> Uint128 {
        match role {
            Role::Modeler => self.bonded_modeler,
            Role::Validator => self.bonded_validator,
        }
    }
}

pub const CONFIG: Item<Config> = Item::new("config");
pub const PARAMS: Item<Params> = Item::new("params");
pub const TOTALS: Item<Totals> = Item::new("totals");
pub const REWARD_POOLS: Map<u8, RewardPool> = Map::new("reward_pools");
pub const UNBONDING: Map<&Addr, Vec<UnbondingEntry>> = Map::new("unbonding");
/// Registered consensus public keys (32 bytes) → their operator: one key, one operator.
pub const CONSENSUS_KEYS: Map<&[u8], Addr> = Map::new("consensus_keys");

/// Bonded stake per address, with history, for governance voting power.
pub const POWER: SnapshotMap<&Addr, Uint128> = SnapshotMap::new(
    "power",
    "power__checkpoints",
    "power__changelog",
    Strategy::EveryBlock,
);
pub const TOTAL_POWER: SnapshotItem<Uint128> = SnapshotItem::new(
    "total_power",
    "total_power__checkpoints",
    "total_power__changelog",
    Strategy::EveryBlock,
);

pub struct StakerIndexes<'a> {
    /// (role tag, bonded) so a role's stakers range in stake order.
    pub by_stake: MultiIndex<'a, (u8, u128), Staker, Addr>,
}

impl IndexList<Staker> for StakerIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<Staker>> + '_> {
        let v: Vec<&dyn Index<Staker>> = vec![&self.by_stake];
        Box::new(v.into_iter())
    }
}

pub fn stakers<'a>() -> IndexedMap<&'a Addr, Staker, StakerIndexes<'a>> {
    let indexes = StakerIndexes {
        by_stake: MultiIndex::new(
            |_pk, s: &Staker| (s.role.tag(), s.bonded.u128()),
            "stakers",
            "stakers__stake",
        ),
    };
    IndexedMap::new("stakers", indexes)
}
