//! The contracts call each other through interface types mirrored in the caller's `msg.rs`
//! (so one cargo invocation can build every cdylib without unifying the `library` feature).
//! These checks pin the mirrors to the real messages, and the JSON of the challenge
//! contract's `sudo` and query messages (and reputation's `record_consumption`) that the chain's
//! `inference` module builds by hand.

use cosmwasm_std::{to_json_binary, Addr, Decimal, Uint128};
use inferchain_challenge::msg as ch;
use inferchain_governance::msg as gov;
use inferchain_reputation::msg as rep;
use inferchain_staking::msg as stk;

#[test]
fn challenge_mirrors_match_staking_and_reputation() {
    assert_eq!(
        to_json_binary(&ch::StakingQueryMsg::Stake {
            address: "a".into()
        })
        .unwrap(),
        to_json_binary(&stk::QueryMsg::Stake {
            address: "a".into()
        })
        .unwrap()
    );
    let real = stk::StakeResponse {
        stake: Some(stk::StakeInfo {
            address: Addr::unchecked("a"),
            role: stk::Role::Modeler,
            bonded: Uint128::new(5),
            consensus_pubkey: None,
        }),
    };
    let mirrored: ch::StakingStakeResponse =
        cosmwasm_std::from_json(to_json_binary(&real).unwrap()).unwrap();
    let s = mirrored.stake.unwrap();
    assert_eq!(
        (s.role, s.bonded),
        (ch::StakingRole::Modeler, Uint128::new(5))
    );

    assert_eq!(
        to_json_binary(&ch::ReputationExecuteMsg::RecordChallengeResults {
            challenge_id: 1,
            field_size: 2,
            results: vec![ch::ReputationChallengeResult {
                modeler: "m".into(),
                rank: 1,
                score: Decimal::percent(50)
            }],
        })
        .unwrap(),
        to_json_binary(&rep::ExecuteMsg::RecordChallengeResults {
            challenge_id: 1,
            field_size: 2,
            results: vec![rep::ChallengeResult {
                modeler: "m".into(),
                rank: 1,
                score: Decimal::percent(50)
            }],
        })
        .unwrap()
    );
}

#[test]
fn staking_and_governance_mirrors_match() {
    assert_eq!(
        to_json_binary(&stk::ReputationExecuteMsg::RecordSlash {
            modeler: "m".into(),
            amount: Uint128::new(9)
        })
        .unwrap(),
        to_json_binary(&rep::ExecuteMsg::RecordSlash {
            modeler: "m".into(),
            amount: Uint128::new(9)
        })
        .unwrap()
    );
    assert_eq!(
        to_json_binary(&gov::StakingQueryMsg::VotingPowerAtHeight {
            address: "a".into(),
            height: Some(7)
        })
        .unwrap(),
        to_json_binary(&stk::QueryMsg::VotingPowerAtHeight {
            address: "a".into(),
            height: Some(7)
        })
        .unwrap()
    );
    assert_eq!(
        to_json_binary(&gov::StakingQueryMsg::TotalPowerAtHeight { height: None }).unwrap(),
        to_json_binary(&stk::QueryMsg::TotalPowerAtHeight { height: None }).unwrap()
    );
    let real = stk::VotingPowerResponse {
        power: Uint128::new(3),
        height: 4,
    };
    let mirrored: gov::StakingPowerResponse =
        cosmwasm_std::from_json(to_json_binary(&real).unwrap()).unwrap();
    assert_eq!((mirrored.power, mirrored.height), (Uint128::new(3), 4));
}

/// What the chain's `inference` module sends (and queries) must keep this exact JSON.
#[test]
fn challenge_sudo_and_query_json_is_pinned() {
    use serde_json::json;
    let c = "ab".repeat(32);
    assert_eq!(
        j(&ch::SudoMsg::RecordScore {
            challenge_id: 7,
            modeler: "infer1m".into(),
            commitment: c.clone(),
            score: Decimal::percent(91),
        }),
        json!({"record_score": {
            "challenge_id": 7, "modeler": "infer1m", "commitment": c, "score": "0.91"}})
    );
    assert_eq!(
        j(&ch::SudoMsg::RecordConsumption {
            challenge_id: 7,
            modeler: "infer1m".into(),
            count: 3,
            fees: Uint128::new(301),
        }),
        json!({"record_consumption": {
            "challenge_id": 7, "modeler": "infer1m", "count": 3, "fees": "301"}})
    );
    // The inference module reports usage to reputation itself (not via the challenge contract).
    assert_eq!(
        j(&rep::SudoMsg::RecordConsumption {
            modeler: "infer1m".into(),
            count: 1,
        }),
        json!({"record_consumption": {"modeler": "infer1m", "count": 1}})
    );
    assert_eq!(
        j(&ch::QueryMsg::Model {
            challenge_id: 7,
            modeler: "infer1m".into(),
        }),
        json!({"model": {"challenge_id": 7, "modeler": "infer1m"}})
    );
    assert_eq!(
        j(&ch::QueryMsg::TestSet { challenge_id: 7 }),
        json!({"test_set": {"challenge_id": 7}})
    );
    assert_eq!(
        j(&ch::TestSetResponse {
            challenge_id: 7,
            test_set_hash: c.clone(),
            test_set: Some(cosmwasm_std::Binary::from(b"ICTS\x01".as_slice())),
        }),
        json!({"challenge_id": 7, "test_set_hash": c, "test_set": "SUNUUwE="})
    );
    assert_eq!(
        j(&ch::TestSetResponse {
            challenge_id: 7,
            test_set_hash: c.clone(),
            test_set: None,
        }),
        json!({"challenge_id": 7, "test_set_hash": c, "test_set": null})
    );
    assert_eq!(
        j(&ch::FeedModel {
            modeler: Addr::unchecked("infer1m"),
            commitment: c.clone(),
        }),
        json!({"modeler": "infer1m", "commitment": c})
    );
}

fn j<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}
