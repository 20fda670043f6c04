// Challenges (the challenge contract), their leaderboards with plots, and the reputation ranking.

import { contractAddress, inference, smart } from '../api.js';
import { Addr, Amount, Async, Badge, Empty, ErrorBox, Hash, KV, Mono, Section, StatusBadge, Time, useAsync } from '../components.jsx';
import { LeaderboardPlot, Legend, ScoreTimePlot } from '../plot.jsx';
import { href } from '../router.js';
import { formatInt, nanosToMs } from '../util.js';

async function challengeQuery(q) {
  return smart(await contractAddress('challenge'), q);
}

async function allModels() {
  const out = [];
  let start;
  for (let i = 0; i < 10; i++) {
    const r = await inference.models({ limit: 200, start_after: start });
    out.push(...(r.models || []));
    if (!r.next || r.next === '0') break;
    start = r.next;
  }
  return out;
}

export function ChallengesPage() {
  const res = useAsync(() => challengeQuery({ challenges: { limit: 100 } }), [], { live: true });
  return (
    <>
      <Section title="Challenges" testid="challenges-list">
        <Async res={res} what="challenges">
          {(d) =>
            (d.challenges || []).length === 0 ? (
              <Empty>No challenges yet.</Empty>
            ) : (
              <table class="tbl">
                <thead>
                  <tr>
                    <th>id</th>
                    <th>title</th>
                    <th>status</th>
                    <th>metric</th>
                    <th class="num">bounty</th>
                    <th>submissions until</th>
                    <th>reveal by</th>
                    <th>scoring until</th>
                  </tr>
                </thead>
                <tbody>
                  {d.challenges.map((c) => (
                    <tr data-testid="challenge-row" data-id={c.id}>
                      <td>
                        <a href={href('challenge', c.id)}>{c.id}</a>
                      </td>
                      <td>
                        <a href={href('challenge', c.id)}>{c.title}</a>
                      </td>
                      <td>
                        <StatusBadge status={c.status} />
                      </td>
                      <td>{c.metric}</td>
                      <td class="num">
                        <Amount amount={c.bounty} />
                      </td>
                      <td>
                        <Time value={nanosToMs(c.submission_deadline)} />
                      </td>
                      <td>
                        <Time value={nanosToMs(c.reveal_deadline)} />
                      </td>
                      <td>
                        <Time value={nanosToMs(c.scoring_deadline)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Async>
      </Section>
      <ReputationRanking />
    </>
  );
}

export function ChallengePage({ id }) {
  const cid = parseInt(id, 10);
  const ch = useAsync(() => challengeQuery({ challenge: { challenge_id: cid } }), [cid], { live: true });
  const lb = useAsync(() => challengeQuery({ leaderboard: { challenge_id: cid } }), [cid], { live: true });
  const mod = useAsync(() => inference.challenge(cid), [cid]);
  const models = useAsync(allModels, [cid]);
  return (
    <>
      <Section title={`Challenge ${cid}`} testid="challenge-detail">
        <Async res={ch} what={`challenge ${cid}`}>
          {(c) => (
            <>
              <h3 class="title">{c.title}</h3>
              {c.description ? <p>{c.description}</p> : null}
              <KV
                rows={[
                  ['status', <StatusBadge status={c.status} />],
                  ['creator', <Addr value={c.creator} />],
                  ['task', c.task],
                  ['architecture', <Mono>{c.architecture_id}</Mono>],
                  ['metric', `${c.metric} (${c.metric === 'accuracy' ? 'higher' : 'lower'} is better)`],
                  ['bounty', <Amount amount={c.bounty} />],
                  ['creation deposit', <Amount amount={c.deposit} />],
                  ['payout split', (c.payout_bps || []).map((b, i) => `#${i + 1}: ${b / 100}%`).join(', ')],
                  ['minimum stake', <Amount amount={c.min_stake} />],
                  ['submission deadline', <Time value={nanosToMs(c.submission_deadline)} />],
                  ['reveal deadline', <Time value={nanosToMs(c.reveal_deadline)} />],
                  ['scoring deadline', <Time value={nanosToMs(c.scoring_deadline)} />],
                  ['dataset', c.dataset_uri],
                  ['test set sha256', <Hash value={c.test_set_hash} n={12} />],
                  ['test set uri', c.test_set_uri],
                  mod.data
                    ? ['revealed test set', mod.data.rows && mod.data.rows !== '0' ? `${mod.data.rows} rows, Poseidon ${mod.data.test_set_hash.slice(0, 16)}…` : 'not yet']
                    : null,
                  (c.feed_models || []).length
                    ? [
                        'feed models',
                        c.feed_models.map((f) => (
                          <div>
                            <Addr value={f.modeler} /> <Hash value={f.commitment} n={6} />
                          </div>
                        )),
                      ]
                    : null,
                ]}
              />
            </>
          )}
        </Async>
      </Section>
      <Section title="Leaderboard" testid="leaderboard">
        <Async res={lb} what="leaderboard">
          {(d) => <Leaderboard entries={d.entries || []} metric={ch.data?.metric} models={models.data} cid={cid} />}
        </Async>
      </Section>
      <ReputationRanking highlight={(lb.data?.entries || []).map((e) => e.modeler)} />
    </>
  );
}

function Leaderboard({ entries, metric, models, cid }) {
  if (entries.length === 0) return <Empty>No submissions yet.</Empty>;
  const scored = entries.filter((e) => e.score !== null && e.score !== undefined);
  const ranked = scored.map((e, i) => ({ ...e, rank: e.rank ?? i + 1 }));
  const modelOf = (e) =>
    (models || []).find((m) => m.commitment.toLowerCase() === String(e.commitment).toLowerCase() && m.owner === e.modeler);
  // Score over time: when each score was recorded, from the module's model records.
  const series = [];
  for (const e of ranked) {
    const pts = [];
    for (const m of (models || []).filter((m) => m.owner === e.modeler)) {
      for (const r of m.results || []) {
        if (String(r.challenge_id) === String(cid)) pts.push({ height: parseInt(r.height, 10), score: Number(r.score) });
      }
    }
    if (pts.length) series.push({ modeler: e.modeler, points: pts });
  }
  return (
    <>
      {ranked.length ? (
        <div class="plots">
          <figure>
            <LeaderboardPlot rows={ranked.map((e) => ({ rank: e.rank, modeler: e.modeler, score: e.score }))} metric={metric} />
            <figcaption>Scores by rank{entries.some((e) => e.rank != null) ? '' : ' (provisional: not finalized)'}</figcaption>
          </figure>
          {series.length ? (
            <figure>
              <ScoreTimePlot series={series} metric={metric} />
              <Legend series={series} />
              <figcaption>Scores over block height (when each proof of score was verified)</figcaption>
            </figure>
          ) : null}
        </div>
      ) : (
        <Empty>No verified scores yet.</Empty>
      )}
      <table class="tbl" data-testid="leaderboard-table">
        <thead>
          <tr>
            <th>rank</th>
            <th>modeler</th>
            <th>model</th>
            <th class="num">score</th>
            <th class="num">payout</th>
            <th>submitted</th>
            <th>feed</th>
            <th class="num">inferences</th>
            <th class="num">fees earned</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e, i) => {
            const m = modelOf(e);
            const r = e.score != null ? (e.rank ?? i + 1) : null;
            return (
              <tr data-testid="leaderboard-row" data-modeler={e.modeler} data-rank={r ?? ''}>
                <td>{r ? `#${r}` : <span class="muted">—</span>}</td>
                <td>
                  <Addr value={e.modeler} />
                </td>
                <td>
                  {m ? <a href={href('model', m.id)}>model {m.id}</a> : null} <Hash value={e.commitment} n={6} />
                </td>
                <td class="num">{e.score ?? <span class="muted">unscored</span>}</td>
                <td class="num">
                  <Amount amount={e.payout} />
                </td>
                <td>
                  <Time value={nanosToMs(e.submitted_at)} />
                </td>
                <td>{e.is_feed ? <Badge kind="ok">feed</Badge> : ''}</td>
                <td class="num">{formatInt(e.consumption)}</td>
                <td class="num">
                  <Amount amount={e.fees_earned} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

export function ReputationRanking({ highlight = [] }) {
  const res = useAsync(async () => smart(await contractAddress('reputation'), { ranking: { limit: 50 } }), [], { live: true });
  return (
    <Section title="Reputation ranking" testid="reputation-ranking">
      <Async res={res} what="reputation">
        {(d) =>
          (d.ranking || []).length === 0 ? (
            <Empty>No reputation recorded yet.</Empty>
          ) : (
            <table class="tbl">
              <thead>
                <tr>
                  <th>#</th>
                  <th>modeler</th>
                  <th class="num">score</th>
                  <th class="num">performance</th>
                  <th class="num">consumption</th>
                  <th class="num">penalty</th>
                  <th class="num">challenges</th>
                  <th class="num">wins</th>
                  <th class="num">slashes</th>
                </tr>
              </thead>
              <tbody>
                {d.ranking.map((r, i) => (
                  <tr class={highlight.includes(r.address) ? 'hl' : ''} data-testid="reputation-row" data-address={r.address}>
                    <td>{i + 1}</td>
                    <td>
                      <Addr value={r.address} />
                    </td>
                    <td class="num">
                      <b>{formatInt(r.reputation.score)}</b>
                    </td>
                    <td class="num">{formatInt(r.reputation.performance)}</td>
                    <td class="num">
                      {formatInt(r.reputation.consumption)} <span class="muted">({formatInt(r.reputation.consumption_score)})</span>
                    </td>
                    <td class="num">{formatInt(r.reputation.penalty)}</td>
                    <td class="num">{r.reputation.challenges}</td>
                    <td class="num">{r.reputation.wins}</td>
                    <td class="num">{r.reputation.slashes}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </Section>
  );
}
