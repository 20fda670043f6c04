//! `inferchaind tx inference create-feed|top-up-feed|close-feed|request|fulfill|set-operator`
//! and `inferchaind query inference feed|feeds|request|requests|escrow`.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use inferchain_app::client::Client;
use inferchain_app::keyring::Keyring;
use inferchain_app::modules::to_any;
use inferchain_proto::inferchain::inference::v1 as pb;
use serde_json::{json, Value};
use tendermint_proto::google::protobuf::Any;

use super::broadcast::broadcast;
use super::wasm_tx::Signer;
use super::{print, NodeArgs};

#[derive(Subcommand)]
pub enum FeedTx {
    /// Open a feed on a model (`--model ID`) or on a finalized challenge's winners
    /// (`--challenge ID`), escrowing `--deposit` uspec from the signer:
    /// `create-feed --model 1 --sla-blocks 10 --fee 1000 --deposit 100000`.
    CreateFeed {
        #[arg(long, default_value_t = 0)]
        model: u64,
        #[arg(long, default_value_t = 0)]
        challenge: u64,
        /// Blocks a request may wait for its proof before it is refunded and the modeler
        /// slashed.
        #[arg(long)]
        sla_blocks: u64,
        /// uspec per inference.
        #[arg(long)]
        fee: String,
        /// private (zero-knowledge) or public proofs.
        #[arg(long, default_value = "private")]
        mode: String,
        #[arg(long, default_value_t = 0)]
        max_requests: u64,
        /// Last height requests are accepted at (0: none).
        #[arg(long, default_value_t = 0)]
        expiry_height: u64,
        /// A contract whose `sudo` receives each result (and may request on the feed).
        #[arg(long, default_value = "")]
        callback: String,
        /// uspec escrowed now (top it up later with top-up-feed).
        #[arg(long)]
        deposit: String,
        /// Take request packets from other chains (port `inference`); each pays its own fee
        /// from its sender's deposit account (`inferchaind ibc inference-account`).
        #[arg(long)]
        ibc_open: bool,
        /// Publish each verified result to this open channel on port `inference`.
        #[arg(long, default_value = "")]
        publish_channel: String,
        #[command(flatten)]
        signer: Signer,
    },
    /// Add uspec to a feed's deposit: `top-up-feed <feed-id> <amount>`.
    TopUpFeed {
        feed_id: u64,
        amount: String,
        #[command(flatten)]
        signer: Signer,
    },
    /// Close your feed and take back its unspent deposit: `close-feed <feed-id>`.
    CloseFeed {
        feed_id: u64,
        #[command(flatten)]
        signer: Signer,
    },
    /// Ask a feed for an inference: `request <feed-id> --input 12,-40,256,…` — fixed-point
    /// integers at scale 256 (0.5 is 128), as many as the model's input width.
    Request {
        feed_id: u64,
        #[arg(long, allow_hyphen_values = true)]
        input: String,
        /// Opaque bytes echoed to the feed's callback contract (UTF-8).
        #[arg(long, default_value = "")]
        callback_data: String,
        #[command(flatten)]
        signer: Signer,
    },
    /// Answer a request with a proof (`inferchain-prover serve` does this for you):
    /// `fulfill <request-id> <proof-file> --output 312`.
    Fulfill {
        request_id: u64,
        proof: PathBuf,
        #[arg(long, allow_hyphen_values = true)]
        output: String,
        #[command(flatten)]
        signer: Signer,
    },
    /// Let `operator` (a prover sidecar's key) fulfil requests for your model; "" clears:
    /// `set-operator <model-id> <operator-address>`.
    SetOperator {
        model_id: u64,
        operator: String,
        #[command(flatten)]
        signer: Signer,
    },
}

