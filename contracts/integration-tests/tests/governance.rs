//! Governance proposals that change a parameter, migrate a contract, spend the community
//! pool, fail atomically, and burn or refund deposits.

mod common;

use common::*;
use cosmwasm_std::{coins, to_json_binary, BankMsg, CosmosMsg, Decimal, Uint128, Uint256, WasmMsg};
use inferchain_governance::error::ContractError as GovError;
use inferchain_governance::msg as gov;
use inferchain_staking::msg as stk;

/// v1 (validator, 10_000) and m1 (modeler, 5_000) hold all voting power.
fn voters() -> Suite {
    let mut s = Suite::new();
    s.bond("v1", stk::Role::Validator, 10_000);
    s.bond("m1", stk::Role::Modeler, 5_000);
    s.next_block(5);
    s
}

fn min_stake_proposal(s: &Suite, min_stake_modeler: u128) -> CosmosMsg {
    let mut params = s.staking_params();
    params.min_stake_modeler = Uint128::new(min_stake_modeler);
    wasm_exec(
        &s.staking,
        &stk::ExecuteMsg::UpdateParams { params },
        vec![],
    )
}

fn supply(s: &Suite) -> Uint256 {
    s.app.wrap().query_supply(DENOM).unwrap().amount
}

#[test]
fn proposal_changes_a_contract_parameter() {
    let mut s = voters();
    let consumer_before = s.user_balance("consumer");
    let msg = min_stake_proposal(&s, 3_000);
    let id = s.propose("consumer", vec![msg], MIN_DEPOSIT);
    // Stake bonded in the proposal's block carries no weight on it.
    s.bond("v2", stk::Role::Validator, 50_000);
    s.next_block(5);
    let start = s.proposal(id).start_height;
    s.assert_rejected(GovError::NoVotingPower { height: start }, |s| {
        s.vote("v2", id, gov::VoteOption::No)
    });
    s.vote("v1", id, gov::VoteOption::Yes).unwrap();
    s.vote("m1", id, gov::VoteOption::No).unwrap();

    let p = s.proposal(id);
    assert_eq!(p.total_power, Uint128::new(15_000));
    assert_eq!(p.tally.yes, Uint128::new(10_000));
    assert_eq!(p.tally.no, Uint128::new(5_000));
    assert_eq!(p.outcome, None, "voting still open");
    s.assert_rejected(GovError::VotingNotEnded { id }, |s| {
        s.exec(
            "anyone",
            &s.governance.clone(),
            &gov::ExecuteMsg::Execute { proposal_id: id },
            0,
        )
    });

    s.next_block(VOTING_PERIOD);
    let tally: gov::TallyResponse =
        s.query(&s.governance, &gov::QueryMsg::Tally { proposal_id: id });
    assert_eq!(tally.outcome, gov::Outcome::Passed);
    assert!(tally.voting_ended);
    s.assert_rejected(GovError::Passed { id }, |s| {
        s.exec(
            "anyone",
            &s.governance.clone(),
            &gov::ExecuteMsg::Close { proposal_id: id },
            0,
        )
    });
    s.exec(
        "anyone",
        &s.governance.clone(),
        &gov::ExecuteMsg::Execute { proposal_id: id },
        0,
    )
    .unwrap();

    let p = s.proposal(id);
    assert_eq!(p.status, gov::ProposalStatus::Executed);
    assert_eq!(p.execution_error, None);
    assert_eq!(s.staking_params().min_stake_modeler, Uint128::new(3_000));
    assert_eq!(
        s.user_balance("consumer"),
        consumer_before,
        "deposit refunded"
    );
    // The new minimum applies.
    s.assert_rejected(
        inferchain_staking::error::ContractError::BelowMinimumStake {
            amount: Uint128::new(2_000),
            min: Uint128::new(3_000),
        },
        |s| {
            s.exec(
                "m2",
                &s.staking.clone(),
                &stk::ExecuteMsg::Bond {
                    role: stk::Role::Modeler,
                    consensus_pubkey: None,
                    consensus_key_proof: None,
                },
                2_000,
            )
        },
    );
    let votes: gov::VotesResponse = s.query(
        &s.governance,
        &gov::QueryMsg::Votes {
            proposal_id: id,
            start_after: None,
            limit: None,
        },
    );
    assert_eq!(votes.votes.len(), 2);
    let executed: gov::ProposalsResponse = s.query(
        &s.governance,
        &gov::QueryMsg::Proposals {
            status: Some(gov::ProposalStatus::Executed),
            start_after: None,
            limit: None,
        },
    );
    assert_eq!(executed.proposals.len(), 1);
    s.assert_conservation();
}

