//! Harness for end-to-end tests: a real CometBFT localnet started with `localnet/localnet.sh`
//! in a temporary directory on its own ports, stopped when dropped. Every wait polls with a
//! deadline; nothing sleeps for a fixed time and hopes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use inferchain_app::address::Address;
use inferchain_app::client::Client;
use inferchain_app::keyring::key_from_mnemonic;
use inferchain_app::rpc_client::num;
use k256::ecdsa::SigningKey;
use serde_json::Value;

pub mod load;
pub mod perturb;

pub const CHAIN_ID: &str = "inferchain-local-1";

/// What end-to-end localnets register at genesis unless a test asks for more: one small
/// circuit, so every node's start (which builds each registered verifier) stays quick.
pub const TEST_ARCHITECTURES: &str = "mlp-16-32-16-1=score:16/private";

pub fn repo_root() -> PathBuf {
    // `cargo test` sets it at run time; the compile-time value may name another checkout
    // that shares the target dir (CI clones do).
    let manifest_dir =
        std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into());
    Path::new(&manifest_dir)
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The Python with unmodified cosmpy that `tests/run.sh` installs (`INFERCHAIN_COSMPY_VENV`).
pub fn cosmpy_python() -> PathBuf {
    let venv = std::env::var("INFERCHAIN_COSMPY_VENV").unwrap_or_else(|_| {
        format!(
            "{}/.cache/inferchain/cosmpy-venv",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    let python = Path::new(&venv).join("bin/python");
    assert!(
        python.exists(),
        "{} is missing: tests/run.sh installs cosmpy",
        python.display()
    );
    python
}

/// The value of attribute `key` of the first `ty` event of a transaction result (the SDK's
/// `TxResponse` JSON that `inferchaind … --output json` prints) that has it.
pub fn attr(res: &Value, ty: &str, key: &str) -> Option<String> {
    res["events"]
        .as_array()?
        .iter()
        .filter(|e| e["type"] == ty)
        .find_map(|e| {
            e["attributes"]
                .as_array()?
                .iter()
                .find(|a| a["key"] == key)
                .map(|a| a["value"].as_str().unwrap().to_string())
        })
}

/// `ours` has the SDK's shape: the same keys at every level and the same JSON types (a
/// fixture's `null` matches anything: optional in the SDK's answers).
/// The Cosmos SDK's answer on a REST route, for shape comparisons (`tests/fixtures/rest/`).
pub fn rest_fixture(name: &str) -> Value {
    let path = repo_root().join(format!("tests/fixtures/rest/{name}.json"));
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn same_shape(sdk: &Value, ours: &Value, at: &str) -> Result<(), String> {
    match (sdk, ours) {
        (Value::Null, _) => Ok(()),
        (Value::Object(a), Value::Object(b)) => {
            let (ka, kb): (Vec<_>, Vec<_>) = (a.keys().collect(), b.keys().collect());
            if ka != kb {
                return Err(format!("{at}: keys {kb:?}, the SDK's {ka:?}"));
            }
            a.iter()
                .try_for_each(|(k, v)| same_shape(v, &b[k], &format!("{at}.{k}")))
        }
        (Value::Array(a), Value::Array(b)) => match a.first() {
            Some(first) => b
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| same_shape(first, v, &format!("{at}[{i}]"))),
            None => Ok(()),
        },
        (Value::String(_), Value::String(_))
        | (Value::Number(_), Value::Number(_))
        | (Value::Bool(_), Value::Bool(_)) => Ok(()),
        (a, b) => Err(format!("{at}: {b} where the SDK has {a}")),
    }
}

pub struct DevAccount {
    pub name: String,
    pub address: String,
    pub mnemonic: String,
}

impl DevAccount {
    pub fn key(&self) -> SigningKey {
        key_from_mnemonic(&self.mnemonic).expect("dev mnemonic is valid")
    }
    pub fn addr(&self) -> Address {
        self.address.parse().expect("dev address is valid")
    }
}

pub struct Localnet {
    pub dir: PathBuf,
    pub validators: usize,
    pub offset: u32,
    pub accounts: Vec<DevAccount>,
}

fn script() -> PathBuf {
    repo_root().join("localnet/localnet.sh")
}

fn run_checked(cmd: &mut Command) -> Result<Output> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(out)
}

impl Localnet {
    /// Initialises and starts `validators` nodes on ports shifted by `offset`, and waits until
    /// every node has committed a block.
    pub async fn start(name: &str, validators: usize, offset: u32) -> Result<Self> {
        Self::start_with(name, validators, offset, &[]).await
    }

    /// Like [`Self::start`], with extra `localnet.sh init` flags.
    pub async fn start_with(
        name: &str,
        validators: usize,
        offset: u32,
        init_flags: &[&str],
    ) -> Result<Self> {
        Self::start_full(name, validators, offset, init_flags, TEST_ARCHITECTURES).await
    }

    /// Like [`Self::start_with`], registering `architectures` at genesis
    /// (`INFERCHAIN_ARCHITECTURES` of `localnet.sh init`).
    pub async fn start_full(
        name: &str,
        validators: usize,
        offset: u32,
        init_flags: &[&str],
        architectures: &str,
    ) -> Result<Self> {
        let dir =
            std::env::temp_dir().join(format!("inferchain-e2e-{name}-{}", std::process::id()));
        run_checked(
            Command::new("bash")
                .arg(script())
                .args([
                    "init",
                    "--validators",
                    &validators.to_string(),
                    "--dir",
                    dir.to_str().unwrap(),
                    "--port-offset",
                    &offset.to_string(),
                    "--block-time",
                    "500ms",
                ])
                .args(init_flags)
                .env("INFERCHAIN_ARCHITECTURES", architectures),
        )?;
        let accounts: Value = serde_json::from_slice(&std::fs::read(dir.join("accounts.json"))?)?;
        let accounts = accounts
            .as_array()
            .context("accounts.json is a list")?
            .iter()
            .map(|a| DevAccount {
                name: a["name"].as_str().unwrap_or_default().into(),
                address: a["address"].as_str().unwrap_or_default().into(),
                mnemonic: a["mnemonic"].as_str().unwrap_or_default().into(),
            })
            .collect();
        let net = Localnet {
            dir,
            validators,
            offset,
            accounts,
        };
        net.start_stopped()?;
        for i in 0..validators {
            net.wait_height(i, 2, Duration::from_secs(90)).await?;
        }
        Ok(net)
    }

    /// Starts every node that isn't running (after a kill).
    pub fn start_stopped(&self) -> Result<()> {
        run_checked(Command::new("bash").arg(script()).args([
            "start",
            "--dir",
            self.dir.to_str().unwrap(),
        ]))?;
        Ok(())
    }

    /// Adds a full node to the running localnet (`localnet.sh add-node`: its own CometBFT
    /// keys, the genesis and peers of the others), starts it and returns its index. It is
    /// not a validator until it bonds on the staking contract.
    pub fn add_node(&self) -> Result<usize> {
        self.add_node_with(&[])
    }

    /// Like [`Self::add_node`], with extra `localnet.sh add-node` flags (`--state-sync`).
    pub fn add_node_with(&self, flags: &[&str]) -> Result<usize> {
        let out = run_checked(
            Command::new("bash")
                .arg(script())
                .args(["add-node", "--dir", self.dir.to_str().unwrap()])
                .args(flags),
        )?;
        let text = String::from_utf8_lossy(&out.stdout);
        text.trim()
            .lines()
            .last()
            .and_then(|l| l.trim().parse().ok())
            .with_context(|| format!("add-node printed no index: {text}"))
    }

    /// CometBFT's validator set at the latest height (`/validators`): (address hex, power).
    pub async fn cometbft_validators(&self, i: usize) -> Result<Vec<(String, i64)>> {
        let r = self
            .client(i)
            .rpc
            .call("validators", serde_json::json!({"per_page": "100"}))
            .await?;
        Ok(r["validators"]
            .as_array()
            .context("a validators list")?
            .iter()
            .map(|v| {
                (
                    v["address"].as_str().unwrap_or_default().to_string(),
                    v["voting_power"]
                        .as_str()
                        .and_then(|p| p.parse().ok())
                        .unwrap_or(0),
                )
            })
            .collect())
    }

    pub fn home(&self, i: usize) -> PathBuf {
        self.dir.join(format!("node{i}"))
    }

    pub fn rpc(&self, i: usize) -> String {
        format!("http://127.0.0.1:{}", 26657 + 100 * i as u32 + self.offset)
    }

    pub fn grpc(&self, i: usize) -> String {
        format!("http://127.0.0.1:{}", 9090 + i as u32 + self.offset)
    }

    /// Node `i`'s REST (LCD) server and web app.
    pub fn rest(&self, i: usize) -> String {
        format!("http://127.0.0.1:{}", 1317 + i as u32 + self.offset)
    }

    pub fn client(&self, i: usize) -> Client {
        Client::new(&self.rpc(i), CHAIN_ID)
    }

    pub fn account(&self, name: &str) -> &DevAccount {
        self.accounts
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("no dev account {name}"))
    }

    pub async fn height(&self, i: usize) -> Result<u64> {
        let s = self.client(i).rpc.status().await?;
        Ok(num(&s["sync_info"]["latest_block_height"]))
    }

    pub async fn wait_height(&self, i: usize, h: u64, timeout: Duration) -> Result<()> {
        let start = Instant::now();
        loop {
            if let Ok(now) = self.height(i).await {
                if now >= h {
                    return Ok(());
                }
            }
            if start.elapsed() > timeout {
                bail!("node{i} did not reach height {h} within {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The app hash after executing block `h` (it is in block h+1's header).
    pub async fn app_hash_after(&self, i: usize, h: u64) -> Result<String> {
        let b = self
            .client(i)
            .rpc
            .call("block", serde_json::json!({"height": (h + 1).to_string()}))
            .await?;
        Ok(b["block"]["header"]["app_hash"]
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    /// `kill -9` node i's app and CometBFT.
    pub fn kill9(&self, i: usize) -> Result<()> {
        for f in ["app.pid", "cometbft.pid"] {
            let pid = std::fs::read_to_string(self.home(i).join(f))?;
            Command::new("kill").args(["-9", pid.trim()]).status()?;
        }
        // Wait until both are gone so a restart can bind the same ports.
        let deadline = Instant::now() + Duration::from_secs(20);
        for f in ["app.pid", "cometbft.pid"] {
            let pid = std::fs::read_to_string(self.home(i).join(f))?;
            while Path::new(&format!("/proc/{}", pid.trim())).exists()
                && !std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
                    .unwrap_or_default()
                    .contains(") Z")
            {
                if Instant::now() > deadline {
                    bail!("process {} survived kill -9", pid.trim());
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Ok(())
    }

    /// Runs `inferchaind --home <node0> args...`.
    pub fn cli(&self, args: &[&str]) -> Result<Output> {
        Command::new("inferchaind")
            .arg("--home")
            .arg(self.home(0))
            .args(args)
            .output()
            .context("running inferchaind (is it on PATH? source localnet/env.sh)")
    }

    /// Same, expecting success and JSON on stdout.
    pub fn cli_json(&self, args: &[&str]) -> Result<Value> {
        let out = self.cli(args)?;
        if !out.status.success() {
            bail!(
                "inferchaind {args:?} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        serde_json::from_slice(&out.stdout).with_context(|| {
            format!(
                "inferchaind {args:?} printed non-JSON: {}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }

    pub async fn balance(&self, i: usize, addr: &str) -> Result<u128> {
        use cosmos_sdk_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
        let r: QueryBalanceResponse = self
            .client(i)
            .query(
                "/cosmos.bank.v1beta1.Query/Balance",
                &QueryBalanceRequest {
                    address: addr.into(),
                    denom: "uspec".into(),
                },
            )
            .await?;
        Ok(r.balance
            .map(|c| c.amount.parse().unwrap_or(0))
            .unwrap_or(0))
    }

    pub async fn total_supply(&self, i: usize) -> Result<u128> {
        use cosmos_sdk_proto::cosmos::bank::v1beta1::{
            QuerySupplyOfRequest, QuerySupplyOfResponse,
        };
        let r: QuerySupplyOfResponse = self
            .client(i)
            .query(
                "/cosmos.bank.v1beta1.Query/SupplyOf",
                &QuerySupplyOfRequest {
                    denom: "uspec".into(),
                },
            )
            .await?;
        Ok(r.amount.map(|c| c.amount.parse().unwrap_or(0)).unwrap_or(0))
    }
}

impl Localnet {
    /// Waits until every validator executed `height` and asserts they agree on its app hash.
    pub async fn assert_same_app_hash(&self, height: u64) {
        let mut hashes = Vec::new();
        for i in 0..self.validators {
            // The app hash after `height` is in block height+1's header: wait for that block.
            self.wait_height(i, height + 1, Duration::from_secs(60))
                .await
                .unwrap();
            hashes.push(self.app_hash_after(i, height).await.unwrap());
        }
        assert!(!hashes[0].is_empty());
        assert!(
            hashes.iter().all(|h| h == &hashes[0]),
            "app hashes differ at height {height}: {hashes:?}"
        );
    }

    /// The lowest height every validator has reached.
    pub async fn common_height(&self) -> u64 {
        let mut min = u64::MAX;
        for i in 0..self.validators {
            min = min.min(self.height(i).await.unwrap_or(0));
        }
        min
    }
}

impl Drop for Localnet {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .args(["stop", "--dir", self.dir.to_str().unwrap()])
            .status();
        if std::env::var_os("KEEP_LOCALNET").is_none() && !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// `bytes` gzipped, as clients upload contract code.
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes)?;
    Ok(gz.finish()?)
}
