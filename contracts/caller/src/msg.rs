use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Binary, Coin};

/// Reply ids of the sub-messages.
pub const REPLY_INCREMENT: u64 = 1;
pub const REPLY_FAILING: u64 = 2;
pub const REPLY_INSTANTIATE2: u64 = 3;

#[cw_serde]
pub struct InstantiateMsg {}

#[cw_serde]
pub enum ExecuteMsg {
    /// `BankMsg::Send` of `amount` from the contract's own balance to `to`.
    Send { to: String, amount: Vec<Coin> },
    /// Sets the mark to `call-increment`, then calls `increment {}` on `counter` as a
    /// sub-message with `reply_on_success` (reply id 1).
    CallIncrement { counter: String },
    /// Sets the mark to `call-failing`, then calls `fail {}` on `counter` as a sub-message
    /// with `reply_on_error` (reply id 2): the transaction succeeds, the counter's write is
    /// rolled back, the mark stays.
    CallFailing { counter: String },
    /// Sets the mark to `call-failing-no-reply`, then calls `fail {}` on `counter` as a plain
    /// message: the whole transaction fails and the mark keeps its previous value.
    CallFailingNoReply { counter: String },
    /// Instantiates the counter code `code_id` (with `{"count":0}`, no admin, no funds) via
    /// `instantiate2` as a sub-message with `reply_always` (reply id 3); the reply records the
    /// new address (query `instantiated`).
    Instantiate2Counter {
        code_id: u64,
        salt: Binary,
        label: String,
    },
    /// Sends `CosmosMsg::Any { type_url, value }`: any module's message, through the chain's
    /// router (e.g. a bank `MsgSend` whose sender is this contract).
    SendAny { type_url: String, value: Binary },
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The last reply received, if any.
    #[returns(Option<LastReply>)]
    LastReply {},
    /// The mark written by the last successful `call_*` execution.
    #[returns(Option<String>)]
    Mark {},
    /// The count of a counter contract, via the wasm querier (`query_wasm_smart`).
    #[returns(u64)]
    CounterValue { counter: String },
    /// The contract's own balance of `denom`, via the bank querier.
    #[returns(cosmwasm_std::Coin)]
    Balance { denom: String },
    /// What the last `instantiate2_counter` reply said about the new contract.
    #[returns(Option<Instantiated>)]
    Instantiated {},
    /// `QueryRequest::Grpc { path, data }`: the protobuf answer, as the chain gives it.
    #[returns(Binary)]
    Grpc { path: String, data: Binary },
    /// `BankQuery::DenomMetadata` (cosmwasm_1_3).
    #[returns(cosmwasm_std::DenomMetadata)]
    DenomMetadata { denom: String },
}

/// What the `reply` entry point received last. The reply's response data is this struct as
/// JSON, so it also shows up as the transaction's data.
#[cw_serde]
pub struct LastReply {
    pub id: u64,
    pub ok: bool,
    /// The sub-message's error (as the chain passes it; may be redacted), when not `ok`.
    pub error: Option<String>,
    /// `SubMsgResponse.data` — for a wasm execute this is the protobuf
    /// `MsgExecuteContractResponse` (field 1: the contract's data), for instantiate2 the
    /// `MsgInstantiateContract2Response`.
    pub data: Option<Binary>,
    /// Types of the events the sub-message emitted, in order (e.g. `execute`, `wasm`,
    /// `wasm-counter`).
    pub events: Vec<String>,
    /// `type_url`s of `SubMsgResponse.msg_responses`.
    pub msg_responses: Vec<String>,
    /// Gas the sub-message used (Cosmos SDK gas), as reported by the chain.
    pub gas_used: u64,
}

/// The new contract of `instantiate2_counter`, as found in the reply.
#[cw_serde]
pub struct Instantiated {
    /// `_contract_address` of the `instantiate` event.
    pub address_from_events: Option<String>,
    /// Field 1 of the `MsgInstantiateContract2Response` in `msg_responses` (or, if that is
    /// empty, in the deprecated `data`).
    pub address_from_msg_responses: Option<String>,
    /// Field 2 of that response: the counter's instantiate data (none for the counter).
    pub data: Option<Binary>,
}

/// Mirror of the counter test contract's messages (`inferchain-counter`), kept here instead of
/// a crate dependency (see contracts/README.md).
#[cw_serde]
pub enum CounterExecuteMsg {
    Increment {},
    Fail {},
}

#[cw_serde]
pub struct CounterInstantiateMsg {
    pub count: u64,
}

#[cw_serde]
pub enum CounterQueryMsg {
    Count {},
}

#[cw_serde]
pub struct CounterCountResponse {
    pub count: u64,
}
