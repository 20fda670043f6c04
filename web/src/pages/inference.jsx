// The inference module: models, feeds, requests (all live: they refresh on each new block).

import { useState } from 'preact/hooks';
import { config, inference } from '../api.js';
import {
  Addr,
  Amount,
  Async,
  Badge,
  Empty,
  Hash,
  KV,
  Mono,
  Section,
  StatusBadge,
  useAsync,
  usePaged,
} from '../components.jsx';
import { href } from '../router.js';
import { formatInt } from '../util.js';

function More({ pager }) {
  if (!pager.next) return null;
  return (
    <button class="more" onClick={pager.more}>
      Load more
    </button>
  );
}

function ResultsList({ results }) {
  if (!results || results.length === 0) return <span class="muted">—</span>;
  return (
    <span>
      {results.map((r) => (
        <div>
          <a href={href('challenge', r.challenge_id)}>challenge {r.challenge_id}</a>: {r.metric} <b>{r.score}</b>{' '}
          <span class="muted">
            ({r.correct}/{r.rows} correct)
          </span>
        </div>
      ))}
    </span>
  );
}

// ---------- models ----------

export function ModelsPage({ params }) {
  const [owner, setOwner] = useState(params.get('owner') || '');
  const [arch, setArch] = useState(params.get('architecture') || '');
  const pager = usePaged(
    async (start) => {
      const r = await inference.models({ owner, architecture: arch, limit: 50, start_after: start });
      return { items: r.models || [], next: r.next };
    },
    [owner, arch],
    { live: true },
  );
  const archs = useAsync(() => inference.architectures(), []);
  return (
    <>
      <Section
        title="Models"
        testid="models-list"
        right={
          <div class="filters">
            <input placeholder="owner" value={owner} onChange={(e) => setOwner(e.currentTarget.value.trim())} />
            <select value={arch} onChange={(e) => setArch(e.currentTarget.value)}>
              <option value="">all architectures</option>
              {(archs.data?.architectures || []).map((a) => (
                <option value={a.name}>{a.name}</option>
              ))}
            </select>
          </div>
        }
      >
        <Async res={pager} what="models">
          {(models) =>
            models.length === 0 ? (
              <Empty>No models.</Empty>
            ) : (
              <table class="tbl">
                <thead>
                  <tr>
                    <th>id</th>
                    <th>owner</th>
                    <th>architecture</th>
                    <th>mode</th>
                    <th>commitment</th>
                    <th class="num">inferences</th>
                    <th class="num">fees earned</th>
                    <th class="num">missed SLAs</th>
                    <th>challenge results</th>
                  </tr>
                </thead>
                <tbody>
                  {models.map((m) => (
                    <tr data-testid="model-row" data-id={m.id} class={m.retired ? 'retired' : ''}>
                      <td>
                        <a href={href('model', m.id)}>{m.id}</a>
                        {m.retired ? <Badge kind="plain">retired</Badge> : null}
                      </td>
                      <td>
                        <Addr value={m.owner} />
                      </td>
                      <td>
                        <Mono>{m.architecture}</Mono>
                      </td>
                      <td>{m.mode}</td>
                      <td>
                        <Hash value={m.commitment} n={6} />
                      </td>
                      <td class="num">{formatInt(m.inferences)}</td>
                      <td class="num">
                        <Amount amount={m.fees_earned} />
                      </td>
                      <td class="num">{formatInt(m.missed)}</td>
                      <td>
                        <ResultsList results={m.results} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Async>
        <More pager={pager} />
      </Section>
      <Architectures res={archs} />
    </>
  );
}

function Architectures({ res }) {
  return (
    <Section title="Architectures (circuits every node verifies)" testid="architectures">
      <Async res={res} what="architectures">
        {(d) => (
          <table class="tbl">
            <thead>
              <tr>
                <th>architecture</th>
                <th>kind</th>
                <th>mode</th>
                <th class="num">rows</th>
                <th>circuit digest</th>
                <th class="num">verify gas</th>
              </tr>
            </thead>
            <tbody>
              {(d.architectures || []).flatMap((a) =>
                (a.circuits || []).map((c, i) => (
                  <tr>
                    <td>{i === 0 ? <Mono>{a.name}</Mono> : ''}</td>
                    <td>{c.kind}</td>
                    <td>{c.mode}</td>
                    <td class="num">{c.rows}</td>
                    <td>
                      <Hash value={c.digest} n={8} />
                    </td>
                    <td class="num">{formatInt(c.verify_gas)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        )}
      </Async>
    </Section>
  );
}

export function ModelPage({ id }) {
  const res = useAsync(() => inference.model(id), [id], { live: true });
  const feeds = useAsync(async () => {
    const r = await inference.feeds({ limit: 200 });
    return (r.feeds || []).filter((f) => (f.model_ids || []).map(String).includes(String(id)));
  }, [id]);
  return (
    <>
      <Section title={`Model ${id}`} testid="model-detail">
        <Async res={res} what={`model ${id}`}>
          {({ model: m }) => (
            <KV
              rows={[
                ['owner', <Addr value={m.owner} full />],
                ['architecture', <Mono>{m.architecture}</Mono>],
                ['mode', m.mode],
                ['commitment', <Mono>{m.commitment}</Mono>],
                ['metadata', m.metadata_uri],
                ['registered at', <a href={href('block', m.registered_height)}>block {m.registered_height}</a>],
                ['retired', String(m.retired)],
                ['operator', m.operator ? <Addr value={m.operator} /> : 'none'],
                ['inferences served', formatInt(m.inferences)],
                ['fees earned', <Amount amount={m.fees_earned} />],
                ['missed SLAs', formatInt(m.missed)],
                ['challenge results', <ResultsList results={m.results} />],
                ['playground', <a href={href('playground', m.id)}>try it in the playground →</a>],
              ]}
            />
          )}
        </Async>
      </Section>
      <Section title="Feeds serving it">
        <Async res={feeds} what="feeds">
          {(f) => (f.length ? <FeedTable feeds={f} /> : <Empty>No feed uses this model.</Empty>)}
        </Async>
      </Section>
      <RequestsSection filter={{ model_id: id }} title="Requests assigned to it" />
    </>
  );
}

// ---------- feeds ----------

function FeedTable({ feeds }) {
  return (
    <table class="tbl">
      <thead>
        <tr>
          <th>id</th>
          <th>owner</th>
          <th>model(s)</th>
          <th>mode</th>
          <th class="num">SLA</th>
          <th class="num">fee</th>
          <th class="num">deposit</th>
          <th class="num">requests</th>
          <th class="num">fulfilled</th>
          <th class="num">timed out</th>
          <th>state</th>
        </tr>
      </thead>
      <tbody>
        {feeds.map((f) => (
          <tr data-testid="feed-row" data-id={f.id}>
            <td>
              <a href={href('feed', f.id)}>{f.id}</a>
            </td>
            <td>
              <Addr value={f.owner} />
            </td>
            <td>
              {(f.model_ids || []).map((m, i) => (
                <>
                  {i ? ', ' : ''}
                  <a href={href('model', m)}>{m}</a>
                </>
              ))}
              {f.challenge_id && f.challenge_id !== '0' ? (
                <span class="muted">
                  {' '}
                  (winners of <a href={href('challenge', f.challenge_id)}>challenge {f.challenge_id}</a>)
                </span>
              ) : null}
            </td>
            <td>{f.mode}</td>
            <td class="num">{f.sla_blocks} blocks</td>
            <td class="num">
              <Amount amount={f.fee_per_inference} />
            </td>
            <td class="num">
              <Amount amount={f.deposit} />
            </td>
            <td class="num">{formatInt(f.requests)}</td>
            <td class="num">{formatInt(f.fulfilled)}</td>
            <td class="num">{formatInt(f.timed_out)}</td>
            <td>{f.closed ? <StatusBadge status="closed" /> : <Badge kind="ok">open</Badge>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FeedsPage({ params }) {
  const [owner, setOwner] = useState(params.get('owner') || '');
  const pager = usePaged(
    async (start) => {
      const r = await inference.feeds({ owner, limit: 50, start_after: start });
      return { items: r.feeds || [], next: r.next };
    },
    [owner],
    { live: true },
  );
  return (
    <>
      <Section
        title="Feeds"
        testid="feeds-list"
        right={
          <div class="filters">
            <input placeholder="owner" value={owner} onChange={(e) => setOwner(e.currentTarget.value.trim())} />
            <a class="button" href={href('sign')}>
              Request an inference…
            </a>
          </div>
        }
      >
        <Async res={pager} what="feeds">
          {(feeds) => (feeds.length === 0 ? <Empty>No feeds.</Empty> : <FeedTable feeds={feeds} />)}
        </Async>
        <More pager={pager} />
      </Section>
      <RequestsSection filter={{}} title="Latest requests" />
    </>
  );
}

export function FeedPage({ id }) {
  const res = useAsync(() => inference.feed(id), [id], { live: true });
  return (
    <>
      <Section title={`Feed ${id}`} testid="feed-detail">
        <Async res={res} what={`feed ${id}`}>
          {({ feed: f }) => (
            <KV
              rows={[
                ['owner', <Addr value={f.owner} full />],
                ['models', (f.model_ids || []).map((m) => <a href={href('model', m)}>model {m} </a>)],
                ['challenge', f.challenge_id !== '0' ? <a href={href('challenge', f.challenge_id)}>{f.challenge_id}</a> : 'none (single model)'],
                ['architecture', <Mono>{f.architecture}</Mono>],
                ['mode', f.mode],
                ['SLA', `${f.sla_blocks} blocks`],
                ['fee per inference', <Amount amount={f.fee_per_inference} />],
                ['deposit left', <Amount amount={f.deposit} />],
                ['fees in flight', <Amount amount={f.pending_fees} />],
                ['requests', `${formatInt(f.requests)} (${formatInt(f.fulfilled)} fulfilled, ${formatInt(f.timed_out)} timed out)`],
                ['max requests', f.max_requests === '0' ? 'no limit' : f.max_requests],
                ['expiry', f.expiry_height === '0' ? 'none' : `block ${f.expiry_height}`],
                ['callback contract', f.callback_contract ? <Addr value={f.callback_contract} /> : 'none'],
                ['created at', <a href={href('block', f.created_height)}>block {f.created_height}</a>],
                ['state', f.closed ? 'closed' : 'open'],
              ]}
            />
          )}
        </Async>
      </Section>
      <RequestsSection filter={{ feed_id: id }} title="Requests" />
    </>
  );
}

// ---------- requests ----------

function shortInts(v, n = 6) {
  const a = (v || []).map(String);
  return a.length > n ? `[${a.slice(0, n).join(', ')}, … ${a.length - n} more]` : `[${a.join(', ')}]`;
}

function RequestTable({ requests }) {
  return (
    <table class="tbl">
      <thead>
        <tr>
          <th>id</th>
          <th>feed</th>
          <th>model</th>
          <th>requester</th>
          <th>status</th>
          <th>input</th>
          <th>output</th>
          <th>proof hash</th>
          <th class="num">height → deadline</th>
          <th class="num">fee</th>
        </tr>
      </thead>
      <tbody>
        {requests.map((r) => (
          <tr data-testid="request-row" data-id={r.id} data-status={r.status}>
            <td>
              <a href={href('request', r.id)}>{r.id}</a>
            </td>
            <td>
              <a href={href('feed', r.feed_id)}>{r.feed_id}</a>
            </td>
            <td>
              <a href={href('model', r.model_id)}>{r.model_id}</a>
            </td>
            <td>
              <Addr value={r.requester} />
            </td>
            <td>
              <StatusBadge status={r.status} />
            </td>
            <td>
              <Mono>{shortInts(r.input, 4)}</Mono>
            </td>
            <td>
              <Mono>{r.output?.length ? shortInts(r.output) : ''}</Mono>
            </td>
            <td>
              <Hash value={r.proof_hash} n={6} />
            </td>
            <td class="num">
              {r.height} → {r.deadline}
              {r.resolved_height && r.resolved_height !== '0' ? <span class="muted"> (at {r.resolved_height})</span> : null}
            </td>
            <td class="num">
              <Amount amount={r.fee} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RequestsSection({ filter, title, statusFilter = true }) {
  const [status, setStatus] = useState('');
  const key = JSON.stringify(filter);
  const pager = usePaged(
    async (start) => {
      const r = await inference.requests({ ...filter, status, limit: 50, start_after: start });
      return { items: r.requests || [], next: r.next };
    },
    [key, status],
    { live: true },
  );
  return (
    <Section
      title={title}
      testid="requests"
      right={
        statusFilter ? (
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)} data-testid="request-status-filter">
            <option value="">any status</option>
            <option value="pending">pending</option>
            <option value="fulfilled">fulfilled</option>
            <option value="timed_out">timed out</option>
          </select>
        ) : null
      }
    >
      <Async res={pager} what="requests">
        {(reqs) => (reqs.length === 0 ? <Empty>No requests.</Empty> : <RequestTable requests={reqs} />)}
      </Async>
      <More pager={pager} />
    </Section>
  );
}

export function RequestsPage() {
  return <RequestsSection filter={{}} title="Requests" />;
}

export function RequestPage({ id }) {
  const res = useAsync(() => inference.request(id), [id], { live: true });
  const cfg = config();
  return (
    <Section title={`Request ${id}`} testid="request-detail">
      <Async res={res} what={`request ${id}`}>
        {({ request: r }) => (
          <KV
            rows={[
              ['status', <StatusBadge status={r.status} />],
              ['feed', <a href={href('feed', r.feed_id)}>{r.feed_id}</a>],
              ['requester', <Addr value={r.requester} full />],
              ['model', <a href={href('model', r.model_id)}>model {r.model_id}</a>],
              ['model owner', <Addr value={r.model_owner} />],
              ['input', <Mono>[{(r.input || []).join(', ')}]</Mono>],
              ['input hash', <Mono>{r.input_hash}</Mono>],
              ['output', r.output?.length ? <Mono>[{r.output.join(', ')}]</Mono> : null],
              ['proof hash (sha256)', r.proof_hash ? <Mono>{r.proof_hash}</Mono> : null],
              ['fulfiller', r.fulfiller ? <Addr value={r.fulfiller} /> : null],
              ['fee', <Amount amount={r.fee} denom={cfg.denom} />],
              ['requested at', <a href={href('block', r.height)}>block {r.height}</a>],
              ['deadline', `block ${r.deadline}`],
              ['resolved at', r.resolved_height && r.resolved_height !== '0' ? <a href={href('block', r.resolved_height)}>block {r.resolved_height}</a> : null],
              ['callback', r.callback_result],
              ['callback data', r.callback_data ? <Mono>{r.callback_data}</Mono> : null],
            ]}
          />
        )}
      </Async>
    </Section>
  );
}
