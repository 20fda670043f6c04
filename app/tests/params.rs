//! Governable params, in process: the chain's authority (on the localnet the governance
//! contract) changes the chain limits and wasm's upload and instantiate permissions with
//! `MsgUpdateParams`; anyone else is refused; the new values bind at once. The authority here
//! is the `caller` contract, so the path a governance proposal takes — a contract sending
//! `MsgUpdateParams` as `CosmosMsg::Any` through the router — is the one tested.

use base64::Engine;
use cosmos_sdk_proto::cosmwasm::wasm::v1::{
    AccessConfig, AccessType, MsgExecuteContract, MsgStoreCode,
    MsgUpdateParams as WasmUpdateParams, Params as WasmParams,
    QueryParamsRequest as WasmParamsRequest, QueryParamsResponse as WasmParamsResponse,
};
use inferchain_app::harness::{artifact, fee_for, gzip, send_msg, Account, Harness};
use inferchain_app::modules::to_any;
use inferchain_app::modules::wasm::classic_address;
use inferchain_proto::inferchain::params::v1 as paramsv1;
use prost::Message;
use serde_json::json;
use tendermint_proto::v0_38::abci::ExecTxResult;

struct Chain {
    chain: Harness,
    alice: Account,
    bob: Account,
    /// The caller contract: the chain's authority.
    gov: String,
    _dir: tempfile::TempDir,
}

fn chain() -> Chain {
    let dir = tempfile::tempdir().unwrap();
    let mut alice = Account::from_seed(1, 0);
    let mut bob = Account::from_seed(2, 0);
    // The first contract of the first code (classic address), known before genesis as the
    // localnet knows the governance contract's.
    let gov = classic_address(1, 1).to_bech32();
    let mut chain = Harness::with_params(
        dir.path(),
        &[&alice.address, &bob.address],
        40_000_000,
        json!({"authority": gov}),
        None,
    );
    alice.number = chain.account_number(&alice.address);
    bob.number = chain.account_number(&bob.address);
    let code = chain.store_code(&mut alice, &artifact("caller"));
    assert_eq!(code, 1);
    let addr = chain.instantiate(&mut alice, code, json!({}), "governance");
    assert_eq!(addr, gov);
    Chain {
        chain,
        alice,
        bob,
        gov,
        _dir: dir,
    }
}

impl Chain {
    /// The authority (the contract) sends `msg` as `CosmosMsg::Any`.
    fn as_authority(&mut self, msg: tendermint_proto::google::protobuf::Any) -> ExecTxResult {
        let value = base64::engine::general_purpose::STANDARD.encode(&msg.value);
        let exec = to_any(&MsgExecuteContract {
            sender: self.alice.address.to_bech32(),
            contract: self.gov.clone(),
            msg: json!({"send_any": {"type_url": msg.type_url, "value": value}})
                .to_string()
                .into_bytes(),
            funds: vec![],
        });
        self.chain.run(&mut self.alice, vec![exec], 500_000)
    }

    fn chain_params(&self) -> paramsv1::QueryParamsResponse {
        let r = self.chain.query(
            "/inferchain.params.v1.Query/Params",
            paramsv1::QueryParamsRequest {}.encode_to_vec(),
        );
        assert_eq!(r.code, 0, "{}", r.log);
        paramsv1::QueryParamsResponse::decode(r.value.as_ref()).unwrap()
    }

    fn wasm_params(&self) -> WasmParams {
        let r = self.chain.query(
            "/cosmwasm.wasm.v1.Query/Params",
            WasmParamsRequest {}.encode_to_vec(),
        );
        assert_eq!(r.code, 0, "{}", r.log);
        WasmParamsResponse::decode(r.value.as_ref())
            .unwrap()
            .params
            .unwrap()
    }
}

fn update_limits(
    authority: &str,
    max_tx_gas: u64,
    min_gas_price: &str,
) -> tendermint_proto::google::protobuf::Any {
    to_any(&paramsv1::MsgUpdateParams {
        authority: authority.into(),
        params: Some(paramsv1::Params {
            max_tx_gas,
            min_gas_price: min_gas_price.into(),
        }),
    })
}

