use super::*;
use crate::proto::tests::decode_request_inference;
use crate::proto::MSG_REQUEST_INFERENCE_RESPONSE;
use cosmwasm_std::testing::{
    message_info, mock_dependencies, mock_env, MockApi, MockQuerier, MockStorage,
};
use cosmwasm_std::{
    coins, from_json, to_json_string, MsgResponse, Order, OwnedDeps, ReplyOn, Storage,
    SubMsgResponse,
};

type TestDeps = OwnedDeps<MockStorage, MockApi, MockQuerier>;

const FEED: u64 = 1;
const MAX_CREDIT: u128 = 1_000_000;
// Logit -256 (-1.0) → no credit; 768 (3.0) → max_credit; span 1024.
const MIN_LOGIT: i64 = -256;
const MAX_LOGIT: i64 = 768;

fn setup_with(fee_bps: u16, request_fee: u128) -> TestDeps {
    let mut deps = mock_dependencies();
    let owner = deps.api.addr_make("owner");
    instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        InstantiateMsg {
            owner: None,
            inference_feed_id: Some(FEED),
            max_credit: Uint128::new(MAX_CREDIT),
            min_logit: MIN_LOGIT,
            max_logit: MAX_LOGIT,
            borrow_fee_bps: Some(fee_bps),
            request_fee: Some(Uint128::new(request_fee)),
            input_width: None,
            request_expiry_blocks: Some(50),
        },
    )
    .unwrap();
    deps
}

fn setup() -> TestDeps {
    setup_with(0, 0)
}

fn features() -> Vec<i64> {
    // Small values: each zigzag varint is one byte. -1 → 1, 1 → 2, -2 → 3, 2 → 4, …
    vec![-1, 1, -2, 2, 0, 63, -64, 10, -10, 5, -5, 7, -7, 30, -30, 0]
}

fn exec(
    deps: &mut TestDeps,
    who: &Addr,
    funds: &[Coin],
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    execute(deps.as_mut(), mock_env(), message_info(who, funds), msg)
}

fn request(deps: &mut TestDeps, who: &Addr) -> Result<Response, ContractError> {
    exec(
        deps,
        who,
        &[],
        ExecuteMsg::RequestCreditLine {
            features: features(),
        },
    )
}

