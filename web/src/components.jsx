// Shared UI pieces and the data hook.

import { useEffect, useRef, useState } from 'preact/hooks';
import { config } from './api.js';
import { onLive } from './live.js';
import { href } from './router.js';
import { errMessage, formatInt, formatTime, formatUnits, relativeTime, shortAddr, shortHash } from './util.js';

/**
 * Runs `fn` (async) when `deps` change; with `live`, again on each new block (keeping the
 * old data on screen while it reloads, and never two loads at once).
 */
export function useAsync(fn, deps, { live = false } = {}) {
  const [st, setSt] = useState({ data: undefined, error: null, loading: true });
  const gen = useRef(0);
  const busy = useRef(false);
  const run = async (keep) => {
    const my = ++gen.current;
    busy.current = true;
    if (!keep) setSt({ data: undefined, error: null, loading: true });
    try {
      const data = await fn();
      if (my === gen.current) setSt({ data, error: null, loading: false });
    } catch (error) {
      if (my === gen.current) setSt((s) => ({ data: keep ? s.data : undefined, error, loading: false }));
    } finally {
      if (my === gen.current) busy.current = false;
    }
  };
  useEffect(() => {
    run(false);
    if (!live) return undefined;
    let last = 0;
    return onLive((s) => {
      if (s.height !== last && !busy.current) {
        last = s.height;
        run(true);
      }
    });
  }, deps);
  return { ...st, reload: () => run(true) };
}

export function Loading({ what }) {
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" /> Loading{what ? ` ${what}` : ''}…
    </div>
  );
}

export function ErrorBox({ error, what }) {
  if (!error) return null;
  return (
    <div class="error" role="alert" data-testid="error">
      {what ? <b>{what}: </b> : null}
      {errMessage(error)}
    </div>
  );
}

/** Loading / error / content for a useAsync result. */
export function Async({ res, what, children }) {
  if (res.error && res.data === undefined) return <ErrorBox error={res.error} what={what} />;
  if (res.data === undefined) return <Loading what={what} />;
  return (
    <>
      {res.error ? <ErrorBox error={res.error} what={`refreshing ${what || ''}`} /> : null}
      {children(res.data)}
    </>
  );
}

export function Section({ title, children, right, testid }) {
  return (
    <section class="card" data-testid={testid}>
      {title ? (
        <header class="card-h">
          <h2>{title}</h2>
          {right}
        </header>
      ) : null}
      {children}
    </section>
  );
}

export function KV({ rows }) {
  return (
    <dl class="kv">
      {rows
        .filter((r) => r)
        .map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v === undefined || v === null || v === '' ? <span class="muted">—</span> : v}</dd>
          </>
        ))}
    </dl>
  );
}

export function Mono({ children, title }) {
  return (
    <code class="mono" title={title}>
      {children}
    </code>
  );
}

export function Hash({ value, n = 10, link }) {
  if (!value) return <span class="muted">—</span>;
  const s = <Mono title={value}>{shortHash(value, n)}</Mono>;
  return link ? <a href={link}>{s}</a> : s;
}

export function isAddress(s) {
  const p = config()?.bech32_prefix || 'infer';
  return typeof s === 'string' && s.startsWith(p + '1') && /^[a-z0-9]+$/.test(s) && s.length >= 39;
}

/** Contract addresses are 32-byte (longer) bech32 strings. */
export function isContractAddress(s) {
  const p = config()?.bech32_prefix || 'infer';
  return isAddress(s) && s.length - p.length - 1 > 45;
}

export function contractName(addr) {
  const c = config()?.contracts || {};
  for (const [k, v] of Object.entries(c)) if (v === addr) return k;
  return null;
}

export function Addr({ value, full }) {
  if (!value) return <span class="muted">—</span>;
  const name = contractName(value);
  const target = isContractAddress(value) ? href('contract', value) : href('account', value);
  return (
    <a href={target} class="addr" title={value}>
      <Mono>{full ? value : shortAddr(value)}</Mono>
      {name ? <span class="tag">{name}</span> : null}
    </a>
  );
}

export function Amount({ amount, denom }) {
  const c = config();
  const d = denom || c.denom;
  if (d === c.denom) {
    return (
      <span class="amount" title={`${amount} ${d}`}>
        {formatUnits(amount, c.decimals)} {c.display_denom}
      </span>
    );
  }
  return (
    <span class="amount">
      {formatInt(amount)} {d}
    </span>
  );
}

