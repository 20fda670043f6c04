//! The consumer's request lifecycle against cosmwasm-std's mocks: the handshake's checks, a
//! request's packet, and what each acknowledgement (or a timeout) does to the request and
//! the user's payment. The same flow runs against the real wasmd and InferChain in
//! tests/tests/ibc.rs.

use cosmwasm_std::testing::{
    message_info, mock_dependencies, mock_env, mock_ibc_channel_connect_ack,
    mock_ibc_channel_open_try, mock_ibc_packet_ack, mock_ibc_packet_timeout, MockApi,
};
use cosmwasm_std::{
    coins, from_json, BankMsg, Binary, CosmosMsg, IbcAcknowledgement, IbcMsg, IbcOrder, Uint64,
};

use crate::contract::{execute, instantiate, query};
use crate::ibc::{ibc_channel_connect, ibc_channel_open, ibc_packet_ack, ibc_packet_timeout};
use crate::msg::{ExecuteMsg, InstantiateMsg, PacketData, QueryMsg, VERSION};
use crate::state::{Request, Status};

type Deps = cosmwasm_std::OwnedDeps<
    cosmwasm_std::testing::MockStorage,
    MockApi,
    cosmwasm_std::testing::MockQuerier,
>;

fn setup() -> Deps {
    let mut deps = mock_dependencies();
    let owner = MockApi::default().addr_make("owner");
    instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        InstantiateMsg {
            price: Some(cosmwasm_std::coin(100, "stake")),
            max_fee: "1000".into(),
        },
    )
    .unwrap();
    ibc_channel_connect(
        deps.as_mut(),
        mock_env(),
        mock_ibc_channel_connect_ack("channel-1", IbcOrder::Unordered, VERSION),
    )
    .unwrap();
    deps
}

fn request(deps: &mut Deps, user: &str) -> IbcMsg {
    let user = MockApi::default().addr_make(user);
    let r = execute(
        deps.as_mut(),
        mock_env(),
        message_info(&user, &coins(100, "stake")),
        ExecuteMsg::Request {
            feed_id: Uint64::new(3),
            input: vec![256, -3],
            timeout_seconds: None,
        },
    )
    .unwrap();
    match &r.messages[0].msg {
        CosmosMsg::Ibc(m) => m.clone(),
        other => panic!("{other:?}"),
    }
}

fn stored(deps: &Deps, sequence: u64) -> Request {
    let bin = query(deps.as_ref(), mock_env(), QueryMsg::Request { sequence }).unwrap();
    from_json::<Option<Request>>(&bin).unwrap().unwrap()
}

fn ack(deps: &mut Deps, sequence: u64, ack: &str) -> Vec<CosmosMsg> {
    let mut msg = mock_ibc_packet_ack(
        "channel-1",
        &"{}",
        IbcAcknowledgement::new(ack.as_bytes().to_vec()),
    )
    .unwrap();
    msg.original_packet.sequence = sequence;
    let r = ibc_packet_ack(deps.as_mut(), mock_env(), msg).unwrap();
    r.messages.into_iter().map(|m| m.msg).collect()
}

#[test]
fn the_handshake_takes_only_unordered_channels_of_the_version_and_only_one() {
    let mut deps = mock_dependencies();
    let ordered = mock_ibc_channel_open_try("channel-1", IbcOrder::Ordered, VERSION);
    assert!(ibc_channel_open(deps.as_mut(), mock_env(), ordered).is_err());
    let other = mock_ibc_channel_open_try("channel-1", IbcOrder::Unordered, "ics20-1");
    assert!(ibc_channel_open(deps.as_mut(), mock_env(), other).is_err());
    let good = mock_ibc_channel_open_try("channel-1", IbcOrder::Unordered, VERSION);
    assert!(ibc_channel_open(deps.as_mut(), mock_env(), good.clone()).is_ok());
    let mut deps = setup();
    let e = ibc_channel_open(deps.as_mut(), mock_env(), good).unwrap_err();
    assert!(e.to_string().contains("channel-1"), "{e}");
}