#[derive(Subcommand)]
pub enum FeedQuery {
    /// A feed: its models, SLA, fee, deposit and counts.
    Feed {
        id: u64,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Feeds by id, optionally one owner's.
    Feeds {
        #[arg(long, default_value = "")]
        owner: String,
        #[arg(long, default_value_t = 0)]
        start_after: u64,
        #[arg(long, default_value_t = 0)]
        limit: u32,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// A request: its input, status, and (once fulfilled) output and proof hash.
    Request {
        id: u64,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Requests by id, filtered by feed, requester, assigned model and/or status.
    Requests {
        #[arg(long, default_value_t = 0)]
        feed: u64,
        #[arg(long, default_value = "")]
        requester: String,
        #[arg(long, default_value_t = 0)]
        model: u64,
        /// pending | fulfilled | timed_out
        #[arg(long, default_value = "")]
        status: String,
        #[arg(long, default_value_t = 0)]
        start_after: u64,
        #[arg(long, default_value_t = 0)]
        limit: u32,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// The module's escrow account: its balance and what it owes.
    Escrow {
        #[command(flatten)]
        node: NodeArgs,
    },
}

/// Parses `a,b,c` as fixed-point integers; a float is refused with the conversion to use.
pub fn parse_fixed_point(what: &str, s: &str) -> Result<Vec<i64>> {
    s.split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<i64>().or_else(|_| {
                if v.parse::<f64>().is_ok() {
                    bail!(
                        "{what} value {v:?} is not an integer: values are fixed-point at scale \
                         256 (write round(x * 256), e.g. 0.5 as 128)"
                    )
                }
                bail!("{what} value {v:?} is not an integer")
            })
        })
        .collect()
}

pub async fn tx(ring: &Keyring, cmd: FeedTx) -> Result<()> {
    let (signer, msg): (Signer, Any) = match cmd {
        FeedTx::CreateFeed {
            model,
            challenge,
            sla_blocks,
            fee,
            mode,
            max_requests,
            expiry_height,
            callback,
            deposit,
            ibc_open,
            publish_channel,
            signer,
        } => {
            let owner = ring.get(&signer.from)?.address.clone();
            let msg = to_any(&pb::MsgCreateFeed {
                owner,
                model_id: model,
                challenge_id: challenge,
                sla_blocks,
                fee_per_inference: fee.trim_end_matches("uspec").into(),
                mode,
                max_requests,
                expiry_height,
                callback_contract: callback,
                deposit: deposit.trim_end_matches("uspec").into(),
                ibc_open,
                publish_channel,
            });
            (signer, msg)
        }
        FeedTx::TopUpFeed {
            feed_id,
            amount,
            signer,
        } => {
            let sender = ring.get(&signer.from)?.address.clone();
            let msg = to_any(&pb::MsgTopUpFeed {
                sender,
                feed_id,
                amount: amount.trim_end_matches("uspec").into(),
            });
            (signer, msg)
        }
        FeedTx::CloseFeed { feed_id, signer } => {
            let owner = ring.get(&signer.from)?.address.clone();
            (signer, to_any(&pb::MsgCloseFeed { owner, feed_id }))
        }
        FeedTx::Request {
            feed_id,
            input,
            callback_data,
            signer,
        } => {
            let requester = ring.get(&signer.from)?.address.clone();
            let msg = to_any(&pb::MsgRequestInference {
                requester,
                feed_id,
                input: parse_fixed_point("input", &input)?,
                callback_data: callback_data.into_bytes(),
            });
            (signer, msg)
        }
        FeedTx::Fulfill {
            request_id,
            proof,
            output,
            signer,
        } => {
            let submitter = ring.get(&signer.from)?.address.clone();
            let proof = std::fs::read(&proof)
                .with_context(|| format!("reading the proof {}", proof.display()))?;
            let msg = to_any(&pb::MsgFulfillInference {
                submitter,
                request_id,
                output: parse_fixed_point("output", &output)?,
                proof,
            });
            (signer, msg)
        }
        FeedTx::SetOperator {
            model_id,
            operator,
            signer,
        } => {
            let owner = ring.get(&signer.from)?.address.clone();
            let msg = to_any(&pb::MsgSetModelOperator {
                owner,
                model_id,
                operator,
            });
            (signer, msg)
        }
    };
    let key = ring.get(&signer.from)?;
    broadcast(&key.signing_key()?, vec![msg], &signer.tx).await
}

pub fn feed_json(f: &pb::Feed) -> Value {
    json!({"id": f.id.to_string(), "owner": f.owner,
           "model_ids": f.model_ids.iter().map(u64::to_string).collect::<Vec<_>>(),
           "challenge_id": f.challenge_id.to_string(), "architecture": f.architecture,
           "sla_blocks": f.sla_blocks.to_string(), "fee_per_inference": f.fee_per_inference,
           "mode": f.mode, "max_requests": f.max_requests.to_string(),
           "expiry_height": f.expiry_height.to_string(), "callback_contract": f.callback_contract,
           "deposit": f.deposit, "pending_fees": f.pending_fees,
           "requests": f.requests.to_string(), "fulfilled": f.fulfilled.to_string(),
           "timed_out": f.timed_out.to_string(), "closed": f.closed,
           "created_height": f.created_height.to_string(), "ibc_open": f.ibc_open,
           "publish_channel": f.publish_channel})
}

pub fn request_json(r: &pb::InferenceRequest) -> Value {
    json!({"id": r.id.to_string(), "feed_id": r.feed_id.to_string(), "requester": r.requester,
           "model_id": r.model_id.to_string(), "model_owner": r.model_owner,
           "input": r.input, "input_hash": r.input_hash,
           "callback_data": String::from_utf8_lossy(&r.callback_data),
           "fee": r.fee, "height": r.height.to_string(), "deadline": r.deadline.to_string(),
           "status": r.status, "output": r.output, "proof_hash": r.proof_hash,
           "resolved_height": r.resolved_height.to_string(), "fulfiller": r.fulfiller,
           "callback_result": r.callback_result,
           "ibc_origin": r.ibc_origin.as_ref().map(|o| json!({"channel_id": o.channel_id,
               "sequence": o.sequence.to_string(), "sender": o.sender, "payer": o.payer}))})
}

const SERVICE: &str = "/inferchain.inference.v1.Query";

pub async fn query(cmd: FeedQuery) -> Result<()> {
    match cmd {
        FeedQuery::Feed { id, node } => {
            let r: pb::QueryFeedResponse = Client::new(&node.node, "")
                .query(&format!("{SERVICE}/Feed"), &pb::QueryFeedRequest { id })
                .await?;
            print(
                node.output,
                &json!({"feed": r.feed.as_ref().map(feed_json)}),
            );
        }
        FeedQuery::Feeds {
            owner,
            start_after,
            limit,
            node,
        } => {
            let req = pb::QueryFeedsRequest {
                owner,
                start_after,
                limit,
            };
            let r: pb::QueryFeedsResponse = Client::new(&node.node, "")
                .query(&format!("{SERVICE}/Feeds"), &req)
                .await?;
            let feeds: Vec<Value> = r.feeds.iter().map(feed_json).collect();
            print(
                node.output,
                &json!({"feeds": feeds, "next": r.next.to_string()}),
            );
        }
        FeedQuery::Request { id, node } => {
            let r: pb::QueryRequestResponse = Client::new(&node.node, "")
                .query(
                    &format!("{SERVICE}/Request"),
                    &pb::QueryRequestRequest { id },
                )
                .await?;
            print(
                node.output,
                &json!({"request": r.request.as_ref().map(request_json)}),
            );
        }
        FeedQuery::Requests {
            feed,
            requester,
            model,
            status,
            start_after,
            limit,
            node,
        } => {
            let req = pb::QueryRequestsRequest {
                feed_id: feed,
                requester,
                status,
                start_after,
                limit,
                model_id: model,
            };
            let r: pb::QueryRequestsResponse = Client::new(&node.node, "")
                .query(&format!("{SERVICE}/Requests"), &req)
                .await?;
            let list: Vec<Value> = r.requests.iter().map(request_json).collect();
            print(
                node.output,
                &json!({"requests": list, "next": r.next.to_string()}),
            );
        }
        FeedQuery::Escrow { node } => {
            let r: pb::QueryEscrowResponse = Client::new(&node.node, "")
                .query(&format!("{SERVICE}/Escrow"), &pb::QueryEscrowRequest {})
                .await?;
            print(
                node.output,
                &json!({"address": r.address, "balance": r.balance, "deposits": r.deposits,
                        "pending_fees": r.pending_fees, "open_feeds": r.open_feeds.to_string(),
                        "pending_requests": r.pending_requests.to_string()}),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_fixed_point_integers_and_floats_say_how_to_convert() {
        assert_eq!(
            parse_fixed_point("input", "1, -2,256").unwrap(),
            vec![1, -2, 256]
        );
        let e = parse_fixed_point("input", "0.5,1").unwrap_err().to_string();
        assert!(e.contains("scale 256") && e.contains("128"), "{e}");
        assert!(parse_fixed_point("input", "x").is_err());
    }
}
