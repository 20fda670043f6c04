//! `inferchaind init` and `genesis add-account` produce a genesis a node can start from.

use std::process::Command;

fn inferchaind(home: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new("inferchaind")
        .arg("--home")
        .arg(home)
        .args(args)
        .output()
        .expect("inferchaind on PATH")
}

#[test]
fn init_writes_chain_id_and_refuses_to_overwrite() {
    let dir = std::env::temp_dir().join(format!("inferchain-init-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = inferchaind(&dir, &["init", "node-x", "--chain-id", "test-chain-7"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let genesis: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("config/genesis.json")).unwrap()).unwrap();
    assert_eq!(genesis["chain_id"], "test-chain-7");
    assert!(std::fs::read_to_string(dir.join("config/config.toml"))
        .unwrap()
        .contains("moniker = \"node-x\""));

    let addr = &inferchain_app::address::Address::from_bytes(vec![7; 20])
        .unwrap()
        .to_bech32();
    let out = inferchaind(&dir, &["genesis", "add-account", addr, "100uspec"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let genesis: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("config/genesis.json")).unwrap()).unwrap();
    assert_eq!(
        genesis["app_state"]["bank"]["balances"][0]["coins"],
        "100uspec"
    );
    // Twice is an error, and so is a bad coin string.
    assert!(
        !inferchaind(&dir, &["genesis", "add-account", addr, "100uspec"])
            .status
            .success()
    );
    assert!(
        !inferchaind(&dir, &["genesis", "add-account", "infer1bad", "100uspec"])
            .status
            .success()
    );
    assert!(
        !inferchaind(&dir, &["init", "again"]).status.success(),
        "init must not overwrite"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
