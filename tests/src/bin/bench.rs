//! Throughput and latency on a fresh 1-validator localnet, of bank sends or of contract
//! executions (a counter increment).
//!   cargo run --release -p inferchain-e2e --bin bench -- [bank|wasm] [ACCOUNTS] [TXS_PER_ACCOUNT]
//! Funds ACCOUNTS fresh accounts with one MsgMultiSend, pre-signs TXS_PER_ACCOUNT
//! transactions per account, broadcasts them all (accounts in parallel, each in sequence
//! order), and reports committed tx/s, single-tx confirmation latency, and the block interval.

use std::time::{Duration, Instant};

use cosmos_sdk_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, MsgSend, Output};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use cosmos_sdk_proto::cosmos::tx::v1beta1::Fee;
use cosmos_sdk_proto::cosmwasm::wasm::v1::{
    MsgExecuteContract, MsgInstantiateContract, MsgStoreCode, QuerySmartContractStateRequest,
    QuerySmartContractStateResponse,
};
use inferchain_app::address::Address;
use inferchain_app::client::{FeeSetting, GasSetting};
use inferchain_app::keyring::{key_from_mnemonic, new_mnemonic, pubkey_bytes};
use inferchain_app::modules::to_any;
use inferchain_e2e::load::event_attr;
use inferchain_e2e::Localnet;

fn coin(amount: u128) -> Vec<Coin> {
    vec![Coin {
        denom: "uspec".into(),
        amount: amount.to_string(),
    }]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let wasm = std::env::args().any(|a| a == "wasm");
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let accounts = *args.first().unwrap_or(&8);
    let per_account = *args.get(1).unwrap_or(&150);
    eprintln!("starting a 1-validator localnet (500 ms blocks)...");
    let net = Localnet::start("bench", 1, 6000).await?;
    let client = net.client(0);
    let faucet = net.account("faucet");

    let keys: Vec<_> = (0..accounts)
        .map(|_| key_from_mnemonic(&new_mnemonic()).unwrap())
        .collect();
    let addrs: Vec<Address> = keys
        .iter()
        .map(|k| Address::from_secp256k1(&pubkey_bytes(k)))
        .collect();
    let each = 10_000_000u128;
    let fund = MsgMultiSend {
        inputs: vec![Input {
            address: faucet.address.clone(),
            coins: coin(each * accounts as u128),
        }],
        outputs: addrs
            .iter()
            .map(|a| Output {
                address: a.to_bech32(),
                coins: coin(each),
            })
            .collect(),
    };
    let fee = FeeSetting {
        gas: GasSetting::Auto { adjustment: 1.5 },
        fees: None,
        gas_price: Some(inferchain_app::coins::GasPrice::parse("0.025uspec").unwrap()),
    };
    let b = client
        .send_tx(&faucet.key(), vec![to_any(&fund)], "fund", &fee)
        .await?;
    anyhow::ensure!(b.code == 0, "funding rejected: {}", b.log);
    client
        .wait_for_tx(&b.txhash, Duration::from_secs(60))
        .await?;

    // Single-tx latency: broadcast → visible in a committed block.
    let mut latencies = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let msg = MsgSend {
            from_address: faucet.address.clone(),
            to_address: addrs[0].to_bech32(),
            amount: coin(1),
        };
        let b = client
            .send_tx(&faucet.key(), vec![to_any(&msg)], "", &fee)
            .await?;
        anyhow::ensure!(b.code == 0, "{}", b.log);
        client
            .wait_for_tx(&b.txhash, Duration::from_secs(60))
            .await?;
        latencies.push(t.elapsed().as_secs_f64());
    }
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());

    // The contract every account increments (wasm mode).
    let counter = if wasm {
        Some(deploy_counter(&net, &client, &fee).await?)
    } else {
        None
    };
    let (gas_limit, fee_amount) = if wasm {
        (400_000, 10_000)
    } else {
        (100_000, 2_500)
    };

    eprintln!("pre-signing {} transactions...", accounts * per_account);
    let mut signed = Vec::new();
    for (key, addr) in keys.iter().zip(&addrs) {
        let acct = client.account(addr).await?;
        let txs: Vec<Vec<u8>> = (0..per_account)
            .map(|i| {
                let msg = match &counter {
                    Some(contract) => to_any(&MsgExecuteContract {
                        sender: addr.to_bech32(),
                        contract: contract.clone(),
                        msg: br#"{"increment":{}}"#.to_vec(),
                        funds: vec![],
                    }),
                    None => to_any(&MsgSend {
                        from_address: addr.to_bech32(),
                        to_address: faucet.address.clone(),
                        amount: coin(1),
                    }),
                };
                let fee = Fee {
                    amount: coin(fee_amount),
                    gas_limit,
                    ..Default::default()
                };
                client.sign(
                    key,
                    vec![msg],
                    "",
                    acct.account_number,
                    acct.sequence + i as u64,
                    fee,
                )
            })
            .collect();
        signed.push(txs);
    }

    let start_height = net.height(0).await?;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for txs in signed {
        let client = net.client(0);
        tasks.push(tokio::spawn(async move {
            let mut last = String::new();
            for tx in txs {
                let b = client.broadcast(&tx).await.expect("broadcast");
                assert_eq!(b.code, 0, "CheckTx rejected a bench tx: {}", b.log);
                last = b.txhash;
            }
            last
        }));
    }
    let mut last_hashes = Vec::new();
    for t in tasks {
        last_hashes.push(t.await?);
    }
    let submitted = start.elapsed().as_secs_f64();
    for h in &last_hashes {
        let r = client.wait_for_tx(h, Duration::from_secs(300)).await?;
        anyhow::ensure!(r["tx_result"]["code"] == 0, "bench tx failed: {r}");
    }
    let elapsed = start.elapsed().as_secs_f64();
    let end_height = net.height(0).await?;
    for (key, addr) in keys.iter().zip(&addrs) {
        let _ = key;
        let seq = client.account(addr).await?.sequence;
        anyhow::ensure!(
            seq as usize >= per_account,
            "{addr} committed only {seq} txs"
        );
    }

    let total = accounts * per_account;
    let blocks = end_height.saturating_sub(start_height).max(1);
    if let Some(contract) = &counter {
        let count = query_count(&client, contract).await?;
        anyhow::ensure!(
            count as usize == total,
            "counter is {count}, expected {total}"
        );
    }
    let what = if wasm {
        "contract-execute (counter increment)"
    } else {
        "bank-send"
    };
    println!("{what} benchmark (1 validator, 500 ms timeout_commit, 2 cores)");
    println!("  transactions           {total} ({accounts} accounts x {per_account})");
    println!(
        "  broadcast (CheckTx)    {:.1} tx/s",
        total as f64 / submitted
    );
    println!(
        "  committed throughput   {:.1} tx/s  ({total} txs in {elapsed:.2} s)",
        total as f64 / elapsed
    );
    println!(
        "  blocks used            {blocks} (avg {:.1} txs/block, {:.0} ms/block)",
        total as f64 / blocks as f64,
        elapsed * 1000.0 / blocks as f64
    );
    println!(
        "  confirmation latency   median {:.0} ms, max {:.0} ms (broadcast -> indexed in a block, 5 samples)",
        latencies[2] * 1000.0,
        latencies[4] * 1000.0
    );
    Ok(())
}

