//! `inferchaind tx staking bond-validator|unbond` (the staking contract, with the proof of
//! possession of a CometBFT consensus key) and `inferchaind query validators set|params`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use base64::Engine;
use clap::Subcommand;
use cosmos_sdk_proto::cosmwasm::wasm::v1::MsgExecuteContract;
use inferchain_app::address::{valcons_bech32, Address};
use inferchain_app::client::Client;
use inferchain_app::coins::{Coins, NATIVE_DENOM};
use inferchain_app::keyring::Keyring;
use inferchain_app::modules::to_any;
use inferchain_proto::inferchain::validators::v1 as pb;
use serde_json::{json, Value};

use super::broadcast::broadcast;
use super::wasm_tx::Signer;
use super::{print, NodeArgs};

const SERVICE: &str = "/inferchain.validators.v1.Query";

#[derive(Subcommand)]
pub enum StakingTx {
    /// Bond stake as a validator with a CometBFT consensus key: signs the proof of possession
    /// (`inferchain/consensus-key/v1/<chain id>/<operator>`) with the key file and executes
    /// the staking contract's `bond`. The signer is the operator (paid the validator's fees).
    BondValidator {
        /// Stake to bond, e.g. 1000000uspec.
        #[arg(long)]
        amount: String,
        /// CometBFT's `priv_validator_key.json` of the node that is to validate.
        #[arg(long)]
        consensus_key: PathBuf,
        /// The staking contract (default: the validators module's `staking_contract`).
        #[arg(long)]
        contract: Option<String>,
        #[command(flatten)]
        signer: Signer,
    },
    /// Start unbonding `amount` uspec of the signer's stake.
    Unbond {
        #[arg(long)]
        amount: u128,
        #[arg(long)]
        contract: Option<String>,
        #[command(flatten)]
        signer: Signer,
    },
}

#[derive(Subcommand)]
pub enum ValidatorsQuery {
    /// The validator set the module has given CometBFT (largest power first).
    Set {
        #[command(flatten)]
        node: NodeArgs,
    },
    Params {
        #[command(flatten)]
        node: NodeArgs,
    },
}

/// A CometBFT `priv_validator_key.json`: the ed25519 key's seed and public key.
pub fn read_consensus_key(path: &Path) -> Result<(ed25519_zebra::SigningKey, [u8; 32])> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let doc: Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a CometBFT key file", path.display()))?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let ty = doc["priv_key"]["type"].as_str().unwrap_or_default();
    if ty != "tendermint/PrivKeyEd25519" {
        bail!(
            "{}: priv_key type {ty:?}: only ed25519 consensus keys are supported",
            path.display()
        );
    }
    let bytes = b64
        .decode(doc["priv_key"]["value"].as_str().unwrap_or_default())
        .context("priv_key.value is not base64")?;
    if bytes.len() != 64 && bytes.len() != 32 {
        bail!("priv_key.value has {} bytes, expected 64", bytes.len());
    }
    let seed: [u8; 32] = bytes[..32].try_into().expect("32 bytes");
    let key = ed25519_zebra::SigningKey::from(seed);
    let public: [u8; 32] = ed25519_zebra::VerificationKey::from(&key).into();
    if bytes.len() == 64 && bytes[32..] != public {
        bail!(
            "{}: the private key does not match its public half",
            path.display()
        );
    }
    Ok((key, public))
}

/// The proof of possession the staking contract checks.
pub fn key_proof(key: &ed25519_zebra::SigningKey, chain_id: &str, operator: &str) -> [u8; 64] {
    let msg = format!("inferchain/consensus-key/v1/{chain_id}/{operator}");
    key.sign(msg.as_bytes()).to_bytes()
}

async fn staking_contract(node: &str, given: Option<String>) -> Result<String> {
    if let Some(c) = given {
        return Ok(c.parse::<Address>()?.to_bech32());
    }
    let r: pb::QueryParamsResponse = Client::new(node, "")
        .query(&format!("{SERVICE}/Params"), &pb::QueryParamsRequest {})
        .await?;
    match r.params.map(|p| p.staking_contract).unwrap_or_default() {
        c if c.is_empty() => {
            bail!("the chain's validators module names no staking contract; pass --contract")
        }
        c => Ok(c),
    }
}

pub async fn tx(home: &Path, cmd: StakingTx) -> Result<()> {
    let ring = Keyring::open(home)?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let (signer, contract, msg, funds) = match cmd {
        StakingTx::BondValidator {
            amount,
            consensus_key,
            contract,
            signer,
        } => {
            let key = ring.get(&signer.from)?;
            let (ckey, public) = read_consensus_key(&consensus_key)?;
            let proof = key_proof(&ckey, &signer.tx.chain_id, &key.address);
            let coins = Coins::parse(&amount).map_err(|e| anyhow::anyhow!(e.log))?;
            if coins.amount_of(NATIVE_DENOM) == 0 || coins.0.len() != 1 {
                bail!("--amount must be {NATIVE_DENOM}, e.g. 1000000{NATIVE_DENOM}");
            }
            let contract = staking_contract(&signer.tx.node.node, contract).await?;
            let msg = json!({"bond": {"role": "validator",
                "consensus_pubkey": b64.encode(public),
                "consensus_key_proof": b64.encode(proof)}});
            (signer, contract, msg, coins)
        }
        StakingTx::Unbond {
            amount,
            contract,
            signer,
        } => {
            let contract = staking_contract(&signer.tx.node.node, contract).await?;
            let msg = json!({"unbond": {"amount": amount.to_string()}});
            (signer, contract, msg, Coins(vec![]))
        }
    };
    let key = ring.get(&signer.from)?;
    let m = MsgExecuteContract {
        sender: key.address.clone(),
        contract,
        msg: msg.to_string().into_bytes(),
        funds: funds.to_proto(),
    };
    broadcast(&key.signing_key()?, vec![to_any(&m)], &signer.tx).await
}

fn params_json(p: &pb::Params) -> Value {
    json!({"staking_contract": p.staking_contract, "max_validators": p.max_validators,
        "power_reduction": p.power_reduction,
        "double_sign_slash_fraction": p.double_sign_slash_fraction})
}

pub async fn query(cmd: ValidatorsQuery) -> Result<()> {
    match cmd {
        ValidatorsQuery::Params { node } => {
            let r: pb::QueryParamsResponse = Client::new(&node.node, "")
                .query(&format!("{SERVICE}/Params"), &pb::QueryParamsRequest {})
                .await?;
            print(
                node.output,
                &json!({"params": r.params.as_ref().map(params_json)}),
            );
        }
        ValidatorsQuery::Set { node } => {
            let r: pb::QueryValidatorSetResponse = Client::new(&node.node, "")
                .query(
                    &format!("{SERVICE}/ValidatorSet"),
                    &pb::QueryValidatorSetRequest {},
                )
                .await?;
            let b64 = base64::engine::general_purpose::STANDARD;
            let validators: Vec<Value> = r
                .validators
                .iter()
                .map(|v| {
                    json!({"address": hex::encode_upper(&v.address),
                        "valcons": valcons_bech32(&v.address),
                        "pub_key": b64.encode(&v.pubkey),
                        "power": v.power.to_string(), "operator": v.operator})
                })
                .collect();
            print(
                node.output,
                &json!({"validators": validators, "total_power": r.total_power.to_string()}),
            );
        }
    }
    Ok(())
}
