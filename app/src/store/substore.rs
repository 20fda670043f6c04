//! The fixed list of substores. Adding one changes the app hash, so it is a consensus change.

/// A module's merklized key space. The discriminant is its one-byte prefix on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Substore {
    /// Accounts (auth module); named as in the Cosmos SDK.
    Acc = 1,
    /// Balances and supply.
    Bank = 2,
    /// Chain-level parameters and bookkeeping (fee collector totals, counters).
    Params = 3,
    /// CosmWasm codes, contracts and contract storage (`x/wasm`'s layout).
    Wasm = 4,
    /// Architectures, models and their verified results (the inference module).
    Inference = 5,
    /// The validator set that follows the staking contract (the validators module).
    Validators = 6,
    /// IBC: clients, connections, channels, packets (ibc-go's ICS-24 paths) and ICS-20.
    Ibc = 7,
}

impl Substore {
    /// Every substore, in the order their roots enter the root tree.
    pub const ALL: [Substore; 7] = [
        Substore::Acc,
        Substore::Bank,
        Substore::Params,
        Substore::Wasm,
        Substore::Inference,
        Substore::Validators,
        Substore::Ibc,
    ];

    pub fn id(self) -> u8 {
        self as u8
    }

    /// The name used in `store/<name>/key` queries and as the key in the root tree.
    pub fn name(self) -> &'static str {
        match self {
            Substore::Acc => "acc",
            Substore::Bank => "bank",
            Substore::Params => "params",
            Substore::Wasm => "wasm",
            Substore::Inference => "inference",
            Substore::Validators => "validators",
            // The name relayers ask `store/ibc/key` by and ibc-go's commitment prefix.
            Substore::Ibc => "ibc",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    pub fn from_id(id: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id() == id)
    }
}
