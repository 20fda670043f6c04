//! `inferchaind tx wasm ...`, with wasmd's argument order and flags.

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand};
use cosmos_sdk_proto::cosmwasm::wasm::v1::*;
use inferchain_app::address::Address;
use inferchain_app::coins::Coins;
use inferchain_app::keyring::Keyring;
use inferchain_app::modules::to_any;
use tendermint_proto::google::protobuf::Any;

use super::broadcast::{broadcast, TxArgs};

#[derive(Args, Clone)]
pub struct Signer {
    /// Key (name in the keyring) that signs and pays.
    #[arg(long)]
    pub from: String,
    #[command(flatten)]
    pub tx: TxArgs,
}

#[derive(Args, Clone)]
pub struct InstantiateFlags {
    /// A human-readable name for the contract.
    #[arg(long)]
    pub label: String,
    /// Address allowed to migrate the contract.
    #[arg(long, conflicts_with = "no_admin")]
    pub admin: Option<String>,
    /// Instantiate without an admin (the contract can never be migrated).
    #[arg(long)]
    pub no_admin: bool,
    /// Coins to send to the contract, e.g. 100uspec.
    #[arg(long)]
    pub amount: Option<String>,
}

/// Who may instantiate a code (wasmd's flags; at most one).
#[derive(Args, Clone)]
#[group(multiple = false)]
pub struct PermissionFlags {
    /// Everybody may instantiate.
    #[arg(long)]
    pub instantiate_everybody: bool,
    /// Nobody may (but the wasm authority, i.e. governance).
    #[arg(long)]
    pub instantiate_nobody: bool,
    /// Only these addresses may (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub instantiate_anyof_addresses: Vec<String>,
}

impl PermissionFlags {
    fn config(&self) -> Result<Option<AccessConfig>> {
        let (permission, addresses) = if self.instantiate_everybody {
            (AccessType::Everybody, vec![])
        } else if self.instantiate_nobody {
            (AccessType::Nobody, vec![])
        } else if !self.instantiate_anyof_addresses.is_empty() {
            let addrs = self
                .instantiate_anyof_addresses
                .iter()
                .map(|a| contract_addr(a))
                .collect::<Result<_>>()?;
            (AccessType::AnyOfAddresses, addrs)
        } else {
            return Ok(None);
        };
        Ok(Some(AccessConfig {
            permission: permission as i32,
            addresses,
        }))
    }
}

#[derive(Subcommand)]
pub enum WasmTx {
    /// Upload wasm code (gzipped before sending; .wasm or .wasm.gz). Without a permission
    /// flag everybody may instantiate it.
    Store {
        file: String,
        #[command(flatten)]
        permission: PermissionFlags,
        #[command(flatten)]
        signer: Signer,
    },
    /// Change who may instantiate a code (its creator or the wasm authority):
    /// `update-instantiate-config <code-id> --instantiate-…`.
    UpdateInstantiateConfig {
        code_id: u64,
        #[command(flatten)]
        permission: PermissionFlags,
        #[command(flatten)]
        signer: Signer,
    },
    /// Instantiate a contract: `instantiate <code-id> <json>`.
    Instantiate {
        code_id: u64,
        msg: String,
        #[command(flatten)]
        flags: InstantiateFlags,
        #[command(flatten)]
        signer: Signer,
    },
    /// Instantiate at a predictable address: `instantiate2 <code-id> <json> <salt>`.
    Instantiate2 {
        code_id: u64,
        msg: String,
        salt: String,
        /// The salt is hex (otherwise its UTF-8 bytes are used).
        #[arg(long)]
        hex: bool,
        /// Include the message in the address derivation.
        #[arg(long)]
        fix_msg: bool,
        #[command(flatten)]
        flags: InstantiateFlags,
        #[command(flatten)]
        signer: Signer,
    },
    /// Execute a contract: `execute <contract> <json>`.
    Execute {
        contract: String,
        msg: String,
        #[arg(long)]
        amount: Option<String>,
        #[command(flatten)]
        signer: Signer,
    },
    /// Migrate a contract to new code: `migrate <contract> <new-code-id> <json>`.
    Migrate {
        contract: String,
        code_id: u64,
        msg: String,
        #[command(flatten)]
        signer: Signer,
    },
    /// Set a contract's admin: `set-contract-admin <contract> <new-admin>`.
    SetContractAdmin {
        contract: String,
        new_admin: String,
        #[command(flatten)]
        signer: Signer,
    },
    /// Rename a contract (its admin only): `set-contract-label <contract> <new-label>`.
    SetContractLabel {
        contract: String,
        new_label: String,
        #[command(flatten)]
        signer: Signer,
    },
    /// Remove a contract's admin for good.
    ClearContractAdmin {
        contract: String,
        #[command(flatten)]
        signer: Signer,
    },
}

