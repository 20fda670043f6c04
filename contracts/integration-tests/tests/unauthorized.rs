//! Every unauthorized or out-of-order call returns the contract's typed error and changes
//! nothing (balances and all queryable state compared before and after), and the bank
//! conservation invariant still holds afterwards.

mod common;

use common::*;
use cosmwasm_std::{Binary, CosmosMsg, Decimal, StdResult, Uint128, WasmMsg};
use cw_multi_test::AppResponse;
use cw_multi_test::Executor;
use inferchain_challenge::error::ContractError as ChError;
use inferchain_challenge::msg as ch;
use inferchain_governance::error::ContractError as GovError;
use inferchain_governance::msg as gov;
use inferchain_reputation::error::ContractError as RepError;
use inferchain_reputation::msg as rep;
use inferchain_staking::error::ContractError as StkError;
use inferchain_staking::msg as stk;

/// The hidden test set: 4 rows of 16 features, canonical ICTS v1.
fn test_set() -> Vec<u8> {
    icts(4, 16, 1)
}

/// m1 and m2 staked as modelers, one open challenge (id returned) with m1's model.
fn open_challenge(s: &mut Suite) -> u64 {
    s.bond("m1", stk::Role::Modeler, 2_000);
    s.bond("m2", stk::Role::Modeler, 2_000);
    let msg = s.challenge_msg(&test_set(), vec![6_000, 4_000]);
    let id = s.create_challenge("creator", msg, 5_000);
    s.submit("m1", id, &commitment("m1")).unwrap();
    id
}

fn reveal(s: &mut Suite, id: u64) {
    s.reveal(id, &test_set()).unwrap();
}

/// An open challenge taken to its scoring window with m1's model scored.
fn scoring_challenge(s: &mut Suite) -> u64 {
    let id = open_challenge(s);
    s.next_block(100);
    reveal(s, id);
    s.record_score(id, "m1", &commitment("m1"), Decimal::percent(80))
        .unwrap();
    id
}

fn raw_exec(
    s: &mut Suite,
    sender: &str,
    contract: &cosmwasm_std::Addr,
    json: serde_json::Value,
) -> cosmwasm_std::StdResult<cw_multi_test::AppResponse> {
    let sender = s.addr(sender);
    s.app.execute(
        sender,
        CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr: contract.to_string(),
            msg: Binary::from(serde_json::to_vec(&json).unwrap()),
            funds: vec![],
        }),
    )
}

#[test]
fn the_error_check_itself_can_fail() {
    let mut s = Suite::new();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        s.assert_rejected(StkError::NotBonded {}, |s| {
            s.exec("m1", &s.staking.clone(), &stk::ExecuteMsg::Claim {}, 0)
        });
    }));
    assert!(
        result.is_err(),
        "a wrong expected error must fail the check"
    );
}

// --- sudo-only actions from a normal account ----------------------------------------------------

#[test]
fn record_score_is_sudo_only() {
    let mut s = Suite::new();
    let id = scoring_challenge(&mut s);
    let json = serde_json::json!({"record_score": {
        "challenge_id": id, "modeler": s.addr("m1").to_string(),
        "commitment": commitment("m1"), "score": "1"}});
    let challenge = s.challenge.clone();
    let before = s.fingerprint();
    let err = raw_exec(&mut s, "anyone", &challenge, json).unwrap_err();
    // The account-facing message type has no such variant: the call cannot even be decoded.
    let msg = root_message(&err);
    assert!(msg.contains("unknown variant `record_score`"), "{msg}");
    assert_eq!(before, s.fingerprint());
    s.assert_conservation();
}

#[test]
fn record_consumption_is_sudo_only() {
    let mut s = Suite::new();
    let json = serde_json::json!({"record_consumption": {
        "challenge_id": 1, "modeler": s.addr("m1").to_string(), "count": 1, "fees": "1"}});
    let challenge = s.challenge.clone();
    let before = s.fingerprint();
    let err = raw_exec(&mut s, "anyone", &challenge, json).unwrap_err();
    let msg = root_message(&err);
    assert!(
        msg.contains("unknown variant `record_consumption`"),
        "{msg}"
    );
    assert_eq!(before, s.fingerprint());
    s.assert_conservation();
}

