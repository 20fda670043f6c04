//! Prometheus metrics of the sidecar, in the text exposition format (version 0.0.4), served
//! by a tiny HTTP/1.1 responder: `GET /metrics`.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Upper bounds (seconds) of the proving-time histogram's buckets.
pub const PROVING_BUCKETS: [f64; 10] = [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; PROVING_BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The sidecar's counters and gauges (shared between its tasks).
#[derive(Default)]
pub struct Metrics {
    /// Requests for our models seen (events and chain scans), each once.
    pub seen: AtomicU64,
    /// Requests proved (each request of an aggregate counts).
    pub proved: AtomicU64,
    /// Requests in a transaction CheckTx accepted.
    pub submitted: AtomicU64,
    /// Requests that ended without our fulfilment: proving failed, the transaction failed or
    /// was refused for good, or the deadline passed first.
    pub failed: AtomicU64,
    /// Requests in our fulfilment transactions included with code 0.
    pub fulfilled: AtomicU64,
    /// Requests known pending that we have not answered yet (queued or in flight).
    pub pending: AtomicU64,
    /// Websocket (re)connections.
    pub connects: AtomicU64,
    /// The latest chain height seen.
    pub height: AtomicU64,
    proving: Mutex<Histogram>,
}

impl Metrics {
    pub fn inc(c: &AtomicU64, n: u64) {
        c.fetch_add(n, Ordering::Relaxed);
    }

    pub fn set(c: &AtomicU64, v: u64) {
        c.store(v, Ordering::Relaxed);
    }

    /// Records one proof's wall time.
    pub fn observe_proving(&self, secs: f64) {
        let mut h = self.proving.lock().unwrap_or_else(|e| e.into_inner());
        for (i, le) in PROVING_BUCKETS.iter().enumerate() {
            if secs <= *le {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// The text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, v: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}"
            );
        };
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        metric(
            "inferchain_prover_requests_seen_total",
            "counter",
            "Inference requests for this sidecar's models seen (events and chain scans).",
            get(&self.seen),
        );
        metric(
            "inferchain_prover_requests_proved_total",
            "counter",
            "Requests proved (each request of an aggregate counts).",
            get(&self.proved),
        );
        metric(
            "inferchain_prover_requests_submitted_total",
            "counter",
            "Requests in fulfilment transactions accepted by CheckTx.",
            get(&self.submitted),
        );
        metric(
            "inferchain_prover_requests_fulfilled_total",
            "counter",
            "Requests in fulfilment transactions included with code 0.",
            get(&self.fulfilled),
        );
        metric(
            "inferchain_prover_requests_failed_total",
            "counter",
            "Requests that ended without our fulfilment (proving or transaction failed, deadline passed).",
            get(&self.failed),
        );
        metric(
            "inferchain_prover_requests_pending",
            "gauge",
            "Pending requests of our models not answered yet (queued or in flight).",
            get(&self.pending),
        );
        metric(
            "inferchain_prover_websocket_connects_total",
            "counter",
            "Websocket (re)connections to CometBFT.",
            get(&self.connects),
        );
        metric(
            "inferchain_prover_chain_height",
            "gauge",
            "Latest chain height seen.",
            get(&self.height),
        );
        let h = self.proving.lock().unwrap_or_else(|e| e.into_inner());
        let name = "inferchain_prover_proving_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Wall time of one proof (a single fulfilment, or a whole aggregate).\n# TYPE {name} histogram"
        );
        for (i, le) in PROVING_BUCKETS.iter().enumerate() {
            let _ = writeln!(out, "{name}_bucket{{le=\"{le}\"}} {}", h.counts[i]);
        }
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {}", h.count);
        let _ = writeln!(out, "{name}_sum {}", h.sum);
        let _ = writeln!(out, "{name}_count {}", h.count);
        out
    }
}

