use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Binary, Decimal, Timestamp, Uint128};

/// The role a stake is bonded for. An address stakes for exactly one role.
#[cw_serde]
#[derive(Copy, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Submits models to challenges and earns the modeler share of consumption fees.
    Modeler,
    /// Feed validator; shares the validator share of consumption fees.
    Validator,
}

impl Role {
    /// Stable one-byte tag used in storage index keys.
    pub fn tag(self) -> u8 {
        match self {
            Role::Modeler => 0,
            Role::Validator => 1,
        }
    }
}

/// The bytes a consensus key signs to prove its holder registers it for `operator` on
/// `chain_id` (the chain id binds the proof to one chain, the operator to one account).
pub fn consensus_key_proof_message(chain_id: &str, operator: &str) -> Vec<u8> {
    format!("inferchain/consensus-key/v1/{chain_id}/{operator}").into_bytes()
}

/// Where slashed coins go.
#[cw_serde]
pub enum SlashDestination {
    /// Burned (removed from supply).
    Burn,
    /// Sent to an address, e.g. the community pool held by governance.
    Address { address: String },
}

#[cw_serde]
pub struct Params {
    /// Minimum bonded stake of a modeler, in `uspec`.
    pub min_stake_modeler: Uint128,
    /// Minimum bonded stake of a validator, in `uspec`.
    pub min_stake_validator: Uint128,
    /// Seconds between `unbond` and the moment the coins can be claimed.
    pub unbonding_period: u64,
    /// At most this many unbonding entries per address (bounds the slash loop).
    pub max_unbonding_entries: u32,
    pub slash_destination: SlashDestination,
}

#[cw_serde]
pub struct InstantiateMsg {
    /// May change params and config; governance once deployment is wired.
    /// Defaults to the instantiating account.
    pub owner: Option<String>,
    /// Addresses allowed to `slash` through `execute` (governance, the challenge contract).
    pub slashers: Vec<String>,
    /// Reputation contract told about slashes of modelers, if set.
    pub reputation: Option<String>,
    pub params: Params,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Bond the `uspec` sent with the message. The first bond fixes the role and must reach
    /// the role's minimum stake; later bonds top up. A validator may register (or replace) a
    /// 32-byte ed25519 consensus public key, with a proof of possession: the key's signature
    /// over [`consensus_key_proof_message`] (`inferchain/consensus-key/v1/<chain id>/<sender>`),
    /// so nobody registers a key they do not hold (and so takes another node's place in the
    /// validator set). One key belongs to one operator.
    Bond {
        role: Role,
        consensus_pubkey: Option<Binary>,
        /// The 64-byte ed25519 signature by `consensus_pubkey`; required with it.
        #[serde(default)]
        consensus_key_proof: Option<Binary>,
    },
    /// Move `amount` of bonded stake into the unbonding queue. What stays bonded must be zero
    /// or at least the role's minimum.
    Unbond { amount: Uint128 },
    /// Pay out every matured unbonding entry of the sender.
    Claim {},
    /// Slash `fraction` of the bonded and unbonding stake of `address`. Only for slashers
    /// and the owner.
    Slash {
        address: String,
        fraction: Decimal,
        reason: String,
    },
    /// Share the `uspec` sent with the message pro rata by stake among the stakers of `role`.
    DistributeRewards { role: Role },
    /// Pay out the sender's accrued rewards.
    ClaimRewards {},
    /// Owner only.
    UpdateParams { params: Params },
    /// Owner only. Fields left `None` are unchanged.
    UpdateConfig {
        owner: Option<String>,
        slashers: Option<Vec<String>>,
        reputation: Option<String>,
    },
}

/// Called by the chain itself (never by an account).
#[cw_serde]
pub enum SudoMsg {
    Slash {
        address: String,
        fraction: Decimal,
        reason: String,
    },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(Params)]
    Params {},
    /// Stake of one address; `stake` is `None` when it never bonded or fully unbonded.
    #[returns(StakeResponse)]
    Stake { address: String },
    /// Stakers of a role ordered by bonded stake, largest first. `start_after` is the last
    /// address of the previous page.
    #[returns(StakersResponse)]
    Stakers {
        role: Role,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// Totals of bonded stake (per role and overall), of unbonding stake and of reward coins
    /// held for stakers.
    #[returns(TotalsResponse)]
    Totals {},
    #[returns(UnbondingResponse)]
    Unbonding { address: String },
    #[returns(PendingRewardsResponse)]
    PendingRewards { address: String },
    /// Bonded stake of `address` at the start of block `height` (current block when `None`).
    #[returns(VotingPowerResponse)]
    VotingPowerAtHeight {
        address: String,
        height: Option<u64>,
    },
    /// Total bonded stake at the start of block `height` (current block when `None`).
    #[returns(TotalPowerResponse)]
    TotalPowerAtHeight { height: Option<u64> },
    /// The operator that registered consensus public key `pubkey` (32 bytes), if any.
    #[returns(ConsensusKeyResponse)]
    ConsensusKey { pubkey: Binary },
}

#[cw_serde]
pub struct ConsensusKeyResponse {
    pub operator: Option<Addr>,
}

#[cw_serde]
pub struct ConfigResponse {
    pub owner: Addr,
    pub slashers: Vec<Addr>,
    pub reputation: Option<Addr>,
}

#[cw_serde]
pub struct StakeInfo {
    pub address: Addr,
    pub role: Role,
    pub bonded: Uint128,
    pub consensus_pubkey: Option<Binary>,
}

#[cw_serde]
pub struct StakeResponse {
    pub stake: Option<StakeInfo>,
}

#[cw_serde]
pub struct StakersResponse {
    pub stakers: Vec<StakeInfo>,
}

#[cw_serde]
pub struct TotalsResponse {
    pub bonded_modeler: Uint128,
    pub bonded_validator: Uint128,
    pub bonded: Uint128,
    pub unbonding: Uint128,
    /// Reward coins distributed (or waiting for stakers) and not yet claimed, rounding dust
    /// included. `bonded + unbonding + rewards_held` is what the contract holds.
    pub rewards_held: Uint128,
}

#[cw_serde]
pub struct UnbondingEntry {
    pub amount: Uint128,
    pub release_at: Timestamp,
}

#[cw_serde]
pub struct UnbondingResponse {
    pub entries: Vec<UnbondingEntry>,
}

#[cw_serde]
pub struct PendingRewardsResponse {
    pub rewards: Uint128,
}

#[cw_serde]
pub struct VotingPowerResponse {
    pub power: Uint128,
    pub height: u64,
}

#[cw_serde]
pub struct TotalPowerResponse {
    pub power: Uint128,
    pub height: u64,
}

/// The part of the reputation contract's interface this contract calls. Mirrored here
/// rather than imported so that building all contracts in one cargo invocation does not
/// unify the `library` feature into the reputation cdylib; the multitest crate checks that
/// the two encodings agree.
#[cw_serde]
pub enum ReputationExecuteMsg {
    RecordSlash { modeler: String, amount: Uint128 },
}
