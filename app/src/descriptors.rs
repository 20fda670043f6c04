//! The protobuf descriptors of everything this node serves and routes, for gRPC reflection
//! and the REST gateway's JSON: `proto/reflection/` (the SDK, CometBFT and wasmd services as
//! served here, and InferChain's own) joined with ibc-go's files from ibc-proto — the very
//! descriptors ibc-proto's Rust types were generated from.
//!
//! Of ibc-go's files only those describing what this chain serves are taken (the
//! `ibc.core.*.v1.Query` services, ICS-20's, the routed transaction messages, the
//! 07-tendermint client types that `Any`s carry) with what they import; services not served
//! here are dropped, as `proto/build.rs` does for ours.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use prost::Message;
use prost_types::{FileDescriptorProto, FileDescriptorSet};

/// IBC services this node serves (each also in `grpc_reflection::SERVED`).
pub const IBC_SERVICES: &[&str] = &[
    "ibc.core.client.v1.Query",
    "ibc.core.connection.v1.Query",
    "ibc.core.channel.v1.Query",
    "ibc.applications.transfer.v1.Query",
];

/// ibc-go's files this node needs, before their imports.
const IBC_FILES: &[&str] = &[
    "ibc/core/client/v1/query.proto",
    "ibc/core/client/v1/tx.proto",
    "ibc/core/connection/v1/query.proto",
    "ibc/core/connection/v1/tx.proto",
    "ibc/core/channel/v1/query.proto",
    "ibc/core/channel/v1/tx.proto",
    "ibc/applications/transfer/v1/query.proto",
    "ibc/applications/transfer/v1/tx.proto",
    "ibc/lightclients/tendermint/v1/tendermint.proto",
];

/// The encoded `FileDescriptorSet` of everything served.
pub fn file_descriptor_set() -> &'static [u8] {
    static SET: OnceLock<Vec<u8>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut ours = FileDescriptorSet::decode(inferchain_proto::COSMOS_FILE_DESCRIPTOR_SET)
            .expect("the reflection descriptor set decodes");
        let ibc = FileDescriptorSet::decode(ibc_proto::FILE_DESCRIPTOR_SET)
            .expect("ibc-proto's descriptor set decodes");
        let present: BTreeSet<String> = ours.file.iter().filter_map(|f| f.name.clone()).collect();
        let by_name: HashMap<&str, &FileDescriptorProto> = ibc
            .file
            .iter()
            .filter_map(|f| f.name.as_deref().map(|n| (n, f)))
            .collect();
        // Imports before importers (the order descriptor pools want), each file once.
        let mut taken = BTreeSet::new();
        let mut ordered = Vec::new();
        fn visit<'a>(
            name: &'a str,
            by_name: &HashMap<&'a str, &'a FileDescriptorProto>,
            present: &BTreeSet<String>,
            taken: &mut BTreeSet<&'a str>,
            ordered: &mut Vec<FileDescriptorProto>,
        ) {
            if present.contains(name) || !taken.insert(name) {
                return;
            }
            let Some(file) = by_name.get(name) else {
                return;
            };
            for dep in &file.dependency {
                visit(dep, by_name, present, taken, ordered);
            }
            let mut file = (*file).clone();
            let package = file.package().to_string();
            file.service
                .retain(|s| IBC_SERVICES.contains(&format!("{package}.{}", s.name()).as_str()));
            // Only the methods this node answers, as proto/reflection/ does for ours.
            for service in &mut file.service {
                let name = format!("{package}.{}", service.name());
                service
                    .method
                    .retain(|m| crate::modules::ibc::query::serves(&name, m.name()));
            }
            ordered.push(file);
        }
        for name in IBC_FILES {
            visit(name, &by_name, &present, &mut taken, &mut ordered);
        }
        ours.file.extend(ordered);
        ours.encode_to_vec()
    })
}
