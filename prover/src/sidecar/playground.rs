//! The web playground's side of the sidecar (`serve --chain … --playground`): the weights of
//! the models it serves, published so a browser can run the integer inference itself for free
//! (and check them against the on-chain commitment), and proofs on demand for a page's own
//! query, bound to a nonce the page chose ([`playground_binding`]) — never usable on chain.
//!
//! Publishing weights is the operator's choice (the flag): a private-mode model's proofs
//! hide its weights, and `--playground` gives that up for the models this sidecar holds.
//! One playground proof runs at a time; the chain's requests are proved by the main loop on
//! their own thread meanwhile.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use base64::Engine as _;
use inferchain_verifier::{check_input, playground_binding, prove_inference, Mode, QuantModel};
use serde_json::{json, Value};

/// Longest nonce a page may bind a proof to.
pub const MAX_NONCE: usize = 64;

/// A model the playground offers.
#[derive(Clone)]
pub struct Published {
    pub model_id: u64,
    pub mode: Mode,
    pub commitment: String,
    pub model: Arc<QuantModel>,
}

#[derive(Default)]
pub struct Playground {
    models: RwLock<BTreeMap<u64, Published>>,
    proving: tokio::sync::Mutex<()>,
}

/// A playground answer: HTTP status and JSON body.
pub type Answer = (u16, Value);

fn error(status: u16, msg: impl Into<String>) -> Answer {
    (status, json!({"error": msg.into()}))
}

impl Playground {
    /// Replaces the published models (the daemon calls this whenever it re-reads the chain).
    pub fn publish(&self, models: BTreeMap<u64, Published>) {
        *self.models.write().unwrap_or_else(|e| e.into_inner()) = models;
    }

    fn get(&self, id: u64) -> Option<Published> {
        self.models
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned()
    }

    /// `GET /playground/models`.
    pub fn models(&self) -> Answer {
        let models = self.models.read().unwrap_or_else(|e| e.into_inner());
        let list: Vec<Value> = models
            .values()
            .map(|p| {
                json!({
                    "model_id": p.model_id.to_string(),
                    "architecture": p.model.arch,
                    "mode": p.mode.to_string(),
                    "commitment": p.commitment,
                    "quant": serde_json::to_value(&*p.model).unwrap_or(Value::Null),
                })
            })
            .collect();
        (200, json!({ "models": list }))
    }