fn response_bytes(request_id: u64, deadline: u64) -> Vec<u8> {
    let mut out = vec![0x08];
    push_varint(&mut out, request_id);
    out.push(0x10);
    push_varint(&mut out, deadline);
    out
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The chain's reply to the request sub-message, as app/src/modules/wasm/dispatch.rs builds it:
/// the raw response in `data` and in `msg_responses`.
#[allow(deprecated)]
fn chain_reply(borrower: &Addr, response: Option<Vec<u8>>) -> Reply {
    Reply {
        id: REPLY_REQUEST_INFERENCE,
        payload: Binary::from(borrower.as_bytes()),
        gas_used: 1000,
        result: SubMsgResult::Ok(SubMsgResponse {
            events: vec![],
            data: response.clone().map(Binary::from),
            msg_responses: response
                .map(|value| MsgResponse {
                    type_url: MSG_REQUEST_INFERENCE_RESPONSE.to_string(),
                    value: Binary::from(value),
                })
                .into_iter()
                .collect(),
        }),
    }
}

/// Request + reply with `request_id` and deadline `height + 10`.
fn request_and_reply(deps: &mut TestDeps, who: &Addr, request_id: u64) -> Response {
    request(deps, who).unwrap();
    let deadline = mock_env().block.height + 10;
    reply(
        deps.as_mut(),
        mock_env(),
        chain_reply(who, Some(response_bytes(request_id, deadline))),
    )
    .unwrap()
}

fn fulfilled(output: Vec<i64>) -> InferenceOutcome {
    InferenceOutcome::Fulfilled {
        output,
        model_id: 3,
        model_commitment: "ab".repeat(32),
        proof_hash: "cd".repeat(32),
        height: 120,
    }
}

fn callback(
    deps: &mut TestDeps,
    request_id: u64,
    borrower: &Addr,
    outcome: InferenceOutcome,
) -> Result<Response, ContractError> {
    sudo(
        deps.as_mut(),
        mock_env(),
        SudoMsg::InferenceResult {
            request_id,
            feed_id: FEED,
            callback_data: Binary::from(borrower.as_bytes()),
            outcome,
        },
    )
}

fn credit_line(deps: &TestDeps, who: &Addr) -> CreditLineResponse {
    from_json(
        query(
            deps.as_ref(),
            mock_env(),
            QueryMsg::CreditLine {
                borrower: who.to_string(),
            },
        )
        .unwrap(),
    )
    .unwrap()
}

fn pool(deps: &TestDeps) -> PoolResponse {
    from_json(query(deps.as_ref(), mock_env(), QueryMsg::Pool {}).unwrap()).unwrap()
}

fn lender(deps: &TestDeps, who: &Addr) -> LenderResponse {
    from_json(
        query(
            deps.as_ref(),
            mock_env(),
            QueryMsg::Lender {
                address: who.to_string(),
            },
        )
        .unwrap(),
    )
    .unwrap()
}

fn pending_by_id(deps: &TestDeps, request_id: u64) -> Option<PendingRequest> {
    from_json(
        query(
            deps.as_ref(),
            mock_env(),
            QueryMsg::PendingRequest {
                request_id,
                feed_id: None,
            },
        )
        .unwrap(),
    )
    .unwrap()
}

fn snapshot(storage: &dyn Storage) -> Vec<(Vec<u8>, Vec<u8>)> {
    storage.range(None, None, Order::Ascending).collect()
}

/// A borrower with a fulfilled credit line of the given logit.
fn scored(deps: &mut TestDeps, who: &Addr, request_id: u64, logit: i64) {
    request_and_reply(deps, who, request_id);
    callback(deps, request_id, who, fulfilled(vec![logit])).unwrap();
}

fn deposit(deps: &mut TestDeps, who: &Addr, amount: u128) {
    exec(deps, who, &coins(amount, DENOM), ExecuteMsg::Deposit {}).unwrap();
}

fn bank_sends(resp: &Response) -> Vec<(String, u128)> {
    resp.messages
        .iter()
        .map(|m| match &m.msg {
            CosmosMsg::Bank(BankMsg::Send { to_address, amount }) => {
                assert_eq!(amount.len(), 1);
                assert_eq!(amount[0].denom, DENOM);
                (
                    to_address.clone(),
                    Uint128::try_from(amount[0].amount).unwrap().u128(),
                )
            }
            other => panic!("not a bank send: {other:?}"),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------

#[test]
fn sudo_json_matches_the_chain() {
    let fulfilled = r#"{"inference_result": {"request_id": 7, "feed_id": 1, "callback_data": "aW5mZXIxYm9ycm93ZXI=",
  "outcome": {"fulfilled": {"output": [312], "model_id": 3, "model_commitment": "0101010101010101010101010101010101010101010101010101010101010101", "proof_hash": "0202020202020202020202020202020202020202020202020202020202020202", "height": 120}}}}"#;
    let msg: SudoMsg = from_json(fulfilled).unwrap();
    assert_eq!(
        msg,
        SudoMsg::InferenceResult {
            request_id: 7,
            feed_id: 1,
            callback_data: Binary::from(b"infer1borrower"),
            outcome: InferenceOutcome::Fulfilled {
                output: vec![312],
                model_id: 3,
                model_commitment: "01".repeat(32),
                proof_hash: "02".repeat(32),
                height: 120,
            },
        }
    );
    let compact: String = fulfilled.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(to_json_string(&msg).unwrap(), compact);

    let timed_out = r#"{"inference_result": {"request_id": 7, "feed_id": 1, "callback_data": "aW5mZXIxYm9ycm93ZXI=", "outcome": {"timed_out": {"deadline": 130}}}}"#;
    let msg: SudoMsg = from_json(timed_out).unwrap();
    assert_eq!(
        msg,
        SudoMsg::InferenceResult {
            request_id: 7,
            feed_id: 1,
            callback_data: Binary::from(b"infer1borrower"),
            outcome: InferenceOutcome::TimedOut { deadline: 130 },
        }
    );
    let compact: String = timed_out.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(to_json_string(&msg).unwrap(), compact);

    // Negative logits and several outputs are plain JSON numbers.
    let msg: SudoMsg = from_json(
        r#"{"inference_result":{"request_id":1,"feed_id":2,"callback_data":"","outcome":{"fulfilled":{"output":[-300,5],"model_id":1,"model_commitment":"","proof_hash":"","height":1}}}}"#,
    )
    .unwrap();
    let SudoMsg::InferenceResult {
        outcome: InferenceOutcome::Fulfilled { output, .. },
        ..
    } = msg
    else {
        panic!("fulfilled expected");
    };
    assert_eq!(output, vec![-300, 5]);
}

#[test]
fn request_emits_one_any_with_the_protobuf_request() {
    let mut deps = setup();
    let alice = deps.api.addr_make("alice");
    let resp = request(&mut deps, &alice).unwrap();
    assert_eq!(resp.messages.len(), 1);
    let sub = &resp.messages[0];
    assert_eq!(sub.id, REPLY_REQUEST_INFERENCE);
    assert_eq!(sub.reply_on, ReplyOn::Success);
    assert_eq!(sub.payload, Binary::from(alice.as_bytes()));
    let CosmosMsg::Any(AnyMsg { type_url, value }) = &sub.msg else {
        panic!("expected CosmosMsg::Any, got {:?}", sub.msg);
    };
    assert_eq!(type_url, "/inferchain.inference.v1.MsgRequestInference");

    // The bytes, by hand.
    let contract = mock_env().contract.address;
    let mut expected = vec![0x0a, contract.as_str().len() as u8];
    expected.extend_from_slice(contract.as_bytes());
    expected.extend_from_slice(&[0x10, 0x01]); // feed_id 1
    expected.extend_from_slice(&[0x1a, 16]); // packed input, 16 one-byte varints
    expected.extend_from_slice(&[1, 2, 3, 4, 0, 126, 127, 20, 19, 10, 9, 14, 13, 60, 59, 0]);
    expected.extend_from_slice(&[0x22, alice.as_str().len() as u8]);
    expected.extend_from_slice(alice.as_bytes());
    assert_eq!(value.as_slice(), expected.as_slice());

    // And decoded back.
    let d = decode_request_inference(value);
    assert_eq!(d.requester, contract.as_str());
    assert_eq!(d.feed_id, FEED);
    assert_eq!(d.input, features());
    assert_eq!(d.callback_data, alice.as_bytes());

    // Pending, id still unknown.
    let line = credit_line(&deps, &alice);
    let p = line.pending.unwrap();
    assert_eq!(p.request_id, None);
    assert_eq!(p.feed_id, FEED);
    assert_eq!(p.height, mock_env().block.height);
    assert_eq!(p.features_hash, features_hash(&features()));
    assert_eq!(p.features_hash.len(), 64);
}

#[test]
fn extreme_features_encode_as_multi_byte_zigzag() {
    let mut deps = setup();
    let alice = deps.api.addr_make("alice");
    let mut f = vec![0i64; 16];
    f[0] = FEATURE_MIN; // -2^23 → 2^24 - 1 = ff ff ff 07
    f[1] = FEATURE_MAX; // 2^23 - 1 → 2^24 - 2 = fe ff ff 07
    f[2] = 300; // 600 = d8 04
    let resp = exec(
        &mut deps,
        &alice,
        &[],
        ExecuteMsg::RequestCreditLine {
            features: f.clone(),
        },
    )
    .unwrap();
    let CosmosMsg::Any(AnyMsg { value, .. }) = &resp.messages[0].msg else {
        panic!("any expected");
    };
    let packed = [
        0xff, 0xff, 0xff, 0x07, 0xfe, 0xff, 0xff, 0x07, 0xd8, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0,
    ];
    let mut needle = vec![0x1a, packed.len() as u8];
    needle.extend_from_slice(&packed);
    assert!(value.windows(needle.len()).any(|w| w == needle.as_slice()));
    assert_eq!(decode_request_inference(value).input, f);
}

#[test]
fn reply_maps_the_request_id() {
    let mut deps = setup();
    let alice = deps.api.addr_make("alice");
    let resp = request_and_reply(&mut deps, &alice, 7);
    let data: RequestCreditLineResponse = from_json(resp.data.unwrap()).unwrap();
    let deadline = mock_env().block.height + 10;
    assert_eq!(
        data,
        RequestCreditLineResponse {
            request_id: Some(7),
            deadline: Some(deadline),
        }
    );
    let line = credit_line(&deps, &alice);
    assert_eq!(line.pending_request_id, Some(7));
    assert_eq!(line.pending.as_ref().unwrap().deadline, Some(deadline));
    let p = pending_by_id(&deps, 7).unwrap();
    assert_eq!(p.borrower, alice);
    assert_eq!(p.request_id, Some(7));
    assert_eq!(pending_by_id(&deps, 8), None);

    // A reply with an id the contract already waits for is refused (the chain reuses ids).
    let bob = deps.api.addr_make("bob");
    request(&mut deps, &bob).unwrap();
    let err = reply(
        deps.as_mut(),
        mock_env(),
        chain_reply(&bob, Some(response_bytes(7, deadline))),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ContractError::DuplicateRequestId { request_id: 7, .. }
    ));
}

#[test]
fn reply_reads_each_encoding_of_the_response() {
    // data only (no msg_responses), and a lone msg_response of another type URL.
    for (data, responses) in [
        (Some(response_bytes(9, 99)), vec![]),
        (
            None,
            vec![MsgResponse {
                type_url: "/unknown".to_string(),
                value: Binary::from(response_bytes(9, 99)),
            }],
        ),
    ] {
        let mut deps = setup();
        let alice = deps.api.addr_make("alice");
        request(&mut deps, &alice).unwrap();
        #[allow(deprecated)]
        let r = Reply {
            id: REPLY_REQUEST_INFERENCE,
            payload: Binary::from(alice.as_bytes()),
            gas_used: 0,
            result: SubMsgResult::Ok(SubMsgResponse {
                events: vec![],
                data: data.map(Binary::from),
                msg_responses: responses,
            }),
        };
        reply(deps.as_mut(), mock_env(), r).unwrap();
        assert_eq!(credit_line(&deps, &alice).pending_request_id, Some(9));
    }
}

#[test]
fn fulfilled_callback_prices_the_logit() {
    let mut deps = setup();
    let alice = deps.api.addr_make("alice");
    // (logit, expected limit): clamped below min / above max, linear between, rounded down.
    let cases = [
        (-100_000, 0),
        (-257, 0),
        (-256, 0),
        (-255, 976),
        (0, 250_000),
        (312, 554_687),
        (767, 999_023),
        (768, 1_000_000),
        (100_000, 1_000_000),
    ];
    for (i, (logit, limit)) in cases.into_iter().enumerate() {
        let id = 100 + i as u64;
        request_and_reply(&mut deps, &alice, id);
        let resp = callback(&mut deps, id, &alice, fulfilled(vec![logit])).unwrap();
        assert!(resp.messages.is_empty());
        let line = credit_line(&deps, &alice);
        assert_eq!(line.limit.u128(), limit, "logit {logit}");
        assert_eq!(line.pending, None);
        assert_eq!(line.pending_request_id, None);
        let score = line.score.unwrap();
        assert_eq!(score.logit, Some(logit));
        assert_eq!(score.limit.u128(), limit);
        assert_eq!(score.request_id, id);
        assert_eq!(score.model_id, 3);
        assert_eq!(score.proof_hash, "cd".repeat(32));
        assert_eq!(score.model_commitment, "ab".repeat(32));
        assert_eq!(score.height, 120);
        assert_eq!(
            line.last_outcome,
            Some(CreditOutcome::Fulfilled {
                request_id: id,
                height: 120
            })
        );
        assert_eq!(pending_by_id(&deps, id), None);
    }
    // No output: no credit, and the request is still released.
    request_and_reply(&mut deps, &alice, 200);
    callback(&mut deps, 200, &alice, fulfilled(vec![])).unwrap();
    let line = credit_line(&deps, &alice);
    assert_eq!(line.limit.u128(), 0);
    assert_eq!(line.score.unwrap().logit, None);
    assert_eq!(line.pending, None);
    // Extra outputs: the first is the logit.
    request_and_reply(&mut deps, &alice, 201);
    callback(&mut deps, 201, &alice, fulfilled(vec![256, -9999])).unwrap();
    assert_eq!(credit_line(&deps, &alice).limit.u128(), 500_000);
}

#[test]
fn timeout_releases_the_request() {
    let mut deps = setup();
    let alice = deps.api.addr_make("alice");
    scored(&mut deps, &alice, 1, 256);
    request_and_reply(&mut deps, &alice, 2);
    let resp = callback(
        &mut deps,
        2,
        &alice,
        InferenceOutcome::TimedOut { deadline: 130 },
    )
    .unwrap();
    assert!(resp
        .attributes
        .iter()
        .any(|a| a.key == "outcome" && a.value == "timed_out"));
    let line = credit_line(&deps, &alice);
    assert_eq!(line.pending, None);
    assert_eq!(
        line.last_outcome,
        Some(CreditOutcome::TimedOut {
            request_id: 2,
            deadline: 130
        })
    );
    // The earlier score and its limit stay.
    assert_eq!(line.limit.u128(), 500_000);
    assert_eq!(line.score.unwrap().request_id, 1);
    assert_eq!(pending_by_id(&deps, 2), None);
    // A new request is allowed; the released id is unknown now.
    request_and_reply(&mut deps, &alice, 3);
    let err = callback(&mut deps, 2, &alice, fulfilled(vec![768])).unwrap_err();
    assert!(matches!(
        err,
        ContractError::UnknownRequest { request_id: 2, .. }
    ));
}

#[test]
fn unknown_request_in_callback_errors_and_changes_nothing() {
    let mut deps = setup();
    let alice = deps.api.addr_make("alice");
    let bob = deps.api.addr_make("bob");
    scored(&mut deps, &alice, 1, 0);
    request_and_reply(&mut deps, &alice, 5);
    let before = snapshot(&deps.storage);

    let cases: Vec<(u64, u64, Binary)> = vec![
        // id never issued, callback_data of a borrower whose pending id is known (5)
        (6, FEED, Binary::from(alice.as_bytes())),
        // id already answered
        (1, FEED, Binary::from(alice.as_bytes())),
        // the right id on another feed
        (5, FEED + 1, Binary::from(alice.as_bytes())),
        // a borrower without a pending request
        (6, FEED, Binary::from(bob.as_bytes())),
        // callback_data not UTF-8 / empty
        (6, FEED, Binary::from(vec![0xff, 0xfe])),
        (6, FEED, Binary::default()),
    ];
    for (request_id, feed_id, callback_data) in cases {
        for outcome in [
            fulfilled(vec![768]),
            InferenceOutcome::TimedOut { deadline: 1 },
        ] {
            let err = sudo(
                deps.as_mut(),
                mock_env(),
                SudoMsg::InferenceResult {
                    request_id,
                    feed_id,
                    callback_data: callback_data.clone(),
                    outcome,
                },
            )
            .unwrap_err();
            assert!(
                matches!(err, ContractError::UnknownRequest { .. }),
                "{request_id}/{feed_id}: {err}"
            );
            assert_eq!(snapshot(&deps.storage), before);
        }
    }
    // The real answer still lands.
    callback(&mut deps, 5, &alice, fulfilled(vec![768])).unwrap();
    assert_eq!(credit_line(&deps, &alice).limit.u128(), MAX_CREDIT);
}

#[test]
fn callback_matches_by_callback_data_without_the_reply() {
    let mut deps = setup();
    let alice = deps.api.addr_make("alice");
    let bob = deps.api.addr_make("bob");
    request(&mut deps, &alice).unwrap();
    // A reply that tells nothing (no response data): the id stays unknown.
    let resp = reply(deps.as_mut(), mock_env(), chain_reply(&alice, None)).unwrap();
    let data: RequestCreditLineResponse = from_json(resp.data.unwrap()).unwrap();
    assert_eq!(data.request_id, None);
    assert_eq!(credit_line(&deps, &alice).pending_request_id, None);
    assert!(credit_line(&deps, &alice).pending.is_some());
    // Bob has nothing pending: his callback_data matches nothing.
    let err = callback(&mut deps, 42, &bob, fulfilled(vec![0])).unwrap_err();
    assert!(matches!(err, ContractError::UnknownRequest { .. }));
    // Alice's does.
    callback(&mut deps, 42, &alice, fulfilled(vec![0])).unwrap();
    let line = credit_line(&deps, &alice);
    assert_eq!(line.limit.u128(), 250_000);
    assert_eq!(line.score.unwrap().request_id, 42);
    assert_eq!(line.pending, None);
}

#[test]
fn bad_features_are_rejected() {
    let mut deps = setup();
    let alice = deps.api.addr_make("alice");
    let mut bad: Vec<Vec<i64>> = vec![vec![], vec![0; 15], vec![0; 17]];
    for x in [FEATURE_MAX + 1, FEATURE_MIN - 1, i64::MAX, i64::MIN] {
        let mut f = vec![0; 16];
        f[7] = x;
        bad.push(f);
    }
    for features in bad {
        let err = exec(
            &mut deps,
            &alice,
            &[],
            ExecuteMsg::RequestCreditLine { features },
        )
        .unwrap_err();
        assert!(
            matches!(err, ContractError::InvalidFeatures { .. }),
            "{err}"
        );
    }
    assert_eq!(credit_line(&deps, &alice).pending, None);
    // The bounds themselves are fine.
    let mut f = vec![FEATURE_MIN; 8];
    f.extend([FEATURE_MAX; 8]);
    exec(
        &mut deps,
        &alice,
        &[],
        ExecuteMsg::RequestCreditLine { features: f },
    )
    .unwrap();
}

#[test]
fn double_request_is_rejected() {
    let mut deps = setup();
    let alice = deps.api.addr_make("alice");
    let bob = deps.api.addr_make("bob");
    request(&mut deps, &alice).unwrap();
    // Before the reply…
    let err = request(&mut deps, &alice).unwrap_err();
    assert!(matches!(
        err,
        ContractError::RequestPending {
            request_id: None,
            ..
        }
    ));
    reply(
        deps.as_mut(),
        mock_env(),
        chain_reply(&alice, Some(response_bytes(7, 100))),
    )
    .unwrap();
    // …and after.
    let err = request(&mut deps, &alice).unwrap_err();
    assert!(matches!(
        err,
        ContractError::RequestPending {
            request_id: Some(7),
            ..
        }
    ));
    // Others are not blocked.
    request(&mut deps, &bob).unwrap();
}

#[test]
fn request_needs_a_feed_and_the_exact_fee() {
    let mut deps = setup_with(0, 500);
    let owner = deps.api.addr_make("owner");
    let alice = deps.api.addr_make("alice");
    let f = || ExecuteMsg::RequestCreditLine {
        features: features(),
    };
    let err = exec(&mut deps, &alice, &[], f()).unwrap_err();
    assert!(matches!(err, ContractError::Payment(_)));
    let err = exec(&mut deps, &alice, &coins(499, DENOM), f()).unwrap_err();
    assert!(matches!(err, ContractError::WrongRequestFee { .. }));
    let resp = exec(&mut deps, &alice, &coins(500, DENOM), f()).unwrap();
    // The Any request, then the fee to the owner.
    assert_eq!(resp.messages.len(), 2);
    assert!(matches!(resp.messages[0].msg, CosmosMsg::Any(_)));
    assert_eq!(resp.messages[1].reply_on, ReplyOn::Never);
    assert!(matches!(
        &resp.messages[1].msg,
        CosmosMsg::Bank(BankMsg::Send { to_address, amount })
            if to_address == owner.as_str() && amount == &coins(500, DENOM)
    ));

    // Without a fee, funds are refused; without a feed, requests are.
    let mut deps = setup();
    let err = exec(&mut deps, &alice, &coins(1, DENOM), f()).unwrap_err();
    assert!(matches!(err, ContractError::Payment(_)));
    let owner = deps.api.addr_make("owner");
    let mut deps2 = mock_dependencies();
    instantiate(
        deps2.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        InstantiateMsg {
            owner: None,
            inference_feed_id: None,
            max_credit: Uint128::new(1),
            min_logit: 0,
            max_logit: 1,
            borrow_fee_bps: None,
            request_fee: None,
            input_width: None,
            request_expiry_blocks: None,
        },
    )
    .unwrap();
    let err = execute(deps2.as_mut(), mock_env(), message_info(&alice, &[]), f()).unwrap_err();
    assert!(matches!(err, ContractError::FeedNotConfigured {}));
    // The owner sets the feed later; nobody else may.
    let set_feed = ExecuteMsg::UpdateConfig(ConfigUpdate {
        inference_feed_id: Some(4),
        ..Default::default()
    });
    let err = execute(
        deps2.as_mut(),
        mock_env(),
        message_info(&alice, &[]),
        set_feed.clone(),
    )
    .unwrap_err();
    assert!(matches!(err, ContractError::Unauthorized {}));
    execute(
        deps2.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        set_feed,
    )
    .unwrap();
    let resp = execute(deps2.as_mut(), mock_env(), message_info(&alice, &[]), f()).unwrap();
    let CosmosMsg::Any(AnyMsg { value, .. }) = &resp.messages[0].msg else {
        panic!("any expected");
    };
    assert_eq!(decode_request_inference(value).feed_id, 4);
    let config: Config =
        from_json(query(deps2.as_ref(), mock_env(), QueryMsg::Config {}).unwrap()).unwrap();
    assert_eq!(config.inference_feed_id, Some(4));
    assert_eq!(config.input_width, 16);
    assert_eq!(config.request_expiry_blocks, DEFAULT_REQUEST_EXPIRY_BLOCKS);
}

#[test]
fn config_is_validated() {
    let owner = MockApi::default().addr_make("owner");
    let base = InstantiateMsg {
        owner: None,
        inference_feed_id: None,
        max_credit: Uint128::new(1),
        min_logit: 0,
        max_logit: 1,
        borrow_fee_bps: None,
        request_fee: None,
        input_width: None,
        request_expiry_blocks: None,
    };
    for bad in [
        InstantiateMsg {
            min_logit: 1,
            ..base.clone()
        },
        InstantiateMsg {
            borrow_fee_bps: Some(10_001),
            ..base.clone()
        },
        InstantiateMsg {
            input_width: Some(0),
            ..base.clone()
        },
        InstantiateMsg {
            request_expiry_blocks: Some(0),
            ..base.clone()
        },
    ] {
        let mut deps = mock_dependencies();
        let err =
            instantiate(deps.as_mut(), mock_env(), message_info(&owner, &[]), bad).unwrap_err();
        assert!(matches!(err, ContractError::InvalidConfig { .. }), "{err}");
    }
    let mut deps = setup();
    let owner = deps.api.addr_make("owner");
    let err = exec(
        &mut deps,
        &owner,
        &[],
        ExecuteMsg::UpdateConfig(ConfigUpdate {
            max_logit: Some(MIN_LOGIT),
            ..Default::default()
        }),
    )
    .unwrap_err();
    assert!(matches!(err, ContractError::InvalidConfig { .. }));
}

#[test]
fn borrow_is_limited_by_credit_and_liquidity() {
    let mut deps = setup_with(100, 0); // 1% borrow fee
    let lender_a = deps.api.addr_make("lender");
    let alice = deps.api.addr_make("alice");
    let bob = deps.api.addr_make("bob");
    let borrow = |deps: &mut TestDeps, who: &Addr, amount: u128| {
        exec(
            deps,
            who,
            &[],
            ExecuteMsg::Borrow {
                amount: Uint128::new(amount),
            },
        )
    };
    // No credit line yet.
    let err = borrow(&mut deps, &alice, 1).unwrap_err();
    assert!(matches!(err, ContractError::CreditLimitExceeded { .. }));
    scored(&mut deps, &alice, 1, 0); // limit 250_000
                                     // No liquidity yet.
    let err = borrow(&mut deps, &alice, 1000).unwrap_err();
    assert!(matches!(err, ContractError::InsufficientLiquidity { .. }));
    deposit(&mut deps, &lender_a, 300_000);
    let err = borrow(&mut deps, &alice, 0).unwrap_err();
    assert!(matches!(err, ContractError::ZeroAmount {}));
    // 248_000 + fee 2_480 = 250_480 > 250_000.
    let err = borrow(&mut deps, &alice, 248_000).unwrap_err();
    assert!(matches!(
        err,
        ContractError::CreditLimitExceeded { debt, available }
            if debt.u128() == 250_480 && available.u128() == 250_000
    ));
    // 200_000 + 2_000 fits.
    let resp = borrow(&mut deps, &alice, 200_000).unwrap();
    assert_eq!(bank_sends(&resp), vec![(alice.to_string(), 200_000)]);
    let line = credit_line(&deps, &alice);
    assert_eq!(line.outstanding.u128(), 202_000);
    assert_eq!(line.available.u128(), 48_000);
    // 47_524 + ceil(475.24) = 48_000 fits exactly; one more does not.
    let err = borrow(&mut deps, &alice, 47_525).unwrap_err();
    assert!(matches!(err, ContractError::CreditLimitExceeded { .. }));
    borrow(&mut deps, &alice, 47_524).unwrap();
    assert_eq!(credit_line(&deps, &alice).outstanding.u128(), 250_000);
    assert_eq!(credit_line(&deps, &alice).available.u128(), 0);
    let p = pool(&deps);
    assert_eq!(p.liquidity.u128(), 300_000 - 247_524);
    assert_eq!(p.total_lent.u128(), 250_000);
    // Bob's limit fits, the pool's liquidity does not.
    scored(&mut deps, &bob, 2, MAX_LOGIT);
    let err = borrow(&mut deps, &bob, 60_000).unwrap_err();
    assert!(matches!(
        err,
        ContractError::InsufficientLiquidity { available, .. } if available.u128() == 52_476
    ));
    // Borrowing sends no funds along.
    let err = exec(
        &mut deps,
        &bob,
        &coins(1, DENOM),
        ExecuteMsg::Borrow {
            amount: Uint128::new(1),
        },
    )
    .unwrap_err();
    assert!(matches!(err, ContractError::Payment(_)));
    // A lower new score blocks further borrowing but leaves the debt.
    request_and_reply(&mut deps, &alice, 3);
    callback(&mut deps, 3, &alice, fulfilled(vec![MIN_LOGIT])).unwrap();
    let line = credit_line(&deps, &alice);
    assert_eq!(line.limit.u128(), 0);
    assert_eq!(line.outstanding.u128(), 250_000);
    assert_eq!(line.available.u128(), 0);
    assert!(borrow(&mut deps, &alice, 1).is_err());
}

#[test]
fn repay_reduces_debt_and_refunds_the_excess() {
    let mut deps = setup();
    let lender_a = deps.api.addr_make("lender");
    let alice = deps.api.addr_make("alice");
    deposit(&mut deps, &lender_a, 1_000_000);
    scored(&mut deps, &alice, 1, MAX_LOGIT);
    let err = exec(&mut deps, &alice, &coins(10, DENOM), ExecuteMsg::Repay {}).unwrap_err();
    assert!(matches!(err, ContractError::NothingToRepay {}));
    exec(
        &mut deps,
        &alice,
        &[],
        ExecuteMsg::Borrow {
            amount: Uint128::new(1000),
        },
    )
    .unwrap();
    let err = exec(&mut deps, &alice, &[], ExecuteMsg::Repay {}).unwrap_err();
    assert!(matches!(err, ContractError::Payment(_)));
    let resp = exec(&mut deps, &alice, &coins(400, DENOM), ExecuteMsg::Repay {}).unwrap();
    assert!(resp.messages.is_empty());
    assert_eq!(credit_line(&deps, &alice).outstanding.u128(), 600);
    let resp = exec(&mut deps, &alice, &coins(1000, DENOM), ExecuteMsg::Repay {}).unwrap();
    assert_eq!(bank_sends(&resp), vec![(alice.to_string(), 400)]);
    assert_eq!(credit_line(&deps, &alice).outstanding.u128(), 0);
    let p = pool(&deps);
    assert_eq!(p.liquidity.u128(), 1_000_000);
    assert_eq!(p.total_lent.u128(), 0);
}

#[test]
fn lenders_share_the_borrow_fees() {
    let mut deps = setup_with(1000, 0); // 10%
    let a = deps.api.addr_make("a");
    let b = deps.api.addr_make("b");
    let alice = deps.api.addr_make("alice");
    let withdraw = |deps: &mut TestDeps, who: &Addr, amount: u128| {
        exec(
            deps,
            who,
            &[],
            ExecuteMsg::Withdraw {
                amount: Uint128::new(amount),
            },
        )
    };
    deposit(&mut deps, &a, 100_000);
    assert_eq!(lender(&deps, &a).shares.u128(), 100_000);
    scored(&mut deps, &alice, 1, MAX_LOGIT);
    exec(
        &mut deps,
        &alice,
        &[],
        ExecuteMsg::Borrow {
            amount: Uint128::new(50_000),
        },
    )
    .unwrap();
    // Pool value 50_000 cash + 55_000 debt: a's shares are worth 105_000, 50_000 withdrawable.
    let la = lender(&deps, &a);
    assert_eq!(la.value.u128(), 105_000);
    assert_eq!(la.withdrawable.u128(), 50_000);
    let err = withdraw(&mut deps, &a, 50_001).unwrap_err();
    assert!(matches!(err, ContractError::InsufficientLiquidity { .. }));
    // b joins at the new share price: 21_000 buys 20_000 shares.
    deposit(&mut deps, &b, 21_000);
    assert_eq!(lender(&deps, &b).shares.u128(), 20_000);
    exec(
        &mut deps,
        &alice,
        &coins(55_000, DENOM),
        ExecuteMsg::Repay {},
    )
    .unwrap();
    assert_eq!(lender(&deps, &a).value.u128(), 105_000);
    assert_eq!(lender(&deps, &b).value.u128(), 21_000);
    let err = withdraw(&mut deps, &b, 21_001).unwrap_err();
    assert!(matches!(err, ContractError::InsufficientShares { .. }));
    let err = withdraw(&mut deps, &alice, 1).unwrap_err();
    assert!(matches!(err, ContractError::InsufficientShares { .. }));
    let err = withdraw(&mut deps, &a, 0).unwrap_err();
    assert!(matches!(err, ContractError::ZeroAmount {}));
    // Partial withdrawal burns shares rounded up: ceil(1 * 120_000 / 126_000) = 1.
    let resp = withdraw(&mut deps, &a, 1).unwrap();
    assert_eq!(bank_sends(&resp), vec![(a.to_string(), 1)]);
    assert_eq!(lender(&deps, &a).shares.u128(), 99_999);
    let resp = withdraw(&mut deps, &b, 21_000).unwrap();
    assert_eq!(bank_sends(&resp), vec![(b.to_string(), 21_000)]);
    assert_eq!(lender(&deps, &b).shares.u128(), 0);
    let rest = lender(&deps, &a).value.u128();
    withdraw(&mut deps, &a, rest).unwrap();
    let p = pool(&deps);
    assert_eq!(p.total_shares.u128(), 0);
    assert_eq!(p.liquidity.u128(), 0);
    // A deposit without funds is refused.
    deposit(&mut deps, &a, 10);
    assert!(exec(&mut deps, &a, &[], ExecuteMsg::Deposit {}).is_err());
}

#[test]
fn cancel_after_expiry_then_late_callbacks_are_unknown() {
    let mut deps = setup();
    let owner = deps.api.addr_make("owner");
    let alice = deps.api.addr_make("alice");
    let bob = deps.api.addr_make("bob");
    let cancel = |deps: &mut TestDeps, who: &Addr, borrower: Option<&Addr>, height: u64| {
        let mut env = mock_env();
        env.block.height = height;
        execute(
            deps.as_mut(),
            env,
            message_info(who, &[]),
            ExecuteMsg::CancelRequest {
                borrower: borrower.map(|b| b.to_string()),
            },
        )
    };
    let h = mock_env().block.height;
    let err = cancel(&mut deps, &alice, None, h).unwrap_err();
    assert!(matches!(err, ContractError::NoPendingRequest { .. }));
    request_and_reply(&mut deps, &alice, 7); // deadline h + 10
    let err = cancel(&mut deps, &alice, None, h + 10).unwrap_err();
    assert!(matches!(err, ContractError::RequestNotExpired { expires } if expires == h + 10));
    let err = cancel(&mut deps, &bob, Some(&alice), h + 11).unwrap_err();
    assert!(matches!(err, ContractError::Unauthorized {}));
    cancel(&mut deps, &alice, None, h + 11).unwrap();
    let line = credit_line(&deps, &alice);
    assert_eq!(line.pending, None);
    assert_eq!(
        line.last_outcome,
        Some(CreditOutcome::Cancelled {
            request_id: Some(7),
            height: h + 11
        })
    );
    assert_eq!(pending_by_id(&deps, 7), None);
    // The chain's late answer changes nothing.
    let err = callback(&mut deps, 7, &alice, fulfilled(vec![MAX_LOGIT])).unwrap_err();
    assert!(matches!(err, ContractError::UnknownRequest { .. }));
    assert_eq!(credit_line(&deps, &alice).limit.u128(), 0);

    // Without a deadline from the reply: request_expiry_blocks (50); the owner may cancel.
    request(&mut deps, &bob).unwrap();
    reply(deps.as_mut(), mock_env(), chain_reply(&bob, None)).unwrap();
    let err = cancel(&mut deps, &owner, Some(&bob), h + 50).unwrap_err();
    assert!(matches!(err, ContractError::RequestNotExpired { expires } if expires == h + 50));
    cancel(&mut deps, &owner, Some(&bob), h + 51).unwrap();
    assert_eq!(credit_line(&deps, &bob).pending, None);
    // Bob may ask again.
    request(&mut deps, &bob).unwrap();
}

#[test]
fn migrate_checks_the_contract_name() {
    let mut deps = setup();
    migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
    cw2::set_contract_version(deps.as_mut().storage, "crates.io:other", "1").unwrap();
    let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert!(matches!(err, ContractError::WrongContract { .. }));
}