#[test]
fn the_authority_changes_the_chain_limits_and_they_bind_at_once() {
    let mut c = chain();
    let before = c.chain_params();
    assert_eq!(before.authority, c.gov);
    assert_eq!(before.max_block_gas, 40_000_000);

    let gov = c.gov.clone();
    let r = c.as_authority(update_limits(&gov, 1_000_000, "0.01uspec"));
    assert_eq!(r.code, 0, "{}", r.log);
    let after = c.chain_params();
    let p = after.params.unwrap();
    assert_eq!(
        (p.max_tx_gas, p.min_gas_price.as_str()),
        (1_000_000, "0.01uspec")
    );

    // A transaction asking for more gas than the new cap is refused.
    let over = c.bob.sign_at(
        vec![send_msg(&c.bob.address, &c.alice.address, 1)],
        2_000_000,
        fee_for(2_000_000),
        c.bob.sequence,
    );
    let check = c.chain.check(&over);
    assert_eq!(check.code, 41, "{}", check.log);
    // One paying the old floor (0.0025) but not the new one (0.01) is refused.
    let cheap = c.bob.sign_at(
        vec![send_msg(&c.bob.address, &c.alice.address, 1)],
        100_000,
        300,
        c.bob.sequence,
    );
    let r = c.chain.block(vec![cheap]).tx_results.remove(0);
    assert_eq!(r.code, 13, "{}", r.log);
}

#[test]
fn only_the_authority_may_change_params_and_only_to_valid_values() {
    let mut c = chain();
    // An account that is not the authority.
    let bob = c.bob.address.to_bech32();
    let r = c.chain.run(
        &mut c.bob,
        vec![update_limits(&bob, 1_000_000, "0.01uspec")],
        200_000,
    );
    assert_eq!(r.code, 4, "{}", r.log);
    assert!(r.log.contains("is not the chain's authority"), "{}", r.log);

    let gov = c.gov.clone();
    // A per-transaction cap above the block's.
    let r = c.as_authority(update_limits(&gov, 50_000_000, "0.01uspec"));
    assert_eq!(r.code, 18, "{}", r.log);
    assert!(
        r.log.contains("must be between 1 and the block gas limit"),
        "{}",
        r.log
    );
    // A fee floor in another denom.
    let r = c.as_authority(update_limits(&gov, 1_000_000, "0.01uatom"));
    assert_eq!(r.code, 18, "{}", r.log);
    // Nothing changed.
    let p = c.chain_params().params.unwrap();
    assert_eq!(p.max_tx_gas, inferchain_app::params::DEFAULT_MAX_TX_GAS);
}

#[test]
fn the_authority_restricts_uploads_and_the_default_instantiate_permission() {
    let mut c = chain();
    assert_eq!(
        c.wasm_params().code_upload_access.unwrap().permission,
        AccessType::Everybody as i32
    );
    let gov = c.gov.clone();
    let alice = c.alice.address.to_bech32();
    let params = WasmParams {
        code_upload_access: Some(AccessConfig {
            permission: AccessType::AnyOfAddresses as i32,
            addresses: vec![alice.clone()],
        }),
        instantiate_default_permission: AccessType::AnyOfAddresses as i32,
    };
    let r = c.as_authority(to_any(&WasmUpdateParams {
        authority: gov,
        params: Some(params.clone()),
    }));
    assert_eq!(r.code, 0, "{}", r.log);
    assert_eq!(c.wasm_params(), params);

    // Bob may no longer upload.
    let upload = to_any(&MsgStoreCode {
        sender: c.bob.address.to_bech32(),
        wasm_byte_code: gzip(&artifact("counter")),
        instantiate_permission: None,
    });
    let r = c.chain.run(&mut c.bob, vec![upload], 3_500_000);
    assert_eq!(r.code, 4, "{}", r.log);
    assert!(r.log.contains("may not upload code"), "{}", r.log);

    // Alice may; her code, without a permission of its own, is hers alone to instantiate.
    let code = c.chain.store_code(&mut c.alice, &artifact("counter"));
    let inst = to_any(
        &cosmos_sdk_proto::cosmwasm::wasm::v1::MsgInstantiateContract {
            sender: c.bob.address.to_bech32(),
            admin: String::new(),
            code_id: code,
            label: "counter".into(),
            msg: br#"{"count":0}"#.to_vec(),
            funds: vec![],
        },
    );
    let r = c.chain.run(&mut c.bob, vec![inst], 500_000);
    assert_eq!(r.code, 4, "{}", r.log);
    assert!(
        r.log.contains(&format!("AnyOfAddresses[{alice}]")),
        "{}",
        r.log
    );
}
