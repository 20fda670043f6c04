//! InferChain in the browser: the quantized integer inference (bit-exact with the circuit) and
//! the plonky2 verifier of inference proofs, compiled to WebAssembly (`../build-wasm.sh`).
//!
//! A page can
//! * compute a model's output for free ([`infer`]), exactly what a proof of inference of that
//!   model would claim, and check published weights against the commitment the chain
//!   registered ([`commitment`]);
//! * rebuild an inference circuit's verifier data from its spec ([`prepare_verifier`], whose
//!   digest it compares with the one the chain registered) and verify a proof of inference
//!   against its public claim ([`verify_inference`]).
//!
//! Every export is a thin `#[wasm_bindgen]` wrapper of a plain Rust function of the same name
//! in [`api`] (`Result<_, String>`), which the native tests exercise. Errors reach JS as
//! `Error` objects (`JsError`) carrying the message.
//!
//! Formats (all JSON is UTF-8 text):
//! * fixed-point values are integers at scale 256 ([`fixed_point_scale`]): `1.5` is `384`;
//! * an input or output is a JSON array of such integers, e.g. `[256,-128,0]`;
//! * digests (commitment, input hash, binding, circuit digest) are 64 hex digits (4 Goldilocks
//!   limbs, little-endian, as `inferchain-verifier`'s `Digest::to_hex`); a `0x` prefix is
//!   accepted on input;
//! * proof bytes are base64 (standard or URL-safe alphabet, padding optional): the proof
//!   envelope exactly as the prover writes it (`inferchain-prover prove-inference --out`).
//!
//! Native tests: `RUSTC_BOOTSTRAP=1 cargo test` in this directory (plonky2 uses nightly
//! features).

use wasm_bindgen::prelude::*;

/// A playground proof (the web app's "prove & verify", made by the prover sidecar off chain)
/// is bound to `inferchain_verifier::playground_binding(nonce)` — the domain
/// `inferchain/playground/v1/<nonce>`, a string the page chose — so a page verifies a proof it
/// asked for, and a proof made for anyone else's nonce (or for a chain request, whose
/// bindings live under `inferchain/request/v1/`) fails. One definition, shared with the sidecar.
pub const PLAYGROUND_BINDING_DOMAIN: &str = "inferchain/playground/v1/";

/// The plain-Rust API behind the exports (each returns `Err(message)` where JS gets a
/// `JsError`).
pub mod api {
    use std::str::FromStr;

    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    use base64::Engine;
    use inferchain_verifier::{self as v, ArchSpec, Digest, Mode, ProofKind, QuantModel};
    use serde_json::json;


    fn model_of(quant_json: &str) -> Result<QuantModel, String> {
        serde_json::from_str(quant_json).map_err(|e| format!("bad model JSON (quant.json): {e}"))
    }

    fn ints_of(what: &str, json: &str) -> Result<Vec<i64>, String> {
        serde_json::from_str(json).map_err(|e| {
            format!("bad {what}: expected a JSON array of integers (fixed point, scale 256): {e}")
        })
    }

    fn digest_of(what: &str, hex: &str) -> Result<Digest, String> {
        Digest::from_hex(hex.trim()).map_err(|e| format!("bad {what} (64 hex digits): {e}"))
    }

    fn arch_of(arch: &str) -> Result<ArchSpec, String> {
        ArchSpec::parse(arch.trim()).map_err(|e| format!("bad architecture {arch:?}: {e}"))
    }

    fn mode_of(mode: &str) -> Result<Mode, String> {
        Mode::from_str(mode.trim())
    }

