// Explorer: status, blocks (live), block, transaction, account, search.

import { useEffect, useState } from 'preact/hooks';
import { config, get, inference, restUrl, tm, txsByQuery } from '../api.js';
import {
  Addr,
  Async,
  Badge,
  Coins,
  Empty,
  ErrorBox,
  Fields,
  Hash,
  KV,
  Loading,
  Mono,
  Section,
  Time,
  Value,
  isAddress,
  isContractAddress,
  useAsync,
} from '../components.jsx';
import { rowFromRest, seedRows, useLive } from '../live.js';
import { href, navigate } from '../router.js';
import { b64ToHex, formatInt, isHexHash, txHashOfRaw } from '../util.js';

// ---------- status ----------

export function StatusPage() {
  const info = useAsync(() => tm.nodeInfo(), []);
  const sync = useAsync(() => tm.syncing(), [], { live: true });
  const vals = useAsync(() => tm.validators(), [], { live: true });
  const supply = useAsync(() => get('/cosmos/bank/v1beta1/supply'), [], { live: true });
  const escrow = useAsync(() => inference.escrow(), [], { live: true });
  const live = useLive();
  const cfg = config();
  return (
    <>
      <div class="grid2">
        <Section title="Node" testid="explorer-status">
          <Async res={info} what="node info">
            {(d) => {
              const n = d.default_node_info || {};
              const a = d.application_version || {};
              return (
                <KV
                  rows={[
                    ['network', <Mono>{n.network}</Mono>],
                    ['moniker', n.moniker],
                    ['node id', <Hash value={n.default_node_id} />],
                    ['CometBFT', n.version],
                    ['application', `${a.app_name || a.name || ''} ${a.version || ''}`.trim()],
                    ['syncing', sync.data ? String(sync.data.syncing) : '…'],
                    ['latest block', live.height ? <a href={href('block', live.height)}>{formatInt(live.height)}</a> : '…'],
                    ['latest time', <Time value={live.time} />],
                    ['head updates', live.status === 'live' ? 'live (websocket)' : live.status === 'polling' ? 'polling REST (websocket down)' : live.status],
                    [
                      'chain info',
                      <span>
                        <a href={restUrl('/chain.json')}>chain.json</a> · <a href={restUrl('/keplr.json')}>keplr.json</a>
                      </span>,
                    ],
                  ]}
                />
              );
            }}
          </Async>
        </Section>
        <Section title="Validators">
          <Async res={vals} what="validators">
            {(d) => (
              <table class="tbl">
                <thead>
                  <tr>
                    <th>address</th>
                    <th class="num">voting power</th>
                    <th class="num">priority</th>
                  </tr>
                </thead>
                <tbody>
                  {(d.validators || []).map((v) => (
                    <tr>
                      <td>
                        <Hash value={v.address} n={14} />
                      </td>
                      <td class="num">{formatInt(v.voting_power)}</td>
                      <td class="num">{v.proposer_priority}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Async>
        </Section>
        <Section title="Supply">
          <Async res={supply} what="supply">
            {(d) => <Coins coins={d.supply} />}
          </Async>
        </Section>
        <Section title="Inference escrow">
          <Async res={escrow} what="escrow">
            {(d) => (
              <KV
                rows={[
                  ['account', <Addr value={d.address} />],
                  ['balance', <Coins coins={[{ denom: cfg.denom, amount: d.balance }]} />],
                  ['deposits', <Coins coins={[{ denom: cfg.denom, amount: d.deposits }]} />],
                  ['pending fees', <Coins coins={[{ denom: cfg.denom, amount: d.pending_fees }]} />],
                  ['open feeds', d.open_feeds],
                  ['pending requests', d.pending_requests],
                ]}
              />
            )}
          </Async>
        </Section>
      </div>
      <BlocksList n={10} />
    </>
  );
}

// ---------- blocks ----------

export function BlocksPage() {
  return <BlocksList n={25} />;
}

/** The latest `n` blocks: fetched over REST once, then new ones pushed by the websocket. */
function BlocksList({ n }) {
  const live = useLive();
  const [seeded, setSeeded] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => {
    let stop = false;
    (async () => {
      try {
        const latest = rowFromRest(await tm.latestBlock());
        const heights = [];
        for (let h = latest.height - 1; h >= Math.max(1, latest.height - n + 1); h--) heights.push(h);
        const rows = [latest];
        // A few at a time: the node's REST server is also serving everyone else.
        for (let i = 0; i < heights.length && !stop; i += 6) {
          const got = await Promise.all(
            heights.slice(i, i + 6).map((h) => tm.block(h).then(rowFromRest, () => null)),
          );
          rows.push(...got.filter(Boolean));
        }
        if (!stop) {
          seedRows(rows);
          setSeeded(true);
        }
      } catch (e) {
        if (!stop) setError(e);
      }
    })();
    return () => {
      stop = true;
    };
  }, [n]);
  const rows = live.recent.slice(0, n);
  return (
    <Section
      title="Latest blocks"
      testid="explorer-blocks"
      right={<span class={`live live-${live.status}`}>{live.status}</span>}
    >
      <ErrorBox error={error} what="blocks" />
      {rows.length === 0 && !error ? <Loading what="blocks" /> : null}
      {rows.length ? (
        <table class="tbl">
          <thead>
            <tr>
              <th>height</th>
              <th>time</th>
              <th class="num">txs</th>
              <th>hash</th>
              <th>proposer</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr data-testid="block-row" data-height={r.height} key={r.height} class={r.source === 'ws' ? 'fresh' : ''}>
                <td>
                  <a href={href('block', r.height)}>{formatInt(r.height)}</a>
                </td>
                <td>
                  <Time value={r.time} />
                </td>
                <td class="num">{r.txs.length}</td>
                <td>
                  <Hash value={r.hash} link={href('block', r.height)} />
                </td>
                <td>
                  <Hash value={r.proposer} n={6} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {!seeded && rows.length ? <p class="muted small">loading older blocks…</p> : null}
    </Section>
  );
}

export function BlockPage({ height }) {
  const block = useAsync(() => tm.block(height), [height]);
  const txs = useAsync(() => txsByQuery(`tx.height=${height}`, { limit: 100, order: 'ORDER_BY_ASC' }), [height]);
  const [hashes, setHashes] = useState(null);
  useEffect(() => {
    setHashes(null);
    const raw = block.data?.block?.data?.txs;
    if (raw) Promise.all(raw.map(txHashOfRaw)).then(setHashes);
  }, [block.data]);
  const h = parseInt(height, 10);
  return (
    <>
      <div class="pager">
        {h > 1 ? <a href={href('block', h - 1)}>← {h - 1}</a> : <span />}
        <a href={href('block', h + 1)}>{h + 1} →</a>
      </div>
      <Section title={`Block ${formatInt(height)}`} testid="block-detail">
        <Async res={block} what={`block ${height}`}>
          {(d) => {
            const hd = d.block.header;
            return (
              <KV
                rows={[
                  ['height', formatInt(hd.height)],
                  ['time', <Time value={hd.time} />],
                  ['hash', <Mono>{b64ToHex(d.block_id?.hash)}</Mono>],
                  ['chain id', hd.chain_id],
                  ['proposer', <Mono>{d.sdk_block?.header?.proposer_address || b64ToHex(hd.proposer_address)}</Mono>],
                  ['app hash', <Mono>{b64ToHex(hd.app_hash)}</Mono>],
                  ['transactions', (d.block.data?.txs || []).length],
                  ['signatures', (d.block.last_commit?.signatures || []).length],
                ]}
              />
            );
          }}
        </Async>
      </Section>
      <Section title="Transactions" testid="block-txs">
        {hashes === null ? (
          block.error ? null : <Loading what="transactions" />
        ) : hashes.length === 0 ? (
          <Empty>No transactions in this block.</Empty>
        ) : (
          <TxTable
            txs={hashes.map((hash) => {
              const resp = (txs.data?.tx_responses || []).find((t) => t.txhash.toUpperCase() === hash);
              return resp ? { ...resp, txhash: hash } : { txhash: hash, height };
            })}
          />
        )}
        {txs.error ? <ErrorBox error={txs.error} what="decoding the block's transactions" /> : null}
      </Section>
    </>
  );
}

function msgTypes(resp) {
  const msgs = resp.tx?.body?.messages || [];
  return msgs.map((m) => m['@type'] || '?');
}

function shortType(t) {
  const s = t.split('.');
  return s[s.length - 1];
}

export function TxTable({ txs }) {
  return (
    <table class="tbl">
      <thead>
        <tr>
          <th>hash</th>
          <th>height</th>
          <th>messages</th>
          <th>result</th>
          <th class="num">gas used</th>
          <th>time</th>
        </tr>
      </thead>
      <tbody>
        {txs.map((t) => (
          <tr data-testid="tx-row" data-hash={t.txhash.toUpperCase()}>
            <td>
              <Hash value={t.txhash} link={href('tx', t.txhash)} />
            </td>
            <td>
              <a href={href('block', t.height)}>{t.height}</a>
            </td>
            <td>
              {t.tx ? (
                msgTypes(t).map((m) => (
                  <span class="tag" title={m}>
                    {shortType(m)}
                  </span>
                ))
              ) : (
                <span class="muted">…</span>
              )}
            </td>
            <td>{t.code === undefined ? '' : t.code === 0 ? <Badge kind="ok">ok</Badge> : <Badge kind="bad">code {t.code}</Badge>}</td>
            <td class="num">{formatInt(t.gas_used)}</td>
            <td>{t.timestamp ? <Time value={t.timestamp} /> : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// ---------- transaction ----------

export function TxPage({ hash }) {
  const live = useLive();
  const res = useAsync(() => get(`/cosmos/tx/v1beta1/txs/${hash}`), [hash]);
  // A transaction not yet in a block: look again when one comes.
  useEffect(() => {
    if (res.error?.notFound) res.reload();
  }, [live.height]);
  return (
    <Async res={res} what={`transaction ${hash}`}>
      {(d) => {
        const r = d.tx_response || {};
        const tx = d.tx || r.tx || {};
        const fee = tx.auth_info?.fee || {};
        return (
          <>
            <Section title="Transaction" testid="tx-detail">
              <KV
                rows={[
                  ['hash', <Mono>{r.txhash}</Mono>],
                  ['height', <a href={href('block', r.height)}>{r.height}</a>],
                  ['time', <Time value={r.timestamp} />],
                  [
                    'result',
                    r.code === 0 ? (
                      <Badge kind="ok">success</Badge>
                    ) : (
                      <span data-testid="tx-error">
                        <Badge kind="bad">
                          failed: code {r.code}
                          {r.codespace ? ` (${r.codespace})` : ''}
                        </Badge>{' '}
                        <Mono>{r.raw_log}</Mono>
                      </span>
                    ),
                  ],
                  ['gas (used / wanted)', `${formatInt(r.gas_used)} / ${formatInt(r.gas_wanted)}`],
                  ['fee', <Coins coins={fee.amount} />],
                  ['memo', tx.body?.memo],
                  ['signers', (tx.auth_info?.signer_infos || []).map((s) => `sequence ${s.sequence}`).join(', ')],
                ]}
              />
            </Section>
            <Section title={`Messages (${(tx.body?.messages || []).length})`} testid="tx-messages">
              {(tx.body?.messages || []).map((m, i) => (
                <div class="msg" data-testid="tx-msg">
                  <h3>
                    #{i} <code data-testid="tx-msg-type">{m['@type']}</code>
                  </h3>
                  <Fields obj={m} skip={['@type']} />
                </div>
              ))}
            </Section>
            <Section title="Events" testid="tx-events">
              <Events events={r.events} />
            </Section>
          </>
        );
      }}
    </Async>
  );
}

function Events({ events }) {
  if (!events || events.length === 0) return <Empty>No events.</Empty>;
  return (
    <div class="events">
      {events.map((e) => (
        <div class="event">
          <div class="event-type">{e.type}</div>
          <table class="fields">
            <tbody>
              {(e.attributes || []).map((a) => (
                <tr>
                  <th>{a.key}</th>
                  <td>
                    <Value v={a.value} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}

// ---------- account ----------

export function AccountPage({ address }) {
  const acct = useAsync(() => get(`/cosmos/auth/v1beta1/accounts/${address}`), [address]);
  const bal = useAsync(() => get(`/cosmos/bank/v1beta1/balances/${address}`), [address], { live: true });
  const sent = useAsync(() => txsByQuery(`message.sender='${address}'`, { limit: 30 }), [address], { live: true });
  const recv = useAsync(() => txsByQuery(`transfer.recipient='${address}'`, { limit: 30 }), [address], { live: true });
  const a = acct.data?.account;
  const base = a?.base_account || a;
  let txs = null;
  if (sent.data || recv.data) {
    const all = [...(sent.data?.tx_responses || []), ...(recv.data?.tx_responses || [])];
    const seen = new Set();
    txs = all
      .filter((t) => !seen.has(t.txhash) && seen.add(t.txhash))
      .sort((x, y) => parseInt(y.height, 10) - parseInt(x.height, 10));
  }
  return (
    <>
      <Section title="Account" testid="account-detail">
        <KV
          rows={[
            ['address', <Mono>{address}</Mono>],
            isContractAddress(address) ? ['contract', <a href={href('contract', address)}>contract details →</a>] : null,
            ['balances', bal.data ? <Coins coins={bal.data.balances} /> : bal.error ? <ErrorBox error={bal.error} /> : '…'],
            ['type', a ? <Mono>{a['@type']}</Mono> : acct.error ? (acct.error.notFound ? 'not on chain yet' : <ErrorBox error={acct.error} />) : '…'],
            ['account number', base?.account_number],
            ['sequence', base?.sequence],
            ['public key', base?.pub_key ? <Mono>{base.pub_key.key}</Mono> : null],
          ]}
        />
      </Section>
      <Section title="Transactions" testid="account-txs">
        <ErrorBox error={sent.error} what="sent" />
        {txs === null ? <Loading what="transactions" /> : txs.length === 0 ? <Empty>No transactions.</Empty> : <TxTable txs={txs} />}
      </Section>
    </>
  );
}

// ---------- search ----------

export function searchTarget(q) {
  const s = q.trim();
  if (!s) return null;
  if (/^\d+$/.test(s)) return href('block', s);
  if (isHexHash(s)) return href('tx', s.toUpperCase());
  if (isAddress(s)) return isContractAddress(s) ? href('contract', s) : href('account', s);
  return null;
}

export function SearchBox() {
  const [q, setQ] = useState('');
  const [bad, setBad] = useState(false);
  const submit = (e) => {
    e.preventDefault();
    const t = searchTarget(q);
    setBad(!t);
    if (t) {
      navigate(t);
      setQ('');
    }
  };
  return (
    <form class="search" onSubmit={submit} role="search">
      <input
        data-testid="search"
        type="search"
        placeholder="height, tx hash or address"
        value={q}
        onInput={(e) => {
          setQ(e.currentTarget.value);
          setBad(false);
        }}
        class={bad ? 'bad' : ''}
        title={bad ? 'not a height, a 64-hex transaction hash or an address' : ''}
      />
    </form>
  );
}