export function Coins({ coins }) {
  if (!coins || coins.length === 0) return <span class="muted">none</span>;
  return (
    <span>
      {coins.map((c, i) => (
        <>
          {i ? ', ' : ''}
          <Amount amount={c.amount} denom={c.denom} />
        </>
      ))}
    </span>
  );
}

export function Time({ value }) {
  if (!value) return <span class="muted">—</span>;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return (
    <span title={typeof value === 'string' ? value : new Date(ms).toISOString()}>
      {formatTime(ms)} <span class="muted">({relativeTime(ms)})</span>
    </span>
  );
}

export function Badge({ kind, children }) {
  return <span class={`badge badge-${kind || 'plain'}`}>{children}</span>;
}

export function StatusBadge({ status }) {
  const s = String(status || '');
  const kind =
    {
      open: 'info',
      revealed: 'warn',
      finalized: 'ok',
      cancelled: 'bad',
      pending: 'warn',
      fulfilled: 'ok',
      timed_out: 'bad',
      closed: 'plain',
    }[s] || 'plain';
  return <Badge kind={kind}>{s.replace('_', ' ')}</Badge>;
}

export function JsonView({ value }) {
  return <pre class="json">{JSON.stringify(value, null, 2)}</pre>;
}

function isCoinList(v) {
  return Array.isArray(v) && v.length > 0 && v.every((c) => c && typeof c === 'object' && 'denom' in c && 'amount' in c && Object.keys(c).length === 2);
}

function LongString({ value }) {
  const [open, setOpen] = useState(false);
  if (value.length <= 120) return <Mono>{value}</Mono>;
  return (
    <span>
      <Mono title={`${value.length} characters`}>{open ? value : value.slice(0, 96) + '…'}</Mono>{' '}
      <button class="link" onClick={() => setOpen(!open)}>
        {open ? 'less' : `all ${formatInt(value.length)} chars`}
      </button>
    </span>
  );
}

/** Renders any decoded proto-JSON value: addresses as links, coins as amounts, objects as nested tables. */
export function Value({ v, k }) {
  if (v === null || v === undefined) return <span class="muted">null</span>;
  if (typeof v === 'boolean') return <span>{String(v)}</span>;
  if (typeof v === 'number') return <span>{v}</span>;
  if (typeof v === 'string') {
    if (isAddress(v)) return <Addr value={v} full />;
    if (v === '') return <span class="muted">""</span>;
    return <LongString value={v} />;
  }
  if (isCoinList(v)) return <Coins coins={v} />;
  if (Array.isArray(v)) {
    if (v.length === 0) return <span class="muted">[]</span>;
    if (v.every((x) => typeof x !== 'object' || x === null)) {
      const s = v.join(', ');
      return <LongString value={`[${s}]`} />;
    }
    return (
      <ol class="vlist">
        {v.map((x) => (
          <li>
            <Value v={x} />
          </li>
        ))}
      </ol>
    );
  }
  if (typeof v === 'object') {
    // A wasm message's `msg` (raw JSON) reads best as JSON.
    if (k === 'msg') return <JsonView value={v} />;
    return <Fields obj={v} />;
  }
  return <span>{String(v)}</span>;
}

export function Fields({ obj, skip = [] }) {
  const entries = Object.entries(obj || {}).filter(([k]) => !skip.includes(k));
  if (entries.length === 0) return <span class="muted">{'{}'}</span>;
  return (
    <table class="fields">
      <tbody>
        {entries.map(([k, v]) => (
          <tr>
            <th>{k}</th>
            <td>
              <Value v={v} k={k} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Empty({ children }) {
  return <p class="muted empty">{children}</p>;
}

/** A "load more" pager over the module's `next` cursor (items deduplicated by `id`). */
export function usePaged(fetchPage, deps, { live = false } = {}) {
  const [extra, setExtra] = useState([]);
  const [next, setNext] = useState(null);
  const loadedMore = useRef(false);
  useEffect(() => {
    setExtra([]);
    loadedMore.current = false;
  }, deps);
  const first = useAsync(async () => {
    const r = await fetchPage(undefined);
    if (!loadedMore.current) setNext(r.next && r.next !== '0' ? r.next : null);
    return r.items;
  }, deps, { live });
  const more = async () => {
    const r = await fetchPage(next);
    loadedMore.current = true;
    setExtra((e) => [...e, ...r.items]);
    setNext(r.next && r.next !== '0' ? r.next : null);
  };
  let data = first.data;
  if (data && extra.length) {
    const seen = new Set(data.map((x) => x.id));
    data = [...data, ...extra.filter((x) => !seen.has(x.id))];
  }
  return { ...first, data, next, more };
}
