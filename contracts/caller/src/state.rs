use cw_storage_plus::Item;

use crate::msg::{Instantiated, LastReply};

pub const MARK: Item<String> = Item::new("mark");
pub const LAST_REPLY: Item<LastReply> = Item::new("last_reply");
pub const INSTANTIATED: Item<Instantiated> = Item::new("instantiated");
