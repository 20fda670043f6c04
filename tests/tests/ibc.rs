//! IBC against the real peers: InferChain, wasmd v0.61.14 (ibc-go v10) and Hermes 1.10.5, set
//! up by `localnet/ibc.sh` (clients, connection, the ICS-20 channel). One setup for the whole
//! flow (it takes minutes): channel state on both chains; ICS-20 out and back with `uspec`,
//! in and back with wasmd's `stake`, balances, escrow and supply checked on both chains;
//! Hermes stopped mid-flow, `hermes clear packets` finishing a transfer, a packet timing out
//! and refunding; and bad input on the IBC path (a receive with an invalid proof, a forged
//! client header, a malformed message) refused with codespace `ibc` while the chain goes on.
//! Then the inference application (`inference_over_ibc`): the consumer contract on wasmd asks
//! InferChain feeds for verified inferences paid from its ICS-20-funded deposit account.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use inferchain_app::client::{Client, FeeSetting, GasSetting};
use inferchain_e2e::{repo_root, CHAIN_ID};
use prost::Message;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Port offset of this setup (no other e2e binary uses it). Every port it opens stays below
/// Linux's ephemeral range (32768+): a port in that range can be held, by chance, by one of the
/// many outgoing connections the suite makes, and a node that can't bind never starts.
const OFFSET: u32 = 4000;

struct IbcNet {
    dir: tempfile::TempDir,
    info: Value,
}