#[test]
fn slash_from_a_normal_account_is_unauthorized() {
    let mut s = Suite::new();
    s.bond("m1", stk::Role::Modeler, 2_000);
    s.assert_rejected(StkError::Unauthorized {}, |s| {
        s.exec(
            "anyone",
            &s.staking.clone(),
            &stk::ExecuteMsg::Slash {
                address: s.addr("m1").to_string(),
                fraction: Decimal::percent(50),
                reason: "grudge".into(),
            },
            0,
        )
    });
}

#[test]
fn reputation_reports_from_a_normal_account_are_unauthorized() {
    let mut s = Suite::new();
    let m1 = s.addr("m1").to_string();
    s.assert_rejected(RepError::Unauthorized {}, |s| {
        s.exec(
            "m1",
            &s.reputation.clone(),
            &rep::ExecuteMsg::RecordChallengeResults {
                challenge_id: 99,
                field_size: 1,
                results: vec![rep::ChallengeResult {
                    modeler: m1.clone(),
                    rank: 1,
                    score: Decimal::one(),
                }],
            },
            0,
        )
    });
    s.assert_rejected(RepError::Unauthorized {}, |s| {
        s.exec(
            "m1",
            &s.reputation.clone(),
            &rep::ExecuteMsg::RecordConsumption {
                modeler: m1.clone(),
                count: 1_000_000,
            },
            0,
        )
    });
}

// --- admin-only actions from a normal account ----------------------------------------------------

#[test]
fn staking_params_are_governance_only() {
    let mut s = Suite::new();
    // Not even the deployer once governance took over.
    s.assert_rejected(StkError::Unauthorized {}, |s| {
        s.exec(
            "deployer",
            &s.staking.clone(),
            &stk::ExecuteMsg::UpdateParams {
                params: staking_params(),
            },
            0,
        )
    });
    s.assert_rejected(StkError::Unauthorized {}, |s| {
        s.exec(
            "anyone",
            &s.staking.clone(),
            &stk::ExecuteMsg::UpdateConfig {
                owner: Some(s.addr("anyone").to_string()),
                slashers: None,
                reputation: None,
            },
            0,
        )
    });
}

#[test]
fn challenge_config_is_governance_only() {
    let mut s = Suite::new();
    s.assert_rejected(ChError::Unauthorized {}, |s| {
        s.exec(
            "anyone",
            &s.challenge.clone(),
            &ch::ExecuteMsg::UpdateConfig(ch::ConfigUpdate {
                creation_deposit: Some(Uint128::zero()),
                ..Default::default()
            }),
            0,
        )
    });
}

#[test]
fn reputation_params_are_governance_only() {
    let mut s = Suite::new();
    s.assert_rejected(RepError::Unauthorized {}, |s| {
        s.exec(
            "anyone",
            &s.reputation.clone(),
            &rep::ExecuteMsg::UpdateParams {
                params: formula_params(),
            },
            0,
        )
    });
}

#[test]
fn governance_internal_and_config_messages_are_self_only() {
    let mut s = Suite::new();
    s.bond("v1", stk::Role::Validator, 10_000);
    let id = s.propose("v1", vec![], MIN_DEPOSIT);
    s.assert_rejected(GovError::Unauthorized {}, |s| {
        s.exec(
            "anyone",
            &s.governance.clone(),
            &gov::ExecuteMsg::UpdateConfig {
                staking: None,
                params: Some(voting_params()),
            },
            0,
        )
    });
    s.assert_rejected(GovError::Unauthorized {}, |s| {
        s.exec(
            "anyone",
            &s.governance.clone(),
            &gov::ExecuteMsg::RunProposalMessages { proposal_id: id },
            0,
        )
    });
    s.assert_rejected(GovError::Unauthorized {}, |s| {
        s.exec(
            "anyone",
            &s.governance.clone(),
            &gov::ExecuteMsg::AssertSolvent {},
            0,
        )
    });
}

