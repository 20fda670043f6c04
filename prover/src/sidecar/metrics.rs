//! Prometheus metrics of the sidecar, in the text exposition format (version 0.0.4), served
//! at `GET /metrics` by [`super::http`].

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

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
}
