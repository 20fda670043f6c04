//! Serving the router's query paths as raw protobuf bytes, and the plumbing for gRPC services
//! whose types come without a generated tonic server.

use std::convert::Infallible;
use std::sync::Arc;

use tonic::codegen::http;
use tonic::{Request, Response, Status};

use super::{query_raw, request_height, with_height};
use crate::node::Node;

/// Protobuf messages as opaque bytes (also for clients that call a method they only know
/// by its path and descriptor, as the reflection test does).
#[derive(Default, Clone, Copy)]
pub struct RawCodec;

impl tonic::codec::Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;
    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }
    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl tonic::codec::Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;
    fn encode(
        &mut self,
        item: Vec<u8>,
        dst: &mut tonic::codec::EncodeBuf<'_>,
    ) -> Result<(), Status> {
        use prost::bytes::BufMut;
        dst.put_slice(&item);
        Ok(())
    }
}

impl tonic::codec::Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;
    fn decode(&mut self, src: &mut tonic::codec::DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        use prost::bytes::Buf;
        let mut v = vec![0u8; src.remaining()];
        src.copy_to_slice(&mut v);
        Ok(Some(v))
    }
}

/// One call of a router path.
struct RawUnary {
    node: Arc<Node>,
    path: String,
}

impl tonic::server::UnaryService<Vec<u8>> for RawUnary {
    type Response = Vec<u8>;
    type Future = tonic::codegen::BoxFuture<Response<Vec<u8>>, Status>;
    fn call(&mut self, req: Request<Vec<u8>>) -> Self::Future {
        let (node, path) = (self.node.clone(), self.path.clone());
        Box::pin(async move {
            let height = request_height(&req);
            let (value, h) = query_raw(node, &path, req.into_inner(), height).await?;
            Ok(with_height(Response::new(value), h))
        })
    }
}

/// Every query path the app's router knows, served by its path; others are Unimplemented.
#[derive(Clone)]
pub struct RouterPaths {
    node: Arc<Node>,
}

impl RouterPaths {
    pub fn new(node: Arc<Node>) -> Self {
        RouterPaths { node }
    }
}

impl HandRouted for RouterPaths {
    const NAME: &'static str = "inferchain.router";

    fn route<B>(&self, req: http::Request<B>) -> RoutedFuture
    where
        B: tonic::codegen::Body + Send + 'static,
        B::Error: Into<tonic::codegen::StdError> + Send + 'static,
    {
        let path = req.uri().path().to_string();
        let known = self.node.serves_query(&path);
        let unary = RawUnary {
            node: self.node.clone(),
            path: path.clone(),
        };
        Box::pin(async move {
            if !known {
                return Ok(
                    Status::unimplemented(format!("{path} is not served by this node")).into_http(),
                );
            }
            let mut grpc = tonic::server::Grpc::new(RawCodec);
            Ok(grpc.unary(unary, req).await)
        })
    }
}

pub type RoutedFuture = tonic::codegen::BoxFuture<http::Response<tonic::body::Body>, Infallible>;

/// A gRPC service whose types come without a generated tonic server: it routes each call
/// itself. [`Routed`] makes it a tower service the tonic router accepts.
pub trait HandRouted: Clone + Send + 'static {
    const NAME: &'static str;
    fn route<B>(&self, req: http::Request<B>) -> RoutedFuture
    where
        B: tonic::codegen::Body + Send + 'static,
        B::Error: Into<tonic::codegen::StdError> + Send + 'static;
}

#[derive(Clone)]
pub struct Routed<S>(pub S);

impl<S: HandRouted> tonic::server::NamedService for Routed<S> {
    const NAME: &'static str = S::NAME;
}

impl<S, B> tonic::codegen::Service<http::Request<B>> for Routed<S>
where
    S: HandRouted,
    B: tonic::codegen::Body + Send + 'static,
    B::Error: Into<tonic::codegen::StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = RoutedFuture;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        self.0.route(req)
    }
}