impl IbcNet {
    fn up() -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("inferchain-ibc-")
            .tempdir()?;
        let out = Command::new("bash")
            .arg(repo_root().join("localnet/ibc.sh"))
            .args(["up", "--dir"])
            .arg(dir.path())
            .args(["--port-offset", &OFFSET.to_string()])
            // The feeds' private inference proofs (and nothing else to build at start).
            .env(
                "INFERCHAIN_ARCHITECTURES",
                "mlp-16-32-16-1=inference/private",
            )
            .output()
            .context("running localnet/ibc.sh")?;
        let mut net = IbcNet {
            info: Value::Null,
            dir,
        };
        if !out.status.success() {
            let logs: String = [
                "inferchain/node0/cometbft.log",
                "inferchain/node0/app.log",
                "wasmd/wasmd.log",
                "hermes/hermes.log",
            ]
            .iter()
            .map(|l| format!("\n--- {l} (tail):\n{}", tail(&net.dir.path().join(l), 30)))
            .collect();
            bail!(
                "localnet/ibc.sh up failed:\n{}\n{}{logs}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
            );
        }
        net.info = serde_json::from_slice(&std::fs::read(net.dir.path().join("ibc.json"))?)?;
        Ok(net)
    }

    fn s(&self, path: &[&str]) -> String {
        let mut v = &self.info;
        for p in path {
            v = &v[*p];
        }
        v.as_str()
            .unwrap_or_else(|| panic!("ibc.json has no {path:?}"))
            .to_string()
    }

    fn ours(&self) -> Client {
        Client::new(&self.s(&["inferchain", "rpc"]), CHAIN_ID)
    }

    fn home(&self) -> String {
        self.s(&["inferchain", "home"])
    }

    fn wasmd_home(&self) -> String {
        self.s(&["wasmd", "home"])
    }

    fn wasmd_node(&self) -> String {
        self.s(&["wasmd", "rpc"]).replace("http://", "tcp://")
    }

    fn hermes_log_tail(&self) -> String {
        tail(&self.dir.path().join("hermes/hermes.log"), 30)
    }

    fn hermes(&self, args: &[&str]) -> Result<String> {
        let out = Command::new("bash")
            .arg(repo_root().join("localnet/ibc.sh"))
            .args(["hermes", "--dir"])
            .arg(self.dir.path())
            .args(args)
            .output()?;
        if !out.status.success() {
            bail!(
                "hermes {args:?}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn hermes_pid_file(&self) -> PathBuf {
        self.dir.path().join("hermes/hermes.pid")
    }

    fn stop_hermes(&self) -> Result<()> {
        let pid = std::fs::read_to_string(self.hermes_pid_file())?;
        Command::new("kill").arg("-9").arg(pid.trim()).status()?;
        std::fs::remove_file(self.hermes_pid_file())?;
        Ok(())
    }

    fn start_hermes(&self) -> Result<()> {
        let log = std::fs::OpenOptions::new()
            .append(true)
            .open(self.dir.path().join("hermes/hermes.log"))?;
        let child = Command::new("hermes")
            .arg("--config")
            .arg(self.s(&["hermes_config"]))
            .arg("start")
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        std::fs::write(self.hermes_pid_file(), child.id().to_string())?;
        Ok(())
    }

    fn wasmd(&self, args: &[&str]) -> Result<Value> {
        let out = Command::new("wasmd")
            .args(args)
            .args(["--node", &self.wasmd_node(), "-o", "json"])
            .output()
            .context("running wasmd")?;
        if !out.status.success() {
            bail!(
                "wasmd {args:?}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(serde_json::from_slice(&out.stdout)?)
    }

    /// A wasmd transaction from `user`, waited for (wasmd's sync broadcast, then its index).
    async fn wasmd_tx(&self, args: &[&str]) -> Result<()> {
        let home = self.wasmd_home();
        let mut full: Vec<&str> = args.to_vec();
        full.extend([
            "--from",
            "user",
            "--keyring-backend",
            "test",
            "--home",
            &home,
            "--chain-id",
            "wasmd-local-1",
            "--fees",
            "5000stake",
            "--yes",
        ]);
        let r = self.wasmd(&full)?;
        if r["code"] != 0 {
            bail!("wasmd tx {args:?} refused: {r}");
        }
        let hash = r["txhash"].as_str().unwrap_or_default().to_string();
        poll(
            Duration::from_secs(60),
            "the wasmd transaction to commit",
            || {
                let r = self.wasmd(&["q", "tx", &hash]).ok()?;
                (r["code"] == 0).then_some(()).or_else(|| {
                    if r["code"].as_u64().unwrap_or(0) != 0 {
                        panic!("wasmd tx {hash} failed: {r}");
                    }
                    None
                })
            },
        )
        .await
    }

    fn wasmd_balance(&self, addr: &str, denom: &str) -> Result<u128> {
        let r = self.wasmd(&["q", "bank", "balance", addr, denom])?;
        Ok(r["balance"]["amount"].as_str().unwrap_or("0").parse()?)
    }

    fn wasmd_supply(&self, denom: &str) -> Result<u128> {
        let r = self.wasmd(&["q", "bank", "total-supply-of", denom])?;
        Ok(r["amount"]["amount"].as_str().unwrap_or("0").parse()?)
    }

    fn wasmd_addr(&self, key: &str) -> String {
        let out = Command::new("wasmd")
            .args([
                "keys",
                "show",
                key,
                "-a",
                "--keyring-backend",
                "test",
                "--home",
                &self.wasmd_home(),
            ])
            .output()
            .expect("wasmd keys show");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// `inferchaind tx ibc transfer` from alice, waited for.
    fn our_transfer(&self, to: &str, coin: &str, timeout_seconds: u64) -> Result<Value> {
        let out = Command::new("inferchaind")
            .args(["--home", &self.home(), "tx", "ibc", "transfer", "alice"])
            .arg(self.s(&["transfer", "inferchain_channel"]))
            .args([to, coin, "--timeout-seconds", &timeout_seconds.to_string()])
            .args([
                "--node",
                &self.s(&["inferchain", "rpc"]).replace("http://", "tcp://"),
            ])
            .args(["--wait", "-o", "json"])
            .output()?;
        if !out.status.success() {
            bail!(
                "inferchaind tx ibc transfer: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let r: Value = serde_json::from_slice(&out.stdout)?;
        if r["code"] != 0 {
            bail!("transfer failed: {r}");
        }
        Ok(r)
    }

    fn alice_key(&self) -> k256::ecdsa::SigningKey {
        let accounts: Value = serde_json::from_slice(
            &std::fs::read(self.dir.path().join("inferchain/accounts.json")).unwrap(),
        )
        .unwrap();
        let alice = accounts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == "alice")
            .unwrap();
        inferchain_app::keyring::key_from_mnemonic(alice["mnemonic"].as_str().unwrap()).unwrap()
    }

    async fn height(&self) -> Result<u64> {
        let s = self.ours().rpc.status().await?;
        Ok(inferchain_app::rpc_client::num(
            &s["sync_info"]["latest_block_height"],
        ))
    }

    async fn balance(&self, addr: &str, denom: &str) -> Result<u128> {
        use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank;
        let r: bank::QueryBalanceResponse = self
            .ours()
            .query(
                "/cosmos.bank.v1beta1.Query/Balance",
                &bank::QueryBalanceRequest {
                    address: addr.into(),
                    denom: denom.into(),
                },
            )
            .await?;
        Ok(r.balance
            .map(|c| c.amount.parse().unwrap_or(0))
            .unwrap_or(0))
    }

    async fn supply(&self, denom: &str) -> Result<u128> {
        use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank;
        let r: bank::QuerySupplyOfResponse = self
            .ours()
            .query(
                "/cosmos.bank.v1beta1.Query/SupplyOf",
                &bank::QuerySupplyOfRequest {
                    denom: denom.into(),
                },
            )
            .await?;
        Ok(r.amount.map(|c| c.amount.parse().unwrap_or(0)).unwrap_or(0))
    }
}

impl Drop for IbcNet {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(repo_root().join("localnet/ibc.sh"))
            .args(["down", "--dir"])
            .arg(self.dir.path())
            .status();
    }
}

/// The last `n` lines of a log file (empty if it is missing).
fn tail(path: &std::path::Path, n: usize) -> String {
    let log = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Polls `f` until it gives a value or `secs` pass.
async fn poll<T>(timeout: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> Result<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return Ok(v);
        }
        if start.elapsed() > timeout {
            bail!("timed out after {timeout:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Polls an async probe until it returns `want`.
async fn poll_eq<F, Fut>(timeout: Duration, what: &str, want: u128, mut f: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<u128>>,
{
    let start = Instant::now();
    loop {
        let last = match f().await {
            Ok(v) if v == want => return Ok(()),
            other => format!("{other:?}"),
        };
        if start.elapsed() > timeout {
            bail!("timed out after {timeout:?} waiting for {what} = {want} (last {last})");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn voucher(trace: &str) -> String {
    format!(
        "ibc/{}",
        hex::encode_upper(Sha256::digest(trace.as_bytes()))
    )
}

/// A transaction from alice carrying `msg`, with fixed gas (simulation would refuse it): its
/// result, from CheckTx if the mempool refused it, else from its block — (code, codespace, log).
async fn submit_raw(
    net: &IbcNet,
    msg: tendermint_proto::google::protobuf::Any,
) -> (u64, String, String) {
    let fee = FeeSetting {
        gas: GasSetting::Fixed(3_000_000),
        fees: None,
        gas_price: Some(inferchain_app::coins::GasPrice::parse("0.025uspec").unwrap()),
    };
    let client = net.ours();
    let b = client
        .send_tx(&net.alice_key(), vec![msg], "", &fee)
        .await
        .expect("broadcast reaches the node");
    if b.code != 0 {
        return (b.code.into(), b.codespace, b.log);
    }
    let r = client
        .wait_for_tx(&b.txhash, Duration::from_secs(60))
        .await
        .expect("the transaction is in a block");
    let res = &r["tx_result"];
    (
        res["code"].as_u64().unwrap_or(0),
        res["codespace"].as_str().unwrap_or_default().to_string(),
        res["log"].as_str().unwrap_or_default().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ics20_and_the_ibc_path_against_hermes_and_wasmd() {
    let net = IbcNet::up().expect("localnet/ibc.sh up");
    let our_chan = net.s(&["transfer", "inferchain_channel"]);
    let their_chan = net.s(&["transfer", "wasmd_channel"]);
    let t = Duration::from_secs(120);

    // The channel is open on both ends, and each end names the other.
    {
        use ibc_proto::ibc::core::channel::v1 as chan;
        let r: chan::QueryChannelResponse = net
            .ours()
            .query(
                "/ibc.core.channel.v1.Query/Channel",
                &chan::QueryChannelRequest {
                    port_id: "transfer".into(),
                    channel_id: our_chan.clone(),
                },
            )
            .await
            .unwrap();
        let c = r.channel.unwrap();
        assert_eq!(c.state, chan::State::Open as i32);
        assert_eq!(c.counterparty.unwrap().channel_id, their_chan);
        let theirs = net
            .wasmd(&["q", "ibc", "channel", "end", "transfer", &their_chan])
            .unwrap();
        assert_eq!(theirs["channel"]["state"], "STATE_OPEN", "{theirs}");
        assert_eq!(
            theirs["channel"]["counterparty"]["channel_id"],
            our_chan.as_str()
        );
    }

    let alice = net.s(&["user", "inferchain_address"]);
    let user = net.wasmd_addr("user");
    let escrow = {
        use ibc_proto::ibc::applications::transfer::v1 as tr;
        let r: tr::QueryEscrowAddressResponse = net
            .ours()
            .query(
                "/ibc.applications.transfer.v1.Query/EscrowAddress",
                &tr::QueryEscrowAddressRequest {
                    port_id: "transfer".into(),
                    channel_id: our_chan.clone(),
                },
            )
            .await
            .unwrap();
        r.escrow_address
    };
    // ADR-028: the same escrow bytes as ibc-go derives for the same port and channel.
    // (wasmd prints this one as text whatever the output flag.)
    let their_escrow = Command::new("wasmd")
        .args([
            "q",
            "ibc-transfer",
            "escrow-address",
            "transfer",
            &our_chan,
            "--node",
            &net.wasmd_node(),
        ])
        .output()
        .expect("wasmd names the escrow address");
    let their_escrow = String::from_utf8_lossy(&their_escrow.stdout)
        .trim()
        .to_string();
    let bytes = |a: &str| {
        bech32::decode(a)
            .map(|(_, b)| b)
            .unwrap_or_else(|e| panic!("{a:?}: {e}"))
    };
    assert_eq!(bytes(&escrow), bytes(&their_escrow));
    let uspec_supply = net.supply("uspec").await.unwrap();
    let uspec_voucher = voucher(&format!("transfer/{their_chan}/uspec"));
    let stake_voucher = voucher(&format!("transfer/{our_chan}/stake"));

    // 1. uspec out: escrowed here, minted as a voucher on wasmd.
    net.our_transfer(&user, "1000uspec", 600).unwrap();
    poll_eq(t, "the uspec voucher on wasmd", 1000, || async {
        net.wasmd_balance(&user, &uspec_voucher)
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", net.hermes_log_tail()));
    assert_eq!(net.balance(&escrow, "uspec").await.unwrap(), 1000);
    assert_eq!(net.wasmd_supply(&uspec_voucher).unwrap(), 1000);
    // Fees burn nothing here: the native supply is unchanged, only moved into escrow.
    assert_eq!(net.supply("uspec").await.unwrap(), uspec_supply);

    // 2. Part of it back: the voucher burned on wasmd, released from escrow here.
    net.wasmd_tx(&[
        "tx",
        "ibc-transfer",
        "transfer",
        "transfer",
        &their_chan,
        &alice,
        &format!("400{uspec_voucher}"),
    ])
    .await
    .unwrap();
    poll_eq(t, "escrow after the return", 600, || async {
        net.balance(&escrow, "uspec").await
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", net.hermes_log_tail()));
    assert_eq!(net.wasmd_supply(&uspec_voucher).unwrap(), 600);
    assert_eq!(net.supply("uspec").await.unwrap(), uspec_supply);

    // 3. The peer's stake in: a voucher minted here, its trace recorded.
    net.wasmd_tx(&[
        "tx",
        "ibc-transfer",
        "transfer",
        "transfer",
        &their_chan,
        &alice,
        "5000stake",
    ])
    .await
    .unwrap();
    poll_eq(t, "the stake voucher here", 5000, || async {
        net.balance(&alice, &stake_voucher).await
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", net.hermes_log_tail()));
    assert_eq!(net.supply(&stake_voucher).await.unwrap(), 5000);
    {
        use ibc_proto::ibc::applications::transfer::v1 as tr;
        let r: tr::QueryDenomTraceResponse = net
            .ours()
            .query(
                "/ibc.applications.transfer.v1.Query/DenomTrace",
                &tr::QueryDenomTraceRequest {
                    hash: stake_voucher.clone(),
                },
            )
            .await
            .unwrap();
        let trace = r.denom_trace.unwrap();
        assert_eq!(
            (trace.path.as_str(), trace.base_denom.as_str()),
            (format!("transfer/{our_chan}").as_str(), "stake")
        );
    }

    // 4. Stake back, named by its voucher: burned here, unescrowed on wasmd.
    let user_stake = net.wasmd_balance(&user, "stake").unwrap();
    net.our_transfer(&user, &format!("2000{stake_voucher}"), 600)
        .unwrap();
    poll_eq(t, "stake back on wasmd", user_stake + 2000, || async {
        net.wasmd_balance(&user, "stake")
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", net.hermes_log_tail()));
    assert_eq!(net.supply(&stake_voucher).await.unwrap(), 3000);
    assert_eq!(net.balance(&alice, &stake_voucher).await.unwrap(), 3000);

    // 5. Hermes down mid-flow: a transfer waits; `hermes clear packets` finishes it, once.
    net.stop_hermes().unwrap();
    net.our_transfer(&user, "50uspec", 600).unwrap();
    assert_eq!(net.wasmd_balance(&user, &uspec_voucher).unwrap(), 600);
    net.hermes(&[
        "clear",
        "packets",
        "--chain",
        CHAIN_ID,
        "--port",
        "transfer",
        "--channel",
        &our_chan,
    ])
    .unwrap();
    poll_eq(t, "the cleared packet's voucher", 650, || async {
        net.wasmd_balance(&user, &uspec_voucher)
    })
    .await
    .unwrap();
    // The acknowledgement came back too: no commitment is left here.
    net.commitments_cleared("transfer", &our_chan, t).await;

    // 6. A packet that times out: sent while no relayer runs, with a short timeout; once wasmd's
    //    clock is past it, Hermes proves non-receipt here and the sender is refunded.
    let escrow_before = net.balance(&escrow, "uspec").await.unwrap();
    net.our_transfer(&user, "77uspec", 4).unwrap();
    assert_eq!(
        net.balance(&escrow, "uspec").await.unwrap(),
        escrow_before + 77
    );
    tokio::time::sleep(Duration::from_secs(6)).await; // past the packet's own timeout
    net.start_hermes().unwrap();
    poll_eq(
        t,
        "escrow refunded after the timeout",
        escrow_before,
        || async { net.balance(&escrow, "uspec").await },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", net.hermes_log_tail()));
    assert_eq!(
        net.wasmd_balance(&user, &uspec_voucher).unwrap(),
        650,
        "a timed-out packet was also received"
    );
    assert_eq!(net.supply("uspec").await.unwrap(), uspec_supply);

    // 7. Bad input on the IBC path, straight to our chain: clear errors, the chain goes on.
    let client_id = net.s(&["inferchain", "client_id"]);
    let latest = {
        use ibc_proto::ibc::core::client::v1 as client;
        let r: client::QueryClientStateResponse = net
            .ours()
            .query(
                "/ibc.core.client.v1.Query/ClientState",
                &client::QueryClientStateRequest {
                    client_id: client_id.clone(),
                },
            )
            .await
            .unwrap();
        let tm = ibc_proto::ibc::lightclients::tendermint::v1::ClientState::decode(
            r.client_state.unwrap().value.as_slice(),
        )
        .unwrap();
        tm.latest_height.unwrap()
    };
    // A receive whose commitment proof proves nothing.
    {
        use ibc_proto::ibc::core::channel::v1 as chan;
        use ibc_proto::ibc::core::commitment::v1::MerkleProof;
        let proof = MerkleProof {
            proofs: vec![Default::default(), Default::default()],
        };
        let msg = chan::MsgRecvPacket {
            packet: Some(chan::Packet {
                sequence: 999,
                source_port: "transfer".into(),
                source_channel: their_chan.clone(),
                destination_port: "transfer".into(),
                destination_channel: our_chan.clone(),
                data: br#"{"amount":"1000000","denom":"stake","receiver":"x","sender":"y"}"#
                    .to_vec(),
                timeout_height: Some(ibc_proto::ibc::core::client::v1::Height {
                    revision_number: 1,
                    revision_height: 1_000_000,
                }),
                timeout_timestamp: 0,
            }),
            proof_commitment: proof.encode_to_vec(),
            proof_height: Some(latest),
            signer: alice.clone(),
        };
        let (code, codespace, log) = submit_raw(&net, inferchain_app::modules::to_any(&msg)).await;
        assert_eq!(codespace, "ibc", "{log}");
        assert_ne!(code, 0);
        eprintln!("refused as expected: code {code}: {log}");
    }
    // A client update whose header is forged (no valid commit for it).
    {
        use ibc_proto::ibc::core::client::v1 as client;
        use ibc_proto::ibc::lightclients::tendermint::v1 as tm;
        use tendermint_proto::types as tmt;
        let header = tm::Header {
            signed_header: Some(tmt::SignedHeader {
                header: Some(tmt::Header {
                    version: Some(tendermint_proto::version::Consensus { block: 11, app: 0 }),
                    chain_id: "wasmd-local-1".into(),
                    height: (latest.revision_height + 5) as i64,
                    time: Some(tendermint_proto::google::protobuf::Timestamp {
                        seconds: 2_000_000_000,
                        nanos: 0,
                    }),
                    last_block_id: None,
                    last_commit_hash: vec![1; 32],
                    data_hash: vec![2; 32],
                    validators_hash: vec![3; 32],
                    next_validators_hash: vec![3; 32],
                    consensus_hash: vec![4; 32],
                    app_hash: vec![5; 32],
                    last_results_hash: vec![6; 32],
                    evidence_hash: vec![7; 32],
                    proposer_address: vec![8; 20],
                }),
                commit: Some(tmt::Commit {
                    height: (latest.revision_height + 5) as i64,
                    round: 0,
                    block_id: Some(tmt::BlockId {
                        hash: vec![9; 32],
                        part_set_header: Some(tmt::PartSetHeader {
                            total: 1,
                            hash: vec![9; 32],
                        }),
                    }),
                    signatures: vec![],
                }),
            }),
            validator_set: Some(tmt::ValidatorSet::default()),
            trusted_height: Some(latest),
            trusted_validators: Some(tmt::ValidatorSet::default()),
        };
        let msg = client::MsgUpdateClient {
            client_id: client_id.clone(),
            client_message: Some(ibc_proto::google::protobuf::Any {
                type_url: "/ibc.lightclients.tendermint.v1.Header".into(),
                value: header.encode_to_vec(),
            }),
            signer: alice.clone(),
        };
        let (code, codespace, log) = submit_raw(&net, inferchain_app::modules::to_any(&msg)).await;
        assert_eq!(codespace, "ibc", "{log}");
        assert_ne!(code, 0);
        eprintln!("refused as expected: code {code}: {log}");
    }
    // A message that doesn't decode into a valid IBC message at all.
    {
        use ibc_proto::ibc::core::channel::v1 as chan;
        let msg = chan::MsgChannelOpenInit {
            port_id: "no such port!".into(),
            channel: None,
            signer: alice.clone(),
        };
        let (code, codespace, log) = submit_raw(&net, inferchain_app::modules::to_any(&msg)).await;
        assert_eq!((codespace.as_str(), code), ("ibc", 2), "{log}");
        eprintln!("refused as expected: code {code}: {log}");
    }
    // Still producing blocks, and still relaying.
    let h = net.height().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while net.height().await.unwrap_or(0) < h + 2 {
        assert!(
            Instant::now() < deadline,
            "the chain stopped after the bad input"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    net.our_transfer(&user, "1uspec", 600).unwrap();
    poll_eq(t, "a transfer after the bad input", 651, || async {
        net.wasmd_balance(&user, &uspec_voucher)
    })
    .await
    .unwrap();

    inference_over_ibc(&net, &user, &their_chan, &uspec_voucher).await;
}

/// An input of the demo architecture (16 values at scale 256).
const INPUT: &str = "[64,-32,128,0,12,-256,90,40,7,-7,300,-1,5,18,-90,33]";
const PRICE: u128 = 100;
const FEE: u128 = 1000;

impl IbcNet {
    fn consumer(&self) -> String {
        self.s(&["inference", "contract"])
    }

    /// A smart query of the consumer contract on wasmd.
    fn consumer_query(&self, q: &str) -> Result<Value> {
        Ok(
            self.wasmd(&["q", "wasm", "contract-state", "smart", &self.consumer(), q])?["data"]
                .take(),
        )
    }

    /// The consumer's request by packet sequence, once its status is not pending.
    async fn resolved(&self, sequence: u64, timeout: Duration) -> Value {
        let q = format!(r#"{{"request":{{"sequence":{sequence}}}}}"#);
        poll(
            timeout,
            &format!("request {sequence} to resolve on wasmd"),
            || {
                let r = self.consumer_query(&q).ok()?;
                (r["status"] != "pending" && !r.is_null()).then_some(r)
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", self.hermes_log_tail()))
    }

    /// The user asks feed `feed` through the consumer, paying the price.
    async fn request(&self, feed: u64, timeout_seconds: u64) {
        let msg = format!(
            r#"{{"request":{{"feed_id":"{feed}","input":{INPUT},"timeout_seconds":{timeout_seconds}}}}}"#
        );
        self.wasmd_tx(&[
            "tx",
            "wasm",
            "execute",
            &self.consumer(),
            &msg,
            "--amount",
            "100stake",
            "--gas",
            "1000000",
        ])
        .await
        .unwrap();
    }

    fn feed_id(&self, which: &str) -> u64 {
        self.info["inference"][which].as_u64().unwrap()
    }

    async fn inference_request(
        &self,
        id: u64,
    ) -> inferchain_proto::inferchain::inference::v1::InferenceRequest {
        use inferchain_proto::inferchain::inference::v1 as pb;
        let r: pb::QueryRequestResponse = self
            .ours()
            .query(
                "/inferchain.inference.v1.Query/Request",
                &pb::QueryRequestRequest { id },
            )
            .await
            .unwrap();
        r.request.unwrap()
    }

    async fn feed(&self, id: u64) -> inferchain_proto::inferchain::inference::v1::Feed {
        use inferchain_proto::inferchain::inference::v1 as pb;
        let r: pb::QueryFeedResponse = self
            .ours()
            .query(
                "/inferchain.inference.v1.Query/Feed",
                &pb::QueryFeedRequest { id },
            )
            .await
            .unwrap();
        r.feed.unwrap()
    }

    /// Waits until no packet sent from `port`/`channel` here awaits its acknowledgement.
    async fn commitments_cleared(&self, port: &str, channel: &str, timeout: Duration) {
        use ibc_proto::ibc::core::channel::v1 as chan;
        let ours = self.ours();
        poll(
            timeout,
            &format!("the commitments on {port}/{channel} to clear"),
            || {
                let r: chan::QueryPacketCommitmentsResponse = futures_block(ours.query(
                    "/ibc.core.channel.v1.Query/PacketCommitments",
                    &chan::QueryPacketCommitmentsRequest {
                        port_id: port.into(),
                        channel_id: channel.into(),
                        pagination: None,
                    },
                ))
                .ok()?;
                r.commitments.is_empty().then_some(())
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", self.hermes_log_tail()));
    }

    fn wasmd_commitments(&self, port: &str, channel: &str) -> usize {
        let r = self
            .wasmd(&["q", "ibc", "channel", "packet-commitments", port, channel])
            .unwrap();
        r["commitments"].as_array().map_or(0, Vec::len)
    }
}

/// The inference application end to end: the wasmd contract's requests answered with
/// verified results it stores, an SLA miss and a packet timeout refunding, bad requests
/// refused with error acknowledgements, Hermes stopped mid-flow and `hermes clear packets`
/// finishing the job, a feed publishing its results; nothing lost or doubled.
async fn inference_over_ibc(net: &IbcNet, user: &str, their_transfer: &str, uspec_voucher: &str) {
    let t = Duration::from_secs(180);
    let contract = net.consumer();
    let port = format!("wasm.{contract}");
    let our_chan = net.s(&["inference", "inferchain_channel"]);
    let their_chan = net.s(&["inference", "wasmd_channel"]);
    let account = net.s(&["inference", "deposit_account"]);
    let served = net.feed_id("served_feed");
    let unserved = net.feed_id("unserved_feed");

    // The inference channel: open, unordered, versioned, each end naming the other.
    {
        use ibc_proto::ibc::core::channel::v1 as chan;
        let r: chan::QueryChannelResponse = net
            .ours()
            .query(
                "/ibc.core.channel.v1.Query/Channel",
                &chan::QueryChannelRequest {
                    port_id: "inference".into(),
                    channel_id: our_chan.clone(),
                },
            )
            .await
            .unwrap();
        let c = r.channel.unwrap();
        assert_eq!(c.state, chan::State::Open as i32);
        assert_eq!(c.ordering, chan::Order::Unordered as i32);
        assert_eq!(c.version, "inferchain-inference-1");
        let cp = c.counterparty.unwrap();
        assert_eq!(
            (cp.port_id.as_str(), cp.channel_id.as_str()),
            (port.as_str(), their_chan.as_str())
        );
        let theirs = net
            .wasmd(&["q", "ibc", "channel", "end", &port, &their_chan])
            .unwrap();
        assert_eq!(theirs["channel"]["state"], "STATE_OPEN", "{theirs}");
        assert_eq!(
            theirs["channel"]["counterparty"]["channel_id"],
            our_chan.as_str()
        );
    }
    // The CLI derives the same deposit account.
    let out = Command::new("inferchaind")
        .args(["ibc", "inference-account", &our_chan, &contract])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), account);

    // Funded over ICS-20: wasmd's user sends back uspec vouchers to the contract's deposit
    // account on InferChain.
    net.our_transfer(user, "20000uspec", 600).unwrap();
    poll_eq(t, "uspec vouchers for the deposit", 20651, || async {
        net.wasmd_balance(user, uspec_voucher)
    })
    .await
    .unwrap();
    net.wasmd_tx(&[
        "tx",
        "ibc-transfer",
        "transfer",
        "transfer",
        their_transfer,
        &account,
        &format!("20000{uspec_voucher}"),
    ])
    .await
    .unwrap();
    let mut deposit = 20_000u128;
    poll_eq(
        t,
        "the deposit account funded over ICS-20",
        deposit,
        || async { net.balance(&account, "uspec").await },
    )
    .await
    .unwrap();

    // 1. A request answered with a verified result, which the contract stores.
    let started = Instant::now();
    net.request(served, 600).await;
    let r = net.resolved(1, t).await;
    let latency = started.elapsed();
    assert_eq!(r["status"], "fulfilled", "{r}");
    let result = &r["result"];
    let request_id: u64 = result["request_id"].as_str().unwrap().parse().unwrap();
    let ours = net.inference_request(request_id).await;
    assert_eq!(ours.status, "fulfilled");
    let origin = ours.ibc_origin.as_ref().expect("the request came over IBC");
    assert_eq!(
        (origin.channel_id.as_str(), origin.sequence),
        (our_chan.as_str(), 1)
    );
    assert_eq!(
        (origin.sender.as_str(), origin.payer.as_str()),
        (contract.as_str(), account.as_str())
    );
    assert_eq!(result["proof_hash"], ours.proof_hash.as_str());
    assert_eq!(result["input_hash"], ours.input_hash.as_str());
    let output: Vec<i64> = result["output"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(output, ours.output);
    let model = {
        use inferchain_proto::inferchain::inference::v1 as pb;
        let r: pb::QueryModelResponse = net
            .ours()
            .query(
                "/inferchain.inference.v1.Query/Model",
                &pb::QueryModelRequest { id: ours.model_id },
            )
            .await
            .unwrap();
        r.model.unwrap()
    };
    assert_eq!(result["model_commitment"], model.commitment.as_str());
    assert_eq!(result["model_id"], ours.model_id.to_string().as_str());
    deposit -= FEE;
    assert_eq!(net.balance(&account, "uspec").await.unwrap(), deposit);
    assert_eq!(
        net.wasmd_balance(&contract, "stake").unwrap(),
        PRICE,
        "the price is kept"
    );
    // The feed published the same result to the channel's subscriber (the contract).
    let published = poll(t, "the published result", || {
        let p = net
            .consumer_query(&format!(r#"{{"published":{{"feed_id":"{served}"}}}}"#))
            .ok()?;
        p["results"]
            .as_array()?
            .iter()
            .find(|x| x["request_id"] == request_id.to_string().as_str())
            .cloned()
    })
    .await
    .unwrap();
    assert_eq!(published["proof_hash"], result["proof_hash"]);
    eprintln!(
        "figure: request -> verified result across chains: {:.1} s",
        latency.as_secs_f64()
    );

    // 2. An SLA miss (no prover holds the unserved feed's model): an error ack with the
    //    refund, the fee back in the deposit account, the user's price refunded.
    net.request(unserved, 600).await;
    let r = net.resolved(2, t).await;
    assert_eq!(r["status"], "failed", "{r}");
    let f = &r["failure"];
    assert_eq!(
        (f["codespace"].as_str(), f["code"].as_u64()),
        (Some("inference"), Some(41)),
        "{r}"
    );
    assert_eq!(f["refund"], FEE.to_string().as_str());
    assert_eq!(f["payer"], account.as_str());
    assert_eq!(
        r["refunded"][0]["amount"],
        PRICE.to_string().as_str(),
        "{r}"
    );
    let missed = net
        .inference_request(f["request_id"].as_str().unwrap().parse().unwrap())
        .await;
    assert_eq!(missed.status, "timed_out");
    assert_eq!(net.balance(&account, "uspec").await.unwrap(), deposit);
    assert_eq!(net.wasmd_balance(&contract, "stake").unwrap(), PRICE);

    // 3. Bad requests: an unknown feed and a malformed packet get error acks at once.
    let msg = format!(r#"{{"request":{{"feed_id":"999","input":{INPUT}}}}}"#);
    net.wasmd_tx(&[
        "tx", "wasm", "execute", &contract, &msg, "--amount", "100stake", "--gas", "1000000",
    ])
    .await
    .unwrap();
    let r = net.resolved(3, t).await;
    assert_eq!(r["status"], "failed", "{r}");
    assert_eq!(r["failure"]["code"], 26, "feed not found: {r}");
    assert!(
        r["failure"]["message"]
            .as_str()
            .unwrap()
            .contains("feed 999 not found"),
        "{r}"
    );
    assert_eq!(r["failure"]["refund"], "0");
    let raw = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        b"{\"request\":{\"feed_id\":\"x\"}}",
    );
    net.wasmd_tx(&[
        "tx",
        "wasm",
        "execute",
        &contract,
        &format!(r#"{{"send_raw":{{"data":"{raw}"}}}}"#),
        "--gas",
        "1000000",
    ])
    .await
    .unwrap();
    let r = net.resolved(4, t).await;
    assert_eq!(r["failure"]["code"], 40, "malformed: {r}");
    assert!(
        r["failure"]["message"]
            .as_str()
            .unwrap()
            .contains("malformed inference packet"),
        "{r}"
    );
    assert_eq!(
        net.balance(&account, "uspec").await.unwrap(),
        deposit,
        "nothing drawn"
    );

    // 4. A packet timeout: sent while no relayer runs, with a short timeout; Hermes then
    //    proves non-receipt and the contract refunds the user. InferChain opened nothing.
    let requests_before = net.feed(served).await.requests;
    net.stop_hermes().unwrap();
    net.request(served, 4).await;
    tokio::time::sleep(Duration::from_secs(6)).await; // past the packet's own timeout
    net.start_hermes().unwrap();
    let r = net.resolved(5, t).await;
    assert_eq!(r["status"], "timed_out", "{r}");
    assert_eq!(
        r["refunded"][0]["amount"],
        PRICE.to_string().as_str(),
        "{r}"
    );
    assert_eq!(
        net.feed(served).await.requests,
        requests_before,
        "a timed-out packet was received"
    );
    assert_eq!(net.balance(&account, "uspec").await.unwrap(), deposit);

    // 5. Hermes stopped mid-flow: a request waits on wasmd; `hermes clear packets` carries it
    //    to InferChain, the prover fulfils it, and a second clear brings the result back.
    net.stop_hermes().unwrap();
    net.request(served, 600).await;
    assert_eq!(net.wasmd_commitments(&port, &their_chan), 1);
    let clear = [
        "clear",
        "packets",
        "--chain",
        "wasmd-local-1",
        "--port",
        &port,
        "--channel",
        &their_chan,
    ];
    net.hermes(&clear).unwrap();
    poll(
        t,
        "the cleared request to be fulfilled on InferChain",
        || {
            let f = futures_block(net.feed(served));
            (f.fulfilled == requests_before + 1).then_some(())
        },
    )
    .await
    .unwrap();
    assert_eq!(
        net.consumer_query(r#"{"request":{"sequence":6}}"#).unwrap()["status"],
        "pending"
    );
    net.hermes(&clear).unwrap();
    let r = net.resolved(6, t).await;
    assert_eq!(r["status"], "fulfilled", "{r}");
    deposit -= FEE;
    net.start_hermes().unwrap();

    // Nothing lost or doubled: every request resolved once, the fees drawn once per
    // fulfilment, no packet left in flight on either side.
    let all = net.consumer_query(r#"{"requests":{}}"#).unwrap();
    let statuses: Vec<&str> = all["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "fulfilled",
            "failed",
            "failed",
            "failed",
            "timed_out",
            "fulfilled"
        ]
    );
    let feed = net.feed(served).await;
    assert_eq!(
        (feed.requests, feed.fulfilled, feed.timed_out),
        (requests_before + 1, requests_before + 1, 0)
    );
    assert_eq!(net.balance(&account, "uspec").await.unwrap(), deposit);
    assert_eq!(net.wasmd_balance(&contract, "stake").unwrap(), 2 * PRICE);
    assert_eq!(net.wasmd_commitments(&port, &their_chan), 0);
    // Our published results were acknowledged by the subscriber.
    net.commitments_cleared("inference", &our_chan, t).await;
}

/// Runs a future to completion from a synchronous poll closure (the test's runtime is
/// multi-threaded, so blocking one worker is fine).
fn futures_block<F: std::future::Future>(f: F) -> F::Output {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(f))
}
