//! The validators module in process, with the real staking contract: the genesis set stays
//! until validators bond with a proven consensus key; bonding, unbonding and the seat limit
//! reach CometBFT as `validator_updates` in FinalizeBlock responses; the fee collector pays the
//! previous block's signers pro rata by power (a genesis validator without an operator is
//! skipped, its part and the rounding stay); a double sign slashes the operator through the
//! contract and removes it for good; a staking contract that fails is an event, never a halt.

use cosmos_sdk_proto::cosmwasm::wasm::v1::MsgExecuteContract;
use inferchain_app::address::Address;
use inferchain_app::harness::{artifact, Account, Harness, CHAIN_ID};
use inferchain_app::modules::to_any;
use inferchain_proto::inferchain::validators::v1 as pb;
use prost::Message;
use serde_json::json;
use sha2::{Digest, Sha256};
use tendermint_proto::v0_38::abci::{
    CommitInfo, ExecTxResult, Misbehavior, MisbehaviorType, ResponseFinalizeBlock, Validator,
    ValidatorUpdate, VoteInfo,
};
use tendermint_proto::v0_38::crypto::{public_key::Sum, PublicKey};
use tendermint_proto::v0_38::types::BlockIdFlag;

const STAKE_GAS: u64 = 1_000_000;

fn consensus_key(seed: u8) -> ed25519_zebra::SigningKey {
    ed25519_zebra::SigningKey::from([seed; 32])
}

fn pubkey(seed: u8) -> Vec<u8> {
    <[u8; 32]>::from(ed25519_zebra::VerificationKey::from(&consensus_key(seed))).to_vec()
}

fn cons_address(seed: u8) -> Vec<u8> {
    Sha256::digest(pubkey(seed))[..20].to_vec()
}

fn update(seed: u8, power: i64) -> ValidatorUpdate {
    ValidatorUpdate {
        pub_key: Some(PublicKey {
            sum: Some(Sum::Ed25519(pubkey(seed).into())),
        }),
        power,
    }
}

/// The updates of a block, ordered by key as the module returns them.
fn updates(r: &ResponseFinalizeBlock) -> Vec<(Vec<u8>, i64)> {
    r.validator_updates
        .iter()
        .map(|u| match u.pub_key.as_ref().and_then(|k| k.sum.as_ref()) {
            Some(Sum::Ed25519(k)) => (k.to_vec(), u.power),
            other => panic!("not an ed25519 update: {other:?}"),
        })
        .collect()
}

fn expect(mut changes: Vec<(u8, i64)>) -> Vec<(Vec<u8>, i64)> {
    changes.sort_by_key(|(seed, _)| pubkey(*seed));
    changes
        .into_iter()
        .map(|(seed, power)| (pubkey(seed), power))
        .collect()
}

fn proof(seed: u8, operator: &Address) -> Vec<u8> {
    let msg = format!(
        "inferchain/consensus-key/v1/{CHAIN_ID}/{}",
        operator.to_bech32()
    );
    consensus_key(seed).sign(msg.as_bytes()).to_bytes().to_vec()
}

fn execute(
    chain: &mut Harness,
    from: &mut Account,
    contract: &str,
    msg: serde_json::Value,
    funds: u128,
) -> ExecTxResult {
    let m = to_any(&MsgExecuteContract {
        sender: from.address.to_bech32(),
        contract: contract.into(),
        msg: msg.to_string().into_bytes(),
        funds: if funds == 0 {
            vec![]
        } else {
            vec![cosmos_sdk_proto::cosmos::base::v1beta1::Coin {
                denom: "uspec".into(),
                amount: funds.to_string(),
            }]
        },
    });
    chain.run(from, vec![m], STAKE_GAS)
}

fn bond_msg(seed: u8, operator: &Address, with_proof: bool) -> serde_json::Value {
    use base64::Engine;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    json!({"bond": {
        "role": "validator",
        "consensus_pubkey": b64(&pubkey(seed)),
        "consensus_key_proof": with_proof.then(|| b64(&proof(seed, operator))),
    }})
}

fn set_params(chain: &mut Harness, authority: &mut Account, params: pb::Params) -> ExecTxResult {
    let m = to_any(&pb::MsgUpdateParams {
        authority: authority.address.to_bech32(),
        params: Some(params),
    });
    chain.run(authority, vec![m], 200_000)
}

