//! The route tables, in process: a duplicate registration fails at startup; a contract's
//! `CosmosMsg::Any` reaches another module's handler through the router, under the route's
//! policy; a contract's gRPC query reaches the query router, to the paths open to contracts.
//! Needs `contracts/artifacts` (built by `contracts/build.sh`, which `tests/run.sh` runs).

use base64::Engine;
use cosmos_sdk_proto::cosmos::bank::v1beta1::{
    MsgSend, QueryDenomMetadataRequest, QueryDenomMetadataResponse,
};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use cosmos_sdk_proto::cosmwasm::wasm::v1::{MsgExecuteContract, MsgStoreCode};
use inferchain_app::app::App;
use inferchain_app::harness::{artifact, send_msg, Account, Harness};
use inferchain_app::modules::{auth::Auth, bank::Bank, to_any, Module};
use inferchain_app::router::RouteError;
use prost::Message;
use serde_json::json;
use tendermint_proto::v0_38::abci::ExecTxResult;

#[test]
fn a_module_registered_twice_fails_at_startup() {
    let modules: Vec<Box<dyn Module>> = vec![Box::new(Auth), Box::new(Bank), Box::new(Bank)];
    let err = App::with_modules(modules, None).err().expect("must fail");
    assert_eq!(
        err,
        RouteError::DuplicateMsg {
            type_url: "/cosmos.bank.v1beta1.MsgSend".into(),
            first: "bank",
            second: "bank",
        }
    );
}

struct Chain {
    chain: Harness,
    alice: Account,
    bob: Account,
    caller: String,
    _dir: tempfile::TempDir,
}

/// The caller contract, holding 1,000 uspec.
fn chain() -> Chain {
    let dir = tempfile::tempdir().unwrap();
    let (mut chain, mut acc) = Harness::funded(dir.path(), 2);
    let bob = acc.pop().unwrap();
    let mut alice = acc.pop().unwrap();
    let code = chain.store_code(&mut alice, &artifact("caller"));
    let caller = chain.instantiate(&mut alice, code, json!({}), "caller");
    let to_caller = send_msg(&alice.address, &caller.parse().unwrap(), 1_000);
    let r = chain.run(&mut alice, vec![to_caller], 100_000);
    assert_eq!(r.code, 0, "{}", r.log);
    Chain {
        chain,
        alice,
        bob,
        caller,
        _dir: dir,
    }
}

impl Chain {
    /// Has the caller send `CosmosMsg::Any { type_url, value }`.
    fn send_any(&mut self, type_url: &str, value: Vec<u8>) -> ExecTxResult {
        let value = base64::engine::general_purpose::STANDARD.encode(value);
        let msg = json!({"send_any": {"type_url": type_url, "value": value}});
        let exec = to_any(&MsgExecuteContract {
            sender: self.alice.address.to_bech32(),
            contract: self.caller.clone(),
            msg: msg.to_string().into_bytes(),
            funds: vec![],
        });
        self.chain.run(&mut self.alice, vec![exec], 500_000)
    }

    fn smart(&self, msg: serde_json::Value) -> Result<Vec<u8>, String> {
        self.chain.smart(&self.caller, &msg)
    }
}

fn uspec(amount: u128) -> Vec<Coin> {
    vec![Coin {
        denom: "uspec".into(),
        amount: amount.to_string(),
    }]
}

#[test]
fn a_contract_sends_a_bank_message_as_any_through_the_router() {
    let mut c = chain();
    let before = c.chain.balance(&c.bob.address, "uspec");
    let send = MsgSend {
        from_address: c.caller.clone(),
        to_address: c.bob.address.to_bech32(),
        amount: uspec(250),
    };
    let r = c.send_any("/cosmos.bank.v1beta1.MsgSend", send.encode_to_vec());
    assert_eq!(r.code, 0, "{}", r.log);
    assert_eq!(c.chain.balance(&c.bob.address, "uspec"), before + 250);
    assert_eq!(c.chain.balance(&c.caller.parse().unwrap(), "uspec"), 750);
    let bob = c.bob.address.to_bech32();
    let transfer = r
        .events
        .iter()
        .find(|e| {
            e.r#type == "transfer"
                && e.attributes
                    .iter()
                    .any(|a| a.key == "recipient" && a.value == bob)
        })
        .expect("a transfer event to bob");
    assert!(transfer
        .attributes
        .iter()
        .any(|a| a.key == "sender" && a.value == c.caller));
}