    fn proof_of(b64: &str) -> Result<Vec<u8>, String> {
        const INDIFFERENT: GeneralPurposeConfig =
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
        const STD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, INDIFFERENT);
        const URL: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, INDIFFERENT);
        let s: String = b64.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        STD.decode(&s)
            .or_else(|_| URL.decode(&s))
            .map_err(|e| format!("bad proof: not base64: {e}"))
    }

    /// Milliseconds from an arbitrary origin (for elapsed times only).
    fn now_ms() -> f64 {
        #[cfg(target_arch = "wasm32")]
        {
            js_sys::Date::now()
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            use std::time::{SystemTime, UNIX_EPOCH};
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs_f64() * 1e3)
                .unwrap_or(0.0)
        }
    }

    /// Integer inference of the model `quant_json` (its `quant.json`) on `input_json`:
    /// `{"output":[...],"input_hash":"<hex>"}`, the output exactly `QuantModel::infer` (what
    /// the circuit computes). The input is checked against the model's architecture first.
    pub fn infer(quant_json: &str, input_json: &str) -> Result<String, String> {
        let model = model_of(quant_json)?;
        let arch = model.validate().map_err(|e| format!("bad model: {e}"))?;
        let input = ints_of("input", input_json)?;
        v::check_input(&arch, &input).map_err(|e| format!("bad input: {e}"))?;
        let output = model
            .infer(&input)
            .map_err(|e| format!("inference failed: {e}"))?;
        Ok(json!({"output": output, "input_hash": v::input_hash(&input).to_hex()}).to_string())
    }

    /// The model's commitment (hex): what the chain registers for it.
    pub fn commitment(quant_json: &str) -> Result<String, String> {
        let model = model_of(quant_json)?;
        model
            .commitment()
            .map(Digest::to_hex)
            .map_err(|e| format!("bad model: {e}"))
    }

    /// The hash (hex) of an input vector: the public input hash of a proof of inference.
    pub fn input_hash(input_json: &str) -> Result<String, String> {
        Ok(v::input_hash(&ints_of("input", input_json)?).to_hex())
    }

    /// The binding (hex) of a playground proof for `nonce`: see [`PLAYGROUND_BINDING_DOMAIN`].
    pub fn playground_binding(nonce: &str) -> String {
        v::playground_binding(nonce).to_hex()
    }

    /// Builds (once; cached for the life of the module) the verifier data of the inference
    /// circuit of `arch` in `mode`, and returns its circuit digest (hex).
    pub fn prepare_verifier(arch: &str, mode: &str) -> Result<String, String> {
        let arch = arch_of(arch)?;
        let mode = mode_of(mode)?;
        v::verifier_digest(&arch, ProofKind::Inference, mode)
            .map(Digest::to_hex)
            .map_err(|e| e.to_string())
    }

    /// Verifies a proof of inference (base64 envelope) against its public claim; Ok:
    /// `{"verified":true,"circuit_digest":"<hex>","mode":"<mode>","ms":<elapsed>}` (the time
    /// includes building the verifier data if [`prepare_verifier`] was not called first).
    pub fn verify_inference(
        arch: &str,
        mode: &str,
        proof_b64: &str,
        commitment_hex: &str,
        input_hash_hex: &str,
        output_json: &str,
        binding_hex: &str,
    ) -> Result<String, String> {
        let arch = arch_of(arch)?;
        let mode = mode_of(mode)?;
        let proof = proof_of(proof_b64)?;
        let commitment = digest_of("commitment", commitment_hex)?;
        let input_hash = digest_of("input hash", input_hash_hex)?;
        let output = ints_of("output", output_json)?;
        let binding = digest_of("binding", binding_hex)?;
        let t0 = now_ms();
        let verified = v::verify_inference(
            &arch,
            mode,
            &proof,
            &commitment,
            &input_hash,
            &output,
            &binding,
        )
        .map_err(|e| e.to_string())?;
        let ms = now_ms() - t0;
        Ok(json!({
            "verified": true,
            "circuit_digest": verified.circuit_digest.to_hex(),
            "mode": verified.mode.as_str(),
            "ms": ms,
        })
        .to_string())
    }

    /// The fixed-point scale of inputs and outputs: 2^ACT_FRAC_BITS = 256.
    pub fn fixed_point_scale() -> f64 {
        (1u64 << v::spec::ACT_FRAC_BITS) as f64
    }

    /// This crate's version.
    pub fn version() -> String {
        env!("CARGO_PKG_VERSION").to_string()
    }
}

fn js(r: Result<String, String>) -> Result<String, JsError> {
    r.map_err(|e| JsError::new(&e))
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(s: &str);
}

/// Runs when the module is instantiated (wasm-bindgen also exports it; calling it again is
/// harmless): a panic (a bug; it aborts, as wasm32 can't unwind, and JS sees a
/// `RuntimeError: unreachable`) first logs its message to `console.error`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(start)]
pub fn init_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!("inferchain-web panicked: {info}"))
    }));
}

