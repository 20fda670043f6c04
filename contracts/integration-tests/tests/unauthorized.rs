//! Every unauthorized or out-of-order call returns the contract's typed error and changes
//! nothing (balances and all queryable state compared before and after), and the bank
//! conservation invariant still holds afterwards.

mod common;

use common::*;
use cosmwasm_std::{Binary, CosmosMsg, Decimal, Uint128, WasmMsg};
use cw_multi_test::Executor;
use inferchain_challenge::error::ContractError as ChError;
use inferchain_challenge::msg as ch;
use inferchain_governance::error::ContractError as GovError;
use inferchain_governance::msg as gov;
use inferchain_reputation::error::ContractError as RepError;
use inferchain_reputation::msg as rep;
use inferchain_staking::error::ContractError as StkError;
use inferchain_staking::msg as stk;

const TEST_SET: &[u8] = b"rows of the hidden test set";

/// m1 and m2 staked as modelers, one open challenge (id returned) with m1's model.
fn open_challenge(s: &mut Suite) -> u64 {
    s.bond("m1", stk::Role::Modeler, 2_000);
    s.bond("m2", stk::Role::Modeler, 2_000);
    let msg = s.challenge_msg(TEST_SET, vec![6_000, 4_000]);
    let id = s.create_challenge("creator", msg, 5_000);
    s.submit("m1", id, &commitment("m1")).unwrap();
    id
}

fn reveal(s: &mut Suite, id: u64) {
    s.exec(
        "creator",
        &s.challenge.clone(),
        &ch::ExecuteMsg::RevealTestSet {
            challenge_id: id,
            test_set_uri: "ipfs://test".into(),
            test_set: TEST_SET.into(),
        },
        0,
    )
    .unwrap();
}

/// An open challenge taken to its scoring window with m1's model scored.
fn scoring_challenge(s: &mut Suite) -> u64 {
    let id = open_challenge(s);
    s.next_block(100);
    reveal(s, id);
    s.record_score(id, &commitment("m1"), Decimal::percent(80))
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
        "challenge_id": id, "model": commitment("m1"), "score": "1"}});
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
        "model": commitment("m1"), "count": 1, "fees": "1"}});
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
            },
            5_000,
        )
    });
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
fn duplicate_commitment_is_rejected() {
    let mut s = Suite::new();
    let id = open_challenge(&mut s);
    let c = commitment("m1");
    // Another modeler copying m1's commitment.
    s.assert_rejected(
        ChError::DuplicateCommitment {
            commitment: c.clone(),
        },
        |s| s.submit("m2", id, &c),
    );
    // m1 itself, again, in a second challenge.
    let msg = s.challenge_msg(TEST_SET, vec![10_000]);
    let id2 = s.create_challenge("creator", msg, 1_000);
    s.assert_rejected(
        ChError::DuplicateCommitment {
            commitment: c.clone(),
        },
        |s| s.submit("m1", id2, &c),
    );
    // Malformed commitments are not registered either.
    s.assert_rejected(ChError::InvalidCommitment {}, |s| s.submit("m2", id, "abc"));
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
        s.exec("m1", &s.challenge.clone(), &reveal_msg(TEST_SET), 0)
    });
    let expected = s.challenge_info(id).test_set_hash;
    let wrong = b"a different test set";
    let got = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(wrong))
    };
    s.assert_rejected(ChError::TestSetHashMismatch { expected, got }, |s| {
        s.exec("creator", &s.challenge.clone(), &reveal_msg(wrong), 0)
    });
}

#[test]
fn scores_only_in_window_once_and_for_current_models() {
    let mut s = Suite::new();
    let id = open_challenge(&mut s);
    // Before the reveal there is nothing to score against.
    s.assert_rejected(ChError::WrongStatus { id }, |s| {
        s.record_score(id, &commitment("m1"), Decimal::one())
    });
    s.next_block(100);
    reveal(&mut s, id);
    let unknown = commitment("nobody");
    s.assert_rejected(
        ChError::ModelNotFound {
            commitment: unknown.clone(),
        },
        |s| s.record_score(id, &unknown, Decimal::one()),
    );
    s.record_score(id, &commitment("m1"), Decimal::percent(70))
        .unwrap();
    s.assert_rejected(
        ChError::AlreadyScored {
            commitment: commitment("m1"),
        },
        |s| s.record_score(id, &commitment("m1"), Decimal::percent(99)),
    );
    s.next_block(200); // at the scoring deadline: closed
    s.assert_rejected(ChError::ScoringClosed {}, |s| {
        s.record_score(id, &commitment("m1"), Decimal::percent(99))
    });
}

#[test]
fn consumption_without_fees_or_for_non_feed_models_is_rejected() {
    let mut s = Suite::new();
    let id = scoring_challenge(&mut s);
    let c = commitment("m1");
    // Not a feed model before finalization.
    s.send("chain", &s.challenge.clone(), 100);
    s.assert_rejected_with_stray(
        ChError::NotAFeedModel {
            commitment: c.clone(),
        },
        100,
        |s| {
            s.sudo(
                &s.challenge.clone(),
                &ch::SudoMsg::RecordConsumption {
                    model: c.clone(),
                    count: 1,
                    fees: Uint128::new(100),
                },
            )
        },
    );
    s.next_block(300);
    s.exec(
        "anyone",
        &s.challenge.clone(),
        &ch::ExecuteMsg::Finalize { challenge_id: id },
        0,
    )
    .unwrap();
    // The stray 100 above now sits unaccounted in the contract; reporting more than that
    // (fees the chain never sent) is refused. Reporting exactly it is accepted.
    s.assert_rejected_with_stray(
        ChError::FeesNotReceived {
            fees: Uint128::new(101),
        },
        100,
        |s| {
            s.sudo(
                &s.challenge.clone(),
                &ch::SudoMsg::RecordConsumption {
                    model: c.clone(),
                    count: 1,
                    fees: Uint128::new(101),
                },
            )
        },
    );
    s.sudo(
        &s.challenge.clone(),
        &ch::SudoMsg::RecordConsumption {
            model: c.clone(),
            count: 1,
            fees: Uint128::new(100),
        },
    )
    .unwrap();
    s.assert_conservation();
}

#[test]
fn creating_a_challenge_without_a_bounty_is_rejected() {
    let mut s = Suite::new();
    let msg = s.challenge_msg(TEST_SET, vec![10_000]);
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
