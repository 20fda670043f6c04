//! What the REST server serves beside the API: the web app's static bundle, its
//! `config.json`, and the chain's descriptions for wallets and registries (`chain.json` in
//! the cosmos chain-registry format, `keplr.json` for Keplr's `experimentalSuggestChain`),
//! generated from genesis and this node's settings so they can't drift from the chain.

use std::path::{Component, Path, PathBuf};

use serde_json::{json, Value};

use crate::coins::GasPrice;

/// The chain's native token as wallets show it (the bank module's denom metadata).
pub const DENOM: &str = crate::coins::NATIVE_DENOM;
pub const DISPLAY_DENOM: &str = "SPEC";
pub const DECIMALS: u32 = 6;
pub const BECH32_PREFIX: &str = "infer";
/// SLIP-44 coin type of the keys `inferchaind keys` derives (the Cosmos Hub's, 118).
pub const COIN_TYPE: u32 = 118;

/// What the node knows about itself for the web app and wallets.
#[derive(Clone, Debug)]
pub struct SiteConfig {
    pub chain_id: String,
    /// CometBFT RPC as browsers reach it.
    pub rpc: String,
    /// The web app's bundle (`web/dist`); `None`: API only.
    pub web_dir: Option<PathBuf>,
    /// Extra `config.json` fields (the localnet's: the prover sidecar's URL, the contracts).
    pub web_config: Option<PathBuf>,
    pub min_gas_price: Option<GasPrice>,
}

impl SiteConfig {
    /// The gas price wallets offer: this node's floor (a sane default when it has none).
    fn gas_price(&self) -> f64 {
        self.min_gas_price
            .as_ref()
            // Display only (wallet defaults), never state: a float is fine here.
            .map(|p| p.numerator as f64 / p.denominator as f64)
            .filter(|p| *p > 0.0)
            .unwrap_or(0.025)
    }

    fn websocket(&self) -> String {
        let base = self.rpc.trim_end_matches('/');
        let ws = if let Some(rest) = base.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = base.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            base.to_string()
        };
        format!("{ws}/websocket")
    }

    /// `config.json`: where the page finds everything; `rest` is the origin it was served from.
    pub fn config_json(&self, rest: &str) -> Value {
        let mut config = json!({
            "chain_id": self.chain_id,
            "rest": rest,
            "rpc": self.rpc,
            "websocket": self.websocket(),
            "sidecar": null,
            "denom": DENOM,
            "display_denom": DISPLAY_DENOM,
            "decimals": DECIMALS,
            "bech32_prefix": BECH32_PREFIX,
            "gas_price": self.gas_price(),
            "contracts": {},
        });
        if let Some(extra) = self.web_config.as_ref().and_then(|p| read_json(p)) {
            if let (Some(c), Value::Object(extra)) = (config.as_object_mut(), extra) {
                c.extend(extra);
            }
        }
        config
    }

    /// The chain-registry `chain.json`.
    pub fn chain_json(&self, rest: &str) -> Value {
        let gp = self.gas_price();
        json!({
            "$schema": "../chain.schema.json",
            "chain_name": "inferchain",
            "chain_type": "cosmos",
            "status": "live",
            "network_type": "devnet",
            "pretty_name": "InferChain",
            "chain_id": self.chain_id,
            "bech32_prefix": BECH32_PREFIX,
            "daemon_name": "inferchaind",
            "node_home": "$HOME/.inferchain",
            "key_algos": ["secp256k1"],
            "slip44": COIN_TYPE,
            "fees": {"fee_tokens": [{
                "denom": DENOM,
                "fixed_min_gas_price": gp,
                "low_gas_price": gp,
                "average_gas_price": gp * 1.25,
                "high_gas_price": gp * 1.6,
            }]},
            "staking": {"staking_tokens": [{"denom": DENOM}]},
            "codebase": {
                "cosmwasm_enabled": true,
                "consensus": {"type": "cometbft", "version": "0.38"},
            },
            "apis": {
                "rpc": [{"address": self.rpc, "provider": "this node"}],
                "rest": [{"address": rest, "provider": "this node"}],
            },
            "explorers": [{
                "kind": "inferchain",
                "url": format!("{rest}/"),
                "tx_page": format!("{rest}/#/tx/${{txHash}}"),
                "account_page": format!("{rest}/#/account/${{accountAddress}}"),
            }],
        })
    }

    /// The `ChainInfo` Keplr's `experimentalSuggestChain` takes.
    pub fn keplr_json(&self, rest: &str) -> Value {
        let gp = self.gas_price();
        let currency = json!({
            "coinDenom": DISPLAY_DENOM,
            "coinMinimalDenom": DENOM,
            "coinDecimals": DECIMALS,
        });
        let mut fee_currency = currency.clone();
        fee_currency["gasPriceStep"] = json!({"low": gp, "average": gp * 1.25, "high": gp * 1.6});
        let p = BECH32_PREFIX;
        json!({
            "chainId": self.chain_id,
            "chainName": format!("InferChain ({})", self.chain_id),
            "rpc": self.rpc,
            "rest": rest,
            "bip44": {"coinType": COIN_TYPE},
            "bech32Config": {
                "bech32PrefixAccAddr": p,
                "bech32PrefixAccPub": format!("{p}pub"),
                "bech32PrefixValAddr": format!("{p}valoper"),
                "bech32PrefixValPub": format!("{p}valoperpub"),
                "bech32PrefixConsAddr": format!("{p}valcons"),
                "bech32PrefixConsPub": format!("{p}valconspub"),
            },
            "currencies": [currency.clone()],
            "feeCurrencies": [fee_currency],
            "stakeCurrency": currency,
            "features": ["cosmwasm"],
        })
    }
}

