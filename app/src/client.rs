//! Building, signing, simulating and broadcasting transactions against a node, as the CLI
//! and the end-to-end tests do.

use std::time::{Duration, Instant};

use cosmos_sdk_proto::cosmos::auth::v1beta1::{
    BaseAccount, QueryAccountRequest, QueryAccountResponse,
};
use cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey as Secp256k1PubKey;
use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{
    mode_info, AuthInfo, Fee, ModeInfo, SignerInfo, SimulateRequest, SimulateResponse, TxBody,
    TxRaw,
};
use k256::ecdsa::signature::Signer;
use k256::ecdsa::{Signature, SigningKey};
use prost::Message;
use serde_json::Value;
use tendermint_proto::google::protobuf::Any;

use crate::address::Address;
use crate::coins::Coins;
use crate::keyring::pubkey_bytes;
use crate::modules::{decode_any, to_any};
use crate::rpc_client::{CometRpc, RpcError};
use crate::tx::sign_doc_bytes;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Rpc(#[from] RpcError),
    #[error("query {path} failed with code {code}: {log}")]
    Query {
        path: String,
        code: u32,
        log: String,
    },
    #[error("decoding response: {0}")]
    Decode(String),
    #[error("transaction {hash} not included within {secs} s")]
    Timeout { hash: String, secs: u64 },
}

/// How to pay for a transaction.
#[derive(Clone, Debug)]
pub enum GasSetting {
    Fixed(u64),
    /// Simulate, then multiply by the adjustment.
    Auto {
        adjustment: f64,
    },
}

#[derive(Clone, Debug)]
pub struct FeeSetting {
    pub gas: GasSetting,
    /// Either explicit fees, or a price per gas unit (`0.025uspec`).
    pub fees: Option<Coins>,
    pub gas_price: Option<crate::coins::GasPrice>,
}

pub struct Client {
    pub rpc: CometRpc,
    pub chain_id: String,
}

/// CheckTx's verdict on a broadcast transaction.
#[derive(Debug, Clone)]
pub struct Broadcast {
    pub code: u32,
    pub codespace: String,
    pub log: String,
    pub txhash: String,
}

impl Client {
    pub fn new(node: &str, chain_id: &str) -> Self {
        Client {
            rpc: CometRpc::new(node),
            chain_id: chain_id.into(),
        }
    }