#[test]
fn proposal_migrates_a_contract() {
    let mut s = voters();
    let new_code = s.app.store_code(reputation_contract());
    assert_ne!(new_code, s.codes.reputation);
    let migrate = CosmosMsg::Wasm(WasmMsg::Migrate {
        contract_addr: s.reputation.to_string(),
        new_code_id: new_code,
        msg: to_json_binary(&inferchain_reputation::msg::MigrateMsg {}).unwrap(),
    });
    let id = s.propose("m1", vec![migrate], MIN_DEPOSIT);
    s.next_block(5);
    s.vote("v1", id, gov::VoteOption::Yes).unwrap();
    s.next_block(VOTING_PERIOD);
    s.exec(
        "anyone",
        &s.governance.clone(),
        &gov::ExecuteMsg::Execute { proposal_id: id },
        0,
    )
    .unwrap();
    assert_eq!(s.proposal(id).status, gov::ProposalStatus::Executed);
    assert_eq!(
        s.app.contract_data(&s.reputation).unwrap().code_id,
        new_code
    );
    // Governance stays admin and the contract keeps working.
    assert_eq!(
        s.app.contract_data(&s.reputation).unwrap().admin,
        Some(s.governance.clone())
    );
    let r: inferchain_reputation::msg::ConfigResponse = s.query(
        &s.reputation,
        &inferchain_reputation::msg::QueryMsg::Config {},
    );
    assert_eq!(r.owner, s.governance);
    s.assert_conservation();
}

#[test]
fn failing_message_rolls_back_the_whole_proposal_and_is_recorded() {
    let mut s = voters();
    // A valid parameter change followed by a migration to the wrong contract's code.
    let bad_migrate = CosmosMsg::Wasm(WasmMsg::Migrate {
        contract_addr: s.reputation.to_string(),
        new_code_id: s.codes.staking,
        msg: to_json_binary(&stk::MigrateMsg {}).unwrap(),
    });
    let msgs = vec![min_stake_proposal(&s, 4_000), bad_migrate];
    let m1_before = s.user_balance("m1");
    let id = s.propose("m1", msgs, MIN_DEPOSIT);
    s.next_block(5);
    s.vote("v1", id, gov::VoteOption::Yes).unwrap();
    s.next_block(VOTING_PERIOD);
    s.exec(
        "anyone",
        &s.governance.clone(),
        &gov::ExecuteMsg::Execute { proposal_id: id },
        0,
    )
    .unwrap();
    let p = s.proposal(id);
    assert_eq!(p.status, gov::ProposalStatus::ExecutionFailed);
    let err = p.execution_error.expect("failure recorded");
    let expected = inferchain_staking::error::ContractError::WrongContract {
        found: "crates.io:inferchain-reputation".into(),
    };
    assert!(err.contains(&expected.to_string()), "{err}");
    // Nothing of it took effect: the first message was rolled back too.
    assert_eq!(
        s.staking_params().min_stake_modeler,
        Uint128::new(MIN_STAKE_MODELER)
    );
    assert_eq!(
        s.app.contract_data(&s.reputation).unwrap().code_id,
        s.codes.reputation
    );
    // A passed proposal gets its deposit back even if its messages failed.
    assert_eq!(s.user_balance("m1"), m1_before);
    // And it cannot be executed again.
    s.assert_rejected(GovError::NotOpen { id }, |s| {
        s.exec(
            "anyone",
            &s.governance.clone(),
            &gov::ExecuteMsg::Execute { proposal_id: id },
            0,
        )
    });
    s.assert_conservation();
}

#[test]
fn failed_proposals_burn_their_deposit() {
    let mut s = voters();
    let supply0 = supply(&s);
    let consumer0 = s.user_balance("consumer");
    // 1: nobody votes -> no quorum -> burned.
    let no_quorum = s.propose("consumer", vec![], MIN_DEPOSIT);
    // 2: vetoed -> burned.
    let vetoed = s.propose("consumer", vec![], 2 * MIN_DEPOSIT);
    // 3: plainly rejected -> refunded.
    let rejected = s.propose("consumer", vec![], MIN_DEPOSIT);
    s.next_block(5);
    s.vote("v1", vetoed, gov::VoteOption::NoWithVeto).unwrap();
    s.vote("m1", vetoed, gov::VoteOption::Yes).unwrap();
    s.vote("v1", rejected, gov::VoteOption::No).unwrap();
    s.vote("m1", rejected, gov::VoteOption::Yes).unwrap();
    s.next_block(VOTING_PERIOD);

    for (id, outcome, burned) in [
        (no_quorum, gov::Outcome::NoQuorum, MIN_DEPOSIT),
        (vetoed, gov::Outcome::Vetoed, 2 * MIN_DEPOSIT),
        (rejected, gov::Outcome::Rejected, 0),
    ] {
        assert_eq!(s.proposal(id).outcome, Some(outcome));
        s.assert_rejected(GovError::NotPassed { id }, |s| {
            s.exec(
                "anyone",
                &s.governance.clone(),
                &gov::ExecuteMsg::Execute { proposal_id: id },
                0,
            )
        });
        s.exec(
            "anyone",
            &s.governance.clone(),
            &gov::ExecuteMsg::Close { proposal_id: id },
            0,
        )
        .unwrap();
        s.expected_burned += burned;
        assert_eq!(s.proposal(id).status, gov::ProposalStatus::Rejected);
    }
    assert_eq!(supply0 - supply(&s), Uint256::from(3 * MIN_DEPOSIT));
    assert_eq!(s.user_balance("consumer"), consumer0 - 3 * MIN_DEPOSIT);
    let rejected_list: gov::ProposalsResponse = s.query(
        &s.governance,
        &gov::QueryMsg::Proposals {
            status: Some(gov::ProposalStatus::Rejected),
            start_after: Some(no_quorum),
            limit: None,
        },
    );
    let ids: Vec<u64> = rejected_list.proposals.iter().map(|p| p.id).collect();
    assert_eq!(ids, vec![vetoed, rejected]);
    s.assert_conservation();
}