async fn deploy_counter(
    net: &Localnet,
    client: &inferchain_app::client::Client,
    fee: &FeeSetting,
) -> anyhow::Result<String> {
    use std::io::Write;
    let faucet = net.account("faucet");
    let wasm = std::fs::read(inferchain_e2e::repo_root().join("contracts/artifacts/counter.wasm"))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&wasm)?;
    let store = MsgStoreCode {
        sender: faucet.address.clone(),
        wasm_byte_code: gz.finish()?,
        instantiate_permission: None,
    };
    let b = client
        .send_tx(&faucet.key(), vec![to_any(&store)], "", fee)
        .await?;
    anyhow::ensure!(b.code == 0, "store rejected: {}", b.log);
    let r = client
        .wait_for_tx(&b.txhash, Duration::from_secs(60))
        .await?;
    let code_id: u64 = event_attr(&r, "store_code", "code_id")
        .unwrap_or_default()
        .parse()?;
    let inst = MsgInstantiateContract {
        sender: faucet.address.clone(),
        admin: String::new(),
        code_id,
        label: "bench-counter".into(),
        msg: br#"{"count":0}"#.to_vec(),
        funds: vec![],
    };
    let b = client
        .send_tx(&faucet.key(), vec![to_any(&inst)], "", fee)
        .await?;
    anyhow::ensure!(b.code == 0, "instantiate rejected: {}", b.log);
    let r = client
        .wait_for_tx(&b.txhash, Duration::from_secs(60))
        .await?;
    Ok(event_attr(&r, "instantiate", "_contract_address").unwrap_or_default())
}

async fn query_count(
    client: &inferchain_app::client::Client,
    contract: &str,
) -> anyhow::Result<u64> {
    let r: QuerySmartContractStateResponse = client
        .query(
            "/cosmwasm.wasm.v1.Query/SmartContractState",
            &QuerySmartContractStateRequest {
                address: contract.into(),
                query_data: br#"{"count":{}}"#.to_vec(),
            },
        )
        .await?;
    let v: serde_json::Value = serde_json::from_slice(&r.data)?;
    v["count"]
        .as_u64()
        .ok_or_else(|| anyhow::anyhow!("bad count answer {v}"))
}
