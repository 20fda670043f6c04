//! `inferchaind ibc …`: facts a relayer's configuration needs, printed from the code that
//! defines them so the configuration can't drift from the chain.

use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum IbcCmd {
    /// The ICS23 proof specs of this chain's commitments (two JMT layers: key in the `ibc`
    /// substore, substore root in the app hash), as the JSON Hermes's `proof_specs` takes.
    ProofSpecs,
    /// The deposit account on InferChain that pays the requests `sender` (an address on the
    /// counterparty) sends over `channel` (this chain's end, port `inference`): fund it with
    /// an ICS-20 transfer of uspec. `inference-account channel-1 wasm1…`
    InferenceAccount { channel: String, sender: String },
}

pub fn run(cmd: IbcCmd) -> Result<()> {
    match cmd {
        IbcCmd::ProofSpecs => {
            let spec = inferchain_app::store::proof_spec();
            println!("{}", serde_json::to_string_pretty(&[spec.clone(), spec])?);
        }
        IbcCmd::InferenceAccount { channel, sender } => {
            use inferchain_app::modules::inference::ibc_packet;
            ibc_packet::check_sender(&sender).map_err(anyhow::Error::msg)?;
            println!(
                "{}",
                ibc_packet::deposit_account(&channel, &sender).to_bech32()
            );
        }
    }
    Ok(())
}

/// `inferchaind tx ibc …`
#[derive(Subcommand)]
pub enum IbcTx {
    /// ICS-20: send coins to an account on another chain:
    /// `transfer <from-key> <channel> <receiver> <coin>` (a voucher by its `ibc/<HASH>` name).
    Transfer {
        from: String,
        channel: String,
        receiver: String,
        amount: String,
        /// Refunded if not received within this many seconds (the packet's timeout timestamp).
        #[arg(long, default_value_t = 600)]
        timeout_seconds: u64,
        #[arg(long, default_value = "")]
        memo: String,
        #[command(flatten)]
        tx: super::broadcast::TxArgs,
    },
}

pub async fn tx(home: &std::path::Path, cmd: IbcTx) -> Result<()> {
    use anyhow::anyhow;
    use ibc_proto::ibc::applications::transfer::v1::MsgTransfer;
    use inferchain_app::coins::Coins;
    use inferchain_app::keyring::Keyring;
    match cmd {
        IbcTx::Transfer {
            from,
            channel,
            receiver,
            amount,
            timeout_seconds,
            memo,
            tx,
        } => {
            let ring = Keyring::open(home)?;
            let key = ring.get(&from)?;
            let coins = Coins::parse(&amount).map_err(|e| anyhow!(e.log))?;
            let [coin] = coins.0.as_slice() else {
                anyhow::bail!("ICS-20 sends one denomination per transfer, not {amount:?}");
            };
            // The timeout is the sender's choice, measured against the receiving chain's
            // block time; the local clock is what the SDK's CLI uses too.
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
            let msg = MsgTransfer {
                source_port: "transfer".into(),
                source_channel: channel,
                token: Some(ibc_proto::cosmos::base::v1beta1::Coin {
                    denom: coin.denom.clone(),
                    amount: coin.amount.to_string(),
                }),
                sender: key.address.clone(),
                receiver,
                timeout_height: None,
                timeout_timestamp: (now.as_nanos() as u64)
                    .saturating_add(timeout_seconds.saturating_mul(1_000_000_000)),
                memo,
            };
            super::broadcast::broadcast(
                &key.signing_key()?,
                vec![inferchain_app::modules::to_any(&msg)],
                &tx,
            )
            .await
        }
    }
}
