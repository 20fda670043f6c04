use cosmwasm_schema::{cw_serde, QueryResponses};

#[cw_serde]
pub struct InstantiateMsg {
    pub count: u64,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// `count += 1`; emits `wasm-counter` with the new count and returns it as response data
    /// (JSON, e.g. `6`).
    Increment {},
    /// Owner (the instantiating account) only.
    Reset { count: u64 },
    /// Increments and saves the count, then returns an error: the write must be rolled back.
    Fail {},
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(CountResponse)]
    Count {},
    #[returns(OwnerResponse)]
    Owner {},
    /// Whether `migrate` has run on this contract.
    #[returns(bool)]
    Migrated {},
}

#[cw_serde]
pub struct MigrateMsg {
    /// Sets the count when given.
    pub count: Option<u64>,
}

#[cw_serde]
pub struct CountResponse {
    pub count: u64,
}

#[cw_serde]
pub struct OwnerResponse {
    pub owner: String,
}

/// The chain's privileged calls (a native module, or the chain's authority).
#[cw_serde]
pub enum SudoMsg {
    /// Sets the count.
    Set { count: u64 },
}