#[test]
fn only_governance_can_migrate() {
    let mut s = Suite::new();
    let new_code = s.app.store_code(staking_contract());
    let before = s.fingerprint();
    let deployer = s.addr("deployer");
    let staking = s.staking.clone();
    s.app
        .migrate_contract(deployer, staking, &stk::MigrateMsg {}, new_code)
        .unwrap_err();
    assert_eq!(before, s.fingerprint());
    s.assert_conservation();
}

// --- staking ----------------------------------------------------------------------------------

#[test]
fn bond_below_minimum_stake_is_rejected() {
    let mut s = Suite::new();
    s.assert_rejected(
        StkError::BelowMinimumStake {
            amount: Uint128::new(999),
            min: Uint128::new(MIN_STAKE_MODELER),
        },
        |s| {
            s.exec(
                "m1",
                &s.staking.clone(),
                &stk::ExecuteMsg::Bond {
                    role: stk::Role::Modeler,
                    consensus_pubkey: None,
                    consensus_key_proof: None,
                },
                999,
            )
        },
    );
}

#[test]
fn unbond_leaving_less_than_minimum_is_rejected() {
    let mut s = Suite::new();
    s.bond("v1", stk::Role::Validator, 6_000);
    s.assert_rejected(
        StkError::BelowMinimumStake {
            amount: Uint128::new(1_000),
            min: Uint128::new(MIN_STAKE_VALIDATOR),
        },
        |s| {
            s.exec(
                "v1",
                &s.staking.clone(),
                &stk::ExecuteMsg::Unbond {
                    amount: Uint128::new(5_000),
                },
                0,
            )
        },
    );
    s.assert_rejected(
        StkError::InsufficientBonded {
            requested: Uint128::new(7_000),
            bonded: Uint128::new(6_000),
        },
        |s| {
            s.exec(
                "v1",
                &s.staking.clone(),
                &stk::ExecuteMsg::Unbond {
                    amount: Uint128::new(7_000),
                },
                0,
            )
        },
    );
}

#[test]
fn bonding_a_second_role_or_a_modeler_pubkey_is_rejected() {
    let mut s = Suite::new();
    s.bond("v1", stk::Role::Validator, 6_000);
    s.assert_rejected(StkError::RoleMismatch {}, |s| {
        s.exec(
            "v1",
            &s.staking.clone(),
            &stk::ExecuteMsg::Bond {
                role: stk::Role::Modeler,
                consensus_pubkey: None,
                consensus_key_proof: None,
            },
            1_000,
        )
    });
    s.assert_rejected(StkError::PubkeyNotAllowed {}, |s| {
        s.exec(
            "m1",
            &s.staking.clone(),
            &stk::ExecuteMsg::Bond {
                role: stk::Role::Modeler,
                consensus_pubkey: Some(Binary::from([7u8; 32])),
                consensus_key_proof: None,
            },
            1_000,
        )
    });
    s.assert_rejected(StkError::InvalidPubkey { len: 31 }, |s| {
        s.exec(
            "v2",
            &s.staking.clone(),
            &stk::ExecuteMsg::Bond {
                role: stk::Role::Validator,
                consensus_pubkey: Some(Binary::from([7u8; 31])),
                consensus_key_proof: None,
            },
            5_000,
        )
    });
}

/// A consensus key and its proof of possession for `operator` on the suite's chain.
fn key_and_proof(s: &Suite, seed: u8, operator: &str) -> (Binary, Binary) {
    let sk = ed25519_zebra::SigningKey::from([seed; 32]);
    let pk: [u8; 32] = ed25519_zebra::VerificationKey::from(&sk).into();
    let msg =
        stk::consensus_key_proof_message(&s.app.block_info().chain_id, s.addr(operator).as_str());
    (
        Binary::from(pk.to_vec()),
        Binary::from(sk.sign(&msg).to_bytes().to_vec()),
    )
}

