//! A small gRPC reflection client (`grpc.reflection.v1`): what `grpcurl list` and
//! `grpcurl describe` ask a server. Used by the tests of both servers to check what
//! reflection tells users, rather than what we registered.

use std::collections::BTreeMap;

use prost::Message;
use prost_types::FileDescriptorProto;
use tonic::codegen::tokio_stream;
use tonic::transport::Channel;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
use tonic_reflection::pb::v1::ServerReflectionRequest;

#[derive(Debug, thiserror::Error)]
pub enum ReflectionError {
    #[error("reflection call failed: {0}")]
    Status(#[from] tonic::Status),
    #[error("the server closed the reflection stream without an answer")]
    NoAnswer,
    #[error("the server answered with error {code}: {message}")]
    Refused { code: i32, message: String },
    #[error("unexpected answer: {0}")]
    Unexpected(String),
    #[error("undecodable file descriptor: {0}")]
    Decode(#[from] prost::DecodeError),
}

async fn ask(
    channel: Channel,
    request: MessageRequest,
) -> Result<MessageResponse, ReflectionError> {
    let req = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(request),
    };
    let mut answers = ServerReflectionClient::new(channel)
        .server_reflection_info(tokio_stream::once(req))
        .await?
        .into_inner();
    match answers.message().await?.and_then(|a| a.message_response) {
        None => Err(ReflectionError::NoAnswer),
        Some(MessageResponse::ErrorResponse(e)) => Err(ReflectionError::Refused {
            code: e.error_code,
            message: e.error_message,
        }),
        Some(answer) => Ok(answer),
    }
}

/// The fully qualified names of the services the server lists.
pub async fn list_services(channel: Channel) -> Result<Vec<String>, ReflectionError> {
    match ask(channel, MessageRequest::ListServices(String::new())).await? {
        MessageResponse::ListServicesResponse(l) => {
            Ok(l.service.into_iter().map(|s| s.name).collect())
        }
        other => Err(ReflectionError::Unexpected(format!("{other:?}"))),
    }
}

fn decode_files(answer: MessageResponse) -> Result<Vec<FileDescriptorProto>, ReflectionError> {
    match answer {
        MessageResponse::FileDescriptorResponse(f) => f
            .file_descriptor_proto
            .iter()
            .map(|b| Ok(FileDescriptorProto::decode(b.as_slice())?))
            .collect(),
        other => Err(ReflectionError::Unexpected(format!("{other:?}"))),
    }
}

/// The file that defines `symbol` and every file it imports, directly or not, each after
/// its imports (the order a descriptor pool accepts). A server may answer with the file
/// alone, as tonic's does; the imports are then asked for by name, as grpcurl does.
pub async fn files_containing(
    channel: Channel,
    symbol: &str,
) -> Result<Vec<FileDescriptorProto>, ReflectionError> {
    let first = ask(
        channel.clone(),
        MessageRequest::FileContainingSymbol(symbol.into()),
    )
    .await?;
    let mut files: BTreeMap<String, FileDescriptorProto> = BTreeMap::new();
    let mut pending = decode_files(first)?;
    while let Some(file) = pending.pop() {
        for dep in &file.dependency {
            if !files.contains_key(dep) && !pending.iter().any(|p| p.name() == dep) {
                let answer = ask(channel.clone(), MessageRequest::FileByFilename(dep.clone()));
                pending.extend(decode_files(answer.await?)?);
            }
        }
        files.insert(file.name().to_string(), file);
    }
    let mut ordered: Vec<FileDescriptorProto> = Vec::with_capacity(files.len());
    while !files.is_empty() {
        let ready: Vec<String> = files
            .values()
            .filter(|f| {
                f.dependency
                    .iter()
                    .all(|d| ordered.iter().any(|o| o.name() == d))
            })
            .map(|f| f.name().to_string())
            .collect();
        if ready.is_empty() {
            return Err(ReflectionError::Unexpected(format!(
                "circular or missing imports among {:?}",
                files.keys().collect::<Vec<_>>()
            )));
        }
        for name in ready {
            ordered.extend(files.remove(&name));
        }
    }
    Ok(ordered)
}
