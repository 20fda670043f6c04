use cosmwasm_std::Addr;
use cw_storage_plus::Item;

pub const COUNT: Item<u64> = Item::new("count");
pub const OWNER: Item<Addr> = Item::new("owner");
pub const MIGRATED: Item<bool> = Item::new("migrated");
