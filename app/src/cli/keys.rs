//! `inferchaind keys add|list|show`.

use std::io::BufRead;
use std::path::Path;

use anyhow::{Context, Result};
use clap::Subcommand;
use inferchain_app::keyring::{new_mnemonic, Keyring};
use serde_json::json;

use super::{print, Output};

#[derive(Subcommand)]
pub enum KeysCmd {
    /// Create a key (a new 24-word mnemonic, or `--recover` to read one from stdin).
    Add {
        name: String,
        #[arg(long)]
        recover: bool,
        #[arg(long, short = 'o', value_enum, default_value_t = Output::Text)]
        output: Output,
    },
    /// List keys.
    List {
        #[arg(long, short = 'o', value_enum, default_value_t = Output::Text)]
        output: Output,
    },
    /// Show one key.
    Show {
        name: String,
        /// Print only the address.
        #[arg(long, short = 'a')]
        address: bool,
        #[arg(long, short = 'o', value_enum, default_value_t = Output::Text)]
        output: Output,
    },
}

pub fn run(home: &Path, cmd: KeysCmd) -> Result<()> {
    let mut ring = Keyring::open(home)?;
    match cmd {
        KeysCmd::Add {
            name,
            recover,
            output,
        } => {
            let mnemonic = if recover {
                eprintln!("> Enter your bip39 mnemonic");
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .context("reading mnemonic")?;
                line.trim().to_string()
            } else {
                new_mnemonic()
            };
            let key = ring.add(&name, &mnemonic)?;
            let mut v = json!({"name": key.name, "type": "local", "address": key.address,
                               "pubkey": {"@type": "/cosmos.crypto.secp256k1.PubKey", "key": key.pubkey}});
            if !recover {
                v["mnemonic"] = json!(mnemonic);
                if output == Output::Text {
                    eprintln!("**Important** write this mnemonic phrase in a safe place; it is the only way to recover the account.");
                }
            }
            print(output, &v);
        }
        KeysCmd::List { output } => {
            let v: Vec<_> = ring
                .list()
                .map(|k| json!({"name": k.name, "type": "local", "address": k.address}))
                .collect();
            print(output, &json!(v));
        }
        KeysCmd::Show {
            name,
            address,
            output,
        } => {
            let k = ring.get(&name)?;
            if address {
                println!("{}", k.address);
            } else {
                print(
                    output,
                    &json!({"name": k.name, "type": "local", "address": k.address,
                                      "pubkey": {"@type": "/cosmos.crypto.secp256k1.PubKey", "key": k.pubkey}}),
                );
            }
        }
    }
    Ok(())
}