#[test]
fn community_pool_spends_cannot_touch_held_deposits() {
    let mut s = voters();
    // Slashed stake fills the community pool.
    s.sudo(
        &s.staking.clone(),
        &stk::SudoMsg::Slash {
            address: s.addr("m1").to_string(),
            fraction: Decimal::percent(10),
            reason: "downtime".into(),
        },
    )
    .unwrap();
    s.expected_community_pool += 500;
    let consumer = s.addr("consumer");
    let spend = |amount: u128| -> CosmosMsg {
        BankMsg::Send {
            to_address: consumer.to_string(),
            amount: coins(amount, DENOM),
        }
        .into()
    };
    // Pays 400 of the 500 in the pool: fine. Asks 600 while the other proposal's deposit
    // is held: the balance would cover it, but it is not the pool's, so it fails.
    let ok = s.propose("v1", vec![spend(400)], MIN_DEPOSIT);
    let greedy = s.propose("v1", vec![spend(600)], MIN_DEPOSIT);
    let _held = s.propose("m1", vec![], MIN_DEPOSIT);
    s.next_block(5);
    for id in [ok, greedy] {
        s.vote("v1", id, gov::VoteOption::Yes).unwrap();
    }
    s.next_block(VOTING_PERIOD);
    let consumer_before = s.user_balance("consumer");
    s.exec(
        "anyone",
        &s.governance.clone(),
        &gov::ExecuteMsg::Execute { proposal_id: ok },
        0,
    )
    .unwrap();
    assert_eq!(s.proposal(ok).status, gov::ProposalStatus::Executed);
    s.expected_community_pool -= 400;
    s.exec(
        "anyone",
        &s.governance.clone(),
        &gov::ExecuteMsg::Execute {
            proposal_id: greedy,
        },
        0,
    )
    .unwrap();
    let p = s.proposal(greedy);
    assert_eq!(p.status, gov::ProposalStatus::ExecutionFailed);
    assert!(p
        .execution_error
        .unwrap()
        .contains(&GovError::Insolvent {}.to_string()));
    assert_eq!(s.user_balance("consumer"), consumer_before + 400);
    s.assert_conservation();
}

#[test]
fn text_proposal_passes_and_refunds_its_deposit() {
    let mut s = voters();
    let before = s.user_balance("consumer");
    let id = s.propose("consumer", vec![], MIN_DEPOSIT);
    assert_eq!(s.user_balance("consumer"), before - MIN_DEPOSIT);
    s.next_block(5);
    s.vote("m1", id, gov::VoteOption::Yes).unwrap();
    s.vote("v1", id, gov::VoteOption::Abstain).unwrap();
    s.next_block(VOTING_PERIOD);
    let res = s
        .exec(
            "anyone",
            &s.governance.clone(),
            &gov::ExecuteMsg::Execute { proposal_id: id },
            0,
        )
        .unwrap();
    assert_eq!(attr(&res, "proposal_id"), id.to_string());
    assert_eq!(s.proposal(id).status, gov::ProposalStatus::Executed);
    assert_eq!(s.user_balance("consumer"), before);
    let vote: gov::VoteResponse = s.query(
        &s.governance,
        &gov::QueryMsg::Vote {
            proposal_id: id,
            voter: s.addr("v1").to_string(),
        },
    );
    let vote = vote.vote.unwrap();
    assert_eq!(
        (vote.vote, vote.power),
        (gov::VoteOption::Abstain, Uint128::new(10_000))
    );
    s.assert_conservation();
}
