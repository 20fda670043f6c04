//! `inferchaind wasm check FILE...`: the chain's own acceptance checks for contract code.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use inferchain_app::wasm::{check_wasm, decode_upload};
use serde_json::json;

use super::{print, Output};

#[derive(Subcommand)]
pub enum WasmCmd {
    /// Validate contract code (plain or gzipped) exactly as `MsgStoreCode` would: size limits,
    /// cosmwasm-vm's static checks (exports, imports, floats, capabilities) and compilation.
    Check {
        files: Vec<PathBuf>,
        #[arg(long, short = 'o', value_enum, default_value_t = Output::Text)]
        output: Output,
    },
}

pub fn run(cmd: WasmCmd) -> Result<()> {
    let WasmCmd::Check { files, output } = cmd;
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
