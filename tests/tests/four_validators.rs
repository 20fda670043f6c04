//! Four validators on loopback: they agree on every app hash, transactions reach all of them,
//! a validator killed with `kill -9` (app and CometBFT) catches up to the same state, the
//! chain lives through perturbations under load (kill, pause, partition) with every committed
//! transfer reconciled, and a new node joins by state sync (a snapshot instead of the whole
//! chain) and agrees too.

use std::sync::Arc;
use std::time::Duration;

use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use inferchain_app::client::{FeeSetting, GasSetting};
use inferchain_app::modules::to_any;
use inferchain_e2e::Localnet;

async fn transfer(net: &Localnet, node: usize, from: &str, to: &str, amount: u128) {
    let acct = net.account(from);
    let msg = to_any(&MsgSend {
        from_address: acct.address.clone(),
        to_address: net.account(to).address.clone(),
        amount: vec![Coin {
            denom: "uspec".into(),
            amount: amount.to_string(),
        }],
    });
    let fee = FeeSetting {
        gas: GasSetting::Auto { adjustment: 1.5 },
        fees: None,
        gas_price: Some(inferchain_app::coins::GasPrice::parse("0.025uspec").unwrap()),
    };
    let client = net.client(node);
    let b = client
        .send_tx(&acct.key(), vec![msg], "", &fee)
        .await
        .unwrap();
    assert_eq!(b.code, 0, "{}", b.log);
    let r = client
        .wait_for_tx(&b.txhash, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(r["tx_result"]["code"], 0, "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_validators_agree_and_recover() {
    // State-sync snapshots every 10 blocks (5 s), for the node that joins at the end.
    let net = Arc::new(
        Localnet::start_with("four", 4, 2000, &["--snapshot-interval", "10"])
            .await
            .expect("localnet starts"),
    );

    // Blocks advance with transactions, and every validator computes the same app hash.
    transfer(&net, 1, "alice", "bob", 1_000).await;
    let h = net.common_height().await;
    net.wait_height(0, h + 1, Duration::from_secs(60))
        .await
        .unwrap();
    for i in 0..4 {
        net.wait_height(i, h + 1, Duration::from_secs(60))
            .await
            .unwrap();
    }
    net.assert_same_app_hash(h).await;
    let bob = net.account("bob").address.clone();
    let expected = net.balance(0, &bob).await.unwrap();
    for i in 1..4 {
        assert_eq!(
            net.balance(i, &bob).await.unwrap(),
            expected,
            "node{i} disagrees on a balance"
        );
    }

    // Every node reports the same four validators over gRPC, one page of two at a time.
    use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;
    use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1::{
        service_client::ServiceClient, GetValidatorSetByHeightRequest,
    };
    let mut sets = Vec::new();
    for i in 0..4 {
        let channel = tonic::transport::Channel::from_shared(net.grpc(i))
            .unwrap()
            .connect()
            .await
            .expect("gRPC server up");
        let mut client = ServiceClient::new(channel);
        let mut set = Vec::new();
        for offset in [0, 2] {
            let page = client
                .get_validator_set_by_height(GetValidatorSetByHeightRequest {
                    height: h as i64,
                    pagination: Some(PageRequest {
                        offset,
                        limit: 2,
                        ..Default::default()
                    }),
                })
                .await
                .unwrap()
                .into_inner();
            assert_eq!(page.pagination.unwrap().total, 4);
            set.extend(page.validators);
        }
        sets.push(set);
    }
    assert_eq!(sets[0].len(), 4);
    let mut addresses: Vec<_> = sets[0].iter().map(|v| v.address.clone()).collect();
    addresses.sort();
    addresses.dedup();
    assert_eq!(addresses.len(), 4, "{addresses:?}");
    assert!(sets.iter().all(|s| s == &sets[0]));

    // kill -9 validator 3 (app and CometBFT) while the other three keep going.
    net.kill9(3).unwrap();
    transfer(&net, 0, "carol", "bob", 2_000).await;
    let before_restart = net.height(0).await.unwrap();
    net.wait_height(0, before_restart + 3, Duration::from_secs(60))
        .await
        .unwrap();
    net.start_stopped().unwrap();

    // It catches up past where the others were, and agrees on the app hash there.
    let target = net.height(0).await.unwrap() + 2;
    net.wait_height(3, target, Duration::from_secs(120))
        .await
        .unwrap();
    for i in 0..3 {
        net.wait_height(i, target + 1, Duration::from_secs(60))
            .await
            .unwrap();
    }
    net.assert_same_app_hash(target).await;
    assert_eq!(net.balance(3, &bob).await.unwrap(), expected + 2_000);

    // Perturbations under a steady load (a few rounds here; tests/perturb.sh runs 20): the
    // chain lives through each, all four agree at every height, every committed transfer is
    // in the state exactly once.
    let rounds = std::env::var("INFERCHAIN_PERTURB_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let seed = inferchain_e2e::perturb::seed();
    let report = inferchain_e2e::perturb::perturb(net.clone(), rounds, seed)
        .await
        .unwrap_or_else(|e| panic!("perturbations (INFERCHAIN_PERTURB_SEED={seed}): {e:#}"));
    println!("perturbations: {report:?}");
    assert_eq!(report.rounds, rounds);
    assert!(report.txs_committed > 0 && report.txs_reconciled == report.txs_committed);

    // A fifth node state-syncs: once a snapshot is at least two blocks old (the light client
    // verifies its app hash from the next two headers), it restores it instead of replaying.
    let snapshot_height = (net.height(0).await.unwrap() / 10 + 1) * 10;
    net.wait_height(0, snapshot_height + 3, Duration::from_secs(60))
        .await
        .unwrap();
    let joined = net.add_node_with(&["--state-sync"]).unwrap();
    let target = net.height(0).await.unwrap() + 3;
    net.wait_height(joined, target, Duration::from_secs(180))
        .await
        .unwrap_or_else(|e| {
            let log = std::fs::read_to_string(net.home(joined).join("cometbft.log"));
            panic!("{e}\n{}", log.unwrap_or_default())
        });
    let status = net.client(joined).rpc.status().await.unwrap();
    let earliest = inferchain_app::rpc_client::num(&status["sync_info"]["earliest_block_height"]);
    assert!(
        earliest >= snapshot_height,
        "node{joined} has blocks from {earliest}: it replayed instead of restoring a snapshot"
    );
    let app_log = std::fs::read_to_string(net.home(joined).join("app.log")).unwrap();
    assert!(
        app_log.contains("state restored from a snapshot"),
        "{app_log}"
    );
    for node in [0, joined] {
        net.wait_height(node, target + 1, Duration::from_secs(60))
            .await
            .unwrap();
    }
    assert_eq!(
        net.app_hash_after(joined, target).await.unwrap(),
        net.app_hash_after(0, target).await.unwrap(),
        "the state-synced node disagrees on the app hash"
    );
    // Nothing is sent any more: every node shows the same balances.
    assert_eq!(
        net.balance(joined, &bob).await.unwrap(),
        net.balance(0, &bob).await.unwrap()
    );
}