fn read_json(path: &Path) -> Option<Value> {
    match std::fs::read(path).map(|b| serde_json::from_slice(&b)) {
        Ok(Ok(v)) => Some(v),
        Ok(Err(e)) => {
            tracing::warn!(path = %path.display(), "web config is not JSON: {e}");
            None
        }
        Err(e) => {
            tracing::warn!(path = %path.display(), "reading web config: {e}");
            None
        }
    }
}

/// A static file of the bundle: its bytes and content type. `/` is `index.html`; paths that
/// step outside the bundle are refused.
pub fn static_file(dir: &Path, path: &str) -> Option<(Vec<u8>, &'static str)> {
    let rel = path.trim_start_matches('/');
    let rel = if rel.is_empty() { "index.html" } else { rel };
    let rel = Path::new(rel);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let file = dir.join(rel);
    let bytes = std::fs::read(&file).ok()?;
    Some((bytes, content_type(&file)))
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> SiteConfig {
        SiteConfig {
            chain_id: "inferchain-local-1".into(),
            rpc: "http://127.0.0.1:26657".into(),
            web_dir: None,
            web_config: None,
            min_gas_price: Some(GasPrice::parse("0.025uspec").unwrap()),
        }
    }

    #[test]
    fn keplr_and_registry_follow_the_chain() {
        let s = site();
        let k = s.keplr_json("http://127.0.0.1:1317");
        assert_eq!(k["chainId"], "inferchain-local-1");
        assert_eq!(k["bech32Config"]["bech32PrefixValAddr"], "infervaloper");
        assert_eq!(k["feeCurrencies"][0]["coinMinimalDenom"], "uspec");
        assert_eq!(k["feeCurrencies"][0]["gasPriceStep"]["low"], 0.025);
        let c = s.chain_json("http://127.0.0.1:1317");
        assert_eq!(c["fees"]["fee_tokens"][0]["fixed_min_gas_price"], 0.025);
        assert_eq!(c["apis"]["rest"][0]["address"], "http://127.0.0.1:1317");
        let cfg = s.config_json("");
        assert_eq!(cfg["websocket"], "ws://127.0.0.1:26657/websocket");
    }

    #[test]
    fn web_config_extends_config_json() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("web.json");
        std::fs::write(
            &p,
            r#"{"sidecar": "http://127.0.0.1:9464", "contracts": {"challenge": "infer1c"}}"#,
        )
        .unwrap();
        let mut s = site();
        s.web_config = Some(p);
        let cfg = s.config_json("");
        assert_eq!(cfg["sidecar"], "http://127.0.0.1:9464");
        assert_eq!(cfg["contracts"]["challenge"], "infer1c");
        assert_eq!(cfg["chain_id"], "inferchain-local-1");
    }

    #[test]
    fn static_files_stay_inside_the_bundle() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<html>").unwrap();
        std::fs::write(dir.path().join("m.wasm"), [0, 97, 115, 109]).unwrap();
        assert_eq!(
            static_file(dir.path(), "/").unwrap().1,
            "text/html; charset=utf-8"
        );
        assert_eq!(
            static_file(dir.path(), "/m.wasm").unwrap().1,
            "application/wasm"
        );
        assert!(static_file(dir.path(), "/../etc/passwd").is_none());
        assert!(static_file(dir.path(), "/missing.js").is_none());
    }
}
