//! A deployment of the four contracts wired as on the chain, plus the bookkeeping behind the
//! conservation invariant checked at the end of every test.
#![allow(dead_code)]

use std::fmt::Display;

use cosmwasm_std::{
    coins, to_json_binary, Addr, BlockInfo, Coin, CosmosMsg, Decimal, Empty, StdError, StdResult,
    Timestamp, Uint128, Uint256, WasmMsg,
};
use cw_multi_test::{App, AppResponse, Contract, ContractWrapper, Executor};
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};

use inferchain_challenge::msg as ch;
use inferchain_governance::msg as gov;
use inferchain_reputation::msg as rep;
use inferchain_staking::msg as stk;

pub const DENOM: &str = "uspec";
/// Every user account starts with this much.
pub const USER_FUNDS: u128 = 1_000_000;
pub const CREATION_DEPOSIT: u128 = 1_000;
pub const MIN_DEPOSIT: u128 = 1_000;
pub const VOTING_PERIOD: u64 = 600;
pub const UNBONDING_PERIOD: u64 = 100;
pub const MIN_STAKE_MODELER: u128 = 1_000;
pub const MIN_STAKE_VALIDATOR: u128 = 5_000;

pub const USERS: &[&str] = &[
    "deployer", "creator", "m1", "m2", "m3", "m4", "v1", "v2", "v3", "consumer", "chain", "anyone",
];

pub fn staking_contract() -> Box<dyn Contract<Empty>> {
    use inferchain_staking::contract::*;
    Box::new(
        ContractWrapper::new(execute, instantiate, query)
            .with_sudo(sudo)
            .with_reply(reply)
            .with_migrate(migrate),
    )
}
pub fn challenge_contract() -> Box<dyn Contract<Empty>> {
    use inferchain_challenge::contract::*;
    Box::new(
        ContractWrapper::new(execute, instantiate, query)
            .with_sudo(sudo)
            .with_reply(reply)
            .with_migrate(migrate),
    )
}
pub fn reputation_contract() -> Box<dyn Contract<Empty>> {
    use inferchain_reputation::contract::*;
    Box::new(
        ContractWrapper::new(execute, instantiate, query)
            .with_sudo(sudo)
            .with_migrate(migrate),
    )
}
pub fn governance_contract() -> Box<dyn Contract<Empty>> {
    use inferchain_governance::contract::*;
    Box::new(
        ContractWrapper::new(execute, instantiate, query)
            .with_reply(reply)
            .with_migrate(migrate),
    )
}

pub struct Suite {
    pub app: App,
    pub staking: Addr,
    pub challenge: Addr,
    pub reputation: Addr,
    pub governance: Addr,
    pub codes: Codes,
    /// Coins the test expects to have been burned so far.
    pub expected_burned: u128,
    /// What the governance contract holds beyond proposal deposits (community pool), as the
    /// test expects it.
    pub expected_community_pool: u128,
    genesis_total: u128,
}

pub struct Codes {
    pub staking: u64,
    pub challenge: u64,
    pub reputation: u64,
    pub governance: u64,
}

pub fn staking_params() -> stk::Params {
    stk::Params {
        min_stake_modeler: Uint128::new(MIN_STAKE_MODELER),
        min_stake_validator: Uint128::new(MIN_STAKE_VALIDATOR),
        unbonding_period: UNBONDING_PERIOD,
        max_unbonding_entries: 7,
        slash_destination: stk::SlashDestination::Burn,
    }
}

pub fn formula_params() -> rep::FormulaParams {
    rep::FormulaParams {
        decay_bps: 9_000,
        challenge_weight: Uint128::new(1_000),
        consumption_weight: Uint128::new(100),
        slash_penalty: Uint128::new(500),
    }
}

pub fn voting_params() -> gov::VotingParams {
    gov::VotingParams {
        min_deposit: Uint128::new(MIN_DEPOSIT),
        voting_period: VOTING_PERIOD,
        quorum: Decimal::percent(40),
        threshold: Decimal::percent(50),
        veto_threshold: Decimal::percent(33),
    }
}

