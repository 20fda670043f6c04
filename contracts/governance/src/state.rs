use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, CosmosMsg, Timestamp, Uint128};
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};

use crate::msg::{ProposalStatus, Tally, VoteOption, VotingParams};

#[cw_serde]
pub struct Config {
    pub staking: Addr,
    pub params: VotingParams,
}

#[cw_serde]
pub struct Proposal {
    pub proposer: Addr,
    pub title: String,
    pub description: String,
    pub messages: Vec<CosmosMsg>,
    pub deposit: Uint128,
    pub start_height: u64,
    pub voting_end: Timestamp,
    /// Total bonded stake at `start_height`.
    pub total_power: Uint128,
    pub tally: Tally,
    pub status: ProposalStatus,
    pub execution_error: Option<String>,
}

#[cw_serde]
pub struct Ballot {
    pub vote: VoteOption,
    pub power: Uint128,
}

pub const CONFIG: Item<Config> = Item::new("config");
pub const PROPOSAL_COUNT: Item<u64> = Item::new("proposal_count");
/// Deposits of proposals not yet executed or closed.
pub const DEPOSITS_HELD: Item<Uint128> = Item::new("deposits_held");
pub const BALLOTS: Map<(u64, &Addr), Ballot> = Map::new("ballots");

pub struct ProposalIndexes<'a> {
    pub status: MultiIndex<'a, u8, Proposal, u64>,
}

impl IndexList<Proposal> for ProposalIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<Proposal>> + '_> {
        let v: Vec<&dyn Index<Proposal>> = vec![&self.status];
        Box::new(v.into_iter())
    }
}

pub fn proposals<'a>() -> IndexedMap<u64, Proposal, ProposalIndexes<'a>> {
    let indexes = ProposalIndexes {
        status: MultiIndex::new(
            |_pk, p: &Proposal| p.status.tag(),
            "proposals",
            "proposals__status",
        ),
    };
    IndexedMap::new("proposals", indexes)
}