#[test]
fn a_request_goes_out_as_a_packet_and_its_result_is_stored() {
    let mut deps = setup();
    let IbcMsg::SendPacket {
        channel_id, data, ..
    } = request(&mut deps, "alice")
    else {
        panic!("not a packet");
    };
    assert_eq!(channel_id, "channel-1");
    let PacketData::Request(r) = from_json(&data).unwrap() else {
        panic!("not a request");
    };
    assert_eq!((r.feed_id.u64(), r.max_fee.as_str()), (3, "1000"));
    assert_eq!(r.sender, mock_env().contract.address.to_string());
    // Integers as proto3 JSON writes them.
    assert!(String::from_utf8_lossy(&data).contains(r#""input":["256","-3"]"#));
    let msgs = ack(
        &mut deps,
        1,
        r#"{"result":{"request_id":"7","feed_id":"3","output":["-380"],"model_id":"1","model_commitment":"ab","proof_hash":"cd","height":"90","input_hash":"ef","callback_data":"AAAAAAAAAAE=","a_field_from_a_newer_version":1}}"#,
    );
    assert!(msgs.is_empty(), "nothing refunded: {msgs:?}");
    let req = stored(&deps, 1);
    assert_eq!(req.status, Status::Fulfilled);
    let result = req.result.unwrap();
    assert_eq!(result.output[0].i64(), -380);
    assert_eq!(
        result.callback_data,
        Binary::from(1u64.to_be_bytes().to_vec())
    );
}

#[test]
fn a_failure_or_a_timeout_refunds_the_user_once() {
    let mut deps = setup();
    request(&mut deps, "alice");
    request(&mut deps, "bob");
    let msgs = ack(
        &mut deps,
        1,
        r#"{"error":{"code":41,"codespace":"inference","message":"the SLA of request 2 was missed","request_id":"2","refund":"1000","payer":"infer1x"}}"#,
    );
    let alice = MockApi::default().addr_make("alice");
    assert_eq!(
        msgs,
        vec![CosmosMsg::Bank(BankMsg::Send {
            to_address: alice.to_string(),
            amount: coins(100, "stake"),
        })]
    );
    let req = stored(&deps, 1);
    assert_eq!(req.status, Status::Failed);
    assert_eq!(req.failure.unwrap().code, 41);
    // An unreadable acknowledgement fails the request too, and refunds it.
    assert_eq!(ack(&mut deps, 2, "not json").len(), 1);
    assert_eq!(stored(&deps, 2).status, Status::Failed);
    // A third, timed out.
    request(&mut deps, "carol");
    let mut timeout = mock_ibc_packet_timeout("channel-1", &"{}").unwrap();
    timeout.packet.sequence = 3;
    let r = ibc_packet_timeout(deps.as_mut(), mock_env(), timeout).unwrap();
    assert_eq!(r.messages.len(), 1);
    assert_eq!(stored(&deps, 3).status, Status::TimedOut);
    assert_eq!(stored(&deps, 3).refunded, coins(100, "stake"));
}

#[test]
fn requests_need_the_price_and_a_channel() {
    let mut deps = setup();
    let alice = MockApi::default().addr_make("alice");
    let msg = || ExecuteMsg::Request {
        feed_id: Uint64::new(3),
        input: vec![1],
        timeout_seconds: None,
    };
    let e = execute(deps.as_mut(), mock_env(), message_info(&alice, &[]), msg()).unwrap_err();
    assert!(e.to_string().contains("pay exactly 100stake"), "{e}");
    let mut fresh = mock_dependencies();
    instantiate(
        fresh.as_mut(),
        mock_env(),
        message_info(&alice, &[]),
        InstantiateMsg {
            price: None,
            max_fee: String::new(),
        },
    )
    .unwrap();
    let e = execute(fresh.as_mut(), mock_env(), message_info(&alice, &[]), msg()).unwrap_err();
    assert!(e.to_string().contains("no inference channel"), "{e}");
    // Raw packets are the owner's.
    let e = execute(
        deps.as_mut(),
        mock_env(),
        message_info(&alice, &[]),
        ExecuteMsg::SendRaw {
            data: Binary::from(b"x".to_vec()),
            timeout_seconds: None,
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("unauthorized"), "{e}");
}