impl Suite {
    /// Deploys the four contracts and hands them to governance: governance owns every
    /// contract's params and is every contract's wasm admin; slashed stake goes to the
    /// community pool (governance's balance); forfeited challenge deposits are burned.
    pub fn new() -> Self {
        let mut app = App::new(|router, api, storage| {
            for u in USERS {
                router
                    .bank
                    .init_balance(storage, &api.addr_make(u), coins(USER_FUNDS, DENOM))
                    .unwrap();
            }
        });
        let codes = Codes {
            staking: app.store_code(staking_contract()),
            challenge: app.store_code(challenge_contract()),
            reputation: app.store_code(reputation_contract()),
            governance: app.store_code(governance_contract()),
        };
        let deployer = app.api().addr_make("deployer");
        let admin = Some(deployer.to_string());
        let staking = app
            .instantiate_contract(
                codes.staking,
                deployer.clone(),
                &stk::InstantiateMsg {
                    owner: None,
                    slashers: vec![],
                    reputation: None,
                    params: staking_params(),
                },
                &[],
                "staking",
                admin.clone(),
            )
            .unwrap();
        let reputation = app
            .instantiate_contract(
                codes.reputation,
                deployer.clone(),
                &rep::InstantiateMsg {
                    owner: None,
                    reporters: vec![],
                    params: formula_params(),
                },
                &[],
                "reputation",
                admin.clone(),
            )
            .unwrap();
        let challenge = app
            .instantiate_contract(
                codes.challenge,
                deployer.clone(),
                &ch::InstantiateMsg {
                    owner: None,
                    staking: staking.to_string(),
                    reputation: reputation.to_string(),
                    creation_deposit: Uint128::new(CREATION_DEPOSIT),
                    forfeit_destination: ch::ForfeitDestination::Burn,
                    max_top_k: 5,
                },
                &[],
                "challenge",
                admin.clone(),
            )
            .unwrap();
        let governance = app
            .instantiate_contract(
                codes.governance,
                deployer.clone(),
                &gov::InstantiateMsg {
                    staking: staking.to_string(),
                    params: voting_params(),
                },
                &[],
                "governance",
                admin,
            )
            .unwrap();
        // Wire them and hand them to governance.
        let mut params = staking_params();
        params.slash_destination = stk::SlashDestination::Address {
            address: governance.to_string(),
        };
        let wiring: Vec<(Addr, Vec<u8>)> = vec![
            (
                staking.clone(),
                serde_json::to_vec(&stk::ExecuteMsg::UpdateParams { params }).unwrap(),
            ),
            (
                staking.clone(),
                serde_json::to_vec(&stk::ExecuteMsg::UpdateConfig {
                    owner: Some(governance.to_string()),
                    slashers: Some(vec![challenge.to_string(), governance.to_string()]),
                    reputation: Some(reputation.to_string()),
                })
                .unwrap(),
            ),
            (
                reputation.clone(),
                serde_json::to_vec(&rep::ExecuteMsg::UpdateConfig {
                    owner: Some(governance.to_string()),
                    reporters: Some(vec![challenge.to_string(), staking.to_string()]),
                })
                .unwrap(),
            ),
            (
                challenge.clone(),
                serde_json::to_vec(&ch::ExecuteMsg::UpdateConfig(ch::ConfigUpdate {
                    owner: Some(governance.to_string()),
                    ..Default::default()
                }))
                .unwrap(),
            ),
        ];
        for (contract, msg) in wiring {
            app.execute(
                deployer.clone(),
                CosmosMsg::Wasm(WasmMsg::Execute {
                    contract_addr: contract.to_string(),
                    msg: msg.into(),
                    funds: vec![],
                }),
            )
            .unwrap();
        }
        for contract in [&staking, &reputation, &challenge, &governance] {
            app.execute(
                deployer.clone(),
                CosmosMsg::Wasm(WasmMsg::UpdateAdmin {
                    contract_addr: contract.to_string(),
                    admin: governance.to_string(),
                }),
            )
            .unwrap();
        }
        let genesis_total = USER_FUNDS * USERS.len() as u128;
        let mut suite = Suite {
            app,
            staking,
            challenge,
            reputation,
            governance,
            codes,
            expected_burned: 0,
            expected_community_pool: 0,
            genesis_total,
        };
        suite.next_block(5);
        suite
    }

