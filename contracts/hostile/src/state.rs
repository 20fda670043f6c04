use cw_storage_plus::Item;

/// Written after the hostile loops, so they have an observable result.
pub const RESULT: Item<u64> = Item::new("result");
