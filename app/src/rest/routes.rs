//! The REST routes: the Cosmos SDK's and wasmd's LCD paths (their `google.api.http`
//! annotations) and InferChain's own, each bound to the gRPC method that answers it.
//! `{name}` binds a request field (dotted for a nested one); the rest of the request comes
//! from the query string (GET) or the JSON body (POST).

use axum::http::Method;

pub struct Route {
    pub method: Method,
    pub pattern: &'static str,
    /// The gRPC method (`/package.Service/Method`).
    pub grpc: &'static str,
}

macro_rules! routes {
    ($($m:ident $pattern:literal => $grpc:literal,)*) => {
        &[$(Route { method: Method::$m, pattern: $pattern, grpc: $grpc },)*]
    };
}

pub const ROUTES: &[Route] = routes![
    // cosmos.auth.v1beta1
    GET "/cosmos/auth/v1beta1/accounts/{address}" => "/cosmos.auth.v1beta1.Query/Account",
    GET "/cosmos/auth/v1beta1/accounts" => "/cosmos.auth.v1beta1.Query/Accounts",
    GET "/cosmos/auth/v1beta1/account_info/{address}" => "/cosmos.auth.v1beta1.Query/AccountInfo",
    GET "/cosmos/auth/v1beta1/params" => "/cosmos.auth.v1beta1.Query/Params",
    GET "/cosmos/auth/v1beta1/bech32" => "/cosmos.auth.v1beta1.Query/Bech32Prefix",
    // cosmos.bank.v1beta1
    GET "/cosmos/bank/v1beta1/balances/{address}" => "/cosmos.bank.v1beta1.Query/AllBalances",
    GET "/cosmos/bank/v1beta1/balances/{address}/by_denom" => "/cosmos.bank.v1beta1.Query/Balance",
    GET "/cosmos/bank/v1beta1/spendable_balances/{address}" => "/cosmos.bank.v1beta1.Query/SpendableBalances",
    GET "/cosmos/bank/v1beta1/spendable_balances/{address}/by_denom" => "/cosmos.bank.v1beta1.Query/SpendableBalanceByDenom",
    GET "/cosmos/bank/v1beta1/supply" => "/cosmos.bank.v1beta1.Query/TotalSupply",
    GET "/cosmos/bank/v1beta1/supply/by_denom" => "/cosmos.bank.v1beta1.Query/SupplyOf",
    GET "/cosmos/bank/v1beta1/params" => "/cosmos.bank.v1beta1.Query/Params",
    GET "/cosmos/bank/v1beta1/send_enabled" => "/cosmos.bank.v1beta1.Query/SendEnabled",
    GET "/cosmos/bank/v1beta1/denoms_metadata/{denom}" => "/cosmos.bank.v1beta1.Query/DenomMetadata",
    GET "/cosmos/bank/v1beta1/denoms_metadata" => "/cosmos.bank.v1beta1.Query/DenomsMetadata",
    // cosmos.base.tendermint.v1beta1
    GET "/cosmos/base/tendermint/v1beta1/node_info" => "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo",
    GET "/cosmos/base/tendermint/v1beta1/syncing" => "/cosmos.base.tendermint.v1beta1.Service/GetSyncing",
    GET "/cosmos/base/tendermint/v1beta1/blocks/latest" => "/cosmos.base.tendermint.v1beta1.Service/GetLatestBlock",
    GET "/cosmos/base/tendermint/v1beta1/blocks/{height}" => "/cosmos.base.tendermint.v1beta1.Service/GetBlockByHeight",
    GET "/cosmos/base/tendermint/v1beta1/validatorsets/latest" => "/cosmos.base.tendermint.v1beta1.Service/GetLatestValidatorSet",
    GET "/cosmos/base/tendermint/v1beta1/validatorsets/{height}" => "/cosmos.base.tendermint.v1beta1.Service/GetValidatorSetByHeight",
    GET "/cosmos/base/tendermint/v1beta1/abci_query" => "/cosmos.base.tendermint.v1beta1.Service/ABCIQuery",
    // cosmos.tx.v1beta1
    POST "/cosmos/tx/v1beta1/simulate" => "/cosmos.tx.v1beta1.Service/Simulate",
    POST "/cosmos/tx/v1beta1/txs" => "/cosmos.tx.v1beta1.Service/BroadcastTx",
    GET "/cosmos/tx/v1beta1/txs/{hash}" => "/cosmos.tx.v1beta1.Service/GetTx",
    GET "/cosmos/tx/v1beta1/txs" => "/cosmos.tx.v1beta1.Service/GetTxsEvent",
    GET "/cosmos/tx/v1beta1/txs/block/{height}" => "/cosmos.tx.v1beta1.Service/GetBlockWithTxs",
    POST "/cosmos/tx/v1beta1/decode" => "/cosmos.tx.v1beta1.Service/TxDecode",
    POST "/cosmos/tx/v1beta1/encode" => "/cosmos.tx.v1beta1.Service/TxEncode",
    // cosmos.staking.v1beta1 (staking is a contract: its params, as relayers ask them)
    GET "/cosmos/staking/v1beta1/params" => "/cosmos.staking.v1beta1.Query/Params",
    // cosmos.consensus.v1
    GET "/cosmos/consensus/v1/params" => "/cosmos.consensus.v1.Query/Params",
    // cosmwasm.wasm.v1 (wasmd's paths)
    GET "/cosmwasm/wasm/v1/contract/{address}" => "/cosmwasm.wasm.v1.Query/ContractInfo",
    GET "/cosmwasm/wasm/v1/contract/{address}/history" => "/cosmwasm.wasm.v1.Query/ContractHistory",
    GET "/cosmwasm/wasm/v1/code/{code_id}/contracts" => "/cosmwasm.wasm.v1.Query/ContractsByCode",
    GET "/cosmwasm/wasm/v1/contract/{address}/state" => "/cosmwasm.wasm.v1.Query/AllContractState",
    GET "/cosmwasm/wasm/v1/contract/{address}/raw/{query_data}" => "/cosmwasm.wasm.v1.Query/RawContractState",
    GET "/cosmwasm/wasm/v1/contract/{address}/smart/{query_data}" => "/cosmwasm.wasm.v1.Query/SmartContractState",
    GET "/cosmwasm/wasm/v1/code/{code_id}" => "/cosmwasm.wasm.v1.Query/Code",
    GET "/cosmwasm/wasm/v1/code" => "/cosmwasm.wasm.v1.Query/Codes",
    GET "/cosmwasm/wasm/v1/code-info/{code_id}" => "/cosmwasm.wasm.v1.Query/CodeInfo",
    GET "/cosmwasm/wasm/v1/codes/pinned" => "/cosmwasm.wasm.v1.Query/PinnedCodes",
    GET "/cosmwasm/wasm/v1/codes/params" => "/cosmwasm.wasm.v1.Query/Params",
    GET "/cosmwasm/wasm/v1/contracts/creator/{creator_address}" => "/cosmwasm.wasm.v1.Query/ContractsByCreator",
    GET "/cosmwasm/wasm/v1/contract/build_address" => "/cosmwasm.wasm.v1.Query/BuildAddress",
    // inferchain.*
    GET "/inferchain/params/v1/params" => "/inferchain.params.v1.Query/Params",
    GET "/inferchain/validators/v1/params" => "/inferchain.validators.v1.Query/Params",
    GET "/inferchain/validators/v1/validator_set" => "/inferchain.validators.v1.Query/ValidatorSet",
    GET "/inferchain/inference/v1/params" => "/inferchain.inference.v1.Query/Params",
    GET "/inferchain/inference/v1/architectures" => "/inferchain.inference.v1.Query/Architectures",
    GET "/inferchain/inference/v1/architectures/{name}" => "/inferchain.inference.v1.Query/Architecture",
    GET "/inferchain/inference/v1/models" => "/inferchain.inference.v1.Query/Models",
    GET "/inferchain/inference/v1/models/{id}" => "/inferchain.inference.v1.Query/Model",
    GET "/inferchain/inference/v1/challenges/{challenge_id}" => "/inferchain.inference.v1.Query/Challenge",
    POST "/inferchain/inference/v1/verify_proof" => "/inferchain.inference.v1.Query/VerifyProof",
    GET "/inferchain/inference/v1/feeds" => "/inferchain.inference.v1.Query/Feeds",
    GET "/inferchain/inference/v1/feeds/{id}" => "/inferchain.inference.v1.Query/Feed",
    GET "/inferchain/inference/v1/requests" => "/inferchain.inference.v1.Query/Requests",
    GET "/inferchain/inference/v1/requests/{id}" => "/inferchain.inference.v1.Query/Request",
    GET "/inferchain/inference/v1/escrow" => "/inferchain.inference.v1.Query/Escrow",
];