    /// `POST /playground/prove` with `{"model_id", "input", "nonce"}`.
    pub async fn prove(&self, body: &[u8]) -> Answer {
        let req: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return error(400, format!("body is not JSON: {e}")),
        };
        let model_id = match &req["model_id"] {
            Value::String(s) => s.parse::<u64>().ok(),
            v => v.as_u64(),
        };
        let Some(model_id) = model_id else {
            return error(400, "model_id must be a model id");
        };
        let Some(p) = self.get(model_id) else {
            return error(
                404,
                format!("model {model_id} is not offered by this playground"),
            );
        };
        let input: Option<Vec<i64>> = req["input"].as_array().and_then(|a| {
            a.iter()
                .map(|v| match v {
                    Value::String(s) => s.parse().ok(),
                    v => v.as_i64(),
                })
                .collect()
        });
        let Some(input) = input else {
            return error(400, "input must be a list of fixed-point integers");
        };
        let nonce = req["nonce"].as_str().unwrap_or_default().to_string();
        if nonce.is_empty()
            || nonce.len() > MAX_NONCE
            || !nonce
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return error(
                400,
                format!("nonce must be 1..={MAX_NONCE} letters, digits or '-'"),
            );
        }
        let arch = match p.model.validate() {
            Ok(a) => a,
            Err(e) => return error(500, format!("held model: {e}")),
        };
        if let Err(e) = check_input(&arch, &input) {
            return error(400, format!("input: {e}"));
        }
        let Ok(_guard) = self.proving.try_lock() else {
            return error(
                429,
                "another playground proof is being made; retry in a few seconds",
            );
        };
        let binding = playground_binding(&nonce);
        let (model, mode) = (p.model.clone(), p.mode);
        let started = Instant::now();
        let proved =
            tokio::task::spawn_blocking(move || prove_inference(&model, &input, mode, &binding))
                .await;
        let proof = match proved {
            Ok(Ok(proof)) => proof,
            Ok(Err(e)) => return error(500, format!("proving failed: {e}")),
            Err(e) => return error(500, format!("proving task failed: {e}")),
        };
        let ms = started.elapsed().as_millis() as u64;
        tracing::info!(model = model_id, %nonce, ms, bytes = proof.bytes.len(), "playground proof");
        (
            200,
            json!({
                "model_id": model_id.to_string(),
                "architecture": p.model.arch,
                "mode": mode.to_string(),
                "commitment": proof.commitment.to_hex(),
                "input_hash": proof.input_hash.to_hex(),
                "binding": binding.to_hex(),
                "output": proof.output,
                "proof": base64::engine::general_purpose::STANDARD.encode(&proof.bytes),
                "prove_ms": ms,
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inferchain_verifier::{verify_inference, ArchSpec};

    fn playground() -> (Playground, Arc<QuantModel>) {
        let arch = ArchSpec::parse("mlp-16-32-16-1").unwrap();
        let model = Arc::new(QuantModel::pseudo_random(&arch, 7));
        let pg = Playground::default();
        pg.publish(BTreeMap::from([(
            3,
            Published {
                model_id: 3,
                mode: Mode::Public,
                commitment: model.commitment().unwrap().to_hex(),
                model: model.clone(),
            },
        )]));
        (pg, model)
    }

    #[tokio::test]
    async fn bad_requests_are_refused_with_reasons() {
        let (pg, _) = playground();
        let cases: [(&[u8], u16, &str); 5] = [
            (b"nope", 400, "not JSON"),
            (
                br#"{"model_id":"9","input":[],"nonce":"a"}"#,
                404,
                "not offered",
            ),
            (
                br#"{"model_id":"3","input":[1,2],"nonce":"a"}"#,
                400,
                "input",
            ),
            (br#"{"model_id":"3","input":"x","nonce":"a"}"#, 400, "input"),
            (
                br#"{"model_id":3,"input":[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],"nonce":"a b"}"#,
                400,
                "nonce",
            ),
        ];
        for (body, status, says) in cases {
            let (s, v) = pg.prove(body).await;
            assert_eq!(s, status, "{v}");
            assert!(v["error"].as_str().unwrap().contains(says), "{v}");
        }
        let (s, v) = pg.models();
        assert_eq!(s, 200);
        assert_eq!(v["models"][0]["model_id"], "3");
        assert_eq!(v["models"][0]["quant"]["arch"], "mlp-16-32-16-1");
    }

    #[tokio::test]
    async fn a_playground_proof_verifies_for_its_nonce_only() {
        let (pg, model) = playground();
        let input: Vec<i64> = (0..16).map(|i| (i * 37 % 300) - 150).collect();
        let body = json!({"model_id": "3", "input": input, "nonce": "n-1"}).to_string();
        let (s, v) = pg.prove(body.as_bytes()).await;
        assert_eq!(s, 200, "{v}");
        let proof = base64::engine::general_purpose::STANDARD
            .decode(v["proof"].as_str().unwrap())
            .unwrap();
        let output: Vec<i64> = serde_json::from_value(v["output"].clone()).unwrap();
        assert_eq!(output, model.infer(&input).unwrap());
        let arch = ArchSpec::parse("mlp-16-32-16-1").unwrap();
        let commitment = model.commitment().unwrap();
        let ih = inferchain_verifier::input_hash(&input);
        verify_inference(
            &arch,
            Mode::Public,
            &proof,
            &commitment,
            &ih,
            &output,
            &playground_binding("n-1"),
        )
        .expect("verifies for its nonce");
        assert!(verify_inference(
            &arch,
            Mode::Public,
            &proof,
            &commitment,
            &ih,
            &output,
            &playground_binding("n-2")
        )
        .is_err());
    }
}