    /// Runs a gRPC-path query through ABCI and decodes the protobuf answer.
    pub async fn query<Req: Message, Resp: Message + Default>(
        &self,
        path: &str,
        req: &Req,
    ) -> Result<Resp, ClientError> {
        let r = self
            .rpc
            .abci_query(path, &req.encode_to_vec(), 0, false)
            .await?;
        if r.code != 0 {
            return Err(ClientError::Query {
                path: path.into(),
                code: r.code,
                log: r.log,
            });
        }
        Resp::decode(r.value.as_slice()).map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// (account number, sequence) of `addr`; a missing account is an error.
    pub async fn account(&self, addr: &Address) -> Result<BaseAccount, ClientError> {
        let resp: QueryAccountResponse = self
            .query(
                "/cosmos.auth.v1beta1.Query/Account",
                &QueryAccountRequest {
                    address: addr.to_bech32(),
                },
            )
            .await?;
        let any = resp
            .account
            .ok_or_else(|| ClientError::Decode("empty account".into()))?;
        decode_any::<BaseAccount>(&any).map_err(|e| ClientError::Decode(e.log))
    }

    /// Signs `msgs` with `key` and returns the raw transaction bytes.
    pub fn sign(
        &self,
        key: &SigningKey,
        msgs: Vec<Any>,
        memo: &str,
        account_number: u64,
        sequence: u64,
        fee: Fee,
    ) -> Vec<u8> {
        let body = TxBody {
            messages: msgs,
            memo: memo.into(),
            ..Default::default()
        };
        let body_bytes = body.encode_to_vec();
        let auth_info = auth_info(key, sequence, fee);
        let auth_info_bytes = auth_info.encode_to_vec();
        let doc = sign_doc_bytes(
            &body_bytes,
            &auth_info_bytes,
            &self.chain_id,
            account_number,
        );
        let sig: Signature = key.sign(&doc);
        TxRaw {
            body_bytes,
            auth_info_bytes,
            signatures: vec![sig.to_bytes().to_vec()],
        }
        .encode_to_vec()
    }

    /// Estimated gas for `msgs` from `key` at `sequence` (signature left empty, as CosmJS does).
    pub async fn simulate(
        &self,
        key: &SigningKey,
        msgs: Vec<Any>,
        memo: &str,
        sequence: u64,
    ) -> Result<u64, ClientError> {
        let body = TxBody {
            messages: msgs,
            memo: memo.into(),
            ..Default::default()
        };
        let tx = TxRaw {
            body_bytes: body.encode_to_vec(),
            auth_info_bytes: auth_info(key, sequence, Fee::default()).encode_to_vec(),
            signatures: vec![vec![]],
        };
        let resp: SimulateResponse = self
            .query(
                "/cosmos.tx.v1beta1.Service/Simulate",
                &SimulateRequest {
                    tx_bytes: tx.encode_to_vec(),
                    ..Default::default()
                },
            )
            .await?;
        Ok(resp.gas_info.map(|g| g.gas_used).unwrap_or(0))
    }

    /// Builds, signs and broadcasts (sync) a transaction, looking up the account first.
    pub async fn send_tx(
        &self,
        key: &SigningKey,
        msgs: Vec<Any>,
        memo: &str,
        fee: &FeeSetting,
    ) -> Result<Broadcast, ClientError> {
        let addr = Address::from_secp256k1(&pubkey_bytes(key));
        let account = self.account(&addr).await?;
        let gas = match fee.gas {
            GasSetting::Fixed(g) => g,
            GasSetting::Auto { adjustment } => {
                let used = self
                    .simulate(key, msgs.clone(), memo, account.sequence)
                    .await?;
                (used as f64 * adjustment).ceil() as u64
            }
        };
        let amount = match (&fee.fees, &fee.gas_price) {
            (Some(c), _) => c.to_proto(),
            (None, Some(p)) => vec![crate::coins::Coin::new(&p.denom, p.fee_for(gas)).to_proto()],
            (None, None) => vec![],
        };
        let fee = Fee {
            amount,
            gas_limit: gas,
            ..Default::default()
        };
        let tx = self.sign(
            key,
            msgs,
            memo,
            account.account_number,
            account.sequence,
            fee,
        );
        self.broadcast(&tx).await
    }

    pub async fn broadcast(&self, tx: &[u8]) -> Result<Broadcast, ClientError> {
        let r = self.rpc.broadcast_sync(tx).await?;
        Ok(Broadcast {
            code: r.code,
            codespace: r.codespace,
            log: r.log,
            txhash: r.hash,
        })
    }

    /// Polls until the transaction is in a block (or `timeout` passes).
    pub async fn wait_for_tx(&self, hash: &str, timeout: Duration) -> Result<Value, ClientError> {
        let start = Instant::now();
        loop {
            if let Some(tx) = self.rpc.tx(hash).await? {
                return Ok(tx);
            }
            if start.elapsed() > timeout {
                return Err(ClientError::Timeout {
                    hash: hash.into(),
                    secs: timeout.as_secs(),
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

fn auth_info(key: &SigningKey, sequence: u64, fee: Fee) -> AuthInfo {
    AuthInfo {
        signer_infos: vec![SignerInfo {
            public_key: Some(to_any(&Secp256k1PubKey {
                key: pubkey_bytes(key),
            })),
            mode_info: Some(ModeInfo {
                sum: Some(mode_info::Sum::Single(mode_info::Single {
                    mode: SignMode::Direct as i32,
                })),
            }),
            sequence,
        }],
        fee: Some(fee),
        ..Default::default()
    }
}
