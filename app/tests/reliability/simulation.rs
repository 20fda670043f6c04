//! Simulation with invariants, after the Cosmos SDK's: thousands of random messages of every
//! kind — bank sends, the four contracts' messages (staking, challenge, reputation,
//! governance), generic wasm (instantiate, execute, admin changes), inference (models, feeds,
//! requests, real and forged proofs) — from random accounts with random, often invalid,
//! arguments, in random blocks through the in-process harness. After every block:
//!
//! - each denom's total supply equals the sum of every balance, and moved only by the block's
//!   burns (nothing here mints: no IBC);
//! - every balance parses and is at most the supply (none negative, none wrapped);
//! - the staking contract holds at least bonded + unbonding + rewards held, the challenge
//!   contract at least its escrow (`liabilities`), the governance contract at least the
//!   deposits of its open proposals (`config.deposits_held`; a passed proposal's messages may
//!   spend the contract's other funds, never those);
//! - the inference escrow's module account holds exactly its deposits plus pending fees.
//!
//! And the same seed gives the same app hash at every height (the run is made twice).
//! Size: `INFERCHAIN_SIM_MSGS` messages (default 10,000), seed `INFERCHAIN_SIM_SEED` (random,
//! printed on failure and at the end). `tests/simulate.sh` runs long ones.

use std::collections::BTreeMap;

use cosmos_sdk_proto::cosmwasm::wasm::v1 as wasm;
use inferchain_app::address::Address;
use inferchain_app::harness::economy::{exec, ARCH};
use inferchain_app::harness::{artifact, fee_for, Account, Harness, CHAIN_ID};
use inferchain_app::modules::inference::circuits;
use inferchain_app::modules::inference::genesis::ArchitectureJson;
use inferchain_app::modules::to_any;
use inferchain_app::modules::wasm::predictable_address;
use inferchain_app::store::Substore;
use inferchain_proto::inferchain::inference::v1 as pb;
use inferchain_verifier::{
    prove_inference, request_binding, ArchSpec, Mode, ProofKind, QuantModel,
};
use prost::Message;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use sha2::Digest;
use tendermint_proto::google::protobuf::Any;
use tendermint_proto::v0_38::abci::Event;

const ACCOUNTS: u8 = 8;

/// Proofs made so far, by (request id, input): (output, proof bytes).
type ProofCache = BTreeMap<(u64, Vec<i64>), (Vec<i64>, Vec<u8>)>;
const DENOM: &str = "uspec";

struct Contracts {
    staking: String,
    challenge: String,
    reputation: String,
    governance: String,
    counter_code: u64,
    /// Counters instantiated during the run (targets of generic wasm messages).
    counters: Vec<String>,
}

#[derive(Default, Debug)]
struct Stats {
    blocks: u64,
    msgs: u64,
    txs_ok: u64,
    txs_failed: u64,
    invariant_checks: u64,
    burned: u128,
    proofs: u64,
    /// The most `uspec` the governance contract held as open proposals' deposits after a
    /// block: above zero, or its invariant checked nothing.
    gov_deposits_peak: u128,
    /// Failed transactions by (codespace, code): what the random arguments ran into.
    failures: BTreeMap<(String, u32), u64>,
}

struct World {
    chain: Harness,
    accounts: Vec<Account>,
    c: Contracts,
    model: QuantModel,
    rng: StdRng,
    stats: Stats,
    /// Supply per denom after the last block.
    supply: BTreeMap<String, u128>,
    /// Requests opened so far (ids, for fulfilments).
    next_request: u64,
    /// Requests this run already proved (proving is the slow part; a few suffice).
    proved: u64,
}

