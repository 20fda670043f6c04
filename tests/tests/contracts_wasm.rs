//! The contracts' wasm builds pass the chain's own code checks (`inferchaind wasm check`:
//! cosmwasm-vm's static analysis and compilation), and hostile code is rejected at upload.

use std::path::Path;
use std::process::Command;

fn check(path: &Path) -> (bool, String) {
    let out = Command::new("inferchaind")
        .args(["wasm", "check", "--output", "json"])
        .arg(path)
        .output()
        .expect("inferchaind on PATH");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn built_contracts_pass_the_chain_checks() {
    let dir = inferchain_e2e::repo_root().join("contracts/artifacts");
    assert!(
        dir.exists(),
        "run contracts/build.sh first (tests/run.sh does)"
    );
    let mut seen = 0;
    for name in [
        "staking",
        "challenge",
        "reputation",
        "governance",
        "counter",
        "caller",
        "hostile",
    ] {
        let path = dir.join(format!("{name}.wasm"));
        assert!(path.exists(), "{} missing", path.display());
        let (ok, out) = check(&path);
        assert!(ok, "{name}: {out}");
        assert!(out.contains("\"ok\":true"), "{out}");
        seen += 1;
    }
    assert_eq!(seen, 7);
}

/// A module with the CosmWasm interface exports, plus whatever `extra` adds.
fn contract_wat(extra_import: &str, body: &str) -> Vec<u8> {
    let src = format!(
        r#"(module
            {extra_import}
            (memory (export "memory") 1)
            (func (export "interface_version_8"))
            (func (export "allocate") (param i32) (result i32) (i32.const 0))
            (func (export "deallocate") (param i32))
            (func (export "instantiate") (param i32 i32 i32) (result i32) {body} (i32.const 0)))"#
    );
    wat::parse_str(src).expect("valid wat")
}

#[test]
fn hostile_code_is_rejected_at_upload() {
    let dir = std::env::temp_dir().join(format!("inferchain-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };

    // Sanity: the same skeleton without anything hostile passes, so the rejections below are
    // caused by the hostile part alone.
    let (ok, out) = check(&write("plain.wasm", &contract_wat("", "")));
    assert!(ok, "baseline must pass: {out}");

    // Floats are accepted, as by cosmwasm-vm 3 and wasmd: the VM canonicalizes NaNs, which
    // makes float arithmetic deterministic (and serde's number parsing puts f64 code into
    // every contract built with cosmwasm-std, ours included).
    let floats = contract_wat("", "(drop (f32.add (f32.const 1) (f32.const 2)))");
    let (ok, out) = check(&write("float.wasm", &floats));
    assert!(ok, "floats are deterministic in cosmwasm-vm 3: {out}");

    let no_interface = wat::parse_str(
        r#"(module (memory (export "memory") 1)
            (func (export "instantiate") (param i32 i32 i32) (result i32) (i32.const 0)))"#,
    )
    .unwrap();
    let (ok, out) = check(&write("no-interface.wasm", &no_interface));
    assert!(!ok);
    assert!(out.contains("interface_version"), "{out}");

    let import = contract_wat(r#"(import "env" "steal_keys" (func (param i32)))"#, "");
    let (ok, out) = check(&write("import.wasm", &import));
    assert!(!ok);
    assert!(out.contains("steal_keys"), "{out}");

    let mut huge = contract_wat("", "");
    huge.resize(900 * 1024, 0);
    let (ok, out) = check(&write("huge.wasm", &huge));
    assert!(!ok);
    assert!(out.contains("limit"), "{out}");

    let (ok, out) = check(&write("garbage.wasm", b"not wasm at all"));
    assert!(!ok);
    assert!(out.contains("neither wasm"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}
