//! `inferchaind genesis init|add-account`: edits the app part of CometBFT's genesis file.

use std::path::Path;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use inferchain_app::address::Address;
use inferchain_app::coins::Coins;
use inferchain_app::keyring::Keyring;
use inferchain_app::modules::bank::genesis::{BankGenesis, GenesisBalance};
use inferchain_app::modules::inference::circuits;
use inferchain_app::modules::inference::state::default_params;
use inferchain_app::modules::inference::InferenceGenesis;
use inferchain_app::params::ParamsGenesis;
use serde_json::Value;

#[derive(Subcommand)]
pub enum GenesisCmd {
    /// Set the chain id, an empty app state and the block gas limit in
    /// <home>/config/genesis.json.
    Init {
        #[arg(long)]
        chain_id: String,
    },
    /// The chain's authority: the address that may change params, pin and unpin contract
    /// codes and call `sudo` (the governance contract).
    #[command(alias = "set-wasm-authority")]
    SetAuthority { address: String },
    /// Register an architecture the chain verifies proofs for, with the digest of each
    /// circuit as this build of the verifier gives it (every node checks them at start):
    /// `add-architecture mlp-16-32-16-1 [--circuits inference/private,score:64/private]`
    /// (default: the architecture's default set). Builds the verifiers: seconds each.
    AddArchitecture {
        name: String,
        #[arg(long, value_delimiter = ',')]
        circuits: Vec<String>,
    },
    /// The inference module's contracts and minimum model stake.
    SetInference {
        #[arg(long)]
        challenge: Option<String>,
        #[arg(long)]
        staking: Option<String>,
        #[arg(long)]
        min_model_stake: Option<String>,
        /// The reputation contract told of consumed inferences.
        #[arg(long)]
        reputation: Option<String>,
        /// Where the treasury share of inference fees goes (default: the module account
        /// `inference_treasury`).
        #[arg(long)]
        treasury: Option<String>,
    },
    /// The validators module: the staking contract the validator set follows, its seats,
    /// uspec per unit of power and the double-sign slash fraction.
    SetValidators {
        #[arg(long)]
        staking: Option<String>,
        #[arg(long)]
        max_validators: Option<u32>,
        #[arg(long)]
        power_reduction: Option<String>,
        #[arg(long)]
        double_sign_slash_fraction: Option<String>,
    },
    /// Give an address (or a key name from the keyring) coins at genesis.
    AddAccount {
        address_or_key: String,
        coins: String,
    },
}

fn inference_section(doc: &mut Value) -> Result<InferenceGenesis> {
    Ok(serde_json::from_value(doc["app_state"]["inference"].take()).unwrap_or_default())
}

pub fn genesis_path(home: &Path) -> std::path::PathBuf {
    home.join("config").join("genesis.json")
}

fn load(home: &Path) -> Result<Value> {
    let path = genesis_path(home);
    let bytes = std::fs::read(&path).with_context(|| {
        format!(
            "reading {} (run `cometbft init --home {}` first)",
            path.display(),
            home.display()
        )
    })?;
    Ok(serde_json::from_slice(&bytes).with_context(|| format!("parsing {}", path.display()))?)
}

fn save(home: &Path, v: &Value) -> Result<()> {
    let path = genesis_path(home);
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(v)?)?;
    std::fs::rename(&tmp, &path)?;
    Ok(())
}