fn bond_validator(
    s: &mut Suite,
    who: &str,
    pk: &Binary,
    proof: Option<Binary>,
) -> StdResult<AppResponse> {
    s.exec(
        who,
        &s.staking.clone(),
        &stk::ExecuteMsg::Bond {
            role: stk::Role::Validator,
            consensus_pubkey: Some(pk.clone()),
            consensus_key_proof: proof,
        },
        5_000,
    )
}

#[test]
fn a_consensus_key_without_its_proof_or_of_another_operator_is_rejected() {
    let mut s = Suite::new();
    let (pk, proof) = key_and_proof(&s, 7, "v1");
    s.assert_rejected(StkError::MissingKeyProof {}, |s| {
        bond_validator(s, "v1", &pk, None)
    });
    let (_, for_v2) = key_and_proof(&s, 7, "v2");
    let message = format!(
        "inferchain/consensus-key/v1/{}/{}",
        s.app.block_info().chain_id,
        s.addr("v1")
    );
    s.assert_rejected(StkError::InvalidKeyProof { message }, |s| {
        bond_validator(s, "v1", &pk, Some(for_v2.clone()))
    });
    bond_validator(&mut s, "v1", &pk, Some(proof)).unwrap();
    let stakers: stk::StakersResponse = s.query(
        &s.staking,
        &stk::QueryMsg::Stakers {
            role: stk::Role::Validator,
            start_after: None,
            limit: None,
        },
    );
    assert_eq!(stakers.stakers[0].consensus_pubkey, Some(pk.clone()));
    // v2 holds the same key file and proves it: the key stays v1's.
    s.assert_rejected(
        StkError::PubkeyInUse {
            operator: s.addr("v1").to_string(),
        },
        |s| bond_validator(s, "v2", &pk, Some(for_v2)),
    );
}

// --- challenge ----------------------------------------------------------------------------------

#[test]
fn modeler_below_challenge_minimum_cannot_submit() {
    let mut s = Suite::new();
    let id = open_challenge(&mut s);
    s.bond("m3", stk::Role::Modeler, 1_200); // above the staking minimum, below the challenge's
    s.assert_rejected(
        ChError::BelowMinimumStake {
            bonded: Uint128::new(1_200),
            min: Uint128::new(1_500),
        },
        |s| s.submit("m3", id, &commitment("m3")),
    );
}

#[test]
fn unstaked_accounts_and_validators_cannot_submit() {
    let mut s = Suite::new();
    let id = open_challenge(&mut s);
    s.assert_rejected(ChError::NotAModeler {}, |s| {
        s.submit("m4", id, &commitment("m4"))
    });
    s.bond("v1", stk::Role::Validator, 10_000);
    s.assert_rejected(ChError::NotAModeler {}, |s| {
        s.submit("v1", id, &commitment("v1"))
    });
}

#[test]
fn late_submission_is_rejected() {
    let mut s = Suite::new();
    let id = open_challenge(&mut s);
    s.next_block(100); // exactly at the deadline: closed
    s.assert_rejected(ChError::SubmissionClosed {}, |s| {
        s.submit("m2", id, &commitment("m2"))
    });
}

#[test]
fn malformed_commitments_and_other_architectures_are_rejected() {
    let mut s = Suite::new();
    let id = open_challenge(&mut s);
    // (A copied commitment is accepted as the copier's own entry:
    // scenarios::front_running_a_copied_commitment_gains_nothing.)
    s.assert_rejected(ChError::InvalidCommitment {}, |s| s.submit("m2", id, "abc"));
    let upper = commitment("m2").to_uppercase();
    s.assert_rejected(ChError::InvalidCommitment {}, |s| {
        s.submit("m2", id, &upper)
    });
    s.assert_rejected(
        ChError::ArchitectureMismatch {
            expected: "mlp-16-32-16-1-q16".into(),
            got: "mlp-8-1-q16".into(),
        },
        |s| {
            s.exec(
                "m2",
                &s.challenge.clone(),
                &ch::ExecuteMsg::SubmitModel {
                    challenge_id: id,
                    commitment: commitment("m2"),
                    architecture_id: "mlp-8-1-q16".into(),
                },
                0,
            )
        },
    );
    // A rejected re-submission leaves m1's entry as it was.
    s.assert_rejected(ChError::InvalidCommitment {}, |s| s.submit("m1", id, "abc"));
    assert_eq!(s.model(id, "m1").commitment, commitment("m1"));
}

