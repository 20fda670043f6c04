//! Compiles every `.proto` under `proto/inferchain/` with `protox` (pure Rust, so no system
//! `protoc` is needed) and generates prost messages plus tonic clients and servers.
//! The encoded descriptor set is kept for gRPC reflection, and so is the one of
//! `proto/reflection/` (descriptors only; see its README).

use std::path::{Path, PathBuf};

fn collect_protos(dir: &Path, out: &mut Vec<PathBuf>) {
    if !dir.exists() {
        return;
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_protos(&path, out);
        } else if path.extension().is_some_and(|e| e == "proto") {
            out.push(path);
        }
    }
}

fn main() {
    // Read at run time, not with env!(): cargo shares one compiled build script between
    // checkouts that share a target dir (CI clones do), and env!() would pin it to the
    // checkout it was first compiled in.
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let mut protos = Vec::new();
    collect_protos(&root.join("inferchain"), &mut protos);
    println!("cargo:rerun-if-changed=inferchain");
    let fds = protox::compile(&protos, [&root]).expect("compiling proto files");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));

    // Descriptors of the Cosmos/CometBFT/wasmd services inferchaind serves, for reflection
    // only: their Rust types come from cosmos-sdk-proto, so nothing is generated from them.
    let reflection_root = root.join("reflection");
    let mut served = Vec::new();
    collect_protos(&reflection_root, &mut served);
    // InferChain's own module query services are served too (the prover's is not).
    served.push(root.join("inferchain/params/v1/query.proto"));
    served.push(root.join("inferchain/inference/v1/query.proto"));
    served.push(root.join("inferchain/validators/v1/query.proto"));
    // And their transaction messages, so a transaction's `Any`s decode by name (REST's
    // `@type` JSON, reflection clients).
    served.push(root.join("inferchain/params/v1/tx.proto"));
    served.push(root.join("inferchain/inference/v1/tx.proto"));
    served.push(root.join("inferchain/validators/v1/tx.proto"));
    println!("cargo:rerun-if-changed=reflection");
    let mut served_fds =
        protox::compile(&served, [&reflection_root, &root]).expect("compiling reflection protos");
    // Transactions carry those messages; their `Msg` services are not gRPC-served (a message
    // is delivered in a transaction), so reflection must not list them.
    for file in &mut served_fds.file {
        if file.name().starts_with("inferchain/") && file.name().ends_with("/tx.proto") {
            file.service.clear();
        }
    }
    std::fs::write(
        out_dir.join("cosmos_descriptor.bin"),
        prost::Message::encode_to_vec(&served_fds),
    )
    .expect("writing reflection descriptor");

    let descriptor_path = out_dir.join("inferchain_descriptor.bin");
    std::fs::write(&descriptor_path, prost::Message::encode_to_vec(&fds))
        .expect("writing descriptor");
    tonic_build::configure()
        .file_descriptor_set_path(&descriptor_path)
        .skip_protoc_run()
        .compile_fds(fds)
        .expect("generating Rust from proto");
}