    pub fn addr(&self, name: &str) -> Addr {
        self.app.api().addr_make(name)
    }

    pub fn now(&self) -> Timestamp {
        self.app.block_info().time
    }

    pub fn height(&self) -> u64 {
        self.app.block_info().height
    }

    /// Moves to the next block, `secs` later.
    pub fn next_block(&mut self, secs: u64) {
        self.app.update_block(|b: &mut BlockInfo| {
            b.height += 1;
            b.time = b.time.plus_seconds(secs);
        });
    }

    pub fn balance(&self, addr: &Addr) -> u128 {
        let amount: Uint256 = self.app.wrap().query_balance(addr, DENOM).unwrap().amount;
        Uint128::try_from(amount).unwrap().u128()
    }

    pub fn user_balance(&self, name: &str) -> u128 {
        self.balance(&self.addr(name))
    }

    pub fn exec<M: Serialize + std::fmt::Debug>(
        &mut self,
        sender: &str,
        contract: &Addr,
        msg: &M,
        funds: u128,
    ) -> StdResult<AppResponse> {
        let sender = self.addr(sender);
        let funds = if funds == 0 {
            vec![]
        } else {
            coins(funds, DENOM)
        };
        self.app
            .execute_contract(sender, contract.clone(), msg, &funds)
    }

    pub fn sudo<M: Serialize>(&mut self, contract: &Addr, msg: &M) -> StdResult<AppResponse> {
        self.app.wasm_sudo(contract.clone(), msg)
    }

    pub fn query<M: Serialize, R: DeserializeOwned>(&self, contract: &Addr, msg: &M) -> R {
        self.app.wrap().query_wasm_smart(contract, msg).unwrap()
    }

    pub fn send(&mut self, from: &str, to: &Addr, amount: u128) {
        let from = self.addr(from);
        self.app
            .send_tokens(from, to.clone(), &coins(amount, DENOM))
            .unwrap();
    }

    // --- staking helpers ---------------------------------------------------------------------

    pub fn bond(&mut self, who: &str, role: stk::Role, amount: u128) {
        self.exec(
            who,
            &self.staking.clone(),
            &stk::ExecuteMsg::Bond {
                role,
                consensus_pubkey: None,
                consensus_key_proof: None,
            },
            amount,
        )
        .unwrap();
    }

    pub fn stake_of(&self, who: &str) -> u128 {
        let r: stk::StakeResponse = self.query(
            &self.staking,
            &stk::QueryMsg::Stake {
                address: self.addr(who).to_string(),
            },
        );
        r.stake.map(|s| s.bonded.u128()).unwrap_or_default()
    }

    pub fn pending_rewards(&self, who: &str) -> u128 {
        let r: stk::PendingRewardsResponse = self.query(
            &self.staking,
            &stk::QueryMsg::PendingRewards {
                address: self.addr(who).to_string(),
            },
        );
        r.rewards.u128()
    }

    pub fn staking_params(&self) -> stk::Params {
        self.query(&self.staking, &stk::QueryMsg::Params {})
    }

    // --- challenge helpers -------------------------------------------------------------------

    /// A challenge with the given test set whose deadlines are 100/200/300 s from now.
    pub fn challenge_msg(&self, test_set: &[u8], payout_bps: Vec<u32>) -> ch::CreateChallengeMsg {
        let now = self.now();
        ch::CreateChallengeMsg {
            title: "Churn".into(),
            description: "Predict churn".into(),
            task: ch::Task::BinaryClassification,
            architecture_id: "mlp-16-32-16-1-q16".into(),
            metric: ch::Metric::Accuracy,
            dataset_uri: "ipfs://train".into(),
            test_set_hash: hex::encode(Sha256::digest(test_set)),
            submission_deadline: now.plus_seconds(100),
            reveal_deadline: now.plus_seconds(200),
            scoring_deadline: now.plus_seconds(300),
            min_stake: Uint128::new(1_500),
            payout_bps,
        }
    }

