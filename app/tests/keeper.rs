//! The wasm keeper's sub-message and reply logic, in process, one behaviour per test: a reply
//! on success sees the sub-message's events, data and responses; a caught failure rolls back
//! only the sub-message; an uncaught one fails the transaction and rolls back the caller too.
//! Uses the `caller` and `counter` contracts (`contracts/artifacts`, see contracts/build.sh).

use cosmos_sdk_proto::cosmos::base::abci::v1beta1::TxMsgData;
use cosmos_sdk_proto::cosmwasm::wasm::v1::{MsgExecuteContract, MsgExecuteContractResponse};
use inferchain_app::harness::{artifact, Account, Harness};
use inferchain_app::modules::to_any;
use prost::Message;
use serde_json::{json, Value};
use tendermint_proto::v0_38::abci::ExecTxResult;

struct Chain {
    chain: Harness,
    alice: Account,
    caller: String,
    counter: String,
    _dir: tempfile::TempDir,
}

fn chain() -> Chain {
    let dir = tempfile::tempdir().unwrap();
    let (mut chain, mut acc) = Harness::funded(dir.path(), 1);
    let mut alice = acc.pop().unwrap();
    let counter_code = chain.store_code(&mut alice, &artifact("counter"));
    let caller_code = chain.store_code(&mut alice, &artifact("caller"));
    let counter = chain.instantiate(&mut alice, counter_code, json!({"count": 5}), "counter");
    let caller = chain.instantiate(&mut alice, caller_code, json!({}), "caller");
    Chain {
        chain,
        alice,
        caller,
        counter,
        _dir: dir,
    }
}

impl Chain {
    fn call(&mut self, msg: Value) -> ExecTxResult {
        let exec = to_any(&MsgExecuteContract {
            sender: self.alice.address.to_bech32(),
            contract: self.caller.clone(),
            msg: msg.to_string().into_bytes(),
            funds: vec![],
        });
        self.chain.run(&mut self.alice, vec![exec], 1_000_000)
    }

    fn smart(&self, contract: &str, msg: Value) -> Value {
        self.chain.smart_json(contract, &msg)
    }

    fn count(&self) -> u64 {
        self.smart(&self.counter, json!({"count": {}}))["count"]
            .as_u64()
            .unwrap()
    }

    fn last_reply(&self) -> Value {
        self.smart(&self.caller, json!({"last_reply": {}}))
    }

    fn mark(&self) -> Value {
        self.smart(&self.caller, json!({"mark": {}}))
    }
}

#[test]
fn a_reply_on_success_sees_the_sub_messages_events_data_and_responses() {
    let mut c = chain();
    let counter = c.counter.clone();
    let r = c.call(json!({"call_increment": {"counter": counter}}));
    assert_eq!(r.code, 0, "{}", r.log);
    assert_eq!(c.count(), 6);
    let reply = c.last_reply();
    assert_eq!(
        (reply["id"].as_u64(), reply["ok"].as_bool()),
        (Some(1), Some(true))
    );
    let events: Vec<&str> = reply["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert_eq!(events, ["execute", "wasm", "wasm-counter"], "{reply}");
    assert_eq!(
        reply["msg_responses"],
        json!(["/cosmwasm.wasm.v1.MsgExecuteContractResponse"])
    );
    assert!(reply["gas_used"].as_u64().unwrap() > 0);
    // The sub-message's data: MsgExecuteContractResponse carrying the counter's `6`.
    let data = base64_decode(reply["data"].as_str().unwrap());
    let inner = MsgExecuteContractResponse::decode(data.as_slice())
        .unwrap()
        .data;
    assert_eq!(inner, b"6");
    // The reply's own data became the transaction's: the LastReply JSON.
    let tx_data = TxMsgData::decode(r.data.as_ref()).unwrap();
    let outer = MsgExecuteContractResponse::decode(tx_data.msg_responses[0].value.as_slice())
        .unwrap()
        .data;
    assert_eq!(serde_json::from_slice::<Value>(&outer).unwrap(), reply);
    // Events: the caller's execute, the counter's, then the reply.
    let kinds: Vec<&str> = r.events.iter().map(|e| e.r#type.as_str()).collect();
    let reply_at = kinds
        .iter()
        .position(|k| *k == "reply")
        .expect("a reply event");
    assert!(kinds[..reply_at].contains(&"wasm-counter"), "{kinds:?}");
}

#[test]
fn a_caught_failure_rolls_back_the_sub_message_only() {
    let mut c = chain();
    let counter = c.counter.clone();
    let r = c.call(json!({"call_failing": {"counter": counter}}));
    assert_eq!(r.code, 0, "{}", r.log);
    // The counter incremented and saved before failing: rolled back.
    assert_eq!(c.count(), 5);
    let reply = c.last_reply();
    assert_eq!(
        (reply["id"].as_u64(), reply["ok"].as_bool()),
        (Some(2), Some(false))
    );
    // Redacted to codespace and code (the text may differ between nodes).
    assert_eq!(reply["error"], "codespace: wasm, code: 5");
    // The caller's own write before the sub-message stands.
    assert_eq!(c.mark(), "call-failing");
    // The failed sub-message's events are dropped.
    assert!(!r.events.iter().any(|e| e.r#type == "wasm-counter"));
}

#[test]
fn an_uncaught_failure_fails_the_transaction_and_rolls_back_the_caller() {
    let mut c = chain();
    let counter = c.counter.clone();
    let ok = c.call(json!({"call_increment": {"counter": counter.clone()}}));
    assert_eq!(ok.code, 0, "{}", ok.log);
    let r = c.call(json!({"call_failing_no_reply": {"counter": counter}}));
    assert_eq!((r.codespace.as_str(), r.code), ("wasm", 5), "{}", r.log);
    assert!(
        r.log
            .contains("failed to execute message; message index: 0"),
        "{}",
        r.log
    );
    assert_eq!(c.count(), 6);
    // The mark the caller wrote before dispatching is gone with the transaction.
    assert_eq!(c.mark(), "call-increment");
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}