#[test]
fn double_finalize_is_rejected() {
    let mut s = Suite::new();
    let id = scoring_challenge(&mut s);
    s.assert_rejected(ChError::ScoringNotOver {}, |s| {
        s.exec(
            "anyone",
            &s.challenge.clone(),
            &ch::ExecuteMsg::Finalize { challenge_id: id },
            0,
        )
    });
    s.next_block(300);
    s.exec(
        "anyone",
        &s.challenge.clone(),
        &ch::ExecuteMsg::Finalize { challenge_id: id },
        0,
    )
    .unwrap();
    s.assert_rejected(ChError::AlreadyFinalized { id }, |s| {
        s.exec(
            "creator",
            &s.challenge.clone(),
            &ch::ExecuteMsg::Finalize { challenge_id: id },
            0,
        )
    });
}

#[test]
fn reveal_by_others_or_with_the_wrong_test_set_is_rejected() {
    let mut s = Suite::new();
    let id = open_challenge(&mut s);
    s.next_block(100);
    let reveal_msg = |data: &[u8]| ch::ExecuteMsg::RevealTestSet {
        challenge_id: id,
        test_set_uri: "ipfs://test".into(),
        test_set: data.into(),
    };
    s.assert_rejected(ChError::Unauthorized {}, |s| {
        s.exec("m1", &s.challenge.clone(), &reveal_msg(&test_set()), 0)
    });
    // A well-formed test set, but not the committed one.
    let expected = s.challenge_info(id).test_set_hash;
    let wrong = icts(4, 16, 2);
    let got = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(&wrong))
    };
    s.assert_rejected(ChError::TestSetHashMismatch { expected, got }, |s| {
        s.exec("creator", &s.challenge.clone(), &reveal_msg(&wrong), 0)
    });
    assert_eq!(s.test_set(id).test_set, None);
}

/// Each malformed encoding is refused although the creator committed to exactly those bytes
/// (the hash matches): a challenge whose committed set is not a canonical ICTS v1 test set
/// cannot be revealed, so it ends cancelled.
#[test]
fn reveal_of_a_malformed_test_set_is_rejected() {
    let mut s = Suite::new();
    let good = icts(4, 16, 1);
    let n = good.len(); // 11 + 4 * 65 = 271
    let with = |i: usize, v: u8| {
        let mut b = good.clone();
        b[i] = v;
        b
    };
    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        (
            "wrong magic",
            with(0, b'X'),
            "not an ICTS test set (magic)".into(),
        ),
        ("version 2", with(4, 2), "unsupported version 2".into()),
        (
            "truncated",
            good[..n - 1].to_vec(),
            format!("{} bytes, 4 rows of 16 features need {n}", n - 1),
        ),
        (
            "header only",
            good[..7].to_vec(),
            "7 bytes, shorter than the 11-byte header".into(),
        ),
        (
            "label 2",
            with(n - 1, 2),
            "row 3: label 2, must be 0 or 1".into(),
        ),
        ("0 rows", icts(0, 16, 1), "0 rows, must be 1..=1024".into()),
        (
            "1025 rows",
            icts(1_025, 1, 1),
            "1025 rows, must be 1..=1024".into(),
        ),
        (
            "0 features",
            icts(1, 0, 1),
            "0 features, must be 1..=256".into(),
        ),
        (
            "257 features",
            icts(1, 257, 1),
            "257 features, must be 1..=256".into(),
        ),
    ];
    let ids: Vec<u64> = cases
        .iter()
        .map(|(_, bytes, _)| {
            let msg = s.challenge_msg(bytes, vec![10_000]);
            s.create_challenge("creator", msg, 1_000)
        })
        .collect();
    s.next_block(100);
    for ((what, bytes, reason), id) in cases.iter().zip(&ids) {
        let id = *id;
        let hash = s.challenge_info(id).test_set_hash;
        assert_eq!(hash, {
            use sha2::{Digest, Sha256};
            hex::encode(Sha256::digest(bytes))
        });
        s.assert_rejected(
            ChError::InvalidTestSet {
                reason: reason.clone(),
            },
            |s| s.reveal(id, bytes),
        );
        let t = s.test_set(id);
        assert_eq!((t.test_set_hash, t.test_set), (hash, None), "{what}");
        assert_eq!(
            s.challenge_info(id).status,
            ch::ChallengeStatus::Open,
            "{what}"
        );
    }
    s.assert_conservation();
}