    /// Creates a challenge and returns its id.
    pub fn create_challenge(
        &mut self,
        creator: &str,
        msg: ch::CreateChallengeMsg,
        bounty: u128,
    ) -> u64 {
        let res = self
            .exec(
                creator,
                &self.challenge.clone(),
                &ch::ExecuteMsg::CreateChallenge(msg),
                CREATION_DEPOSIT + bounty,
            )
            .unwrap();
        attr(&res, "challenge_id").parse().unwrap()
    }

    pub fn submit(
        &mut self,
        who: &str,
        challenge_id: u64,
        commitment: &str,
    ) -> StdResult<AppResponse> {
        self.exec(
            who,
            &self.challenge.clone(),
            &ch::ExecuteMsg::SubmitModel {
                challenge_id,
                commitment: commitment.into(),
                architecture_id: "mlp-16-32-16-1-q16".into(),
            },
            0,
        )
    }

    /// The chain's `inference` module recording a verified proof of score, bound to
    /// `modeler`, of the model `commitment`.
    pub fn record_score(
        &mut self,
        challenge_id: u64,
        modeler: &str,
        commitment: &str,
        score: Decimal,
    ) -> StdResult<AppResponse> {
        let modeler = self.addr(modeler).to_string();
        self.sudo(
            &self.challenge.clone(),
            &ch::SudoMsg::RecordScore {
                challenge_id,
                modeler,
                commitment: commitment.into(),
                score,
            },
        )
    }

    /// The chain's `inference` module reporting `count` paid inferences of `modeler`'s feed
    /// model, `fees` the modeler's share it already paid (a usage record: no funds come).
    pub fn record_consumption(
        &mut self,
        challenge_id: u64,
        modeler: &str,
        count: u64,
        fees: u128,
    ) -> StdResult<AppResponse> {
        let modeler = self.addr(modeler).to_string();
        self.sudo(
            &self.challenge.clone(),
            &ch::SudoMsg::RecordConsumption {
                challenge_id,
                modeler,
                count,
                fees: Uint128::new(fees),
            },
        )
    }

    /// The creator reveals `test_set` for challenge `challenge_id`.
    pub fn reveal(&mut self, challenge_id: u64, test_set: &[u8]) -> StdResult<AppResponse> {
        self.exec(
            "creator",
            &self.challenge.clone(),
            &ch::ExecuteMsg::RevealTestSet {
                challenge_id,
                test_set_uri: "ipfs://test".into(),
                test_set: test_set.into(),
            },
            0,
        )
    }

    pub fn challenge_info(&self, id: u64) -> ch::ChallengeResponse {
        self.query(
            &self.challenge,
            &ch::QueryMsg::Challenge { challenge_id: id },
        )
    }

    /// `modeler`'s current submission to challenge `challenge_id`.
    pub fn model(&self, challenge_id: u64, modeler: &str) -> ch::ModelResponse {
        self.query(
            &self.challenge,
            &ch::QueryMsg::Model {
                challenge_id,
                modeler: self.addr(modeler).to_string(),
            },
        )
    }

    pub fn test_set(&self, challenge_id: u64) -> ch::TestSetResponse {
        self.query(&self.challenge, &ch::QueryMsg::TestSet { challenge_id })
    }

    pub fn feed(&self, modeler: &str, commitment: &str) -> ch::FeedModel {
        ch::FeedModel {
            modeler: self.addr(modeler),
            commitment: commitment.into(),
        }
    }

    pub fn reputation_of(&self, who: &str) -> rep::Reputation {
        let r: rep::ReputationResponse = self.query(
            &self.reputation,
            &rep::QueryMsg::Reputation {
                address: self.addr(who).to_string(),
            },
        );
        r.reputation
    }

    // --- governance helpers ------------------------------------------------------------------