/// The route for `method` and `path` with its path bindings. Where two patterns match (a
/// literal `latest` and `{height}`), the one with more literal segments wins.
pub fn find(method: &Method, path: &str) -> Option<(&'static Route, Vec<(String, String)>)> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let mut best: Option<(&Route, Vec<(String, String)>, usize)> = None;
    for route in ROUTES.iter().filter(|r| r.method == *method) {
        let pattern: Vec<&str> = route.pattern.split('/').collect();
        if pattern.len() != segments.len() {
            continue;
        }
        let mut bindings = Vec::new();
        let mut literals = 0;
        let matched = pattern.iter().zip(&segments).all(|(p, s)| {
            if let Some(name) = p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                bindings.push((name.to_string(), percent_decode(s)));
                !s.is_empty()
            } else {
                literals += 1;
                p == s
            }
        });
        if matched && best.as_ref().is_none_or(|(_, _, l)| literals > *l) {
            best = Some((route, bindings, literals));
        }
    }
    best.map(|(r, b, _)| (r, b))
}

/// Whether some route has this path under another method (405 rather than 404).
pub fn other_method(path: &str) -> bool {
    [Method::GET, Method::POST]
        .iter()
        .any(|m| find(m, path).is_some())
}

/// `%XX` escapes and (in query strings) `+` as space.
pub fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The query string's `name=value` pairs, decoded.
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_segments_win_over_bindings() {
        let (r, b) = find(
            &Method::GET,
            "/cosmos/base/tendermint/v1beta1/blocks/latest",
        )
        .unwrap();
        assert!(r.grpc.ends_with("GetLatestBlock"));
        assert!(b.is_empty());
        let (r, b) = find(&Method::GET, "/cosmos/base/tendermint/v1beta1/blocks/12").unwrap();
        assert!(r.grpc.ends_with("GetBlockByHeight"));
        assert_eq!(b, vec![("height".to_string(), "12".to_string())]);
        let (r, _) = find(&Method::GET, "/cosmwasm/wasm/v1/contract/build_address").unwrap();
        assert!(r.grpc.ends_with("BuildAddress"));
    }

    #[test]
    fn methods_and_unknown_paths() {
        assert!(find(&Method::GET, "/cosmos/tx/v1beta1/simulate").is_none());
        assert!(other_method("/cosmos/tx/v1beta1/simulate"));
        assert!(find(&Method::GET, "/cosmos/nothing/here").is_none());
        assert!(!other_method("/cosmos/nothing/here"));
        assert!(find(&Method::GET, "/cosmos/bank/v1beta1/balances/").is_none());
    }

    #[test]
    fn query_strings_decode() {
        assert_eq!(
            query_pairs(Some("query=tx.height%3D5&events=a+b&x")),
            vec![
                ("query".into(), "tx.height=5".into()),
                ("events".into(), "a b".into()),
                ("x".into(), "".into())
            ]
        );
        // A bad escape is kept as written.
        assert_eq!(percent_decode("100%zz"), "100%zz");
        assert_eq!(percent_decode("a%2"), "a%2");
    }

    #[test]
    fn every_route_names_a_described_method() {
        for r in ROUTES {
            let (service, method) = r.grpc[1..].rsplit_once('/').unwrap();
            let svc = super::super::json::pool()
                .get_service_by_name(service)
                .unwrap_or_else(|| panic!("{} is not described", r.grpc));
            assert!(
                svc.methods().any(|m| m.name() == method),
                "{} is not described",
                r.grpc
            );
        }
    }
}
