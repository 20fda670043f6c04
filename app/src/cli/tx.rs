//! `inferchaind tx ...`: sign with a keyring key, broadcast, optionally wait for the block.

use std::path::Path;

use anyhow::{anyhow, Result};
use clap::Subcommand;
use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;
use inferchain_app::address::Address;
use inferchain_app::coins::Coins;
use inferchain_app::keyring::Keyring;
use inferchain_app::modules::to_any;

use super::broadcast::{broadcast, TxArgs};

#[derive(Subcommand)]
pub enum TxCmd {
    #[command(subcommand)]
    Bank(BankTx),
    /// CosmWasm: store, instantiate, execute, migrate, admin.
    #[command(subcommand)]
    Wasm(super::wasm_tx::WasmTx),
    /// Models and proofs of score (the inference module).
    #[command(subcommand)]
    Inference(super::inference::InferenceTx),
    /// The staking contract: bond as a validator with a consensus key, unbond.
    #[command(subcommand)]
    Staking(super::validators::StakingTx),
    /// IBC: ICS-20 transfers to other chains.
    #[command(subcommand)]
    Ibc(super::ibc::IbcTx),
}

#[derive(Subcommand)]
pub enum BankTx {
    /// Send coins: `send <from-key> <to-address> <coins>`.
    Send {
        from: String,
        to: String,
        amount: String,
        #[command(flatten)]
        tx: TxArgs,
    },
}

pub async fn run(home: &Path, cmd: TxCmd) -> Result<()> {
    let ring = Keyring::open(home)?;
    match cmd {
        TxCmd::Bank(BankTx::Send {
            from,
            to,
            amount,
            tx,
        }) => {
            let key = ring.get(&from)?;
            let to: Address = to.parse()?;
            let coins = Coins::parse(&amount).map_err(|e| anyhow!(e.log))?;
            let msg = MsgSend {
                from_address: key.address.clone(),
                to_address: to.to_bech32(),
                amount: coins.to_proto(),
            };
            broadcast(&key.signing_key()?, vec![to_any(&msg)], &tx).await
        }
        TxCmd::Wasm(cmd) => super::wasm_tx::run(home, cmd).await,
        TxCmd::Inference(cmd) => super::inference::tx(home, cmd).await,
        TxCmd::Staking(cmd) => super::validators::tx(home, cmd).await,
        TxCmd::Ibc(cmd) => super::ibc::tx(home, cmd).await,
    }
}
