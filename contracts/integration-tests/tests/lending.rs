//! The lending pool under cw-multi-test, with a mock of the chain's `inference` module as the
//! `Stargate` handler for `CosmosMsg::Any`: it decodes `MsgRequestInference` on its own, checks
//! what the chain checks (signer, feed rights, input width), answers with a protobuf
//! `MsgRequestInferenceResponse`, and the test plays the chain's later callback through `sudo`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use cosmwasm_std::testing::{MockApi, MockStorage};
use cosmwasm_std::{
    coins, from_json, Addr, AnyMsg, Api, Binary, BlockInfo, CustomMsg, CustomQuery, Empty,
    StdError, StdResult, Storage, Uint128,
};
use cw_multi_test::{
    App, AppBuilder, AppResponse, BankKeeper, ContractWrapper, CosmosRouter, DistributionKeeper,
    Executor, FailingModule, GovFailingModule, IbcFailingModule, StakeKeeper, Stargate, WasmKeeper,
};
use serde::de::DeserializeOwned;

use inferchain_lending::msg::{
    ConfigUpdate, CreditLineResponse, ExecuteMsg, InferenceOutcome, InstantiateMsg, LenderResponse,
    PoolResponse, QueryMsg, RequestCreditLineResponse, SudoMsg,
};
use inferchain_lending::state::{CreditOutcome, PendingRequest};

const DENOM: &str = "uspec";
const REQUEST_TYPE: &str = "/inferchain.inference.v1.MsgRequestInference";
const FEED: u64 = 1;
const SLA_BLOCKS: u64 = 10;

/// A `MsgRequestInference` as the mock chain decoded it.
#[derive(Clone, Debug)]
struct Request {
    id: u64,
    requester: String,
    feed_id: u64,
    input: Vec<i64>,
    callback_data: Vec<u8>,
    deadline: u64,
}

/// The chain's inference module, as far as a consumer sees it.
#[derive(Clone, Default)]
struct MockInference {
    /// feed id → the contract that may request on it (its owner / callback contract).
    feeds: Rc<RefCell<HashMap<u64, Addr>>>,
    requests: Rc<RefCell<Vec<Request>>>,
}

impl MockInference {
    fn last(&self) -> Request {
        self.requests.borrow().last().cloned().expect("a request")
    }
}