    pub fn propose(&mut self, who: &str, messages: Vec<CosmosMsg>, deposit: u128) -> u64 {
        let res = self
            .exec(
                who,
                &self.governance.clone(),
                &gov::ExecuteMsg::Propose {
                    title: "proposal".into(),
                    description: "test".into(),
                    messages,
                },
                deposit,
            )
            .unwrap();
        attr(&res, "proposal_id").parse().unwrap()
    }

    pub fn vote(
        &mut self,
        who: &str,
        proposal_id: u64,
        vote: gov::VoteOption,
    ) -> StdResult<AppResponse> {
        self.exec(
            who,
            &self.governance.clone(),
            &gov::ExecuteMsg::Vote { proposal_id, vote },
            0,
        )
    }

    pub fn proposal(&self, id: u64) -> gov::ProposalResponse {
        self.query(
            &self.governance,
            &gov::QueryMsg::Proposal { proposal_id: id },
        )
    }

    // --- invariants --------------------------------------------------------------------------

    /// Bank balances add up: the coins held by the four contracts plus the coins held by every
    /// account (what was paid out) plus what the test expects burned equal the genesis coins;
    /// the bank's supply agrees; and each contract holds exactly what its own books say it
    /// owes (the staking contract may keep reward rounding dust, which its books include).
    pub fn assert_conservation(&self) {
        let users: u128 = USERS.iter().map(|u| self.user_balance(u)).sum();
        let contracts: u128 = [
            &self.staking,
            &self.challenge,
            &self.reputation,
            &self.governance,
        ]
        .iter()
        .map(|c| self.balance(c))
        .sum();
        assert_eq!(
            users + contracts + self.expected_burned,
            self.genesis_total,
            "coins held + burned != coins sent in (users {users}, contracts {contracts}, burned {})",
            self.expected_burned
        );
        let supply = self.app.wrap().query_supply(DENOM).unwrap().amount;
        assert_eq!(
            Uint128::try_from(supply).unwrap().u128(),
            self.genesis_total - self.expected_burned,
            "bank supply"
        );

        let t: stk::TotalsResponse = self.query(&self.staking, &stk::QueryMsg::Totals {});
        assert_eq!(
            self.balance(&self.staking),
            (t.bonded + t.unbonding + t.rewards_held).u128(),
            "staking balance vs bonded + unbonding + rewards held"
        );
        let l: ch::LiabilitiesResponse = self.query(&self.challenge, &ch::QueryMsg::Liabilities {});
        assert_eq!(
            self.balance(&self.challenge),
            l.escrow.u128(),
            "challenge balance vs escrow"
        );
        let g: gov::ConfigResponse = self.query(&self.governance, &gov::QueryMsg::Config {});
        assert_eq!(
            self.balance(&self.governance),
            g.deposits_held.u128() + self.expected_community_pool,
            "governance balance vs deposits held + community pool"
        );
        assert_eq!(
            self.balance(&self.reputation),
            0,
            "reputation holds no coins"
        );
    }

    /// The balance of every user and of the four contracts.
    pub fn balances(&self) -> Vec<u128> {
        let mut b: Vec<u128> = USERS.iter().map(|u| self.user_balance(u)).collect();
        for c in [
            &self.staking,
            &self.challenge,
            &self.reputation,
            &self.governance,
        ] {
            b.push(self.balance(c));
        }
        b
    }

