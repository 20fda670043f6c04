//! The route tables, built once at startup from the modules' registrations: a message's type
//! URL → its module's typed handler, a gRPC query path → its module's query handler. A type
//! URL or path registered twice is a startup error.
//!
//! Messages are decoded and checked statelessly once ([`Router::decode`], in `decode_tx`);
//! the decoded message travels in the `ParsedTx` to its stateful check and execution
//! ([`RoutedMsg::deliver`]). Messages a contract sends go through the same table
//! ([`Router::dispatch_from`]), under each route's [`Senders`] policy; queries from clients
//! (ABCI, gRPC) and from contracts (`QueryRequest::Grpc`) through the same query table, the
//! latter only to the paths registered as open to contracts.

use std::collections::BTreeMap;
use std::sync::Arc;

use tendermint_proto::google::protobuf::Any;

use crate::address::Address;
use crate::ctx::{Ctx, Dispatch};
use crate::error::TxError;
use crate::query::QueryError;
use crate::state::StateRead;

/// A module's handler of one message type `M`: the stateless check / stateful check /
/// execute split of Penumbra's `ActionHandler` and the SDK's `ValidateBasic` + msg server.
pub trait MsgHandler<M>: Send + Sync + 'static {
    /// Validation without state; returns who must sign the message, in order.
    fn check_stateless(&self, msg: &M) -> Result<Vec<Address>, TxError>;

    /// Validation against state, before anything is written.
    fn check_stateful(&self, _ctx: &mut Ctx, _msg: &M) -> Result<(), TxError> {
        Ok(())
    }

    /// Executes the message; returns its response, packed as an `Any`.
    fn execute(&self, ctx: &mut Ctx, msg: &M) -> Result<Any, TxError>;
}

/// Who may send a message type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Senders {
    /// Accounts, in transactions.
    Accounts,
    /// Accounts, and contracts as `CosmosMsg::Any` / `Stargate` (or, for bank and wasm,
    /// their own `CosmosMsg` variants), with the contract as the message's only signer.
    AccountsAndContracts,
}

/// A query handler: the request's protobuf bytes in, the response's out. It gets the router
/// too, for answers that run a contract (which may query and dispatch in turn).
pub type QueryFn = dyn Fn(&Arc<dyn Dispatch>, &mut dyn StateRead, &[u8]) -> Result<Vec<u8>, QueryError>
    + Send
    + Sync;

/// A query answered from state alone.
pub type StateQuery = fn(&mut dyn StateRead, &[u8]) -> Result<Vec<u8>, QueryError>;

/// Who may make a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Askers {
    /// Clients (ABCI and gRPC queries).
    Clients,
    /// Clients and contracts (`QueryRequest::Grpc`): the answer must be deterministic and
    /// cheap, as it runs inside transactions on every node.
    ClientsAndContracts,
}

/// A message decoded and checked statelessly, ready for its stateful check and execution.
pub struct RoutedMsg {
    pub type_url: String,
    pub module: &'static str,
    /// Who must sign it, as its handler's stateless check says.
    pub signers: Vec<Address>,
    inner: Box<dyn DecodedMsg>,
}

impl RoutedMsg {
    /// Stateful check, then execution.
    pub fn deliver(&self, ctx: &mut Ctx) -> Result<Any, TxError> {
        self.inner.check_stateful(ctx)?;
        self.inner.execute(ctx)
    }
}

trait DecodedMsg: Send + Sync {
    fn check_stateful(&self, ctx: &mut Ctx) -> Result<(), TxError>;
    fn execute(&self, ctx: &mut Ctx) -> Result<Any, TxError>;
}

struct Typed<M, H> {
    msg: M,
    handler: Arc<H>,
}

impl<M: Send + Sync + 'static, H: MsgHandler<M>> DecodedMsg for Typed<M, H> {
    fn check_stateful(&self, ctx: &mut Ctx) -> Result<(), TxError> {
        self.handler.check_stateful(ctx, &self.msg)
    }
    fn execute(&self, ctx: &mut Ctx) -> Result<Any, TxError> {
        self.handler.execute(ctx, &self.msg)
    }
}

type DecodeFn = dyn Fn(&[u8]) -> Result<(Box<dyn DecodedMsg>, Vec<Address>), TxError> + Send + Sync;

struct MsgRoute {
    module: &'static str,
    senders: Senders,
    decode: Box<DecodeFn>,
}

