//! The REST (LCD) gateway against a live node: each route answers in the SDK's shape
//! (`tests/fixtures/rest/`), the same state as gRPC, errors in the SDK's body and status, CORS
//! for browsers, and a transaction signed here and broadcast over REST lands.

use std::time::{Duration, Instant};

use inferchain_app::address::Address;
use inferchain_e2e::Localnet;
use serde_json::{json, Value};

struct Rest {
    base: String,
    http: reqwest::Client,
}

impl Rest {
    async fn get(&self, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// GET that must succeed and have the shape of fixture `name`.
    async fn shaped(&self, path: &str, name: &str) -> Value {
        let (status, v) = self.get(path).await;
        assert_eq!(status, 200, "GET {path}: {v}");
        inferchain_e2e::same_shape(&inferchain_e2e::rest_fixture(name), &v, name)
            .unwrap_or_else(|e| panic!("GET {path}: {e}\n{v}"));
        v
    }
}

pub async fn rest_answers_as_the_sdk_does(net: &Localnet) {
    let rest = Rest {
        base: net.rest(0),
        http: reqwest::Client::new(),
    };
    let faucet = net.account("faucet");
    let bob = net.account("bob").address.clone();

    // Reads, each in the SDK's shape and with the state gRPC serves.
    let node_info = rest
        .shaped("/cosmos/base/tendermint/v1beta1/node_info", "node_info")
        .await;
    assert_eq!(
        node_info["default_node_info"]["network"],
        inferchain_e2e::CHAIN_ID
    );
    rest.shaped("/cosmos/base/tendermint/v1beta1/syncing", "syncing")
        .await;
    let acct = rest
        .shaped(
            &format!("/cosmos/auth/v1beta1/accounts/{}", faucet.address),
            "account",
        )
        .await;
    assert_eq!(acct["account"]["address"], faucet.address);
    let balances = rest
        .shaped(&format!("/cosmos/bank/v1beta1/balances/{bob}"), "balances")
        .await;
    let bob_balance = net.balance(0, &bob).await.unwrap();
    assert_eq!(balances["balances"][0]["amount"], bob_balance.to_string());
    let by_denom = rest
        .shaped(
            &format!("/cosmos/bank/v1beta1/balances/{bob}/by_denom?denom=uspec"),
            "balance_by_denom",
        )
        .await;
    assert_eq!(by_denom["balance"]["amount"], bob_balance.to_string());
    rest.shaped(
        &format!("/cosmos/bank/v1beta1/spendable_balances/{bob}"),
        "balances",
    )
    .await;
    let supply = rest.shaped("/cosmos/bank/v1beta1/supply", "supply").await;
    let total = net.total_supply(0).await.unwrap();
    assert_eq!(supply["supply"][0]["amount"], total.to_string());
    rest.shaped(
        "/cosmos/bank/v1beta1/supply/by_denom?denom=uspec",
        "supply_by_denom",
    )
    .await;
    rest.shaped("/cosmos/bank/v1beta1/denoms_metadata", "denoms_metadata")
        .await;
    rest.shaped(
        "/cosmos/base/tendermint/v1beta1/validatorsets/latest",
        "latest_validator_set",
    )
    .await;
    let (status, block) = rest
        .get("/cosmos/base/tendermint/v1beta1/blocks/latest")
        .await;
    assert_eq!(status, 200, "{block}");
    let height: u64 = block["block"]["header"]["height"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(height >= 2, "{block}");
    let (_, at) = rest
        .get(&format!("/cosmos/base/tendermint/v1beta1/blocks/{height}"))
        .await;
    assert_eq!(
        at["block_id"], block["block_id"],
        "the same block by height"
    );
    assert!(at["block"]["data"]["txs"].is_array());
    assert!(at["sdk_block"]["header"]["proposer_address"]
        .as_str()
        .unwrap()
        .starts_with("infervalcons"));

    // A transaction signed here, simulated and broadcast over REST, lands.
    let client = net.client(0);
    let from: Address = faucet.addr();
    let account = client.account(&from).await.unwrap();
    let msg = crate::send_msg(&faucet.address, &bob, 4242);
    let unsigned = client.sign(
        &faucet.key(),
        vec![msg.clone()],
        "rest",
        account.account_number,
        account.sequence,
        crate::fee(5_000, 200_000),
    );
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&unsigned);
    let (status, sim) = rest
        .post("/cosmos/tx/v1beta1/simulate", &json!({"tx_bytes": b64}))
        .await;
    assert_eq!(status, 200, "{sim}");
    inferchain_e2e::same_shape(&inferchain_e2e::rest_fixture("simulate"), &sim, "simulate")
        .unwrap_or_else(|e| panic!("{e}\n{sim}"));
    let gas_used: u64 = sim["gas_info"]["gas_used"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(gas_used > 0);
    let (status, res) = rest
        .post(
            "/cosmos/tx/v1beta1/txs",
            &json!({"tx_bytes": b64, "mode": "BROADCAST_MODE_SYNC"}),
        )
        .await;
    assert_eq!(status, 200, "{res}");
    inferchain_e2e::same_shape(
        &inferchain_e2e::rest_fixture("broadcast"),
        &res,
        "broadcast",
    )
    .unwrap_or_else(|e| panic!("{e}\n{res}"));
    assert_eq!(res["tx_response"]["code"], 0, "{res}");
    let hash = res["tx_response"]["txhash"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    let tx = loop {
        let (status, v) = rest.get(&format!("/cosmos/tx/v1beta1/txs/{hash}")).await;
        if status == 200 {
            break v;
        }
        assert!(Instant::now() < deadline, "tx {hash} never landed: {v}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    inferchain_e2e::same_shape(&inferchain_e2e::rest_fixture("get_tx"), &tx, "get_tx")
        .unwrap_or_else(|e| panic!("{e}\n{tx}"));
    assert_eq!(tx["tx_response"]["code"], 0);
    assert_eq!(
        tx["tx"]["body"]["messages"][0]["@type"],
        "/cosmos.bank.v1beta1.MsgSend"
    );
    assert_eq!(
        tx["tx"]["body"]["messages"][0]["amount"][0]["amount"],
        "4242"
    );
    assert_eq!(net.balance(0, &bob).await.unwrap(), bob_balance + 4242);
    // Found by event query too, in both the SDK 0.50 (`query`) and older (`events`) forms.
    let tx_height = tx["tx_response"]["height"].as_str().unwrap().to_string();
    for q in [
        format!("query=tx.height={tx_height}"),
        format!("events=tx.height={tx_height}"),
    ] {
        let (status, found) = rest.get(&format!("/cosmos/tx/v1beta1/txs?{q}")).await;
        assert_eq!(status, 200, "{found}");
        assert!(
            found["tx_responses"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["txhash"] == hash.as_str()),
            "{q}: {found}"
        );
    }
    // Broadcasting the same bytes again is refused by the ante handler (sequence), with the
    // SDK's code in the answer, not an HTTP error.
    let (status, again) = rest
        .post(
            "/cosmos/tx/v1beta1/txs",
            &json!({"tx_bytes": b64, "mode": "BROADCAST_MODE_SYNC"}),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_ne!(again["tx_response"]["code"], 0, "{again}");

    // Errors: the SDK's body and grpc-gateway's status.
    let stranger = Address::from_secp256k1(&[2u8; 33]).to_bech32();
    let (status, e) = rest
        .get(&format!("/cosmos/auth/v1beta1/accounts/{stranger}"))
        .await;
    assert_eq!(status, 404, "{e}");
    inferchain_e2e::same_shape(&inferchain_e2e::rest_fixture("error"), &e, "error").unwrap();
    let (status, e) = rest.get("/cosmos/bank/v1beta1/balances/notanaddress").await;
    assert_eq!((status, e["code"].as_i64()), (400, Some(3)), "{e}");
    let (status, e) = rest
        .get(&format!(
            "/cosmos/bank/v1beta1/balances/{bob}?pagination.limit=ten"
        ))
        .await;
    assert_eq!((status, e["code"].as_i64()), (400, Some(3)), "{e}");
    let (status, e) = rest.get("/cosmos/no/such/route").await;
    assert_eq!((status, e["code"].as_i64()), (404, Some(5)), "{e}");
    let (status, e) = rest
        .post("/cosmos/tx/v1beta1/txs", &json!({"tx_bytez": "AA=="}))
        .await;
    assert_eq!((status, e["code"].as_i64()), (400, Some(3)), "{e}");
    let (status, e) = rest.get("/cosmos/tx/v1beta1/simulate").await;
    assert_eq!(status, 501, "GET on a POST route: {e}");

    // CORS: a browser's preflight and every answer allow any origin.
    let pre = rest
        .http
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/cosmos/tx/v1beta1/txs", rest.base),
        )
        .header("Origin", "http://example.org")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status().as_u16(), 204);
    assert_eq!(pre.headers()["access-control-allow-origin"], "*");

    // The module's own routes and the wallet descriptions.
    let (status, archs) = rest.get("/inferchain/inference/v1/architectures").await;
    assert_eq!(status, 200, "{archs}");
    assert!(
        !archs["architectures"].as_array().unwrap().is_empty(),
        "{archs}"
    );
    let (status, params) = rest.get("/inferchain/inference/v1/params").await;
    assert_eq!(status, 200, "{params}");
    assert_eq!(params["params"]["modeler_share_bps"], 8000, "{params}");
    let (status, keplr) = rest.get("/keplr.json").await;
    assert_eq!(status, 200);
    assert_eq!(keplr["chainId"], inferchain_e2e::CHAIN_ID);
    assert_eq!(keplr["rest"], rest.base);
    let (_, chain) = rest.get("/chain.json").await;
    assert_eq!(chain["bech32_prefix"], "infer");

    // The height header: an answer at an earlier height is that height's state.
    let r = rest
        .http
        .get(format!(
            "{}/cosmos/bank/v1beta1/balances/{bob}/by_denom?denom=uspec",
            rest.base
        ))
        .header("x-cosmos-block-height", (height).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["grpc-metadata-x-cosmos-block-height"],
        height.to_string().as_str()
    );
    let then: Value = r.json().await.unwrap();
    assert_eq!(then["balance"]["amount"], bob_balance.to_string());
}