    /// Everything a failed call could have changed, as JSON: balances and every contract's
    /// queryable state the tests touch.
    pub fn fingerprint(&self) -> Vec<String> {
        let mut f = vec![];
        for u in USERS {
            f.push(format!("{u}={}", self.user_balance(u)));
        }
        for c in [
            &self.staking,
            &self.challenge,
            &self.reputation,
            &self.governance,
        ] {
            f.push(format!("{c}={}", self.balance(c)));
        }
        let q = |c: &Addr, m: serde_json::Value| -> String {
            let v: serde_json::Value = self.app.wrap().query_wasm_smart(c, &m).unwrap();
            v.to_string()
        };
        use serde_json::json;
        f.push(q(&self.staking, json!({"config": {}})));
        f.push(q(&self.staking, json!({"params": {}})));
        f.push(q(&self.staking, json!({"totals": {}})));
        for role in ["modeler", "validator"] {
            f.push(q(
                &self.staking,
                json!({"stakers": {"role": role, "limit": 100}}),
            ));
        }
        for u in USERS {
            let a = self.addr(u).to_string();
            f.push(q(&self.staking, json!({"unbonding": {"address": a}})));
            f.push(q(&self.staking, json!({"pending_rewards": {"address": a}})));
        }
        f.push(q(&self.challenge, json!({"config": {}})));
        f.push(q(&self.challenge, json!({"liabilities": {}})));
        let list = q(&self.challenge, json!({"challenges": {"limit": 100}}));
        let parsed: ch::ChallengesResponse = serde_json::from_str(&list).unwrap();
        for c in &parsed.challenges {
            f.push(q(
                &self.challenge,
                json!({"leaderboard": {"challenge_id": c.id}}),
            ));
            f.push(q(
                &self.challenge,
                json!({"test_set": {"challenge_id": c.id}}),
            ));
        }
        f.push(list);
        f.push(q(&self.reputation, json!({"config": {}})));
        f.push(q(&self.reputation, json!({"ranking": {"limit": 100}})));
        f.push(q(&self.governance, json!({"config": {}})));
        f.push(q(&self.governance, json!({"proposals": {"limit": 100}})));
        for c in [
            &self.staking,
            &self.challenge,
            &self.reputation,
            &self.governance,
        ] {
            f.push(format!("{:?}", self.app.contract_data(c).unwrap()));
        }
        f
    }

    /// Runs `call`, which must fail with exactly `expected` (the contract's typed error) and
    /// leave every balance and all contract state as it was; then checks conservation.
    pub fn assert_rejected<E: Display>(
        &mut self,
        expected: E,
        call: impl FnOnce(&mut Suite) -> StdResult<AppResponse>,
    ) {
        let before = self.fingerprint();
        let err = call(self).expect_err("call must fail");
        assert_err(&err, expected);
        assert_eq!(before, self.fingerprint(), "a rejected call changed state");
        self.assert_conservation();
    }
}

/// The root cause of a failed call is the contract's error with exactly this message.
pub fn assert_err<E: Display>(err: &StdError, expected: E) {
    let root = root_message(err);
    assert_eq!(root, expected.to_string(), "full error: {err:?}");
}

/// The message of the innermost error (multi-test wraps the contract's error with context).
pub fn root_message(err: &StdError) -> String {
    let s = err.to_string();
    // "kind: Other, error: <message>", possibly nested.
    s.rsplit("error: ").next().unwrap_or(&s).to_string()
}

pub fn attr(res: &AppResponse, key: &str) -> String {
    res.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("attribute {key} missing"))
        .value
        .clone()
}

pub fn wasm_exec<M: Serialize>(contract: &Addr, msg: &M, funds: Vec<Coin>) -> CosmosMsg {
    CosmosMsg::Wasm(WasmMsg::Execute {
        contract_addr: contract.to_string(),
        msg: to_json_binary(msg).unwrap(),
        funds,
    })
}

/// A canonical ICTS v1 test set ("ICTS" | version 1 | rows u32 LE | features u16 LE | per
/// row: features × i32 LE, label u8) of `rows` rows of `features` features, its values and
/// labels derived from `seed` (features in -256..256, labels 0 or 1).
pub fn icts(rows: u32, features: u16, seed: u64) -> Vec<u8> {
    let mut b = b"ICTS".to_vec();
    b.push(1);
    b.extend_from_slice(&rows.to_le_bytes());
    b.extend_from_slice(&features.to_le_bytes());
    // splitmix64: deterministic, different sets for different seeds.
    let mut x = seed;
    let mut next = move || {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for _ in 0..rows {
        for _ in 0..features {
            let v = (next() % 512) as i32 - 256;
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.push((next() & 1) as u8);
    }
    b
}

/// A 64-hex-character model commitment derived from a label.
pub fn commitment(label: &str) -> String {
    hex::encode(Sha256::digest(label.as_bytes()))
}
