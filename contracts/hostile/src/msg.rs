use cosmwasm_schema::{cw_serde, QueryResponses};

#[cw_serde]
pub struct InstantiateMsg {}

#[cw_serde]
pub enum ExecuteMsg {
    /// Spins (2^64 iterations of an opaque counter; the result is saved afterwards): only the
    /// gas limit stops it.
    Loop {},
    /// Allocates 1 MiB chunks, writes a byte in each 4 KiB page, and keeps them all until
    /// allocation fails (a trap) — past any instance memory limit, at little gas (~1 000 SDK
    /// gas to reach 32 MiB), so the memory limit and not the gas limit stops it.
    MemoryBomb {},
    /// Non-tail recursion, `depth` frames deep, each frame holding a 1 KiB array on the stack;
    /// `depth` 1_000_000 overflows the wasm stack (a trap), a small depth succeeds.
    Recurse { depth: u32 },
    /// Answers with `bytes` bytes of response data (the chain caps what a call may return).
    BigData { bytes: u32 },
    /// Emits `count` events, each with one attribute of `size` bytes.
    ManyEvents { count: u32, size: u32 },
    /// Fails with an error message of `bytes` bytes.
    BigError { bytes: u32 },
    /// Burns the funds sent with the message (`BankMsg::Burn`).
    Burn {},
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// An infinite loop in a query: only the query gas limit stops it.
    #[returns(u64)]
    Loop {},
    /// `"pong"`.
    #[returns(String)]
    Ping {},
}

/// The chain's consumer callback (the inference module's `inference_result`), answered by
/// misbehaving as the request's `callback_data` says: `loop` spins until the callback's gas
/// runs out, `bomb` allocates until memory runs out, `panic` panics, anything else fails with
/// an error. Unknown fields of the callback are ignored (no `deny_unknown_fields`).
#[derive(serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SudoMsg {
    InferenceResult { callback_data: cosmwasm_std::Binary },
}
