// CosmWasm codes and contracts, a contract's info and history, and a smart-query box.

import { useState } from 'preact/hooks';
import { config, get, smart } from '../api.js';
import { Addr, Async, Empty, ErrorBox, Hash, JsonView, KV, Mono, Section, contractName, useAsync } from '../components.jsx';
import { href } from '../router.js';

export function ContractsPage() {
  const res = useAsync(async () => {
    const codes = (await get('/cosmwasm/wasm/v1/code', { 'pagination.limit': 200 })).code_infos || [];
    const withContracts = await Promise.all(
      codes.map(async (c) => {
        try {
          const r = await get(`/cosmwasm/wasm/v1/code/${c.code_id}/contracts`, { 'pagination.limit': 200 });
          return { ...c, contracts: r.contracts || [] };
        } catch (e) {
          return { ...c, contracts: [], error: e };
        }
      }),
    );
    return withContracts;
  }, []);
  const named = Object.entries(config().contracts || {});
  return (
    <>
      {named.length ? (
        <Section title="InferChain's contracts">
          <KV rows={named.map(([k, v]) => [k, <Addr value={v} full />])} />
        </Section>
      ) : null}
      <Section title="Codes and contracts" testid="contracts-list">
        <Async res={res} what="codes">
          {(codes) =>
            codes.length === 0 ? (
              <Empty>No code stored yet.</Empty>
            ) : (
              <table class="tbl">
                <thead>
                  <tr>
                    <th>code</th>
                    <th>checksum</th>
                    <th>creator</th>
                    <th>instantiate</th>
                    <th>contracts</th>
                  </tr>
                </thead>
                <tbody>
                  {codes.map((c) => (
                    <tr>
                      <td>{c.code_id}</td>
                      <td>
                        <Hash value={c.data_hash} n={6} />
                      </td>
                      <td>
                        <Addr value={c.creator} />
                      </td>
                      <td>{c.instantiate_permission?.permission}</td>
                      <td>
                        {c.contracts.length === 0 ? <span class="muted">none</span> : null}
                        {c.contracts.map((a) => (
                          <div data-testid="contract-row" data-address={a}>
                            <Addr value={a} />
                          </div>
                        ))}
                        {c.error ? <ErrorBox error={c.error} /> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Async>
      </Section>
    </>
  );
}

const PRESETS = {
  challenge: ['{"config":{}}', '{"challenges":{}}', '{"challenge":{"challenge_id":1}}', '{"leaderboard":{"challenge_id":1}}', '{"liabilities":{}}'],
  reputation: ['{"config":{}}', '{"ranking":{}}'],
  staking: ['{"config":{}}'],
  governance: ['{"config":{}}'],
  lending: ['{"config":{}}'],
};

export function ContractPage({ address }) {
  const info = useAsync(() => get(`/cosmwasm/wasm/v1/contract/${address}`), [address]);
  const hist = useAsync(() => get(`/cosmwasm/wasm/v1/contract/${address}/history`), [address]);
  const bal = useAsync(() => get(`/cosmos/bank/v1beta1/balances/${address}`), [address]);
  const name = contractName(address);
  return (
    <>
      <Section title={`Contract${name ? ` — ${name}` : ''}`} testid="contract-detail">
        <Async res={info} what="contract">
          {(d) => {
            const c = d.contract_info || {};
            return (
              <KV
                rows={[
                  ['address', <Mono>{d.address}</Mono>],
                  ['label', c.label],
                  ['code id', c.code_id],
                  ['creator', <Addr value={c.creator} />],
                  ['admin', c.admin ? <Addr value={c.admin} /> : 'none'],
                  ['created', c.created ? `block ${c.created.block_height}, tx ${c.created.tx_index}` : ''],
                  ['balance', bal.data ? bal.data.balances.map((b) => `${b.amount}${b.denom}`).join(', ') || 'none' : ''],
                  ['transactions', <a href={href('account', address)}>as an account →</a>],
                ]}
              />
            );
          }}
        </Async>
      </Section>
      <SmartQuery address={address} presets={PRESETS[name] || ['{"config":{}}']} />
      <Section title="History">
        <Async res={hist} what="history">
          {(d) =>
            (d.entries || []).length === 0 ? (
              <Empty>No history.</Empty>
            ) : (
              <table class="tbl">
                <thead>
                  <tr>
                    <th>operation</th>
                    <th>code</th>
                    <th>at</th>
                    <th>message</th>
                  </tr>
                </thead>
                <tbody>
                  {d.entries.map((e) => (
                    <tr>
                      <td>{String(e.operation).replace('CONTRACT_CODE_HISTORY_OPERATION_TYPE_', '').toLowerCase()}</td>
                      <td>{e.code_id}</td>
                      <td>{e.updated ? <a href={href('block', e.updated.block_height)}>block {e.updated.block_height}</a> : ''}</td>
                      <td>
                        <JsonView value={e.msg} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Async>
      </Section>
    </>
  );
}

function SmartQuery({ address, presets }) {
  const [q, setQ] = useState(presets[0]);
  const [out, setOut] = useState(null);
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  const run = async (e) => {
    e.preventDefault();
    setErr(null);
    setOut(null);
    let parsed;
    try {
      parsed = JSON.parse(q);
    } catch (x) {
      setErr(new Error(`not JSON: ${x.message}`));
      return;
    }
    setBusy(true);
    try {
      setOut(await smart(address, parsed));
    } catch (x) {
      setErr(x);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title="Smart query" testid="smart-query">
      <form onSubmit={run} class="smart">
        <div class="presets">
          {presets.map((p) => (
            <button type="button" class="chip" onClick={() => setQ(p)}>
              {Object.keys(JSON.parse(p))[0]}
            </button>
          ))}
        </div>
        <textarea data-testid="smart-query-input" rows={3} value={q} onInput={(e) => setQ(e.currentTarget.value)} spellcheck={false} />
        <button type="submit" disabled={busy} data-testid="smart-query-run">
          {busy ? 'Querying…' : 'Query'}
        </button>
      </form>
      <ErrorBox error={err} />
      {out !== null ? (
        <div data-testid="smart-query-result">
          <JsonView value={out} />
        </div>
      ) : null}
    </Section>
  );
}