/// `infer(quant_json, input_json)` → JSON `{"output":[ints],"input_hash":"<hex>"}`.
#[wasm_bindgen]
pub fn infer(quant_json: &str, input_json: &str) -> Result<String, JsError> {
    js(api::infer(quant_json, input_json))
}

/// `commitment(quant_json)` → the model's commitment, hex.
#[wasm_bindgen]
pub fn commitment(quant_json: &str) -> Result<String, JsError> {
    js(api::commitment(quant_json))
}

/// `input_hash(input_json)` → the input's hash, hex.
#[wasm_bindgen]
pub fn input_hash(input_json: &str) -> Result<String, JsError> {
    js(api::input_hash(input_json))
}

/// `playground_binding(nonce)` → hex of the verifier's `playground_binding(nonce)`.
#[wasm_bindgen]
pub fn playground_binding(nonce: &str) -> String {
    api::playground_binding(nonce)
}

/// `prepare_verifier(arch, mode)` → the inference circuit's digest, hex (built once, cached).
#[wasm_bindgen]
pub fn prepare_verifier(arch: &str, mode: &str) -> Result<String, JsError> {
    js(api::prepare_verifier(arch, mode))
}

/// `verify_inference(arch, mode, proof_b64, commitment_hex, input_hash_hex, output_json,
/// binding_hex)` → JSON `{"verified":true,"circuit_digest":"<hex>","mode":..,"ms":..}`;
/// throws with the verifier's message if the proof is rejected.
#[wasm_bindgen]
pub fn verify_inference(
    arch: &str,
    mode: &str,
    proof_b64: &str,
    commitment_hex: &str,
    input_hash_hex: &str,
    output_json: &str,
    binding_hex: &str,
) -> Result<String, JsError> {
    js(api::verify_inference(
        arch,
        mode,
        proof_b64,
        commitment_hex,
        input_hash_hex,
        output_json,
        binding_hex,
    ))
}

/// `fixed_point_scale()` → 256.
#[wasm_bindgen]
pub fn fixed_point_scale() -> f64 {
    api::fixed_point_scale()
}

/// `version()` → this crate's version.
#[wasm_bindgen]
pub fn version() -> String {
    api::version()
}

#[cfg(test)]
mod tests {
    use super::api;
    use base64::Engine;
    use inferchain_verifier::{self as v, ArchSpec, Mode, QuantModel};
    use serde_json::Value;

    const ARCH: &str = "mlp-16-32-16-1";

    fn model(seed: u64) -> (QuantModel, String) {
        let m = QuantModel::pseudo_random(&ArchSpec::parse(ARCH).unwrap(), seed);
        let json = serde_json::to_string(&m).unwrap();
        (m, json)
    }

    fn input(seed: i64) -> Vec<i64> {
        (0..16).map(|i| (i * 37 + seed * 11) % 700 - 350).collect()
    }

    #[test]
    fn infer_is_quant_model_infer() {
        for seed in 1..4 {
            let (m, json) = model(seed);
            for k in 0..5 {
                let x = input(k + seed as i64);
                let got: Value = serde_json::from_str(
                    &api::infer(&json, &serde_json::to_string(&x).unwrap()).unwrap(),
                )
                .unwrap();
                let want = m.infer(&x).unwrap();
                let out: Vec<i64> = serde_json::from_value(got["output"].clone()).unwrap();
                assert_eq!(out, want);
                assert_eq!(got["input_hash"], v::input_hash(&x).to_hex());
                assert_eq!(
                    api::input_hash(&serde_json::to_string(&x).unwrap()).unwrap(),
                    v::input_hash(&x).to_hex()
                );
            }
        }
    }

    #[test]
    fn commitment_is_quant_model_commitment() {
        let (m, json) = model(7);
        assert_eq!(
            api::commitment(&json).unwrap(),
            m.commitment().unwrap().to_hex()
        );
        let (m2, json2) = model(8);
        assert_ne!(
            api::commitment(&json2).unwrap(),
            m.commitment().unwrap().to_hex()
        );
        assert_eq!(
            api::commitment(&json2).unwrap(),
            m2.commitment().unwrap().to_hex()
        );
    }

