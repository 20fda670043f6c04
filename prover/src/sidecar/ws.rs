//! The websocket subscription to CometBFT, reconnected with exponential backoff. Every
//! (re)connection is announced before any event, so the daemon rescans the chain for pending
//! requests and nothing made while it was disconnected is missed.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use super::events::{self, RequestEvent, WsMessage};
use super::metrics::Metrics;

/// What the websocket task tells the daemon.
#[derive(Debug)]
pub enum WsEvent {
    /// Subscribed (again): rescan the chain.
    Connected,
    /// One committed transaction's requests (possibly none).
    Requests(Vec<RequestEvent>),
    Disconnected,
}

/// CometBFT pings every ~27 s; silence this long means the connection is dead.
const SILENCE: Duration = Duration::from_secs(90);
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// The delay before reconnect attempt `n` (0-based): 1 s doubling to 60 s.
pub fn backoff(n: u32) -> Duration {
    Duration::from_secs(1u64 << n.min(6)).min(MAX_BACKOFF)
}

/// Subscribes with `query` (the daemon: [`events::SUBSCRIBE_QUERY`]) and runs until `tx` is
/// closed.
pub async fn run(url: String, query: String, tx: mpsc::Sender<WsEvent>, metrics: Arc<Metrics>) {
    let mut failures = 0u32;
    loop {
        match tokio_tungstenite::connect_async(url.as_str()).await {
            Ok((mut ws, _)) => {
                let sub = events::subscribe_request(1, &query);
                if let Err(e) = ws.send(Message::Text(sub.into())).await {
                    tracing::warn!(%url, error = %e, "websocket: subscribe failed");
                } else {
                    loop {
                        let next = match tokio::time::timeout(SILENCE, ws.next()).await {
                            Err(_) => {
                                tracing::warn!(%url, "websocket: silent for {SILENCE:?}, reconnecting");
                                break;
                            }
                            Ok(None) => break,
                            Ok(Some(Err(e))) => {
                                tracing::warn!(%url, error = %e, "websocket: read failed");
                                break;
                            }
                            Ok(Some(Ok(m))) => m,
                        };
                        let text = match next {
                            Message::Text(t) => t,
                            Message::Close(_) => break,
                            // Pings are answered by tungstenite itself.
                            _ => continue,
                        };
                        match events::parse(text.as_str()) {
                            Ok(WsMessage::Subscribed) => {
                                failures = 0;
                                Metrics::inc(&metrics.connects, 1);
                                tracing::info!(%url, %query, "websocket: subscribed");
                                if tx.send(WsEvent::Connected).await.is_err() {
                                    return;
                                }
                            }
                            Ok(WsMessage::Requests(r)) => {
                                if tx.send(WsEvent::Requests(r)).await.is_err() {
                                    return;
                                }
                            }
                            Ok(WsMessage::Error(e)) => {
                                tracing::warn!(%url, error = %e, "websocket: the node ended the subscription");
                                break;
                            }
                            Ok(_) => {}
                            Err(e) => tracing::warn!(error = %e, "websocket: unreadable message"),
                        }
                    }
                }
                let _ = ws.close(None).await;
            }
            Err(e) => tracing::warn!(%url, error = %e, "websocket: cannot connect"),
        }
        if tx.send(WsEvent::Disconnected).await.is_err() {
            return;
        }
        let wait = backoff(failures);
        failures = failures.saturating_add(1);
        tracing::info!("websocket: reconnecting in {wait:?}");
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        let got: Vec<u64> = (0..9).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(got, vec![1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }
}