#[test]
fn scores_only_in_window_once_and_for_current_models() {
    let mut s = Suite::new();
    let id = open_challenge(&mut s);
    // m2 submits, then replaces its model: only the current commitment can be scored.
    s.submit("m2", id, &commitment("m2-old")).unwrap();
    s.submit("m2", id, &commitment("m2")).unwrap();
    // Before the reveal there is nothing to score against.
    s.assert_rejected(ChError::WrongStatus { id }, |s| {
        s.record_score(id, "m1", &commitment("m1"), Decimal::one())
    });
    s.next_block(100);
    reveal(&mut s, id);
    // A modeler without a submission to this challenge (a known commitment does not help).
    s.assert_rejected(
        ChError::ModelNotFound {
            challenge_id: id,
            modeler: s.addr("m3").to_string(),
        },
        |s| s.record_score(id, "m3", &commitment("m1"), Decimal::one()),
    );
    // A challenge that is not revealed (a newer one, still open).
    let msg = s.challenge_msg(&test_set(), vec![10_000]);
    let other = s.create_challenge("creator", msg, 1_000);
    s.assert_rejected(ChError::WrongStatus { id: other }, |s| {
        s.record_score(other, "m1", &commitment("m1"), Decimal::one())
    });
    s.assert_rejected(
        ChError::CommitmentMismatch {
            expected: commitment("m2"),
            got: commitment("m2-old"),
        },
        |s| s.record_score(id, "m2", &commitment("m2-old"), Decimal::one()),
    );
    // m1's commitment under m2's name: the proof would be m1's, not m2's.
    s.assert_rejected(
        ChError::CommitmentMismatch {
            expected: commitment("m2"),
            got: commitment("m1"),
        },
        |s| s.record_score(id, "m2", &commitment("m1"), Decimal::one()),
    );
    s.record_score(id, "m1", &commitment("m1"), Decimal::percent(70))
        .unwrap();
    s.assert_rejected(
        ChError::AlreadyScored {
            challenge_id: id,
            modeler: s.addr("m1").to_string(),
        },
        |s| s.record_score(id, "m1", &commitment("m1"), Decimal::percent(99)),
    );
    s.record_score(id, "m2", &commitment("m2"), Decimal::percent(60))
        .unwrap();
    let board: ch::LeaderboardResponse = s.query(
        &s.challenge,
        &ch::QueryMsg::Leaderboard { challenge_id: id },
    );
    let entries: Vec<_> = board
        .entries
        .iter()
        .map(|e| (e.modeler.clone(), e.commitment.clone(), e.score))
        .collect();
    assert_eq!(
        entries,
        vec![
            (s.addr("m1"), commitment("m1"), Some(Decimal::percent(70))),
            (s.addr("m2"), commitment("m2"), Some(Decimal::percent(60))),
        ]
    );
    s.next_block(200); // at the scoring deadline: closed
    s.assert_rejected(ChError::ScoringClosed {}, |s| {
        s.record_score(id, "m2", &commitment("m2"), Decimal::percent(99))
    });
}

