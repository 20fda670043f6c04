use cosmwasm_schema::cw_serde;
use cosmwasm_std::Addr;
use cw_storage_plus::{Index, IndexList, IndexedMap, Item, Map, MultiIndex};

use crate::msg::{FormulaParams, Reputation};

#[cw_serde]
pub struct Config {
    pub owner: Addr,
    pub reporters: Vec<Addr>,
}

pub const CONFIG: Item<Config> = Item::new("config");
pub const PARAMS: Item<FormulaParams> = Item::new("params");
/// Challenges whose results were recorded (a challenge counts once).
pub const RECORDED_CHALLENGES: Map<u64, ()> = Map::new("recorded_challenges");

pub struct ReputationIndexes<'a> {
    pub by_score: MultiIndex<'a, u128, Reputation, Addr>,
}

impl IndexList<Reputation> for ReputationIndexes<'_> {
    fn get_indexes(&'_ self) -> Box<dyn Iterator<Item = &'_ dyn Index<Reputation>> + '_> {
        let v: Vec<&dyn Index<Reputation>> = vec![&self.by_score];
        Box::new(v.into_iter())
    }
}

pub fn reputations<'a>() -> IndexedMap<&'a Addr, Reputation, ReputationIndexes<'a>> {
    let indexes = ReputationIndexes {
        by_score: MultiIndex::new(
            |_pk, r: &Reputation| r.score.u128(),
            "reputations",
            "reputations__score",
        ),
    };
    IndexedMap::new("reputations", indexes)
}