fn read_varint(buf: &mut &[u8]) -> StdResult<u64> {
    let mut v = 0u64;
    for i in 0..10 {
        let (&b, rest) = buf
            .split_first()
            .ok_or_else(|| StdError::msg("truncated"))?;
        *buf = rest;
        v |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(StdError::msg("varint too long"))
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

impl Stargate for MockInference {
    fn execute_any<ExecC, QueryC>(
        &self,
        _api: &dyn Api,
        _storage: &mut dyn Storage,
        _router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        msg: AnyMsg,
    ) -> StdResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        if msg.type_url != REQUEST_TYPE {
            return Err(StdError::msg(format!("unknown message {}", msg.type_url)));
        }
        let (mut requester, mut feed_id, mut input, mut callback_data) =
            (String::new(), 0u64, Vec::new(), Vec::new());
        let mut buf = msg.value.as_slice();
        while !buf.is_empty() {
            let key = read_varint(&mut buf)?;
            match (key >> 3, key & 7) {
                (2, 0) => feed_id = read_varint(&mut buf)?,
                (field, 2) => {
                    let len = read_varint(&mut buf)? as usize;
                    let (value, rest) = buf.split_at(len);
                    buf = rest;
                    match field {
                        1 => requester = String::from_utf8(value.to_vec()).unwrap(),
                        3 => {
                            let mut packed = value;
                            while !packed.is_empty() {
                                let z = read_varint(&mut packed)?;
                                input.push(((z >> 1) as i64) ^ -((z & 1) as i64));
                            }
                        }
                        4 => callback_data = value.to_vec(),
                        f => return Err(StdError::msg(format!("unknown field {f}"))),
                    }
                }
                other => return Err(StdError::msg(format!("unexpected key {other:?}"))),
            }
        }
        if requester != sender.as_str() {
            return Err(StdError::msg("requester is not the signer"));
        }
        match self.feeds.borrow().get(&feed_id) {
            Some(allowed) if *allowed == sender => {}
            _ => {
                return Err(StdError::msg(format!(
                    "{sender} may not request on feed {feed_id}"
                )))
            }
        }
        if input.len() != 16 || callback_data.len() > 256 {
            return Err(StdError::msg("bad input"));
        }
        let mut requests = self.requests.borrow_mut();
        let id = requests.len() as u64 + 1;
        let deadline = block.height + SLA_BLOCKS;
        requests.push(Request {
            id,
            requester,
            feed_id,
            input,
            callback_data,
            deadline,
        });
        // MsgRequestInferenceResponse { request_id = 1; deadline = 2 }
        let mut resp = vec![0x08];
        varint(&mut resp, id);
        resp.push(0x10);
        varint(&mut resp, deadline);
        Ok(AppResponse {
            events: vec![],
            data: Some(Binary::from(resp)),
        })
    }
}

type InferenceApp = App<
    BankKeeper,
    MockApi,
    MockStorage,
    FailingModule<Empty, Empty, Empty>,
    WasmKeeper<Empty, Empty>,
    StakeKeeper,
    DistributionKeeper,
    IbcFailingModule,
    GovFailingModule,
    MockInference,
>;

struct Suite {
    app: InferenceApp,
    chain: MockInference,
    owner: Addr,
    lender: Addr,
    alice: Addr,
    bob: Addr,
    lending: Addr,
}

const FUNDS: u128 = 10_000_000;

impl Suite {
    fn new() -> Self {
        let chain = MockInference::default();
        let mut app =
            AppBuilder::new()
                .with_stargate(chain.clone())
                .build(|router, api, storage| {
                    for who in ["owner", "lender", "alice", "bob"] {
                        router
                            .bank
                            .init_balance(storage, &api.addr_make(who), coins(FUNDS, DENOM))
                            .unwrap();
                    }
                });
        let [owner, lender, alice, bob] =
            ["owner", "lender", "alice", "bob"].map(|w| app.api().addr_make(w));
        use inferchain_lending::contract::*;
        let code = app.store_code(Box::new(
            ContractWrapper::new(execute, instantiate, query)
                .with_sudo(sudo)
                .with_reply(reply)
                .with_migrate(migrate),
        ));
        let lending = app
            .instantiate_contract(
                code,
                owner.clone(),
                &InstantiateMsg {
                    owner: None,
                    inference_feed_id: None,
                    max_credit: Uint128::new(1_000_000),
                    min_logit: -256,
                    max_logit: 768,
                    borrow_fee_bps: Some(100),
                    request_fee: Some(Uint128::new(50)),
                    input_width: None,
                    request_expiry_blocks: None,
                },
                &[],
                "lending",
                Some(owner.to_string()),
            )
            .unwrap();
        Suite {
            app,
            chain,
            owner,
            lender,
            alice,
            bob,
            lending,
        }
    }

    fn exec(&mut self, who: &Addr, msg: &ExecuteMsg, funds: u128) -> StdResult<AppResponse> {
        let funds = if funds == 0 {
            vec![]
        } else {
            coins(funds, DENOM)
        };
        self.app
            .execute_contract(who.clone(), self.lending.clone(), msg, &funds)
    }

    fn request(&mut self, who: &Addr) -> StdResult<AppResponse> {
        let who = who.clone();
        self.exec(
            &who,
            &ExecuteMsg::RequestCreditLine {
                features: features(),
            },
            50,
        )
    }

    /// The chain's callback for `request_id`.
    fn answer(&mut self, req: &Request, outcome: InferenceOutcome) -> StdResult<AppResponse> {
        let lending = self.lending.clone();
        self.app.wasm_sudo(
            lending,
            &SudoMsg::InferenceResult {
                request_id: req.id,
                feed_id: req.feed_id,
                callback_data: Binary::from(req.callback_data.clone()),
                outcome,
            },
        )
    }

    fn line(&self, who: &Addr) -> CreditLineResponse {
        self.app
            .wrap()
            .query_wasm_smart(
                &self.lending,
                &QueryMsg::CreditLine {
                    borrower: who.to_string(),
                },
            )
            .unwrap()
    }

    fn pool(&self) -> PoolResponse {
        self.app
            .wrap()
            .query_wasm_smart(&self.lending, &QueryMsg::Pool {})
            .unwrap()
    }

    fn balance(&self, who: &Addr) -> u128 {
        self.app
            .wrap()
            .query_balance(who, DENOM)
            .unwrap()
            .amount
            .try_into()
            .map(|a: Uint128| a.u128())
            .unwrap()
    }

    fn set_feed(&mut self) {
        let (owner, lending) = (self.owner.clone(), self.lending.clone());
        self.chain.feeds.borrow_mut().insert(FEED, lending);
        self.exec(
            &owner,
            &ExecuteMsg::UpdateConfig(ConfigUpdate {
                inference_feed_id: Some(FEED),
                ..Default::default()
            }),
            0,
        )
        .unwrap();
    }
}

fn features() -> Vec<i64> {
    // round(x * 256) of 16 made-up features, negatives included.
    vec![
        256, -128, 512, 0, -1, 77, -8_388_608, 8_388_607, 3, 1024, -2048, 64, 5, -5, 300, 0,
    ]
}

fn fulfilled(logit: i64) -> InferenceOutcome {
    InferenceOutcome::Fulfilled {
        output: vec![logit],
        model_id: 3,
        model_commitment: "ab".repeat(32),
        proof_hash: "cd".repeat(32),
        height: 120,
    }
}

#[test]
fn credit_line_from_request_to_repayment() {
    let mut s = Suite::new();
    let (owner, lender, alice) = (s.owner.clone(), s.lender.clone(), s.alice.clone());

    // The feed is created after the contract: until the owner sets it, no requests.
    let err = s.request(&alice).unwrap_err();
    assert!(
        err.to_string().contains("no inference feed configured"),
        "{err}"
    );
    s.set_feed();

    s.exec(&lender, &ExecuteMsg::Deposit {}, 600_000).unwrap();

    // Request: one MsgRequestInference reached the chain, signed by the contract.
    let resp = s.request(&alice).unwrap();
    let req = s.chain.last();
    assert_eq!(s.chain.requests.borrow().len(), 1);
    assert_eq!(req.requester, s.lending.as_str());
    assert_eq!(req.feed_id, FEED);
    assert_eq!(req.input, features());
    assert_eq!(req.callback_data, alice.as_bytes());
    // The reply's data (the request id) is the transaction's data.
    let data: RequestCreditLineResponse = from_json(resp.data.unwrap()).unwrap();
    assert_eq!(data.request_id, Some(req.id));
    assert_eq!(data.deadline, Some(req.deadline));
    // The request fee went to the owner.
    assert_eq!(s.balance(&owner), FUNDS + 50);
    let line = s.line(&alice);
    assert_eq!(line.pending_request_id, Some(req.id));
    let pending: Option<PendingRequest> = s
        .app
        .wrap()
        .query_wasm_smart(
            &s.lending,
            &QueryMsg::PendingRequest {
                request_id: req.id,
                feed_id: None,
            },
        )
        .unwrap();
    assert_eq!(pending.unwrap().borrower, alice);
    // One at a time.
    let err = s.request(&alice).unwrap_err();
    assert!(
        err.to_string().contains("already has a pending request"),
        "{err}"
    );

    // The chain answers: logit 312 → 1_000_000 * 568 / 1024.
    s.answer(&req, fulfilled(312)).unwrap();
    let line = s.line(&alice);
    assert_eq!(line.limit.u128(), 554_687);
    assert_eq!(line.pending, None);
    let score = line.score.unwrap();
    assert_eq!(score.proof_hash, "cd".repeat(32));
    assert_eq!(score.model_id, 3);

    // Borrow within the limit (1% fee), repay with an excess that comes back.
    let before = s.balance(&alice);
    s.exec(
        &alice,
        &ExecuteMsg::Borrow {
            amount: Uint128::new(500_000),
        },
        0,
    )
    .unwrap();
    assert_eq!(s.balance(&alice), before + 500_000);
    assert_eq!(s.line(&alice).outstanding.u128(), 505_000);
    let err = s
        .exec(
            &alice,
            &ExecuteMsg::Borrow {
                amount: Uint128::new(49_500),
            },
            0,
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("exceeds the available credit"),
        "{err}"
    );
    s.exec(&alice, &ExecuteMsg::Repay {}, 600_000).unwrap();
    assert_eq!(s.balance(&alice), before - 5_000);
    assert_eq!(s.line(&alice).outstanding.u128(), 0);

    // The lender takes everything out, the fee included.
    let l: LenderResponse = s
        .app
        .wrap()
        .query_wasm_smart(
            &s.lending,
            &QueryMsg::Lender {
                address: lender.to_string(),
            },
        )
        .unwrap();
    assert_eq!(l.value.u128(), 605_000);
    s.exec(&lender, &ExecuteMsg::Withdraw { amount: l.value }, 0)
        .unwrap();
    assert_eq!(s.balance(&lender), FUNDS + 5_000);
    let p = s.pool();
    assert_eq!(p.liquidity.u128(), 0);
    assert_eq!(p.total_shares.u128(), 0);
    // What the contract holds is exactly what it accounts for.
    assert_eq!(s.balance(&s.lending.clone()), 0);
}

#[test]
fn timeout_releases_and_unknown_callbacks_change_nothing() {
    let mut s = Suite::new();
    let (alice, bob) = (s.alice.clone(), s.bob.clone());
    s.set_feed();
    s.request(&bob).unwrap();
    let req = s.chain.last();
    s.app.update_block(|b| b.height += SLA_BLOCKS);
    s.answer(
        &req,
        InferenceOutcome::TimedOut {
            deadline: req.deadline,
        },
    )
    .unwrap();
    let line = s.line(&bob);
    assert_eq!(line.pending, None);
    assert_eq!(
        line.last_outcome,
        Some(CreditOutcome::TimedOut {
            request_id: req.id,
            deadline: req.deadline
        })
    );
    assert_eq!(line.limit.u128(), 0);

    // The same answer again, a made-up id, another borrower's callback data: all refused,
    // nothing changes.
    s.request(&alice).unwrap();
    let alice_req = s.chain.last();
    let before = (s.line(&alice), s.line(&bob), s.pool());
    for bogus in [
        req.clone(),
        Request {
            id: 99,
            ..alice_req.clone()
        },
        Request {
            feed_id: FEED + 1,
            ..alice_req.clone()
        },
    ] {
        let err = s.answer(&bogus, fulfilled(768)).unwrap_err();
        assert!(
            err.to_string().contains("unknown inference request"),
            "{err}"
        );
        assert_eq!((s.line(&alice), s.line(&bob), s.pool()), before);
    }
    // The exact JSON the chain sends is accepted.
    let json = format!(
        r#"{{"inference_result": {{"request_id": {}, "feed_id": 1, "callback_data": "{}",
            "outcome": {{"fulfilled": {{"output": [768], "model_id": 3, "model_commitment": "{}",
            "proof_hash": "{}", "height": 120}}}}}}}}"#,
        alice_req.id,
        Binary::from(alice_req.callback_data.clone()).to_base64(),
        "01".repeat(32),
        "02".repeat(32),
    );
    let raw: serde_json::Value = serde_json::from_str(&json).unwrap();
    let lending = s.lending.clone();
    s.app.wasm_sudo(lending, &raw).unwrap();
    assert_eq!(s.line(&alice).limit.u128(), 1_000_000);
    // Bob may ask again after his timeout.
    s.request(&bob).unwrap();
    assert_eq!(s.line(&bob).pending_request_id, Some(s.chain.last().id));
}

#[test]
fn a_refused_request_leaves_no_pending_state() {
    let mut s = Suite::new();
    let (owner, alice) = (s.owner.clone(), s.alice.clone());
    // The contract points at feed 2, which it has no right to request on.
    s.exec(
        &owner,
        &ExecuteMsg::UpdateConfig(ConfigUpdate {
            inference_feed_id: Some(2),
            ..Default::default()
        }),
        0,
    )
    .unwrap();
    let before = s.balance(&alice);
    let err = s.request(&alice).unwrap_err();
    assert!(
        err.to_string().contains("may not request on feed 2"),
        "{err:?}"
    );
    // The whole transaction rolled back: no pending request, no fee taken.
    assert_eq!(s.line(&alice).pending, None);
    assert_eq!(s.balance(&alice), before);
    assert!(s.chain.requests.borrow().is_empty());
    // Bad features never reach the chain.
    s.set_feed();
    let err = s
        .exec(
            &alice,
            &ExecuteMsg::RequestCreditLine {
                features: vec![0; 15],
            },
            50,
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("expected 16 features, got 15"),
        "{err}"
    );
    assert!(s.chain.requests.borrow().is_empty());
}