#[test]
fn consumption_for_non_feed_models_is_rejected_and_needs_no_funds() {
    let mut s = Suite::new();
    let id = scoring_challenge(&mut s);
    let m1 = s.addr("m1").to_string();
    // Not a feed model before finalization.
    s.assert_rejected(
        ChError::NotAFeedModel {
            challenge_id: id,
            modeler: m1.clone(),
        },
        |s| s.record_consumption(id, "m1", 1, 100),
    );
    s.next_block(300);
    s.exec(
        "anyone",
        &s.challenge.clone(),
        &ch::ExecuteMsg::Finalize { challenge_id: id },
        0,
    )
    .unwrap();
    // Nobody else's model, and not m1's in another challenge.
    s.assert_rejected(
        ChError::ModelNotFound {
            challenge_id: id,
            modeler: s.addr("m2").to_string(),
        },
        |s| s.record_consumption(id, "m2", 1, 100),
    );
    s.assert_rejected(
        ChError::ModelNotFound {
            challenge_id: id + 1,
            modeler: m1.clone(),
        },
        |s| s.record_consumption(id + 1, "m1", 1, 100),
    );
    // The fees were paid to the modeler by the inference module: the contract, which holds
    // nothing after the finalization, accepts the record without them and pays nothing.
    assert_eq!(s.balance(&s.challenge), 0);
    let balances = s.balances();
    s.record_consumption(id, "m1", 1, 100).unwrap();
    assert_eq!(s.balances(), balances);
    let m = s.model(id, "m1");
    assert_eq!((m.consumption, m.fees_earned), (1, Uint128::new(100)));
    s.assert_conservation();
}

#[test]
fn creating_a_challenge_without_a_bounty_is_rejected() {
    let mut s = Suite::new();
    let msg = s.challenge_msg(&test_set(), vec![10_000]);
    s.assert_rejected(
        ChError::InsufficientFunds {
            sent: Uint128::new(CREATION_DEPOSIT),
            deposit: Uint128::new(CREATION_DEPOSIT),
        },
        |s| {
            s.exec(
                "creator",
                &s.challenge.clone(),
                &ch::ExecuteMsg::CreateChallenge(msg.clone()),
                CREATION_DEPOSIT,
            )
        },
    );
    let mut bad = msg;
    bad.payout_bps = vec![5_000, 4_000];
    s.assert_rejected(
        ChError::InvalidChallenge {
            reason: "payout_bps must be positive and sum to 10000".into(),
        },
        |s| {
            s.exec(
                "creator",
                &s.challenge.clone(),
                &ch::ExecuteMsg::CreateChallenge(bad.clone()),
                CREATION_DEPOSIT + 10,
            )
        },
    );
}

// --- governance ---------------------------------------------------------------------------------

#[test]
fn votes_need_power_and_count_once() {
    let mut s = Suite::new();
    s.bond("v1", stk::Role::Validator, 10_000);
    s.next_block(5);
    let id = s.propose("consumer", vec![], MIN_DEPOSIT);
    s.next_block(5);
    let h = s.proposal(id).start_height;
    s.assert_rejected(GovError::NoVotingPower { height: h }, |s| {
        s.vote("consumer", id, gov::VoteOption::Yes)
    });
    s.vote("v1", id, gov::VoteOption::Yes).unwrap();
    s.assert_rejected(GovError::AlreadyVoted {}, |s| {
        s.vote("v1", id, gov::VoteOption::No)
    });
    s.next_block(VOTING_PERIOD);
    s.assert_rejected(GovError::VotingEnded { id }, |s| {
        s.vote("v1", id, gov::VoteOption::No)
    });
}

#[test]
fn proposal_below_minimum_deposit_is_rejected() {
    let mut s = Suite::new();
    s.assert_rejected(
        GovError::InsufficientDeposit {
            sent: Uint128::new(MIN_DEPOSIT - 1),
            min: Uint128::new(MIN_DEPOSIT),
        },
        |s| {
            s.exec(
                "consumer",
                &s.governance.clone(),
                &gov::ExecuteMsg::Propose {
                    title: "cheap".into(),
                    description: "".into(),
                    messages: vec![],
                },
                MIN_DEPOSIT - 1,
            )
        },
    );
}