fn validator_set(chain: &Harness) -> pb::QueryValidatorSetResponse {
    let r = chain.query(
        "/inferchain.validators.v1.Query/ValidatorSet",
        pb::QueryValidatorSetRequest {}.encode_to_vec(),
    );
    assert_eq!(r.code, 0, "{}", r.log);
    pb::QueryValidatorSetResponse::decode(r.value.as_ref()).unwrap()
}

fn params(chain: &Harness) -> pb::Params {
    let r = chain.query(
        "/inferchain.validators.v1.Query/Params",
        pb::QueryParamsRequest {}.encode_to_vec(),
    );
    assert_eq!(r.code, 0, "{}", r.log);
    pb::QueryParamsResponse::decode(r.value.as_ref())
        .unwrap()
        .params
        .unwrap()
}

fn vote(seed: u8, power: i64, signed: bool) -> VoteInfo {
    VoteInfo {
        validator: Some(Validator {
            address: cons_address(seed).into(),
            power,
        }),
        block_id_flag: if signed {
            BlockIdFlag::Commit as i32
        } else {
            BlockIdFlag::Absent as i32
        },
    }
}

fn commit(votes: Vec<VoteInfo>) -> Option<CommitInfo> {
    Some(CommitInfo { round: 0, votes })
}

fn event_attr(r: &ResponseFinalizeBlock, ty: &str, key: &str) -> Option<String> {
    r.events
        .iter()
        .filter(|e| e.r#type == ty)
        .flat_map(|e| &e.attributes)
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

fn bonded(chain: &Harness, staking: &str, who: &Address) -> u128 {
    let r = chain.smart_json(staking, &json!({"stake": {"address": who.to_bech32()}}));
    r["stake"]["bonded"]
        .as_str()
        .map(|s| s.parse().unwrap())
        .unwrap_or(0)
}

const G1: u8 = 101;
const G2: u8 = 102;
const BOB_KEY: u8 = 7;
const CAROL_KEY: u8 = 8;

#[test]
fn the_validator_set_follows_the_staking_contract() {
    let dir = tempfile::tempdir().unwrap();
    let mut alice = Account::from_seed(1, 0);
    let mut bob = Account::from_seed(2, 0);
    let mut carol = Account::from_seed(3, 0);
    let mut chain = Harness::with_validators(
        dir.path(),
        &[&alice.address, &bob.address, &carol.address],
        100_000_000,
        json!({
            "params": {"authority": alice.address.to_bech32()},
            "validators": {"params": {"max_validators": 2}},
        }),
        None,
        inferchain_app::app::modules,
        vec![update(G1, 10), update(G2, 10)],
    );
    for a in [&mut alice, &mut bob, &mut carol] {
        a.number = chain.account_number(&a.address);
    }
    let (alice_addr, bob_addr, carol_addr) = (
        alice.address.clone(),
        bob.address.clone(),
        carol.address.clone(),
    );
    // The genesis set is the stored set; without a staking contract nothing changes.
    let set = validator_set(&chain);
    assert_eq!(set.total_power, 20);
    assert!(set.validators.iter().all(|v| v.operator.is_empty()));
    assert!(chain.block(vec![]).validator_updates.is_empty());

    let code = chain.store_code(&mut alice, &artifact("staking"));
    let staking = chain.instantiate(
        &mut alice,
        code,
        json!({"owner": alice_addr.to_bech32(), "slashers": [], "params": {
            "min_stake_modeler": "1000000", "min_stake_validator": "1000000",
            "unbonding_period": 60, "max_unbonding_entries": 7,
            "slash_destination": "burn"}}),
        "staking",
    );
    // Only the authority changes the params, and only to valid ones (codespace validators).
    let mut p = params(&chain);
    p.staking_contract = staking.clone();
    let r = set_params(&mut chain, &mut bob, p.clone());
    assert_eq!(r.code, 4, "not the authority: {}", r.log);
    let mut bad = p.clone();
    bad.double_sign_slash_fraction = "1.5".into();
    let r = set_params(&mut chain, &mut alice, bad);
    assert_eq!(
        (r.codespace.as_str(), r.code),
        ("validators", 2),
        "{}",
        r.log
    );
    alice.sequence -= 1; // refused before the ante step: no sequence taken
    let r = set_params(&mut chain, &mut alice, p.clone());
    assert_eq!(r.code, 0, "{}", r.log);
    // A contract with no bonded validators: the genesis set stays.
    assert!(chain.block(vec![]).validator_updates.is_empty());
    assert_eq!(validator_set(&chain).validators.len(), 2);

    // A key without its proof, or with another operator's, is refused by the contract.
    let r = execute(
        &mut chain,
        &mut bob,
        &staking,
        bond_msg(BOB_KEY, &bob_addr, false),
        3_000_000,
    );
    assert_ne!(r.code, 0);
    assert!(r.log.contains("consensus_key_proof"), "{}", r.log);
    let r = execute(
        &mut chain,
        &mut bob,
        &staking,
        bond_msg(BOB_KEY, &carol_addr, true),
        3_000_000,
    );
    assert_ne!(r.code, 0);
    assert!(
        r.log.contains("is not the consensus key's signature"),
        "{}",
        r.log
    );

    // bob bonds 3 SPEC with a proven key: in the same block's response, bob joins with power
    // 3 and the genesis validators (nobody bonded them) leave.
    let m = to_any(&MsgExecuteContract {
        sender: bob.address.to_bech32(),
        contract: staking.clone(),
        msg: bond_msg(BOB_KEY, &bob.address, true)
            .to_string()
            .into_bytes(),
        funds: vec![cosmos_sdk_proto::cosmos::base::v1beta1::Coin {
            denom: "uspec".into(),
            amount: "3000000".into(),
        }],
    });
    let tx = bob.sign(
        vec![m],
        STAKE_GAS,
        inferchain_app::harness::fee_for(STAKE_GAS),
    );
    let r = chain.block(vec![tx]);
    assert_eq!(r.tx_results[0].code, 0, "{}", r.tx_results[0].log);
    assert_eq!(updates(&r), expect(vec![(BOB_KEY, 3), (G1, 0), (G2, 0)]));
    let set = validator_set(&chain);
    assert_eq!(set.validators.len(), 1);
    assert_eq!(set.validators[0].operator, bob.address.to_bech32());
    assert_eq!(set.validators[0].address, cons_address(BOB_KEY));
    // Nothing changed: no updates.
    assert!(chain.block(vec![]).validator_updates.is_empty());

    // carol bonds 2 SPEC: she joins.
    let r = execute(
        &mut chain,
        &mut carol,
        &staking,
        bond_msg(CAROL_KEY, &carol_addr, true),
        2_000_000,
    );
    assert_eq!(r.code, 0, "{}", r.log);
    let r = chain.block(vec![]);
    assert!(
        r.validator_updates.is_empty(),
        "carol's update came with her block"
    );
    assert_eq!(validator_set(&chain).total_power, 5);

    // One seat: carol (the smaller stake) leaves; two again: she is back.
    let mut one = p.clone();
    one.max_validators = 1;
    let m = to_any(&pb::MsgUpdateParams {
        authority: alice.address.to_bech32(),
        params: Some(one),
    });
    let tx = alice.sign(vec![m], 200_000, inferchain_app::harness::fee_for(200_000));
    assert_eq!(
        updates(&chain.block(vec![tx])),
        expect(vec![(CAROL_KEY, 0)])
    );
    let m = to_any(&pb::MsgUpdateParams {
        authority: alice.address.to_bech32(),
        params: Some(p.clone()),
    });
    let tx = alice.sign(vec![m], 200_000, inferchain_app::harness::fee_for(200_000));
    assert_eq!(
        updates(&chain.block(vec![tx])),
        expect(vec![(CAROL_KEY, 2)])
    );

    // Fees go to the previous block's signers by power over all signers' power: bob 3 and
    // carol 2 signed, and so did G1 (power 10, no operator: its part stays); carol's key
    // absent in a second block gets her nothing.
    let collector = Address::module("fee_collector");
    let held = chain.balance(&collector, "uspec");
    assert!(held > 0, "the fee collector holds the fees paid so far");
    let (bob_before, carol_before) = (
        chain.balance(&bob.address, "uspec"),
        chain.balance(&carol.address, "uspec"),
    );
    let r = chain.block_with(
        vec![],
        commit(vec![
            vote(BOB_KEY, 3, true),
            vote(CAROL_KEY, 2, true),
            vote(G1, 10, true),
        ]),
        vec![],
    );
    let bob_share = held * 3 / 15;
    let carol_share = held * 2 / 15;
    assert_eq!(chain.balance(&bob.address, "uspec"), bob_before + bob_share);
    assert_eq!(
        chain.balance(&carol.address, "uspec"),
        carol_before + carol_share
    );
    assert_eq!(
        chain.balance(&collector, "uspec"),
        held - bob_share - carol_share,
        "G1's part and the rounding stay in the collector"
    );
    assert!(event_attr(&r, "validator_reward", "operator").is_some());
    assert!(chain.balance(&collector, "uspec") > 0);
    let carol_before = chain.balance(&carol.address, "uspec");
    chain.block_with(
        vec![],
        commit(vec![vote(BOB_KEY, 3, true), vote(CAROL_KEY, 2, false)]),
        vec![],
    );
    assert_eq!(chain.balance(&carol.address, "uspec"), carol_before);
    assert_eq!(
        chain.balance(&collector, "uspec"),
        0,
        "bob signed alone: all of it"
    );

    // carol double-signs: 5 % of her stake is slashed through the contract, she leaves the
    // set in the same block and never comes back (a second piece of evidence is ignored).
    let evidence = Misbehavior {
        r#type: MisbehaviorType::DuplicateVote as i32,
        validator: Some(Validator {
            address: cons_address(CAROL_KEY).into(),
            power: 2,
        }),
        height: chain.height - 1,
        ..Default::default()
    };
    let r = chain.block_with(vec![], None, vec![evidence.clone()]);
    assert_eq!(
        event_attr(&r, "double_sign", "slashed").as_deref(),
        Some("true")
    );
    assert_eq!(
        event_attr(&r, "double_sign", "operator"),
        Some(carol.address.to_bech32())
    );
    assert_eq!(bonded(&chain, &staking, &carol.address), 1_900_000);
    assert_eq!(updates(&r), expect(vec![(CAROL_KEY, 0)]));
    let r = chain.block_with(vec![], None, vec![evidence]);
    assert!(event_attr(&r, "double_sign", "slashed").is_none());
    assert_eq!(bonded(&chain, &staking, &carol.address), 1_900_000);
    let r = execute(
        &mut chain,
        &mut carol,
        &staking,
        json!({"bond": {"role": "validator"}}),
        2_000_000,
    );
    assert_eq!(r.code, 0, "the contract takes her stake: {}", r.log);
    assert!(
        chain.block(vec![]).validator_updates.is_empty(),
        "tombstoned"
    );

    // bob unbonds everything: the set would be empty, so it stays as it is.
    let r = execute(
        &mut chain,
        &mut bob,
        &staking,
        json!({"unbond": {"amount": "3000000"}}),
        0,
    );
    assert_eq!(r.code, 0, "{}", r.log);
    assert!(chain.block(vec![]).validator_updates.is_empty());
    assert_eq!(validator_set(&chain).validators.len(), 1);

    // A staking contract that fails (here: the counter contract, which knows no `stakers`)
    // is an event; the chain goes on with its set. An address with no contract yet (genesis
    // names an instantiate2 address before deployment) is no staked validators, no error.
    let mut broken = p.clone();
    broken.staking_contract = alice.address.to_bech32();
    assert_eq!(set_params(&mut chain, &mut alice, broken.clone()).code, 0);
    let r = chain.block(vec![]);
    assert!(r.validator_updates.is_empty());
    assert!(event_attr(&r, "validators_error", "what").is_none());
    let counter_code = chain.store_code(&mut alice, &artifact("counter"));
    let counter = chain.instantiate(&mut alice, counter_code, json!({"count": 0}), "counter");
    broken.staking_contract = counter;
    assert_eq!(set_params(&mut chain, &mut alice, broken).code, 0);
    let r = chain.block(vec![]);
    assert!(r.validator_updates.is_empty());
    assert_eq!(
        event_attr(&r, "validators_error", "what").as_deref(),
        Some("read staking contract")
    );
    assert_eq!(validator_set(&chain).validators.len(), 1);
}
