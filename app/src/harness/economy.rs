//! An inference economy on a harness chain, for the feed tests and the throughput benchmark:
//! the staking contract deployed and wired into the inference module, a bonded modeler with a
//! registered (pseudo-random) model of the small architecture.

use std::path::Path;

use cosmos_sdk_proto::cosmwasm::wasm::v1::MsgExecuteContract;
use inferchain_proto::inferchain::inference::v1 as pb;
use inferchain_verifier::{ArchSpec, Mode, ProofKind, QuantModel};
use prost::Message;
use serde_json::json;
use tendermint_proto::google::protobuf::Any;

use super::{artifact, Account, Harness};
use crate::modules::inference::circuits;
use crate::modules::inference::genesis::ArchitectureJson;
use crate::modules::to_any;

pub const ARCH: &str = "mlp-16-32-16-1";
/// What the modeler bonds (the module's minimum is 1 SPEC).
pub const STAKE: u128 = 5_000_000;

pub struct Economy {
    pub chain: Harness,
    /// The chain's authority.
    pub alice: Account,
    /// The modeler, owner of model 1.
    pub bob: Account,
    /// A consumer.
    pub carol: Account,
    pub staking: String,
    pub model: QuantModel,
    pub model_id: u64,
}

/// A `MsgExecuteContract` of `msg` with `funds` uspec.
pub fn exec(sender: &Account, contract: &str, msg: serde_json::Value, funds: u128) -> Any {
    to_any(&MsgExecuteContract {
        sender: sender.address.to_bech32(),
        contract: contract.into(),
        msg: msg.to_string().into_bytes(),
        funds: if funds == 0 {
            vec![]
        } else {
            vec![cosmos_sdk_proto::cosmos::base::v1beta1::Coin {
                denom: crate::coins::NATIVE_DENOM.into(),
                amount: funds.to_string(),
            }]
        },
    })
}

/// The inference module's answer to `method` (protobuf in, protobuf out); panics on an error.
pub fn query<R: Message + Default>(chain: &Harness, method: &str, req: impl Message) -> R {
    let r = chain.query(
        &format!("/inferchain.inference.v1.Query/{method}"),
        req.encode_to_vec(),
    );
    assert_eq!(r.code, 0, "{method}: {}", r.log);
    R::decode(r.value.as_ref()).expect("a query answer")
}

/// A chain (authority alice, block gas `max_gas`) whose genesis registers `circuits` for the
/// small model; the staking contract wired into the module; bob a bonded modeler with model 1.
pub fn economy(dir: &Path, circuits_wanted: &[(ProofKind, Mode)], max_gas: i64) -> Economy {
    let mut alice = Account::from_seed(1, 0);
    let mut bob = Account::from_seed(2, 0);
    let mut carol = Account::from_seed(3, 0);
    let arch: ArchitectureJson = circuits::describe_architecture(ARCH, circuits_wanted)
        .expect("registered circuits")
        .into();
    let mut chain = Harness::with_sections(
        dir,
        &[&alice.address, &bob.address, &carol.address],
        max_gas,
        json!({
            "params": {"authority": alice.address.to_bech32()},
            "inference": {"architectures": [arch], "params": {"min_model_stake": "1000000"}},
        }),
        None,
        crate::app::modules,
    );
    for a in [&mut alice, &mut bob, &mut carol] {
        a.number = chain.account_number(&a.address);
    }
    let (a, b) = (alice.address.to_bech32(), bob.address.to_bech32());
    let code = chain.store_code(&mut alice, &artifact("staking"));
    let staking = chain.instantiate(
        &mut alice,
        code,
        json!({"owner": a, "slashers": [], "params": {
            "min_stake_modeler": "1000000", "min_stake_validator": "1000000",
            "unbonding_period": 60, "max_unbonding_entries": 7,
            "slash_destination": {"address": {"address": a}}}}),
        "staking",
    );
    let mut params = query::<pb::QueryParamsResponse>(&chain, "Params", pb::QueryParamsRequest {})
        .params
        .expect("params");
    params.staking_contract = staking.clone();
    let update = to_any(&pb::MsgUpdateParams {
        authority: a.clone(),
        params: Some(params),
    });
    let r = chain.run(&mut alice, vec![update], 500_000);
    assert_eq!(r.code, 0, "params: {}", r.log);
    let bond = exec(
        &bob,
        &staking,
        json!({"bond": {"role": "modeler", "consensus_pubkey": null}}),
        STAKE,
    );
    let r = chain.run(&mut bob, vec![bond], 1_000_000);
    assert_eq!(r.code, 0, "bond: {}", r.log);
    let spec = ArchSpec::parse(ARCH).expect("a known architecture");
    let model = QuantModel::pseudo_random(&spec, 42);
    let register = to_any(&pb::MsgRegisterModel {
        owner: b,
        commitment: model.commitment().expect("a valid model").to_hex(),
        architecture: ARCH.into(),
        mode: "public".into(),
        metadata_uri: String::new(),
    });
    let r = chain.run(&mut bob, vec![register], 1_000_000);
    assert_eq!(r.code, 0, "register: {}", r.log);
    Economy {
        chain,
        alice,
        bob,
        carol,
        staking,
        model,
        model_id: 1,
    }
}