fn instantiate2(
    chain: &mut Harness,
    from: &mut Account,
    code_id: u64,
    msg: Value,
    salt: &str,
) -> String {
    let m = to_any(&wasm::MsgInstantiateContract2 {
        sender: from.address.to_bech32(),
        admin: from.address.to_bech32(),
        code_id,
        label: salt.into(),
        msg: msg.to_string().into_bytes(),
        funds: vec![],
        salt: salt.as_bytes().to_vec(),
        fix_msg: false,
    });
    let r = chain.run(from, vec![m], 5_000_000);
    assert_eq!(r.code, 0, "instantiate {salt}: {}", r.log);
    r.events
        .iter()
        .filter(|e| e.r#type == "instantiate")
        .flat_map(|e| &e.attributes)
        .find(|a| a.key == "_contract_address")
        .expect("an instantiate event")
        .value
        .clone()
}

impl World {
    /// Genesis funds `ACCOUNTS` accounts; account 0 is the chain's authority and owner of the
    /// contracts, wired as `localnet/deploy.sh` wires them (instantiate2 addresses known at
    /// genesis, so the inference module names them from the start). Account 1 is a bonded
    /// modeler with model 1.
    fn new(dir: &std::path::Path, seed: u64) -> World {
        let mut accounts: Vec<Account> = (1..=ACCOUNTS).map(|s| Account::from_seed(s, 0)).collect();
        let owner = accounts[0].address.clone();
        let a = owner.to_bech32();
        let wasms: BTreeMap<&str, Vec<u8>> = ["staking", "challenge", "reputation", "governance"]
            .into_iter()
            .map(|n| (n, artifact(n)))
            .collect();
        let predicted = |name: &str| {
            predictable_address(
                &sha2::Sha256::digest(&wasms[name]),
                &owner,
                format!("sim-{name}").as_bytes(),
                b"",
            )
            .to_bech32()
        };
        let (stk, cha, rep, gov) = (
            predicted("staking"),
            predicted("challenge"),
            predicted("reputation"),
            predicted("governance"),
        );
        let arch: ArchitectureJson =
            circuits::describe_architecture(ARCH, &[(ProofKind::Inference, Mode::Public)])
                .expect("registered circuits")
                .into();
        let addresses: Vec<&Address> = accounts.iter().map(|x| &x.address).collect();
        let mut chain = Harness::with_sections(
            dir,
            &addresses,
            200_000_000,
            json!({
                "params": {"authority": a},
                "inference": {"architectures": [arch], "params": {
                    "min_model_stake": "1000000", "staking_contract": stk,
                    "challenge_contract": cha, "reputation_contract": rep}},
            }),
            None,
            inferchain_app::app::modules,
        );
        for acc in &mut accounts {
            acc.number = chain.account_number(&acc.address);
        }
        let mut codes = BTreeMap::new();
        for (name, wasm) in &wasms {
            codes.insert(*name, chain.store_code(&mut accounts[0], wasm));
        }
        let counter_code = chain.store_code(&mut accounts[0], &artifact("counter"));
        let inits = [
            (
                "reputation",
                json!({"owner": a, "reporters": [cha, stk], "params": {
                "decay_bps": 9000, "challenge_weight": "1000", "consumption_weight": "100",
                "slash_penalty": "500"}}),
            ),
            (
                "staking",
                json!({"owner": a, "slashers": [cha, a], "reputation": rep, "params": {
                "min_stake_modeler": "1000000", "min_stake_validator": "1000000",
                "unbonding_period": 5, "max_unbonding_entries": 7,
                "slash_destination": {"address": {"address": a}}}}),
            ),
            (
                "challenge",
                json!({"owner": a, "staking": stk, "reputation": rep,
                "creation_deposit": "1000000", "forfeit_destination": "burn", "max_top_k": 5}),
            ),
            (
                "governance",
                json!({"staking": stk, "params": {"min_deposit": "1000000",
                "voting_period": 8, "quorum": "0.334", "threshold": "0.5",
                "veto_threshold": "0.334"}}),
            ),
        ];
        for (name, msg) in inits {
            let got = instantiate2(
                &mut chain,
                &mut accounts[0],
                codes[name],
                msg,
                &format!("sim-{name}"),
            );
            assert_eq!(got, predicted(name), "{name} address");
        }
        let spec = ArchSpec::parse(ARCH).expect("a known architecture");
        let model = QuantModel::pseudo_random(&spec, 42);
        let mut w = World {
            chain,
            accounts,
            c: Contracts {
                staking: stk,
                challenge: cha,
                reputation: rep,
                governance: gov,
                counter_code,
                counters: vec![],
            },
            model,
            rng: StdRng::seed_from_u64(seed),
            stats: Stats::default(),
            supply: BTreeMap::new(),
            next_request: 1,
            proved: 0,
        };
        let bond = w.exec_msg(
            1,
            &w.c.staking.clone(),
            json!({"bond": {"role": "modeler",
            "consensus_pubkey": null}}),
            5_000_000,
        );
        let r = w.chain.run(&mut w.accounts[1], vec![bond], 2_000_000);
        assert_eq!(r.code, 0, "bond: {}", r.log);
        let register = to_any(&pb::MsgRegisterModel {
            owner: w.accounts[1].address.to_bech32(),
            commitment: w.model.commitment().expect("a valid model").to_hex(),
            architecture: ARCH.into(),
            mode: "public".into(),
            metadata_uri: String::new(),
        });
        let r = w.chain.run(&mut w.accounts[1], vec![register], 1_000_000);
        assert_eq!(r.code, 0, "register: {}", r.log);
        w.supply = w.supplies();
        w.check(&[]);
        w
    }

    fn exec_msg(&self, from: usize, contract: &str, msg: Value, funds: u128) -> Any {
        exec(&self.accounts[from], contract, msg, funds)
    }

    // --- random arguments, often invalid ------------------------------------------------

    fn who(&mut self) -> usize {
        self.rng.gen_range(0..self.accounts.len())
    }

    fn amount(&mut self) -> u128 {
        match self.rng.gen_range(0..10) {
            0 => 0,
            1 => 1,
            2 => u128::MAX,
            3 => 10u128.pow(13), // more than anyone holds
            4..=6 => self.rng.gen_range(1..5_000_000),
            _ => self.rng.gen_range(1_000_000..20_000_000),
        }
    }

    fn address(&mut self) -> String {
        match self.rng.gen_range(0..10) {
            0 => "not-an-address".into(),
            1 => self.c.staking.clone(),
            2 => self.c.challenge.clone(),
            3 => Address::from_secp256k1(&[self.rng.gen::<u8>(); 33]).to_bech32(),
            _ => {
                let i = self.who();
                self.accounts[i].address.to_bech32()
            }
        }
    }

    fn id(&mut self) -> u64 {
        match self.rng.gen_range(0..6) {
            0 => 0,
            1 => u64::MAX,
            _ => self.rng.gen_range(1..6),
        }
    }

    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| format!("{:x}", self.rng.gen_range(0..16u8)))
            .collect()
    }

    fn now(&self) -> u64 {
        // The harness's block time: 1_700_000_000 + height seconds.
        1_700_000_000 + self.chain.height as u64
    }

    /// One random message from account `from`.
    fn message(&mut self, from: usize) -> Any {
        let sender = self.accounts[from].address.to_bech32();
        let (stk, cha, rep, gov) = (
            self.c.staking.clone(),
            self.c.challenge.clone(),
            self.c.reputation.clone(),
            self.c.governance.clone(),
        );
        match self.rng.gen_range(0..30) {
            0..=5 => {
                let to = self.address();
                let amount = self.amount();
                let denom = if self.rng.gen_ratio(1, 10) {
                    ["ufake", "", "UPPER", "ibc/00"][self.rng.gen_range(0..4)]
                } else {
                    DENOM
                };
                to_any(&cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend {
                    from_address: sender,
                    to_address: to,
                    amount: vec![cosmos_sdk_proto::cosmos::base::v1beta1::Coin {
                        denom: denom.into(),
                        amount: amount.to_string(),
                    }],
                })
            }
            6..=8 => {
                let role = ["modeler", "validator", "nobody"][self.rng.gen_range(0..3)];
                let fraction = ["0.1", "1", "1.5", "-1", "0"][self.rng.gen_range(0..5)];
                let msg = match self.rng.gen_range(0..6) {
                    0 => json!({"bond": {"role": role, "consensus_pubkey": null}}),
                    1 => {
                        json!({"unbond": {"amount": self.amount().min(u64::MAX as u128).to_string()}})
                    }
                    2 => json!({"claim": {}}),
                    3 => json!({"claim_rewards": {}}),
                    4 => json!({"distribute_rewards": {"role": role}}),
                    _ => json!({"slash": {"address": self.address(),
                        "fraction": fraction,
                        "reason": "sim"}}),
                };
                let funds = if self.rng.gen_bool(0.5) {
                    self.amount().min(50_000_000)
                } else {
                    0
                };
                self.exec_msg(from, &stk, msg, funds)
            }
            9..=11 => {
                let now = self.now();
                let id = self.id();
                let bps = [json!([10000]), json!([6000, 4000]), json!([5000])]
                    [self.rng.gen_range(0..3)]
                .clone();
                let deadlines: Vec<String> = [(0, 6), (3, 10), (6, 14)]
                    .iter()
                    .map(|(lo, hi)| {
                        ((now + self.rng.gen_range(*lo..*hi)) * 1_000_000_000).to_string()
                    })
                    .collect();
                let test_set_hash = self.hex(64);
                let msg = match self.rng.gen_range(0..5) {
                    0 | 1 => json!({"create_challenge": {
                        "title": "sim", "description": "", "task": "binary_classification",
                        "architecture_id": ARCH, "metric": "accuracy", "dataset_uri": "",
                        "test_set_hash": test_set_hash,
                        "submission_deadline": deadlines[0], "reveal_deadline": deadlines[1],
                        "scoring_deadline": deadlines[2], "min_stake": "1000000", "payout_bps": bps}}),
                    2 => json!({"submit_model": {"challenge_id": id, "commitment": self.hex(64),
                        "architecture_id": ARCH}}),
                    3 => json!({"cancel_unrevealed": {"challenge_id": id}}),
                    _ => json!({"finalize": {"challenge_id": id}}),
                };
                let funds = if self.rng.gen_bool(0.7) {
                    self.rng.gen_range(0..4_000_000)
                } else {
                    0
                };
                self.exec_msg(from, &cha, msg, funds)
            }
            12 => {
                let msg = match self.rng.gen_range(0..3) {
                    0 => {
                        json!({"record_consumption": {"modeler": self.address(), "count": self.id()}})
                    }
                    1 => json!({"record_slash": {"modeler": self.address(), "amount": "5"}}),
                    _ => {
                        json!({"update_params": {"params": {"decay_bps": self.rng.gen_range(0..20000),
                        "challenge_weight": "1", "consumption_weight": "1", "slash_penalty": "1"}}})
                    }
                };
                self.exec_msg(from, &rep, msg, 0)
            }
            13..=15 => {
                let id = self.id();
                let vote = ["yes", "no", "abstain", "no_with_veto"][self.rng.gen_range(0..4)];
                let msg = match self.rng.gen_range(0..4) {
                    0 => {
                        let to = self.address();
                        let amount = self.amount().min(10_000_000).to_string();
                        let messages = if self.rng.gen_bool(0.5) {
                            json!([])
                        } else {
                            json!([{"bank": {"send": {"to_address": to,
                                "amount": [{"denom": DENOM, "amount": amount}]}}}])
                        };
                        json!({"propose": {"title": "sim", "description": "", "messages": messages}})
                    }
                    1 => json!({"vote": {"proposal_id": id,
                        "vote": vote}}),
                    2 => json!({"execute": {"proposal_id": id}}),
                    _ => json!({"close": {"proposal_id": id}}),
                };
                let funds = if self.rng.gen_bool(0.6) {
                    self.rng.gen_range(0..3_000_000)
                } else {
                    0
                };
                self.exec_msg(from, &gov, msg, funds)
            }
            16..=17 => {
                // Generic wasm: new counters, calls on them (valid or garbage), admin changes.
                let target = if self.c.counters.is_empty() || self.rng.gen_ratio(1, 4) {
                    None
                } else {
                    Some(self.c.counters[self.rng.gen_range(0..self.c.counters.len())].clone())
                };
                match target {
                    None => to_any(&wasm::MsgInstantiateContract {
                        sender,
                        admin: String::new(),
                        code_id: if self.rng.gen_ratio(1, 5) {
                            self.id()
                        } else {
                            self.c.counter_code
                        },
                        label: "sim-counter".into(),
                        msg: [&b"{\"count\":1}"[..], b"{}", b"[", b"{\"count\":-4}"]
                            [self.rng.gen_range(0..4)]
                        .to_vec(),
                        funds: vec![],
                    }),
                    Some(contract) if self.rng.gen_ratio(1, 6) => to_any(&wasm::MsgUpdateAdmin {
                        sender,
                        new_admin: self.address(),
                        contract,
                    }),
                    Some(contract) => {
                        let msg = match self.rng.gen_range(0..4) {
                            0 => json!({"increment": {}}),
                            1 => json!({"reset": {"count": self.rng.gen::<i32>()}}),
                            2 if self.rng.gen_bool(0.5) => json!({"fail": {}}),
                            2 => json!({"no_such_message": {}}),
                            _ => json!("garbage"),
                        };
                        let funds = if self.rng.gen_ratio(1, 4) {
                            self.rng.gen_range(0..1000)
                        } else {
                            0
                        };
                        self.exec_msg(from, &contract, msg, funds)
                    }
                }
            }
            18..=19 => to_any(&pb::MsgCreateFeed {
                owner: sender,
                model_id: if self.rng.gen_ratio(4, 5) {
                    1
                } else {
                    self.id()
                },
                sla_blocks: self.rng.gen_range(0..8),
                fee_per_inference: ["1000", "0", "-1", "x", "50000"][self.rng.gen_range(0..5)]
                    .into(),
                mode: ["public", "", "private"][self.rng.gen_range(0..3)].into(),
                max_requests: self.rng.gen_range(0..5),
                deposit: self.amount().min(10_000_000).to_string(),
                ..Default::default()
            }),
            20..=22 => {
                let n = if self.rng.gen_ratio(9, 10) {
                    16
                } else {
                    self.rng.gen_range(0..40)
                };
                to_any(&pb::MsgRequestInference {
                    requester: sender,
                    feed_id: self.id(),
                    input: (0..n).map(|_| self.rng.gen_range(-300..300)).collect(),
                    ..Default::default()
                })
            }
            23 => to_any(&pb::MsgTopUpFeed {
                sender,
                feed_id: self.id(),
                amount: self.amount().min(10_000_000).to_string(),
            }),
            24 => to_any(&pb::MsgCloseFeed {
                owner: sender,
                feed_id: self.id(),
            }),
            25..=26 => self.fulfil(from),
            27 => to_any(&pb::MsgRegisterModel {
                owner: sender,
                commitment: self.hex(64),
                architecture: [ARCH, "mlp-1-1", ""][self.rng.gen_range(0..3)].into(),
                mode: "public".into(),
                metadata_uri: String::new(),
            }),
            28 => to_any(&pb::MsgSetModelOperator {
                owner: sender,
                model_id: self.id(),
                operator: self.address(),
            }),
            _ => {
                // A message no router knows, or a known type with random bytes.
                let urls: Vec<String> = self
                    .chain
                    .app
                    .0
                    .app
                    .router()
                    .msg_type_urls()
                    .map(String::from)
                    .collect();
                let url = if self.rng.gen_ratio(1, 3) {
                    "/no.such.Msg".to_string()
                } else {
                    urls[self.rng.gen_range(0..urls.len())].clone()
                };
                let len = self.rng.gen_range(0..64);
                Any {
                    type_url: url,
                    value: (0..len).map(|_| self.rng.gen()).collect(),
                }
            }
        }
    }

    /// A fulfilment of a random request: for the first few open ones a real proof by the
    /// registered model (fees are split and the escrow pays out when the request is on one of
    /// its feeds), a forged one otherwise.
    fn fulfil(&mut self, from: usize) -> Any {
        let id = if self.next_request > 1 {
            self.rng.gen_range(1..self.next_request)
        } else {
            1
        };
        let request = self.chain.query(
            "/inferchain.inference.v1.Query/Request",
            pb::QueryRequestRequest { id }.encode_to_vec(),
        );
        let open = (request.code == 0)
            .then(|| pb::QueryRequestResponse::decode(request.value.as_ref()).ok())
            .flatten()
            .and_then(|r| r.request)
            .filter(|r| r.status == "pending");
        let submitter = self.accounts[from].address.to_bech32();
        match open {
            Some(r) if self.proved < 6 && self.rng.gen_bool(0.5) => {
                self.proved += 1;
                self.stats.proofs += 1;
                // Proving is randomised (fresh blinding each time): the replay must submit the
                // same bytes, so a proof is made once per (request, input) and reused.
                static PROOFS: std::sync::Mutex<ProofCache> =
                    std::sync::Mutex::new(BTreeMap::new());
                let (output, bytes) = PROOFS
                    .lock()
                    .unwrap()
                    .entry((id, r.input.clone()))
                    .or_insert_with(|| {
                        let p = prove_inference(
                            &self.model,
                            &r.input,
                            Mode::Public,
                            &request_binding(CHAIN_ID, id),
                        )
                        .expect("proving an open request");
                        (p.output, p.bytes)
                    })
                    .clone();
                to_any(&pb::MsgFulfillInference {
                    submitter,
                    request_id: id,
                    output,
                    proof: bytes,
                })
            }
            _ => to_any(&pb::MsgFulfillInference {
                submitter,
                request_id: id,
                output: vec![self.rng.gen_range(-1000..1000)],
                proof: (0..self.rng.gen_range(0..300))
                    .map(|_| self.rng.gen())
                    .collect(),
            }),
        }
    }

    /// One block of random transactions (1–3 messages each, some with a wrong sequence or
    /// fee), half of the blocks screened by PrepareProposal like an honest proposer's.
    fn block(&mut self) {
        let txs_n = self.rng.gen_range(1..30);
        let mut txs = Vec::with_capacity(txs_n);
        for _ in 0..txs_n {
            let from = self.who();
            // Mostly one message: a transaction fails whole if any of its messages does.
            let n = if self.rng.gen_ratio(4, 5) {
                1
            } else {
                self.rng.gen_range(2..=3)
            };
            let msgs: Vec<Any> = (0..n).map(|_| self.message(from)).collect();
            self.stats.msgs += msgs.len() as u64;
            let gas = if self.rng.gen_ratio(1, 20) {
                10_000
            } else {
                6_000_000
            };
            let fee = if self.rng.gen_ratio(1, 20) {
                0
            } else {
                fee_for(gas)
            };
            let acc = &mut self.accounts[from];
            let sequence = match self.rng.gen_range(0..20) {
                0 => acc.sequence + 1,
                1 => acc.sequence.saturating_sub(1),
                _ => acc.sequence,
            };
            txs.push(acc.sign_at(msgs, gas, fee, sequence));
            if sequence == acc.sequence {
                acc.sequence += 1;
            }
        }
        if self.rng.gen_bool(0.5) {
            txs = self.chain.prepare(txs);
        }
        let r = self.chain.block(txs);
        self.stats.blocks += 1;
        for t in &r.tx_results {
            if t.code == 0 {
                self.stats.txs_ok += 1;
            } else {
                self.stats.txs_failed += 1;
                *self
                    .stats
                    .failures
                    .entry((t.codespace.clone(), t.code))
                    .or_default() += 1;
            }
        }
        // Sequences as the chain has them (a failed ante leaves one unused).
        for acc in &mut self.accounts {
            acc.sequence = self.chain.account_sequence(&acc.address);
        }
        // Requests opened: ids are sequential, so the next id is the count plus one.
        self.next_request += r
            .tx_results
            .iter()
            .filter(|t| t.code == 0)
            .flat_map(|t| &t.events)
            .filter(|e| e.r#type == "inference_request")
            .count() as u64;
        let events: Vec<Event> = r
            .events
            .iter()
            .cloned()
            .chain(
                r.tx_results
                    .iter()
                    .filter(|t| t.code == 0)
                    .flat_map(|t| t.events.clone()),
            )
            .collect();
        self.check(&events);
    }

    // --- invariants ---------------------------------------------------------------------

    /// Supply per denom, from the bank's supply keys.
    fn supplies(&self) -> BTreeMap<String, u128> {
        let snap = self.chain.app.0.store.snapshot().unwrap();
        snap.range(
            &[Substore::Bank.id(), 0x00],
            Some(&[Substore::Bank.id(), 0x01][..]),
        )
        .unwrap()
        .into_iter()
        .map(|(k, v)| {
            let amount = u128::from_be_bytes(v.as_slice().try_into().expect("a u128 supply"));
            (String::from_utf8(k[2..].to_vec()).expect("a denom"), amount)
        })
        .collect()
    }

    /// Every balance, per denom summed, and the largest single one.
    fn balances(&self) -> BTreeMap<String, (u128, u128)> {
        let snap = self.chain.app.0.store.snapshot().unwrap();
        let mut out: BTreeMap<String, (u128, u128)> = BTreeMap::new();
        for (k, v) in snap
            .range(
                &[Substore::Bank.id(), 0x02],
                Some(&[Substore::Bank.id(), 0x03][..]),
            )
            .unwrap()
        {
            let addr_len = k[2] as usize;
            let denom = String::from_utf8(k[3 + addr_len..].to_vec()).expect("a denom");
            let amount = u128::from_be_bytes(v.as_slice().try_into().expect("a u128 balance"));
            let e = out.entry(denom).or_default();
            e.0 = e.0.checked_add(amount).expect("balances overflow a u128");
            e.1 = e.1.max(amount);
        }
        out
    }

    fn balance(&self, addr: &str) -> u128 {
        self.chain
            .balance(&addr.parse::<Address>().expect("an address"), DENOM)
    }

    fn smart(&self, contract: &str, q: Value) -> Value {
        self.chain.smart_json(contract, &q)
    }

    fn check(&mut self, events: &[Event]) {
        let at = self.chain.height;
        let supply = self.supplies();
        let balances = self.balances();
        let burned: u128 = events
            .iter()
            .filter(|e| e.r#type == "burn")
            .flat_map(|e| &e.attributes)
            .filter(|a| a.key == "amount")
            .filter_map(|a| {
                a.value
                    .strip_suffix(DENOM)
                    .map(|n| n.parse::<u128>().expect("a burn amount"))
            })
            .sum();
        self.stats.burned += burned;
        for (denom, total) in &supply {
            let (sum, largest) = balances.get(denom).copied().unwrap_or_default();
            assert_eq!(
                *total, sum,
                "height {at}: supply of {denom} is not the sum of balances"
            );
            assert!(
                largest <= *total,
                "height {at}: a {denom} balance exceeds the supply"
            );
            let before = self.supply.get(denom).copied().unwrap_or(*total);
            assert!(
                *total <= before,
                "height {at}: {denom} supply grew ({before} -> {total}) with no mint"
            );
            let expected_drop = if denom == DENOM { burned } else { 0 };
            assert_eq!(
                before - *total,
                expected_drop,
                "height {at}: {denom} supply moved by other than the block's burns"
            );
        }
        assert!(
            balances.keys().all(|d| supply.contains_key(d)),
            "a denom without supply"
        );
        self.supply = supply;

        // What each contract owes: the named `uspec` amounts of one of its queries.
        let owes = [
            (
                "staking",
                &self.c.staking,
                json!({"totals": {}}),
                &["bonded", "unbonding", "rewards_held"][..],
            ),
            (
                "challenge",
                &self.c.challenge,
                json!({"liabilities": {}}),
                &["escrow"][..],
            ),
            (
                "governance",
                &self.c.governance,
                json!({"config": {}}),
                &["deposits_held"][..],
            ),
        ];
        let mut owed_by = BTreeMap::new();
        for (name, contract, query, fields) in owes {
            let answer = self.smart(contract, query);
            let owed: u128 = fields
                .iter()
                .map(|k| answer[k].as_str().unwrap().parse::<u128>().unwrap())
                .sum();
            let held = self.balance(contract);
            assert!(
                owed <= held,
                "height {at}: {name} owes {owed}, holds {held}"
            );
            owed_by.insert(name, owed);
        }
        self.stats.gov_deposits_peak = self.stats.gov_deposits_peak.max(owed_by["governance"]);
        let r = self.chain.query(
            "/inferchain.inference.v1.Query/Escrow",
            pb::QueryEscrowRequest {}.encode_to_vec(),
        );
        assert_eq!(r.code, 0, "{}", r.log);
        let e = pb::QueryEscrowResponse::decode(r.value.as_ref()).unwrap();
        let owed = e.deposits.parse::<u128>().unwrap() + e.pending_fees.parse::<u128>().unwrap();
        assert_eq!(
            e.balance.parse::<u128>().unwrap(),
            owed,
            "height {at}: the inference escrow's account is not its books: {e:?}"
        );
        self.stats.invariant_checks += 1;
    }
}

fn messages() -> u64 {
    std::env::var("INFERCHAIN_SIM_MSGS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000)
}

/// Runs `msgs` random messages from `seed`; the app hash after every block.
fn run(seed: u64, msgs: u64) -> (Vec<Vec<u8>>, Stats) {
    let dir = tempfile::tempdir().unwrap();
    let mut w = World::new(dir.path(), seed);
    let mut hashes = vec![];
    let mut shown = 0;
    while w.stats.msgs < msgs {
        w.block();
        hashes.push(w.chain.app_hash());
        // Progress for long runs.
        if w.stats.msgs >= shown + 2_000 {
            shown = w.stats.msgs;
            eprintln!(
                "simulation seed {seed}: {} messages, {} blocks",
                w.stats.msgs, w.stats.blocks
            );
        }
    }
    (hashes, w.stats)
}

#[test]
fn random_messages_keep_every_invariant_and_replay_to_the_same_app_hashes() {
    let seed = std::env::var("INFERCHAIN_SIM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::random::<u32>() as u64);
    let msgs = messages();
    let started = std::time::Instant::now();
    let first = std::panic::catch_unwind(|| run(seed, msgs));
    let (hashes, stats) = first
        .unwrap_or_else(|p| panic!("simulation failed with INFERCHAIN_SIM_SEED={seed}: {p:?}"));
    let secs = started.elapsed().as_secs_f64();
    println!(
        "simulation seed {seed}: {stats:?} in {secs:.1}s ({:.0} msgs/s)",
        stats.msgs as f64 / secs
    );
    assert!(
        stats.txs_ok > stats.blocks,
        "too few transactions succeed to test anything: {stats:?}"
    );
    assert!(
        stats.txs_failed > 0,
        "no invalid transaction was tried: {stats:?}"
    );
    assert!(
        stats.gov_deposits_peak > 0,
        "no governance proposal was ever open: {stats:?}"
    );
    let (again, _) = run(seed, msgs);
    assert_eq!(
        hashes.len(),
        again.len(),
        "seed {seed}: another number of blocks"
    );
    if let Some(h) = hashes.iter().zip(&again).position(|(a, b)| a != b) {
        panic!("seed {seed}: the replay's app hash differs at block {h} of the run");
    }
}
