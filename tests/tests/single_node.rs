//! One single-validator localnet, shared by every scenario in this file (starting a chain
//! costs seconds): CLI transfers, every kind of bad input, ICS23 proofs, unmodified CosmJS,
//! and `kill -9` while transactions flow.

use std::time::Duration;

use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{Fee, TxRaw};
use inferchain_app::modules::to_any;
use inferchain_app::store::proof_spec;
use inferchain_e2e::{Localnet, CHAIN_ID};
use prost::Message;

#[path = "single_node/rest.rs"]
mod rest;

fn send_msg(from: &str, to: &str, amount: u128) -> tendermint_proto::google::protobuf::Any {
    to_any(&MsgSend {
        from_address: from.into(),
        to_address: to.into(),
        amount: vec![Coin {
            denom: "uspec".into(),
            amount: amount.to_string(),
        }],
    })
}

fn fee(amount: u128, gas: u64) -> Fee {
    Fee {
        amount: vec![Coin {
            denom: "uspec".into(),
            amount: amount.to_string(),
        }],
        gas_limit: gas,
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_node_localnet() {
    let net = Localnet::start("single", 1, 1000)
        .await
        .expect("localnet starts");
    cli_bank_send(&net).await;
    bad_input_is_rejected_without_state_change(&net).await;
    ics23_proof_verifies_against_app_hash(&net).await;
    cosmjs_reads_and_sends(&net).await;
    rest::rest_answers_as_the_sdk_does(&net).await;
    cosmpy_reads_and_sends(&net).await;
    grpc_serves_the_same_state(&net).await;
    grpc_reflection_describes_every_served_method(&net).await;
    kill9_while_txs_flow_loses_and_doubles_nothing(&net).await;
    load_generator_smoke(&net).await;
}

/// The load generator `localnet/perf.sh` runs against InferChain and wasmd, in miniature, so
/// it can't rot: every transaction committed and found in a block, the counter at the count,
/// the figures filled in.
async fn load_generator_smoke(net: &Localnet) {
    use inferchain_e2e::load::{run, LoadConfig, Workload};
    let home = net.home(0);
    let pid = |f: &str| -> u32 {
        std::fs::read_to_string(home.join(f))
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    for (workload, wasm) in [
        (Workload::Bank, None),
        (
            Workload::Counter,
            Some(inferchain_e2e::repo_root().join("contracts/artifacts/counter.wasm")),
        ),
    ] {
        let report = run(LoadConfig {
            rpc: net.rpc(0),
            chain_id: inferchain_e2e::CHAIN_ID.into(),
            prefix: "infer".into(),
            denom: "uspec".into(),
            gas_price: 0.025,
            funder_mnemonic: net.account("faucet").mnemonic.clone(),
            workload,
            wasm,
            accounts: 3,
            txs_per_account: 5,
            pids: vec![pid("app.pid"), pid("cometbft.pid")],
        })
        .await
        .unwrap_or_else(|e| panic!("{workload:?} load: {e:#}"));
        assert_eq!((report.txs, report.committed), (15, 15), "{report:?}");
        assert!(
            report.tx_per_s > 0.0 && report.p99_ms >= report.p50_ms,
            "{report:?}"
        );
        assert!(report.blocks >= 1 && report.gas_per_tx > 0, "{report:?}");
        assert!(report.node_peak_rss_mib > 1.0, "{report:?}");
    }
}

async fn cli_bank_send(net: &Localnet) {
    let bob = net.account("bob").address.clone();
    let alice = net.account("alice").address.clone();
    let supply = net.total_supply(0).await.unwrap();
    let (a0, b0) = (
        net.balance(0, &alice).await.unwrap(),
        net.balance(0, &bob).await.unwrap(),
    );

    let res = net
        .cli_json(&[
            "tx",
            "bank",
            "send",
            "alice",
            &bob,
            "12345uspec",
            "--node",
            &net.rpc(0),
            "--wait",
            "-o",
            "json",
            "-y",
        ])
        .expect("cli send succeeds");
    assert_eq!(res["code"], 0, "{res}");
    let fee_paid: u128 = res["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "tx" && e["attributes"][0]["key"] == "fee")
        .map(|e| {
            e["attributes"][0]["value"]
                .as_str()
                .unwrap()
                .trim_end_matches("uspec")
                .parse()
                .unwrap()
        })
        .expect("fee event");
    assert!(fee_paid > 0);

    assert_eq!(net.balance(0, &bob).await.unwrap(), b0 + 12345);
    assert_eq!(net.balance(0, &alice).await.unwrap(), a0 - 12345 - fee_paid);
    assert_eq!(
        net.total_supply(0).await.unwrap(),
        supply,
        "a transfer never changes supply"
    );

    // The CLI's query commands agree with the raw queries.
    let q = net
        .cli_json(&[
            "query",
            "bank",
            "balances",
            &bob,
            "--node",
            &net.rpc(0),
            "-o",
            "json",
        ])
        .unwrap();
    assert_eq!(q["balances"][0]["amount"], (b0 + 12345).to_string());
    let txq = net
        .cli_json(&[
            "query",
            "tx",
            res["txhash"].as_str().unwrap(),
            "--node",
            &net.rpc(0),
            "-o",
            "json",
        ])
        .unwrap();
    assert_eq!(txq["code"], 0);
    let acct = net
        .cli_json(&[
            "query",
            "auth",
            "account",
            &alice,
            "--node",
            &net.rpc(0),
            "-o",
            "json",
        ])
        .unwrap();
    assert!(acct["sequence"].as_str().unwrap().parse::<u64>().unwrap() >= 1);
}

async fn bad_input_is_rejected_without_state_change(net: &Localnet) {
    let client = net.client(0);
    let carol = net.account("carol");
    let bob = net.account("bob").address.clone();
    let key = carol.key();
    let acct = client.account(&carol.addr()).await.unwrap();
    let before = balances(net, &carol.address, &bob).await;
    let good = || {
        client.sign(
            &key,
            vec![send_msg(&carol.address, &bob, 10)],
            "",
            acct.account_number,
            acct.sequence,
            fee(5_000, 200_000),
        )
    };

    // Garbage bytes.
    let b = client
        .broadcast(b"\x0a\xff\xfe not a transaction")
        .await
        .unwrap();
    assert_eq!(b.code, 2, "garbage: {}", b.log);

    // A valid transaction with one signature byte flipped.
    let mut raw = TxRaw::decode(good().as_slice()).unwrap();
    raw.signatures[0][7] ^= 0x55;
    let b = client.broadcast(&raw.encode_to_vec()).await.unwrap();
    assert_eq!(b.code, 4, "bad signature: {}", b.log);
    assert!(b.log.contains("signature verification failed"), "{}", b.log);

    // Signed for another chain.
    let other = inferchain_app::client::Client::new(&net.rpc(0), "some-other-chain");
    let tx = other.sign(
        &key,
        vec![send_msg(&carol.address, &bob, 10)],
        "",
        acct.account_number,
        acct.sequence,
        fee(5_000, 200_000),
    );
    let b = client.broadcast(&tx).await.unwrap();
    assert_eq!(b.code, 4, "wrong chain id: {}", b.log);
    assert!(b.log.contains(CHAIN_ID), "{}", b.log);

    // Wrong sequence.
    let tx = client.sign(
        &key,
        vec![send_msg(&carol.address, &bob, 10)],
        "",
        acct.account_number,
        acct.sequence + 3,
        fee(5_000, 200_000),
    );
    let b = client.broadcast(&tx).await.unwrap();
    assert_eq!(b.code, 32, "wrong sequence: {}", b.log);
    assert!(
        b.log.contains(&format!(
            "account sequence mismatch, expected {}, got {}",
            acct.sequence,
            acct.sequence + 3
        )),
        "{}",
        b.log
    );

    // Fee below the node's minimum gas price.
    let tx = client.sign(
        &key,
        vec![send_msg(&carol.address, &bob, 10)],
        "",
        acct.account_number,
        acct.sequence,
        fee(1, 200_000),
    );
    let b = client.broadcast(&tx).await.unwrap();
    assert_eq!(b.code, 13, "insufficient fee: {}", b.log);

    // Not enough funds to pay the fee.
    let tx = client.sign(
        &key,
        vec![send_msg(&carol.address, &bob, 10)],
        "",
        acct.account_number,
        acct.sequence,
        fee(10u128.pow(15), 200_000),
    );
    let b = client.broadcast(&tx).await.unwrap();
    assert_eq!(b.code, 5, "fee beyond balance: {}", b.log);

    assert_eq!(
        balances(net, &carol.address, &bob).await,
        before,
        "rejected transactions changed state"
    );
    assert_eq!(
        client.account(&carol.addr()).await.unwrap().sequence,
        acct.sequence
    );

    // Insufficient funds for the transfer itself: admitted (fee is payable), fails in the
    // block with code 5; only the fee and sequence change, as in the Cosmos SDK.
    let tx = client.sign(
        &key,
        vec![send_msg(&carol.address, &bob, before.0 * 2)],
        "",
        acct.account_number,
        acct.sequence,
        fee(5_000, 200_000),
    );
    let b = client.broadcast(&tx).await.unwrap();
    assert_eq!(b.code, 0, "{}", b.log);
    let r = client
        .wait_for_tx(&b.txhash, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(r["tx_result"]["code"], 5, "{r}");
    assert_eq!(
        balances(net, &carol.address, &bob).await,
        (before.0 - 5_000, before.1)
    );

    // Out of gas: the message's writes revert, fee and sequence stay.
    // A limit just under what simulate says: enough for the ante step, not for the transfer.
    let needed = client
        .simulate(
            &key,
            vec![send_msg(&carol.address, &bob, 10)],
            "",
            acct.sequence + 1,
        )
        .await
        .unwrap();
    let tx = client.sign(
        &key,
        vec![send_msg(&carol.address, &bob, 10)],
        "",
        acct.account_number,
        acct.sequence + 1,
        fee(5_000, needed - 2_000),
    );
    let b = client.broadcast(&tx).await.unwrap();
    assert_eq!(b.code, 0, "{}", b.log);
    let r = client
        .wait_for_tx(&b.txhash, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(r["tx_result"]["code"], 11, "{r}");
    assert!(
        r["tx_result"]["log"]
            .as_str()
            .unwrap()
            .contains("out of gas"),
        "{r}"
    );
    assert_eq!(
        balances(net, &carol.address, &bob).await,
        (before.0 - 10_000, before.1)
    );
    assert_eq!(
        client.account(&carol.addr()).await.unwrap().sequence,
        acct.sequence + 2
    );
}

async fn balances(net: &Localnet, a: &str, b: &str) -> (u128, u128) {
    (
        net.balance(0, a).await.unwrap(),
        net.balance(0, b).await.unwrap(),
    )
}

async fn ics23_proof_verifies_against_app_hash(net: &Localnet) {
    let client = net.client(0);
    let bob = net.account("bob");
    let height = net.height(0).await.unwrap();
    // The bank key layout: 0x02 ‖ len ‖ address ‖ denom.
    let mut key = vec![0x02, 20];
    key.extend_from_slice(bob.addr().as_bytes());
    key.extend_from_slice(b"uspec");
    let r = client
        .rpc
        .abci_query("store/bank/key", &key, height, true)
        .await
        .unwrap();
    assert_eq!(r.code, 0, "{}", r.log);
    assert_eq!(r.height, height);
    assert_eq!(
        u128::from_be_bytes(r.value.clone().try_into().unwrap()),
        net.balance(0, &bob.address).await.unwrap()
    );
    assert_eq!(
        r.proof_ops.len(),
        2,
        "two layers: key in substore, substore in app root"
    );

    net.wait_height(0, height + 1, Duration::from_secs(30))
        .await
        .unwrap();
    let app_hash = hex::decode(net.app_hash_after(0, height).await.unwrap()).unwrap();
    let spec = proof_spec();
    let key_proof = ics23::CommitmentProof::decode(r.proof_ops[0].2.as_slice()).unwrap();
    let store_proof = ics23::CommitmentProof::decode(r.proof_ops[1].2.as_slice()).unwrap();
    let Some(ics23::commitment_proof::Proof::Exist(exist)) = &key_proof.proof else {
        panic!("existence proof expected")
    };
    let substore_root =
        ics23::calculate_existence_root::<ics23::HostFunctionsManager>(exist).unwrap();
    assert!(ics23::verify_membership::<ics23::HostFunctionsManager>(
        &key_proof,
        &spec,
        &substore_root,
        &key,
        &r.value
    ));
    assert!(ics23::verify_membership::<ics23::HostFunctionsManager>(
        &store_proof,
        &spec,
        &app_hash,
        b"bank",
        &substore_root
    ));
    // A tampered value does not verify.
    let mut forged = r.value.clone();
    forged[15] ^= 1;
    assert!(!ics23::verify_membership::<ics23::HostFunctionsManager>(
        &key_proof,
        &spec,
        &substore_root,
        &key,
        &forged
    ));

    // An absent key comes back empty with a non-existence proof that verifies against the
    // same substore root (the root is part of the app hash, proven above), and the same proof
    // does not pass for a key that exists.
    let mut absent = key.clone();
    absent.extend_from_slice(b"-nothing");
    let r = client
        .rpc
        .abci_query("store/bank/key", &absent, height, true)
        .await
        .unwrap();
    assert_eq!(r.code, 0, "{}", r.log);
    assert!(r.value.is_empty());
    let absence = ics23::CommitmentProof::decode(r.proof_ops[0].2.as_slice()).unwrap();
    assert!(matches!(
        absence.proof,
        Some(ics23::commitment_proof::Proof::Nonexist(_))
    ));
    assert!(ics23::verify_non_membership::<ics23::HostFunctionsManager>(
        &absence,
        &spec,
        &substore_root,
        &absent
    ));
    assert!(
        !ics23::verify_non_membership::<ics23::HostFunctionsManager>(
            &absence,
            &spec,
            &substore_root,
            &key
        )
    );
}

async fn cosmjs_reads_and_sends(net: &Localnet) {
    let dir = inferchain_e2e::repo_root().join("tests/cosmjs");
    assert!(
        dir.join("node_modules/@cosmjs/stargate").exists(),
        "run tests/run.sh (it installs the npm packages)"
    );
    let to = net.account("bob").address.clone();
    let before = net.balance(0, &to).await.unwrap();
    let out = std::process::Command::new("node")
        .arg("bank.mjs")
        .current_dir(&dir)
        .env("RPC", net.rpc(0))
        .env("MNEMONIC", &net.account("faucet").mnemonic)
        .env("TO", &to)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "cosmjs failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(stdout.trim().lines().last().unwrap()).unwrap();
    assert_eq!(v["chainId"], CHAIN_ID);
    assert_eq!(v["code"], 0);
    assert_eq!(v["before"], before.to_string());
    assert_eq!(v["after"], (before + 777).to_string());
    assert_eq!(net.balance(0, &to).await.unwrap(), before + 777);
}

async fn grpc_serves_the_same_state(net: &Localnet) {
    use cosmos_sdk_proto::cosmos::auth::v1beta1::{
        query_client::QueryClient as AuthClient, AddressBytesToStringRequest,
        AddressStringToBytesRequest, QueryAccountRequest, QueryAccountsRequest,
    };
    use cosmos_sdk_proto::cosmos::bank::v1beta1::{
        query_client::QueryClient as BankClient, QueryBalanceRequest,
    };
    use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;
    use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1::{
        service_client::ServiceClient as TmClient, GetLatestBlockRequest,
        GetLatestValidatorSetRequest, GetNodeInfoRequest, GetValidatorSetByHeightRequest,
    };
    use cosmos_sdk_proto::cosmos::tx::v1beta1::{
        service_client::ServiceClient as TxClient, GetBlockWithTxsRequest, GetTxRequest,
        GetTxsEventRequest, OrderBy,
    };

    let channel = tonic::transport::Channel::from_shared(net.grpc(0))
        .unwrap()
        .connect()
        .await
        .expect("gRPC server up");
    let bob = net.account("bob").address.clone();
    let balance = BankClient::new(channel.clone())
        .balance(QueryBalanceRequest {
            address: bob.clone(),
            denom: "uspec".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        balance.balance.unwrap().amount,
        net.balance(0, &bob).await.unwrap().to_string()
    );

    let missing = AuthClient::new(channel.clone())
        .account(QueryAccountRequest {
            address: "infer1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqj7hryj".into(),
        })
        .await;
    // A valid-looking but unknown address is NotFound; a malformed one InvalidArgument.
    match missing {
        Err(s) => assert!(
            matches!(
                s.code(),
                tonic::Code::NotFound | tonic::Code::InvalidArgument
            ),
            "{s:?}"
        ),
        Ok(r) => panic!("unexpected account {r:?}"),
    }
    let alice = net.account("alice").address.clone();
    let acct = AuthClient::new(channel.clone())
        .account(QueryAccountRequest {
            address: alice.clone(),
        })
        .await
        .unwrap();
    assert!(acct.into_inner().account.is_some());
    let bytes = AuthClient::new(channel.clone())
        .address_string_to_bytes(AddressStringToBytesRequest {
            address_string: alice.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .address_bytes;
    assert_eq!(bytes.len(), 20);
    let back = AuthClient::new(channel.clone())
        .address_bytes_to_string(AddressBytesToStringRequest {
            address_bytes: bytes,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(back.address_string, alice);
    // Every dev account, one page at a time.
    let mut seen = Vec::new();
    let mut key = Vec::new();
    loop {
        let page = AuthClient::new(channel.clone())
            .accounts(QueryAccountsRequest {
                pagination: Some(PageRequest {
                    key: key.clone(),
                    limit: 2,
                    ..Default::default()
                }),
            })
            .await
            .unwrap()
            .into_inner();
        assert!(page.accounts.len() <= 2);
        seen.extend(page.accounts);
        key = page.pagination.unwrap().next_key;
        if key.is_empty() {
            break;
        }
    }
    assert!(seen.len() >= 4, "{} accounts", seen.len());

    let info = TmClient::new(channel.clone())
        .get_node_info(GetNodeInfoRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(info.default_node_info.unwrap().network, CHAIN_ID);
    let block = TmClient::new(channel.clone())
        .get_latest_block(GetLatestBlockRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(block.block.unwrap().header.unwrap().height > 0);
    let set = TmClient::new(channel.clone())
        .get_latest_validator_set(GetLatestValidatorSetRequest { pagination: None })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(set.validators.len(), 1, "{set:?}");
    let v = &set.validators[0];
    assert!(v.address.starts_with("infervalcons1"), "{v:?}");
    assert!(v.voting_power > 0);
    assert_eq!(
        v.pub_key.as_ref().unwrap().type_url,
        "/cosmos.crypto.ed25519.PubKey"
    );
    let at = TmClient::new(channel.clone())
        .get_validator_set_by_height(GetValidatorSetByHeightRequest {
            height: 1,
            pagination: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((at.block_height, &at.validators), (1, &set.validators));

    // A tx sent earlier, looked up by hash over gRPC.
    let hash = net
        .cli_json(&[
            "tx",
            "bank",
            "send",
            "alice",
            &bob,
            "1uspec",
            "--node",
            &net.rpc(0),
            "--wait",
            "-o",
            "json",
        ])
        .unwrap()["txhash"]
        .as_str()
        .unwrap()
        .to_string();
    let tx = TxClient::new(channel.clone())
        .get_tx(GetTxRequest { hash: hash.clone() })
        .await
        .unwrap()
        .into_inner();
    let response = tx.tx_response.unwrap();
    assert_eq!(response.txhash, hash);
    assert_eq!(
        tx.tx.as_ref().unwrap().body.as_ref().unwrap().messages[0].type_url,
        "/cosmos.bank.v1beta1.MsgSend"
    );

    // By event query (newest first), and within its block.
    let alice = net.account("alice").address.clone();
    let found = TxClient::new(channel.clone())
        .get_txs_event(GetTxsEventRequest {
            query: format!("message.sender='{alice}'"),
            order_by: OrderBy::Desc as i32,
            limit: 5,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(found.total >= 1, "{found:?}");
    assert_eq!(found.tx_responses[0].txhash, hash);
    assert_eq!(found.txs[0], tx.tx.clone().unwrap());
    let bad = TxClient::new(channel.clone())
        .get_txs_event(GetTxsEventRequest::default())
        .await
        .unwrap_err();
    assert_eq!(bad.code(), tonic::Code::InvalidArgument);
    let block = TxClient::new(channel)
        .get_block_with_txs(GetBlockWithTxsRequest {
            height: response.height,
            pagination: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(block.block.unwrap().header.unwrap().height, response.height);
    assert!(block.txs.contains(tx.tx.as_ref().unwrap()));
}

/// Unmodified cosmpy, over gRPC: account and balance queries, simulation (its default gas
/// strategy also reads the block gas limit from `cosmos.consensus.v1`), broadcast, and
/// waiting for the tx by hash.
async fn cosmpy_reads_and_sends(net: &Localnet) {
    let to = net.account("carol").address.clone();
    let before = net.balance(0, &to).await.unwrap();
    let out = std::process::Command::new(inferchain_e2e::cosmpy_python())
        .arg(inferchain_e2e::repo_root().join("tests/cosmpy/bank.py"))
        .env("GRPC", net.grpc(0).trim_start_matches("http://"))
        .env("CHAIN_ID", CHAIN_ID)
        .env("MNEMONIC", &net.account("faucet").mnemonic)
        .env("TO", &to)
        .output()
        .expect("running cosmpy");
    assert!(
        out.status.success(),
        "cosmpy failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seen["chainId"], CHAIN_ID);
    assert_eq!(seen["code"], 0, "{seen}");
    assert_eq!(seen["after"].as_u64().unwrap() as u128, before + 555);
    assert_eq!(net.balance(0, &to).await.unwrap(), before + 555);
    let used = seen["gasUsed"].as_u64().unwrap();
    assert!(
        used > 0 && used <= seen["gasWanted"].as_u64().unwrap(),
        "{seen}"
    );
}

/// What `grpcurl list` / `describe` / a descriptor-driven call see: reflection lists exactly
/// the served services (plus itself), every method it describes is answered (never
/// `Unimplemented`), and an answer decodes with the described types alone.
async fn grpc_reflection_describes_every_served_method(net: &Localnet) {
    use inferchain_app::grpc::routed::RawCodec;
    use inferchain_app::grpc_reflection::SERVED;
    use inferchain_proto::reflection_client::{files_containing, list_services};
    use prost_reflect::{DescriptorPool, DynamicMessage};

    let channel = tonic::transport::Channel::from_shared(net.grpc(0))
        .unwrap()
        .connect()
        .await
        .expect("gRPC server up");
    let listed = list_services(channel.clone()).await.expect("ListServices");
    for service in SERVED {
        assert!(
            listed.iter().any(|l| l == service),
            "{service} not listed: {listed:?}"
        );
    }
    for service in &listed {
        assert!(
            SERVED.contains(&service.as_str()) || service.starts_with("grpc.reflection."),
            "{service} is listed but not served"
        );
    }

    let call = |path: String, request: Vec<u8>| {
        let channel = channel.clone();
        async move {
            let mut grpc = tonic::client::Grpc::new(channel);
            grpc.ready().await.expect("channel ready");
            let path = path.parse().expect("method path");
            grpc.unary(tonic::Request::new(request), path, RawCodec)
                .await
        }
    };
    let mut methods = 0;
    let mut pool = DescriptorPool::new();
    for service in SERVED {
        let files = files_containing(channel.clone(), service)
            .await
            .unwrap_or_else(|e| panic!("FileContainingSymbol {service}: {e}"));
        pool.add_file_descriptor_protos(files)
            .unwrap_or_else(|e| panic!("descriptors of {service}: {e}"));
        let desc = pool
            .get_service_by_name(service)
            .expect("service described");
        for method in desc.methods() {
            let path = format!("/{}/{}", service, method.name());
            // An empty request is a valid message of every type; the answer may be an
            // error (no such tx, empty address…) but never "not served".
            if let Err(status) = call(path.clone(), Vec::new()).await {
                assert_ne!(
                    status.code(),
                    tonic::Code::Unimplemented,
                    "{path}: {status:?}"
                );
            }
            methods += 1;
        }
    }
    assert!(methods >= 30, "only {methods} methods described");

    // A descriptor-driven Balance call, as grpcurl makes it.
    let bob = net.account("bob").address.clone();
    let balance_req = pool
        .get_message_by_name("cosmos.bank.v1beta1.QueryBalanceRequest")
        .unwrap();
    let mut req = DynamicMessage::new(balance_req);
    req.set_field_by_name("address", prost_reflect::Value::String(bob.clone()));
    req.set_field_by_name("denom", prost_reflect::Value::String("uspec".into()));
    let answer = call(
        "/cosmos.bank.v1beta1.Query/Balance".into(),
        req.encode_to_vec(),
    )
    .await
    .expect("Balance")
    .into_inner();
    let resp = DynamicMessage::decode(
        pool.get_message_by_name("cosmos.bank.v1beta1.QueryBalanceResponse")
            .unwrap(),
        answer.as_slice(),
    )
    .expect("answer decodes with the described type");
    assert_eq!(resp.unknown_fields().count(), 0);
    let balance = resp.get_field_by_name("balance").unwrap();
    let amount = balance
        .as_message()
        .unwrap()
        .get_field_by_name("amount")
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(amount, net.balance(0, &bob).await.unwrap().to_string());

    // The real grpcurl (built by localnet/install-deps.sh), with no .proto files at hand.
    let addr = net.grpc(0).trim_start_matches("http://").to_string();
    let grpcurl = |args: &[&str]| {
        let out = std::process::Command::new("grpcurl")
            .arg("-plaintext")
            .args(args)
            .output()
            .expect("running grpcurl (on PATH after localnet/install-deps.sh + env.sh)");
        assert!(
            out.status.success(),
            "grpcurl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let list = grpcurl(&[&addr, "list"]);
    for service in SERVED {
        assert!(list.lines().any(|l| l == *service), "grpcurl list: {list}");
    }
    let described = grpcurl(&[&addr, "describe", "cosmwasm.wasm.v1.Query"]);
    assert!(described.contains("rpc SmartContractState"), "{described}");
    let request = serde_json::json!({"address": bob, "denom": "uspec"}).to_string();
    let answer: serde_json::Value = serde_json::from_str(&grpcurl(&[
        "-d",
        &request,
        &addr,
        "cosmos.bank.v1beta1.Query/Balance",
    ]))
    .unwrap();
    assert_eq!(answer["balance"]["amount"].as_str(), Some(amount.as_str()));
}

async fn kill9_while_txs_flow_loses_and_doubles_nothing(net: &Localnet) {
    let client = net.client(0);
    let sender = net.account("faucet");
    let key = sender.key();
    let to = net.account("alice").address.clone();
    let start_balance = net.balance(0, &to).await.unwrap();
    let mut acct = client.account(&sender.addr()).await.unwrap();
    let mut hashes = Vec::new();
    let mut killed = false;
    for round in 0..40u128 {
        if round == 15 {
            net.kill9(0).unwrap();
            net.start_stopped().unwrap();
            killed = true;
            // Mempool contents are not durable in CometBFT: resync the sequence from state.
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            acct = loop {
                if let Ok(a) = client.account(&sender.addr()).await {
                    break a;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "node did not come back"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            };
        }
        let tx = client.sign(
            &key,
            vec![send_msg(&sender.address, &to, 1000 + round)],
            "",
            acct.account_number,
            acct.sequence,
            fee(5_000, 200_000),
        );
        match client.broadcast(&tx).await {
            Ok(b) if b.code == 0 => {
                hashes.push((b.txhash, 1000 + round));
                acct.sequence += 1;
            }
            Ok(b) => panic!("tx {round} rejected: {} {}", b.code, b.log),
            Err(e) => panic!("broadcast {round}: {e}"),
        }
    }
    assert!(killed);
    // Every admitted tx after the restart must land; ones admitted before the kill may have
    // been dropped with the mempool (not in any block), but none may land twice.
    let mut expected = 0u128;
    for (i, (hash, amount)) in hashes.iter().enumerate() {
        let found = if i >= 15 {
            Some(
                client
                    .wait_for_tx(hash, Duration::from_secs(60))
                    .await
                    .unwrap(),
            )
        } else {
            client.rpc.tx(hash).await.unwrap()
        };
        if let Some(r) = found {
            assert_eq!(r["tx_result"]["code"], 0, "{r}");
            expected += amount;
        }
    }
    assert_eq!(
        net.balance(0, &to).await.unwrap(),
        start_balance + expected,
        "balance = exactly the included transfers"
    );
    let seq_now = client.account(&sender.addr()).await.unwrap().sequence;
    assert_eq!(
        seq_now, acct.sequence,
        "sequence = the last admitted tx's + 1"
    );
}
