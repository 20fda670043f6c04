//! The REST (LCD) gateway, port 1317 style: the Cosmos SDK's and wasmd's REST routes, which
//! Keplr, ping.pub-style explorers and CosmJS's LCD client call, plus InferChain's own — and
//! the web app beside them.
//!
//! Like the SDK's grpc-gateway, every route is a gRPC call to this node's own gRPC server
//! (so REST, gRPC and ABCI answer from one implementation), its request built from the path,
//! query string or JSON body and its answer written as the SDK's JSON ([`json`]). The height
//! header `x-cosmos-block-height` is passed through both ways. Errors have the SDK's body
//! `{"code", "message", "details"}` and grpc-gateway's HTTP status. Every answer allows any
//! origin (CORS), as browser wallets need.
//!
//! - [`routes`]: the route table.
//! - [`json`]: protobuf ↔ JSON.
//! - [`web`]: the static bundle, `config.json`, `chain.json`, `keplr.json`.

pub mod json;
pub mod routes;
pub mod web;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use serde_json::{json, Value};
use tonic::transport::Channel;

use crate::grpc::routed::RawCodec;

/// Largest request body accepted (a `MsgStoreCode` of the biggest contract, base64).
const MAX_BODY: usize = 8 << 20;
/// Largest gRPC answer relayed (a block with its transactions).
const MAX_ANSWER: usize = 64 << 20;
const HEIGHT_HEADER: &str = "x-cosmos-block-height";

struct Gateway {
    grpc: Channel,
    site: web::SiteConfig,
}

/// Serves REST and the web app on `addr`, answering through the gRPC server at `grpc`.
pub async fn serve(addr: SocketAddr, grpc: SocketAddr, site: web::SiteConfig) -> Result<()> {
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{grpc}"))
        .context("gRPC address")?
        .connect_lazy();
    let state = Arc::new(Gateway {
        grpc: channel,
        site,
    });
    let app = axum::Router::new().fallback(handle).with_state(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding the REST server to {addr}"))?;
    tracing::info!(%addr, "REST server listening");
    axum::serve(listener, app).await?;
    Ok(())
}

/// CORS for browser pages on other origins: any origin, the methods a gateway answers, the
/// request headers it reads (`allow_headers`). Shared with the prover sidecar's server.
pub fn allow_any_origin(headers: &mut HeaderMap, allow_headers: &'static str) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(allow_headers),
    );
}

fn cors(resp: &mut Response<Body>) {
    let h = resp.headers_mut();
    allow_any_origin(h, "content-type, x-cosmos-block-height");
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("grpc-metadata-x-cosmos-block-height"),
    );
}

fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// grpc-gateway's HTTP status for a gRPC code.
fn http_status(code: tonic::Code) -> StatusCode {
    use tonic::Code::*;
    match code {
        Ok => StatusCode::OK,
        Cancelled => StatusCode::REQUEST_TIMEOUT,
        InvalidArgument | FailedPrecondition | OutOfRange => StatusCode::BAD_REQUEST,
        DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        NotFound => StatusCode::NOT_FOUND,
        AlreadyExists | Aborted => StatusCode::CONFLICT,
        PermissionDenied => StatusCode::FORBIDDEN,
        Unauthenticated => StatusCode::UNAUTHORIZED,
        ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Unknown | Internal | DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The SDK's error body for a gRPC status.
fn error_response(code: tonic::Code, message: &str) -> Response<Body> {
    json_response(
        http_status(code),
        &json!({"code": code as i32, "message": message, "details": []}),
    )
}

/// The origin the client reached us at (for the URLs in `chain.json`/`keplr.json`).
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:1317");
    format!("http://{host}")
}

async fn handle(State(gw): State<Arc<Gateway>>, req: Request<Body>) -> Response<Body> {
    let mut resp = if req.method() == Method::OPTIONS {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NO_CONTENT;
        r
    } else {
        route(&gw, req).await
    };
    cors(&mut resp);
    resp
}

fn is_api_path(path: &str) -> bool {
    ["/cosmos/", "/cosmwasm/", "/inferchain/", "/ibc/"]
        .iter()
        .any(|p| path.starts_with(p))
}

async fn route(gw: &Gateway, req: Request<Body>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let Some((route, bindings)) = routes::find(&parts.method, &path) else {
        if parts.method == Method::GET && !is_api_path(&path) {
            return site(gw, &path, &parts.headers);
        }
        if routes::other_method(&path) {
            return error_response(tonic::Code::Unimplemented, "Method Not Allowed");
        }
        return error_response(tonic::Code::NotFound, "Not Found");
    };
    let Some(method) = method_descriptor(route.grpc) else {
        return error_response(
            tonic::Code::Internal,
            &format!("{} is not described", route.grpc),
        );
    };
    // The request: the JSON body (POST), the query string, then the path's bindings (which
    // win, as grpc-gateway's do).
    let request = if parts.method == Method::POST {
        let body = match axum::body::to_bytes(body, MAX_BODY).await {
            Ok(b) => b,
            Err(e) => {
                return error_response(tonic::Code::InvalidArgument, &format!("body: {e}"));
            }
        };
        let value: Value = if body.is_empty() {
            json!({})
        } else {
            match serde_json::from_slice(&body) {
                Ok(v) => v,
                Err(e) => {
                    return error_response(
                        tonic::Code::InvalidArgument,
                        &format!("body is not JSON: {e}"),
                    );
                }
            }
        };
        json::from_json(&method.input(), &value).and_then(|mut m| {
            let bound = json::from_params(&method.input(), &bindings)?;
            for (field, v) in bound.fields() {
                m.set_field(&field, v.clone());
            }
            Ok(m)
        })
    } else {
        let mut params = routes::query_pairs(parts.uri.query());
        params.extend(bindings);
        json::from_params(&method.input(), &params)
    };
    let request = match request {
        Ok(r) => prost::Message::encode_to_vec(&r),
        Err(e) => return error_response(tonic::Code::InvalidArgument, &e.0),
    };
    let height = parts
        .headers
        .get(HEIGHT_HEADER)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    match call(gw, route.grpc, request, height).await {
        Ok((bytes, height)) => match json::decode_to_json(&method.output(), &bytes) {
            Ok(v) => {
                let mut resp = json_response(StatusCode::OK, &v);
                if let Some(h) = height.and_then(|h| HeaderValue::from_str(&h).ok()) {
                    resp.headers_mut()
                        .insert("grpc-metadata-x-cosmos-block-height", h);
                }
                resp
            }
            Err(e) => error_response(tonic::Code::Internal, &e.0),
        },
        Err(status) => error_response(status.code(), status.message()),
    }
}

fn method_descriptor(grpc: &str) -> Option<prost_reflect::MethodDescriptor> {
    let (service, method) = grpc.strip_prefix('/')?.rsplit_once('/')?;
    json::pool()
        .get_service_by_name(service)?
        .methods()
        .find(|m| m.name() == method)
}

/// One unary call to our gRPC server; the answer and the height it was answered at.
async fn call(
    gw: &Gateway,
    path: &'static str,
    request: Vec<u8>,
    height: Option<String>,
) -> Result<(Vec<u8>, Option<String>), tonic::Status> {
    let mut grpc = tonic::client::Grpc::new(gw.grpc.clone())
        .max_decoding_message_size(MAX_ANSWER)
        .max_encoding_message_size(MAX_BODY);
    grpc.ready()
        .await
        .map_err(|e| tonic::Status::unavailable(format!("gRPC server: {e}")))?;
    let mut req = tonic::Request::new(request);
    if let Some(h) = height {
        let h = h
            .parse()
            .map_err(|_| tonic::Status::invalid_argument("bad x-cosmos-block-height"))?;
        req.metadata_mut().insert(HEIGHT_HEADER, h);
    }
    let resp = grpc
        .unary(
            req,
            axum::http::uri::PathAndQuery::from_static(path),
            RawCodec,
        )
        .await?;
    let height = resp
        .metadata()
        .get(HEIGHT_HEADER)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    Ok((resp.into_inner(), height))
}

/// Everything that is not the API: the generated descriptions and the web app.
fn site(gw: &Gateway, path: &str, headers: &HeaderMap) -> Response<Body> {
    let origin = origin(headers);
    match path {
        "/config.json" => return json_response(StatusCode::OK, &gw.site.config_json(&origin)),
        "/chain.json" => return json_response(StatusCode::OK, &gw.site.chain_json(&origin)),
        "/keplr.json" => return json_response(StatusCode::OK, &gw.site.keplr_json(&origin)),
        _ => {}
    }
    let Some(dir) = &gw.site.web_dir else {
        return plain(
            StatusCode::NOT_FOUND,
            "inferchaind REST server: the web app is not served by this node (start it with --web-dir)\n",
        );
    };
    match web::static_file(dir, path) {
        Some((bytes, ctype)) => {
            let mut resp = Response::new(Body::from(bytes));
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            resp
        }
        None if !dir.join("index.html").exists() => plain(
            StatusCode::NOT_FOUND,
            &format!(
                "the web app is not built: {} has no index.html (run web/build.sh)\n",
                dir.display()
            ),
        ),
        None => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

fn plain(status: StatusCode, text: &str) -> Response<Body> {
    let mut resp = Response::new(Body::from(text.to_string()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}