    #[test]
    fn bad_inputs_and_models_are_errors() {
        let (_, json) = model(1);
        let short = serde_json::to_string(&vec![1i64; 15]).unwrap();
        assert!(api::infer(&json, &short).unwrap_err().contains("15 values"));
        let mut big = vec![0i64; 16];
        big[3] = 1 << 23;
        let e = api::infer(&json, &serde_json::to_string(&big).unwrap()).unwrap_err();
        assert!(e.contains("out of range"), "{e}");
        assert!(api::infer(&json, "[1.5, 2]").is_err());
        assert!(api::infer(&json, "not json").is_err());
        assert!(api::input_hash("[\"a\"]").is_err());
        assert!(api::infer("{}", "[]")
            .unwrap_err()
            .contains("bad model JSON"));
        let mut m: Value = serde_json::from_str(&json).unwrap();
        m["layers"][0]["weights"][0] = 500.into();
        let e = api::commitment(&m.to_string()).unwrap_err();
        assert!(e.contains("weight"), "{e}");
        assert!(api::prepare_verifier("mlp-1-2-3", "public").is_err());
        assert!(api::prepare_verifier(ARCH, "secret").is_err());
    }

    #[test]
    fn playground_binding_and_constants() {
        let want = v::binding_of(b"inferchain/playground/v1/test-nonce").to_hex();
        assert_eq!(api::playground_binding("test-nonce"), want);
        assert_ne!(api::playground_binding("other"), want);
        assert_eq!(api::fixed_point_scale(), 256.0);
        assert_eq!(api::version(), env!("CARGO_PKG_VERSION"));
    }

    /// A real public-mode proof (proved natively: the dev-dependency turns `prove` on) verifies
    /// through the base64/hex/JSON API; tampered bytes and wrong claims are rejected.
    #[test]
    fn verifies_a_real_proof_and_rejects_tampering() {
        let (m, json) = model(3);
        let x = input(2);
        let nonce = "unit-test";
        let binding = v::Digest::from_hex(&api::playground_binding(nonce)).unwrap();
        let p = v::prove_inference(&m, &x, Mode::Public, &binding).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&p.bytes);
        let out = serde_json::to_string(&p.output).unwrap();
        let commitment = api::commitment(&json).unwrap();
        let ih = api::input_hash(&serde_json::to_string(&x).unwrap()).unwrap();
        let bind = api::playground_binding(nonce);
        let digest = api::prepare_verifier(ARCH, "public").unwrap();
        let verify = |proof: &str, c: &str, o: &str, b: &str| {
            api::verify_inference(ARCH, "public", proof, c, &ih, o, b)
        };

        let ok: Value =
            serde_json::from_str(&verify(&b64, &commitment, &out, &bind).unwrap()).unwrap();
        assert_eq!(ok["verified"], true);
        assert_eq!(ok["circuit_digest"], digest);
        assert_eq!(ok["mode"], "public");
        assert!(ok["ms"].as_f64().unwrap() >= 0.0);
        // URL-safe, unpadded base64 is accepted too.
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&p.bytes);
        assert!(verify(&url, &commitment, &out, &bind).is_ok());

        let mut bad = p.bytes.clone();
        let mid = bad.len() / 2;
        bad[mid] ^= 0x01;
        let bad = base64::engine::general_purpose::STANDARD.encode(&bad);
        assert!(verify(&bad, &commitment, &out, &bind).is_err());
        let wrong_out = serde_json::to_string(&vec![p.output[0] + 1]).unwrap();
        assert!(verify(&b64, &commitment, &wrong_out, &bind).is_err());
        let other_bind = api::playground_binding("someone-else");
        assert!(verify(&b64, &commitment, &out, &other_bind).is_err());
        let (_, other_model) = model(4);
        let other_c = api::commitment(&other_model).unwrap();
        assert!(verify(&b64, &other_c, &out, &bind).is_err());
        // A public proof is not a private one.
        let e = api::verify_inference(ARCH, "private", &b64, &commitment, &ih, &out, &bind)
            .unwrap_err();
        assert!(e.contains("mode"), "{e}");
        assert!(verify("%%%", &commitment, &out, &bind)
            .unwrap_err()
            .contains("base64"));
    }
}
