//! `inferchaind wasm check FILE...`: the chain's own acceptance checks for contract code;
//! `inferchaind wasm address ...`: instantiate2 addresses computed offline (for genesis).

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use inferchain_app::modules::wasm::{check_wasm, decode_upload};
use serde_json::json;

use super::{print, Output};

#[derive(Subcommand)]
pub enum WasmCmd {
    /// Validate contract code (plain or gzipped) exactly as `MsgStoreCode` would: size limits,
    /// cosmwasm-vm's static checks (exports, imports, capabilities) and compilation.
    Check {
        files: Vec<PathBuf>,
        #[arg(long, short = 'o', value_enum, default_value_t = Output::Text)]
        output: Output,
    },
    /// The address `MsgInstantiateContract2` gives: `address <wasm-file> <creator> <salt-hex>`
    /// (no chain needed; `query wasm build-address` asks a node the same).
    Address {
        file: PathBuf,
        creator: String,
        salt_hex: String,
        #[arg(long, short = 'o', value_enum, default_value_t = Output::Text)]
        output: Output,
    },
}

pub fn run(cmd: WasmCmd) -> Result<()> {
    let (files, output) = match cmd {
        WasmCmd::Check { files, output } => (files, output),
        WasmCmd::Address {
            file,
            creator,
            salt_hex,
            output,
        } => {
            use sha2::{Digest, Sha256};
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let wasm = decode_upload(&bytes)?;
            let salt = hex::decode(&salt_hex).context("salt must be hex")?;
            let creator: inferchain_app::address::Address = creator.parse()?;
            let address = inferchain_app::modules::wasm::predictable_address(
                &Sha256::digest(&wasm),
                &creator,
                &salt,
                b"",
            );
            print(output, &json!({"address": address.to_bech32()}));
            return Ok(());
        }
    };
    if files.is_empty() {
        bail!("no files given");
    }
    let mut failed = 0;
    let mut results = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).with_context(|| format!("reading {}", f.display()))?;
        let verdict =
            decode_upload(&bytes).and_then(|wasm| check_wasm(&wasm).map(|c| (c, wasm.len())));
        match verdict {
            Ok((checksum, size)) => results.push(json!({
                "file": f.display().to_string(), "ok": true, "size": size, "checksum": hex::encode(checksum)
            })),
            Err(e) => {
                failed += 1;
                results.push(json!({"file": f.display().to_string(), "ok": false, "error": e.to_string()}));
            }
        }
    }
    print(output, &json!(results));
    if failed > 0 {
        bail!("{failed} of {} file(s) rejected", files.len());
    }
    Ok(())
}