#[test]
fn a_contract_can_not_send_a_message_someone_else_signs() {
    let mut c = chain();
    let before = c.chain.balance(&c.alice.address, "uspec");
    let send = MsgSend {
        from_address: c.alice.address.to_bech32(),
        to_address: c.bob.address.to_bech32(),
        amount: uspec(250),
    };
    let r = c.send_any("/cosmos.bank.v1beta1.MsgSend", send.encode_to_vec());
    assert_eq!(r.code, 4, "{}", r.log);
    assert!(
        r.log.contains(&format!(
            "contract {} can not send a message signed by {}",
            c.caller,
            c.alice.address.to_bech32()
        )),
        "{}",
        r.log
    );
    // Only the fee left alice.
    assert_eq!(
        c.chain.balance(&c.alice.address, "uspec"),
        before - inferchain_app::harness::fee_for(500_000)
    );
}

#[test]
fn a_message_outside_the_contract_policy_is_refused() {
    let mut c = chain();
    let upload = MsgStoreCode {
        sender: c.caller.clone(),
        // The smallest wasm module: refused before anything looks at it.
        wasm_byte_code: b"\0asm\x01\0\0\0".to_vec(),
        instantiate_permission: None,
    };
    let r = c.send_any("/cosmwasm.wasm.v1.MsgStoreCode", upload.encode_to_vec());
    assert_eq!(r.code, 4, "{}", r.log);
    assert!(
        r.log.contains(&format!(
            "contract {} may not send /cosmwasm.wasm.v1.MsgStoreCode: the wasm module accepts it from accounts only",
            c.caller
        )),
        "{}",
        r.log
    );

    let r = c.send_any("/cosmos.staking.v1beta1.MsgDelegate", vec![]);
    assert_eq!(r.code, 6, "{}", r.log);
    assert!(
        r.log
            .contains("unrecognized message type: /cosmos.staking.v1beta1.MsgDelegate"),
        "{}",
        r.log
    );
}

#[test]
fn a_contract_queries_bank_denom_metadata_through_the_query_router() {
    let c = chain();
    let data = QueryDenomMetadataRequest {
        denom: "uspec".into(),
    }
    .encode_to_vec();
    let answer = c
        .smart(json!({"grpc": {
            "path": "/cosmos.bank.v1beta1.Query/DenomMetadata",
            "data": base64::engine::general_purpose::STANDARD.encode(&data),
        }}))
        .expect("the grpc query");
    // The contract returns the chain's protobuf answer as it got it.
    let metadata = QueryDenomMetadataResponse::decode(answer.as_slice())
        .unwrap()
        .metadata
        .unwrap();
    assert_eq!(
        (metadata.symbol.as_str(), metadata.display.as_str()),
        ("SPEC", "spec")
    );

    // The cosmwasm_1_3 bank query answers the same metadata.
    let answer = c
        .smart(json!({"denom_metadata": {"denom": "uspec"}}))
        .expect("the denom metadata query");
    let m: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(m["symbol"], "SPEC");
    assert_eq!(m["denom_units"][1]["exponent"], 6);

    // A path clients may ask but contracts may not (a listing: unbounded work per call).
    let err = c
        .smart(json!({"grpc": {"path": "/cosmos.auth.v1beta1.Query/Accounts", "data": ""}}))
        .expect_err("not open to contracts");
    assert!(err.contains("not open to contracts"), "{err}");
}