fn coins(amount: &Option<String>) -> Result<Vec<cosmos_sdk_proto::cosmos::base::v1beta1::Coin>> {
    match amount {
        Some(a) => Ok(Coins::parse(a).map_err(|e| anyhow!(e.log))?.to_proto()),
        None => Ok(vec![]),
    }
}

fn json_msg(msg: &str) -> Result<Vec<u8>> {
    serde_json::from_str::<serde_json::Value>(msg).context("the contract message must be JSON")?;
    Ok(msg.as_bytes().to_vec())
}

fn admin(flags: &InstantiateFlags) -> Result<String> {
    match (&flags.admin, flags.no_admin) {
        (Some(a), _) => Ok(a.parse::<Address>()?.to_bech32()),
        (None, true) => Ok(String::new()),
        (None, false) => bail!("set --admin <address> or --no-admin (as wasmd requires)"),
    }
}

/// Reads a wasm file and gzips it (as CosmJS does) unless it is gzipped already.
fn read_wasm(file: &str) -> Result<Vec<u8>> {
    use std::io::Write;
    let bytes = std::fs::read(file).with_context(|| format!("reading {file}"))?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    if !bytes.starts_with(b"\0asm") {
        bail!("{file} is not a wasm file");
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&bytes)?;
    Ok(gz.finish()?)
}

impl WasmTx {
    fn signer(&self) -> &Signer {
        match self {
            WasmTx::Store { signer, .. }
            | WasmTx::UpdateInstantiateConfig { signer, .. }
            | WasmTx::Instantiate { signer, .. }
            | WasmTx::Instantiate2 { signer, .. }
            | WasmTx::Execute { signer, .. }
            | WasmTx::Migrate { signer, .. }
            | WasmTx::SetContractAdmin { signer, .. }
            | WasmTx::SetContractLabel { signer, .. }
            | WasmTx::ClearContractAdmin { signer, .. } => signer,
        }
    }
}

fn contract_addr(s: &str) -> Result<String> {
    Ok(s.parse::<Address>()?.to_bech32())
}

pub async fn run(home: &Path, cmd: WasmTx) -> Result<()> {
    let signer = cmd.signer().clone();
    let ring = Keyring::open(home)?;
    let key = ring.get(&signer.from)?;
    let sender = key.address.clone();
    let msg: Any = match cmd {
        WasmTx::Store {
            file, permission, ..
        } => to_any(&MsgStoreCode {
            sender,
            wasm_byte_code: read_wasm(&file)?,
            instantiate_permission: permission.config()?,
        }),
        WasmTx::UpdateInstantiateConfig {
            code_id,
            permission,
            ..
        } => to_any(&MsgUpdateInstantiateConfig {
            sender,
            code_id,
            new_instantiate_permission: Some(permission.config()?.ok_or_else(|| {
                anyhow!(
                    "give one of --instantiate-everybody, --instantiate-nobody, --instantiate-anyof-addresses"
                )
            })?),
        }),
        WasmTx::Instantiate {
            code_id,
            msg,
            flags,
            ..
        } => to_any(&MsgInstantiateContract {
            sender,
            admin: admin(&flags)?,
            code_id,
            label: flags.label.clone(),
            msg: json_msg(&msg)?,
            funds: coins(&flags.amount)?,
        }),
        WasmTx::Instantiate2 {
            code_id,
            msg,
            salt,
            hex,
            fix_msg,
            flags,
            ..
        } => {
            let salt = if hex {
                ::hex::decode(&salt).context("--hex salt")?
            } else {
                salt.into_bytes()
            };
            to_any(&MsgInstantiateContract2 {
                sender,
                admin: admin(&flags)?,
                code_id,
                label: flags.label.clone(),
                msg: json_msg(&msg)?,
                funds: coins(&flags.amount)?,
                salt,
                fix_msg,
            })
        }
        WasmTx::Execute {
            contract,
            msg,
            amount,
            ..
        } => to_any(&MsgExecuteContract {
            sender,
            contract: contract_addr(&contract)?,
            msg: json_msg(&msg)?,
            funds: coins(&amount)?,
        }),
        WasmTx::Migrate {
            contract,
            code_id,
            msg,
            ..
        } => to_any(&MsgMigrateContract {
            sender,
            contract: contract_addr(&contract)?,
            code_id,
            msg: json_msg(&msg)?,
        }),
        WasmTx::SetContractLabel {
            contract,
            new_label,
            ..
        } => to_any(&MsgUpdateContractLabel {
            sender,
            new_label,
            contract: contract_addr(&contract)?,
        }),
        WasmTx::SetContractAdmin {
            contract,
            new_admin,
            ..
        } => to_any(&MsgUpdateAdmin {
            sender,
            new_admin: contract_addr(&new_admin)?,
            contract: contract_addr(&contract)?,
        }),
        WasmTx::ClearContractAdmin { contract, .. } => to_any(&MsgClearAdmin {
            sender,
            contract: contract_addr(&contract)?,
        }),
    };
    broadcast(&key.signing_key()?, vec![msg], &signer.tx).await
}