/// `inferchaind init`: CometBFT writes its config, keys and a genesis; we set the chain id
/// and the app state. Refuses to overwrite an existing genesis.
pub fn init_home(home: &Path, moniker: &str, chain_id: &str) -> Result<()> {
    if genesis_path(home).exists() {
        bail!(
            "{} already exists; remove the home to start over",
            genesis_path(home).display()
        );
    }
    let status = std::process::Command::new("cometbft")
        .arg("init")
        .arg("--home")
        .arg(home)
        .stdout(std::process::Stdio::null())
        .status()
        .context("running `cometbft init` (is cometbft on PATH? see localnet/install-deps.sh)")?;
    if !status.success() {
        bail!("cometbft init failed");
    }
    let config = home.join("config").join("config.toml");
    let text = std::fs::read_to_string(&config)?;
    let text = text
        .lines()
        .map(|l| {
            if l.starts_with("moniker = ") {
                format!("moniker = {moniker:?}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&config, text + "\n")?;
    run(
        home,
        GenesisCmd::Init {
            chain_id: chain_id.to_string(),
        },
    )?;
    println!(
        "initialised {} (chain id {chain_id}); add accounts with `inferchaind genesis add-account`",
        home.display()
    );
    Ok(())
}

pub fn run(home: &Path, cmd: GenesisCmd) -> Result<()> {
    let mut doc = load(home)?;
    match cmd {
        GenesisCmd::Init { chain_id } => {
            doc["chain_id"] = Value::String(chain_id);
            doc["app_state"] = serde_json::json!({
                "bank": BankGenesis::default(),
                "params": ParamsGenesis::default(),
                "inference": InferenceGenesis {
                    params: Some(default_params().into()),
                    architectures: Vec::new(),
                },
            });
            // A real block gas limit (CometBFT's default is -1, unlimited): see app/SECURITY.md.
            doc["consensus_params"]["block"]["max_gas"] =
                Value::String(inferchain_app::params::DEFAULT_MAX_BLOCK_GAS.to_string());
        }
        GenesisCmd::SetAuthority { address } => {
            let address: Address = address.parse()?;
            let mut params: ParamsGenesis =
                serde_json::from_value(doc["app_state"]["params"].take()).unwrap_or_default();
            params.authority = Some(address.to_bech32());
            doc["app_state"]["params"] = serde_json::to_value(params)?;
        }
        GenesisCmd::AddArchitecture { name, circuits } => {
            let mut section = inference_section(&mut doc)?;
            if section.architectures.iter().any(|a| a.name == name) {
                bail!("genesis already registers architecture {name}");
            }
            let list = if circuits.is_empty() {
                circuits::default_circuits(&name)
            } else {
                circuits
                    .iter()
                    .map(|c| circuits::parse_circuit_spec(c))
                    .collect::<Result<_, _>>()?
            };
            if list.is_empty() {
                bail!("no circuits: name them with --circuits kind[:rows]/mode");
            }
            eprintln!("building {} verifier(s) of {name} …", list.len());
            let arch = circuits::describe_architecture(&name, &list)?;
            section.architectures.push(arch.into());
            doc["app_state"]["inference"] = serde_json::to_value(section)?;
        }
        GenesisCmd::SetInference {
            challenge,
            staking,
            min_model_stake,
            reputation,
            treasury,
        } => {
            let mut section = inference_section(&mut doc)?;
            let mut params = section.params();
            if let Some(r) = reputation {
                params.reputation_contract = r.parse::<Address>()?.to_bech32();
            }
            if let Some(t) = treasury {
                params.treasury = t.parse::<Address>()?.to_bech32();
            }
            if let Some(c) = challenge {
                params.challenge_contract = c.parse::<Address>()?.to_bech32();
            }
            if let Some(s) = staking {
                params.staking_contract = s.parse::<Address>()?.to_bech32();
            }
            if let Some(m) = min_model_stake {
                params.min_model_stake = m.parse::<u128>()?.to_string();
            }
            section.params = Some(params.into());
            doc["app_state"]["inference"] = serde_json::to_value(section)?;
        }
        GenesisCmd::SetValidators {
            staking,
            max_validators,
            power_reduction,
            double_sign_slash_fraction,
        } => {
            use inferchain_app::modules::validators::ValidatorsGenesis;
            let mut section: ValidatorsGenesis =
                serde_json::from_value(doc["app_state"]["validators"].take()).unwrap_or_default();
            if let Some(s) = staking {
                section.params.staking_contract = Some(s.parse::<Address>()?.to_bech32());
            }
            if max_validators.is_some() {
                section.params.max_validators = max_validators;
            }
            if power_reduction.is_some() {
                section.params.power_reduction = power_reduction;
            }
            if double_sign_slash_fraction.is_some() {
                section.params.double_sign_slash_fraction = double_sign_slash_fraction;
            }
            inferchain_app::modules::validators::validate_params(&section.params())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            doc["app_state"]["validators"] = serde_json::to_value(section)?;
        }
        GenesisCmd::AddAccount {
            address_or_key,
            coins,
        } => {
            let address: Address = match address_or_key.parse() {
                Ok(a) => a,
                Err(addr_err) => match Keyring::open(home)?.get(&address_or_key) {
                    Ok(key) => key.address.parse()?,
                    Err(_) => bail!("{address_or_key:?} is neither a valid address ({addr_err}) nor a key in the keyring"),
                },
            };
            let coins = Coins::parse(&coins).map_err(|e| anyhow::anyhow!(e.log))?;
            let mut bank: BankGenesis =
                serde_json::from_value(doc["app_state"]["bank"].take()).unwrap_or_default();
            if bank
                .balances
                .iter()
                .any(|b| b.address == address.to_bech32())
            {
                bail!("{address} already has a genesis balance");
            }
            bank.balances.push(GenesisBalance {
                address: address.to_bech32(),
                coins: coins.to_string(),
            });
            doc["app_state"]["bank"] = serde_json::to_value(bank)?;
        }
    }
    save(home, &doc)
}
