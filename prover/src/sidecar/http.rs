//! The sidecar's HTTP server (`serve --chain … --metrics ADDR`): Prometheus metrics at
//! `GET /metrics` and, with `--playground`, the web playground's `GET /playground/models` and
//! `POST /playground/prove` ([`super::playground`]). Every answer allows any origin (the web
//! app is served by the node, on another port).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use tokio::net::TcpListener;

use super::metrics::Metrics;
use super::playground::Playground;

/// Largest playground request (16 features and a nonce are a few hundred bytes).
const MAX_BODY: usize = 64 << 10;

#[derive(Clone)]
struct Served {
    metrics: Arc<Metrics>,
    playground: Option<Arc<Playground>>,
}

/// Binds `addr` (errors surface here, at start).
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

/// Serves `listener` until the process ends.
pub async fn serve(
    listener: TcpListener,
    metrics: Arc<Metrics>,
    playground: Option<Arc<Playground>>,
) {
    let app = axum::Router::new().fallback(handle).with_state(Served {
        metrics,
        playground,
    });
    if let Err(e) = axum::serve(listener, app).await {
        tracing::error!("the sidecar's HTTP server stopped: {e}");
    }
}

fn reply(status: u16, ctype: &'static str, body: impl Into<Body>) -> Response<Body> {
    let mut r = Response::new(body.into());
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    r
}

async fn handle(State(s): State<Served>, req: Request<Body>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let mut resp = match (&parts.method, path.as_str()) {
        (&Method::OPTIONS, _) => reply(204, "text/plain", Body::empty()),
        (&Method::GET, "/metrics") => reply(
            200,
            "text/plain; version=0.0.4; charset=utf-8",
            s.metrics.render(),
        ),
        (&Method::GET, "/") => reply(
            200,
            "text/plain; charset=utf-8",
            if s.playground.is_some() {
                "inferchain-prover sidecar: metrics at /metrics, playground at /playground/models and POST /playground/prove\n"
            } else {
                "inferchain-prover sidecar: metrics at /metrics\n"
            },
        ),
        (m, p) if p.starts_with("/playground/") => match (&s.playground, m, p) {
            (None, _, _) => reply(
                404,
                "application/json",
                r#"{"error":"this sidecar has no playground (start it with --playground)"}"#,
            ),
            (Some(pg), &Method::GET, "/playground/models") => json(pg.models()),
            (Some(pg), &Method::POST, "/playground/prove") => {
                match axum::body::to_bytes(body, MAX_BODY).await {
                    Ok(b) => json(pg.prove(&b).await),
                    Err(e) => json((413, serde_json::json!({"error": format!("body: {e}")}))),
                }
            }
            _ => reply(404, "application/json", r#"{"error":"not found"}"#),
        },
        (&Method::GET, _) => reply(404, "text/plain", "not found\n"),
        _ => reply(405, "text/plain", "method not allowed\n"),
    };
    inferchain_app::rest::allow_any_origin(resp.headers_mut(), "content-type");
    resp
}

fn json((status, v): (u16, serde_json::Value)) -> Response<Body> {
    reply(status, "application/json", Bytes::from(v.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn get(addr: SocketAddr, method: &str, path: &str) -> String {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(
            format!("{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn serves_metrics_and_says_when_there_is_no_playground() {
        let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let m = Arc::new(Metrics::default());
        Metrics::inc(&m.seen, 5);
        tokio::spawn(serve(listener, m, None));
        let ok = get(addr, "GET", "/metrics").await;
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(
            ok.contains("content-type: text/plain; version=0.0.4"),
            "{ok}"
        );
        assert!(ok.contains("access-control-allow-origin: *"), "{ok}");
        assert!(ok.contains("\ninferchain_prover_requests_seen_total 5\n"));
        assert!(get(addr, "GET", "/nope").await.starts_with("HTTP/1.1 404"));
        assert!(get(addr, "DELETE", "/metrics")
            .await
            .starts_with("HTTP/1.1 405"));
        let pg = get(addr, "GET", "/playground/models").await;
        assert!(
            pg.starts_with("HTTP/1.1 404") && pg.contains("--playground"),
            "{pg}"
        );
    }
}