struct QueryRoute {
    module: &'static str,
    askers: Askers,
    answer: Box<QueryFn>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RouteError {
    #[error("message type {type_url} is registered by both {first} and {second}")]
    DuplicateMsg {
        type_url: String,
        first: &'static str,
        second: &'static str,
    },
    #[error("query path {path} is registered by both {first} and {second}")]
    DuplicateQuery {
        path: String,
        first: &'static str,
        second: &'static str,
    },
    #[error("module account {name} is registered twice")]
    DuplicateModuleAccount { name: &'static str },
}

/// The registrations of the modules, in the order the app builder asks them; `build` turns
/// them into a [`Router`] or names the first type URL or path registered twice.
#[derive(Default)]
pub struct Routes {
    msgs: BTreeMap<String, MsgRoute>,
    queries: BTreeMap<String, QueryRoute>,
    module_accounts: Vec<(&'static str, Address)>,
    duplicate: Option<RouteError>,
}

impl Routes {
    /// Routes messages of type `M` (type URL `/` + its protobuf full name) to `handler`.
    pub fn msg<M, H>(&mut self, module: &'static str, handler: &Arc<H>, senders: Senders)
    where
        M: prost::Message + prost::Name + Default + Send + Sync + 'static,
        H: MsgHandler<M>,
    {
        let type_url = format!("/{}", M::full_name());
        let handler = handler.clone();
        let url = type_url.clone();
        let decode = move |bytes: &[u8]| {
            let msg =
                M::decode(bytes).map_err(|e| TxError::tx_decode(format!("decoding {url}: {e}")))?;
            let signers = handler.check_stateless(&msg)?;
            let typed: Box<dyn DecodedMsg> = Box::new(Typed {
                msg,
                handler: handler.clone(),
            });
            Ok((typed, signers))
        };
        let route = MsgRoute {
            module,
            senders,
            decode: Box::new(decode),
        };
        if let Some(first) = self.msgs.get(&type_url) {
            self.duplicate.get_or_insert(RouteError::DuplicateMsg {
                type_url,
                first: first.module,
                second: module,
            });
            return;
        }
        self.msgs.insert(type_url, route);
    }

    /// Routes the gRPC query `path` (`/pkg.Service/Method`) to `answer`.
    pub fn query(
        &mut self,
        module: &'static str,
        path: &str,
        askers: Askers,
        answer: impl Fn(&Arc<dyn Dispatch>, &mut dyn StateRead, &[u8]) -> Result<Vec<u8>, QueryError>
            + Send
            + Sync
            + 'static,
    ) {
        if let Some(first) = self.queries.get(path) {
            self.duplicate.get_or_insert(RouteError::DuplicateQuery {
                path: path.to_string(),
                first: first.module,
                second: module,
            });
            return;
        }
        self.queries.insert(
            path.to_string(),
            QueryRoute {
                module,
                askers,
                answer: Box::new(answer),
            },
        );
    }

    /// A module account (`Address::module(name)`): created at genesis, and refused as the
    /// recipient of sends (as the SDK's blocked addresses), so its balance moves only by the
    /// module's own logic.
    pub fn module_account(&mut self, name: &'static str) {
        if self.module_accounts.iter().any(|(n, _)| *n == name) {
            self.duplicate
                .get_or_insert(RouteError::DuplicateModuleAccount { name });
            return;
        }
        self.module_accounts.push((name, Address::module(name)));
    }

    /// Routes the methods of a gRPC query `service` (e.g. `cosmos.bank.v1beta1.Query`) whose
    /// answers need only state.
    pub fn state_queries(
        &mut self,
        module: &'static str,
        service: &str,
        methods: &[(&str, Askers, StateQuery)],
    ) {
        for &(method, askers, answer) in methods {
            self.query(
                module,
                &format!("/{service}/{method}"),
                askers,
                move |_, q, data| answer(q, data),
            );
        }
    }

    pub fn build(self) -> Result<Router, RouteError> {
        if let Some(e) = self.duplicate {
            return Err(e);
        }
        Ok(Router {
            msgs: self.msgs,
            queries: self.queries,
            module_accounts: self.module_accounts,
        })
    }
}

pub struct Router {
    msgs: BTreeMap<String, MsgRoute>,
    queries: BTreeMap<String, QueryRoute>,
    module_accounts: Vec<(&'static str, Address)>,
}

impl Router {
    /// Decodes `msg` by its type URL and runs its handler's stateless check.
    pub fn decode(&self, msg: &Any) -> Result<RoutedMsg, TxError> {
        let route = self.msgs.get(&msg.type_url).ok_or_else(|| {
            TxError::unknown_request(format!("unrecognized message type: {}", msg.type_url))
        })?;
        let (inner, signers) = (route.decode)(&msg.value)?;
        Ok(RoutedMsg {
            type_url: msg.type_url.clone(),
            module: route.module,
            signers,
            inner,
        })
    }

    /// Every routed message type URL (for docs and descriptors).
    pub fn msg_type_urls(&self) -> impl Iterator<Item = &str> {
        self.msgs.keys().map(String::as_str)
    }

    /// The module that handles messages of `type_url`.
    pub fn msg_module(&self, type_url: &str) -> Option<&'static str> {
        self.msgs.get(type_url).map(|r| r.module)
    }

    /// Answers a client's query (ABCI or gRPC).
    pub fn query(
        self: &Arc<Self>,
        state: &mut dyn StateRead,
        path: &str,
        data: &[u8],
    ) -> Result<Vec<u8>, QueryError> {
        let route = self
            .queries
            .get(path)
            .ok_or_else(|| QueryError::unimplemented(format!("unknown query path: {path}")))?;
        let dispatch: Arc<dyn Dispatch> = self.clone();
        (route.answer)(&dispatch, state, data)
    }

    /// The module accounts, in registration order.
    pub fn module_accounts(&self) -> impl Iterator<Item = &Address> {
        self.module_accounts.iter().map(|(_, a)| a)
    }

    pub fn serves_query(&self, path: &str) -> bool {
        self.queries.contains_key(path)
    }

    /// Every query path, with whether contracts may ask it (for docs and reflection).
    pub fn query_paths(&self) -> impl Iterator<Item = (&str, Askers)> {
        self.queries.iter().map(|(p, r)| (p.as_str(), r.askers))
    }
}

impl Dispatch for Router {
    fn is_module_account(&self, addr: &Address) -> bool {
        self.module_accounts.iter().any(|(_, a)| a == addr)
    }

    /// Runs a message `contract` sends: refused unless its route lets contracts send it,
    /// and the contract must be its only signer.
    fn dispatch_from(&self, ctx: &mut Ctx, contract: &Address, msg: &Any) -> Result<Any, TxError> {
        if let Some(route) = self.msgs.get(&msg.type_url) {
            if route.senders != Senders::AccountsAndContracts {
                return Err(TxError::unauthorized(format!(
                    "contract {contract} may not send {}: the {} module accepts it from accounts only",
                    msg.type_url, route.module
                )));
            }
        }
        let routed = self.decode(msg)?;
        if routed.signers.as_slice() != std::slice::from_ref(contract) {
            let signers: Vec<String> = routed.signers.iter().map(|s| s.to_bech32()).collect();
            return Err(TxError::unauthorized(format!(
                "contract {contract} can not send a message signed by {}",
                signers.join(", ")
            )));
        }
        routed.deliver(ctx)
    }

    /// Answers a contract's `QueryRequest::Grpc`, for the paths open to contracts only.
    fn contract_query(
        self: Arc<Self>,
        state: &mut dyn StateRead,
        path: &str,
        data: &[u8],
    ) -> Result<Vec<u8>, QueryError> {
        match self.queries.get(path) {
            Some(route) if route.askers == Askers::ClientsAndContracts => {
                let dispatch: Arc<dyn Dispatch> = self.clone();
                (route.answer)(&dispatch, state, data)
            }
            _ => Err(QueryError::unimplemented(format!(
                "gRPC query {path} is not open to contracts"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend;

    struct Nop;

    impl MsgHandler<MsgSend> for Nop {
        fn check_stateless(&self, _: &MsgSend) -> Result<Vec<Address>, TxError> {
            Ok(vec![])
        }
        fn execute(&self, _: &mut Ctx, _: &MsgSend) -> Result<Any, TxError> {
            Ok(Any::default())
        }
    }

    #[test]
    fn a_message_type_registered_twice_is_a_startup_error() {
        let nop = Arc::new(Nop);
        let mut routes = Routes::default();
        routes.msg::<MsgSend, _>("first", &nop, Senders::Accounts);
        routes.msg::<MsgSend, _>("second", &nop, Senders::Accounts);
        let err = routes.build().err().expect("a duplicate must fail");
        assert_eq!(
            err,
            RouteError::DuplicateMsg {
                type_url: "/cosmos.bank.v1beta1.MsgSend".into(),
                first: "first",
                second: "second",
            }
        );
    }

    #[test]
    fn a_query_path_registered_twice_is_a_startup_error() {
        let mut routes = Routes::default();
        let answer = |_: &Arc<dyn Dispatch>, _: &mut dyn StateRead, _: &[u8]| Ok(vec![]);
        routes.query("first", "/a.Query/B", Askers::Clients, answer);
        routes.query("second", "/a.Query/B", Askers::Clients, answer);
        let err = routes.build().err().expect("a duplicate must fail");
        assert!(err
            .to_string()
            .contains("/a.Query/B is registered by both first and second"));
    }

    #[test]
    fn unknown_types_and_undecodable_messages_are_clear_errors() {
        let nop = Arc::new(Nop);
        let mut routes = Routes::default();
        routes.msg::<MsgSend, _>("bank", &nop, Senders::Accounts);
        let router = routes.build().unwrap();
        let unknown = Any {
            type_url: "/x.MsgNope".into(),
            value: vec![],
        };
        let e = router.decode(&unknown).err().unwrap();
        assert_eq!(
            (e.code, e.log.as_str()),
            (6, "unrecognized message type: /x.MsgNope: unknown request")
        );
        let junk = Any {
            type_url: "/cosmos.bank.v1beta1.MsgSend".into(),
            value: vec![0xff, 0xff],
        };
        let e = router.decode(&junk).err().unwrap();
        assert_eq!(e.code, 2, "{}", e.log);
        assert_eq!(
            router.msg_module("/cosmos.bank.v1beta1.MsgSend"),
            Some("bank")
        );
    }
}