/// The HTTP answer to one request head.
fn respond(head: &str, metrics: &Metrics) -> String {
    let line = head.lines().next().unwrap_or_default();
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    let (status, ctype, body) = match (method, path) {
        ("GET", "/metrics") => (
            "200 OK",
            "text/plain; version=0.0.4; charset=utf-8",
            metrics.render(),
        ),
        ("GET", "/") => (
            "200 OK",
            "text/plain; charset=utf-8",
            "inferchain-prover sidecar: metrics at /metrics\n".to_string(),
        ),
        ("GET", _) => ("404 Not Found", "text/plain", "not found\n".to_string()),
        _ => (
            "405 Method Not Allowed",
            "text/plain",
            "only GET\n".to_string(),
        ),
    };
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Binds `addr` (errors surface here, at start) and returns the serving future.
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

/// Answers `GET /metrics` on `listener` forever (one short connection at a time per task).
pub async fn serve(listener: TcpListener, metrics: Arc<Metrics>) {
    loop {
        let Ok((mut sock, _)) = listener.accept().await else {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            continue;
        };
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let mut buf = Vec::with_capacity(1024);
            let mut chunk = [0u8; 1024];
            let read = async {
                loop {
                    let n = sock.read(&mut chunk).await?;
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.len() > 8192 {
                        break;
                    }
                }
                Ok::<_, std::io::Error>(())
            };
            if tokio::time::timeout(std::time::Duration::from_secs(5), read)
                .await
                .is_err()
            {
                return;
            }
            let answer = respond(&String::from_utf8_lossy(&buf), &metrics);
            let _ = sock.write_all(answer.as_bytes()).await;
            let _ = sock.shutdown().await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_exposition_format() {
        let m = Metrics::default();
        Metrics::inc(&m.seen, 3);
        Metrics::inc(&m.proved, 2);
        Metrics::inc(&m.submitted, 2);
        Metrics::inc(&m.failed, 1);
        Metrics::set(&m.pending, 1);
        m.observe_proving(0.75);
        m.observe_proving(12.5);
        let text = m.render();
        for line in [
            "# TYPE inferchain_prover_requests_seen_total counter",
            "inferchain_prover_requests_seen_total 3",
            "inferchain_prover_requests_proved_total 2",
            "inferchain_prover_requests_submitted_total 2",
            "inferchain_prover_requests_failed_total 1",
            "# TYPE inferchain_prover_requests_pending gauge",
            "inferchain_prover_requests_pending 1",
            "# TYPE inferchain_prover_proving_seconds histogram",
            "inferchain_prover_proving_seconds_bucket{le=\"0.5\"} 0",
            "inferchain_prover_proving_seconds_bucket{le=\"1\"} 1",
            "inferchain_prover_proving_seconds_bucket{le=\"10\"} 1",
            "inferchain_prover_proving_seconds_bucket{le=\"20\"} 2",
            "inferchain_prover_proving_seconds_bucket{le=\"+Inf\"} 2",
            "inferchain_prover_proving_seconds_sum 13.25",
            "inferchain_prover_proving_seconds_count 2",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing {line:?} in\n{text}"
            );
        }
        // Every sample line is `name{labels} value` with a numeric value, every metric has
        // HELP and TYPE before its samples, and the text ends with a newline.
        let mut typed = std::collections::BTreeSet::new();
        for l in text.lines() {
            if let Some(rest) = l.strip_prefix("# TYPE ") {
                typed.insert(rest.split(' ').next().unwrap().to_string());
                continue;
            }
            if l.starts_with("# HELP ") {
                continue;
            }
            let (name, value) = l.rsplit_once(' ').unwrap();
            assert!(value.parse::<f64>().is_ok(), "{l}");
            let base = name.split('{').next().unwrap();
            let family = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| base.strip_suffix(s))
                .filter(|f| typed.contains(*f))
                .unwrap_or(base);
            assert!(typed.contains(family), "{l} has no TYPE before it");
        }
        assert!(text.ends_with('\n'));
    }

    #[tokio::test]
    async fn serves_get_metrics_over_http() {
        let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let m = Arc::new(Metrics::default());
        Metrics::inc(&m.seen, 5);
        tokio::spawn(serve(listener, m));
        let get = |path: &'static str| async move {
            let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
            s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
                .await
                .unwrap();
            let mut out = String::new();
            s.read_to_string(&mut out).await.unwrap();
            out
        };
        let ok = get("/metrics").await;
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(ok.contains("Content-Type: text/plain; version=0.0.4"));
        assert!(ok.contains("\r\n\r\n# HELP inferchain_prover_requests_seen_total"));
        assert!(ok.contains("\ninferchain_prover_requests_seen_total 5\n"));
        let (head, body) = ok.split_once("\r\n\r\n").unwrap();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(len, body.len());
        assert!(get("/nope").await.starts_with("HTTP/1.1 404"));
    }
}
