// SVG plots: leaderboard scores by rank, and scores over block height.

import { shortAddr } from './util.js';

const COLORS = ['#3b6fd8', '#d9822b', '#2f9e6e', '#c0392b', '#8e44ad', '#16a3b8', '#b7950b', '#7f8c8d'];

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function ticks(max, n = 5) {
  const out = [];
  for (let i = 0; i <= n; i++) out.push((max * i) / n);
  return out;
}

function fmt(v) {
  if (v === 0) return '0';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 1) return v.toFixed(2).replace(/\.?0+$/, '');
  return v.toFixed(3).replace(/\.?0+$/, '');
}

/**
 * Bars of score by rank. `rows`: [{rank, modeler, score (decimal string)}], best first.
 * Each bar carries data-rank / data-modeler / data-score for tests.
 */
export function LeaderboardPlot({ rows, metric }) {
  const W = 640;
  const H = 260;
  const m = { l: 52, r: 16, t: 16, b: 44 };
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  const vals = rows.map((r) => Number(r.score));
  const top = metric === 'accuracy' ? 1 : niceMax(Math.max(0, ...vals));
  const bw = rows.length ? Math.min(80, (iw / rows.length) * 0.7) : 0;
  const step = rows.length ? iw / rows.length : 0;
  const y = (v) => m.t + ih - (Math.max(0, v) / top) * ih;
  const better = metric === 'accuracy' ? 'higher is better' : 'lower is better';
  return (
    <svg
      data-testid="leaderboard-plot"
      class="plot"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`scores by rank (${metric}, ${better})`}
    >
      {ticks(top).map((t) => (
        <g>
          <line x1={m.l} x2={W - m.r} y1={y(t)} y2={y(t)} class="grid" />
          <text x={m.l - 6} y={y(t) + 4} class="axis" text-anchor="end">
            {fmt(t)}
          </text>
        </g>
      ))}
      <line x1={m.l} x2={W - m.r} y1={m.t + ih} y2={m.t + ih} class="axisline" />
      {rows.map((r, i) => {
        const v = Number(r.score);
        const cx = m.l + step * i + step / 2;
        return (
          <g class="bar" data-rank={r.rank} data-modeler={r.modeler} data-score={r.score}>
            <title>{`#${r.rank} ${r.modeler}: ${r.score}`}</title>
            <rect x={cx - bw / 2} y={y(v)} width={bw} height={Math.max(1, m.t + ih - y(v))} fill={COLORS[i % COLORS.length]} rx="2" />
            <text x={cx} y={y(v) - 5} class="val" text-anchor="middle">
              {r.score}
            </text>
            <text x={cx} y={m.t + ih + 15} class="axis" text-anchor="middle">
              #{r.rank}
            </text>
            <text x={cx} y={m.t + ih + 29} class="axis small" text-anchor="middle">
              {shortAddr(r.modeler)}
            </text>
          </g>
        );
      })}
      <text x={12} y={m.t + ih / 2} class="axis" transform={`rotate(-90 12 ${m.t + ih / 2})`} text-anchor="middle">
        {metric} ({better})
      </text>
    </svg>
  );
}

/** Recorded scores over block height: one coloured series per modeler. `series`: [{modeler, points:[{height, score}]}]. */
export function ScoreTimePlot({ series, metric }) {
  const W = 640;
  const H = 240;
  const m = { l: 52, r: 16, t: 16, b: 36 };
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  const pts = series.flatMap((s) => s.points);
  const hs = pts.map((p) => p.height);
  let h0 = Math.min(...hs);
  let h1 = Math.max(...hs);
  if (h0 === h1) {
    h0 -= 1;
    h1 += 1;
  }
  const top = metric === 'accuracy' ? 1 : niceMax(Math.max(0, ...pts.map((p) => p.score)));
  const x = (h) => m.l + ((h - h0) / (h1 - h0)) * iw;
  const y = (v) => m.t + ih - (Math.max(0, v) / top) * ih;
  return (
    <svg data-testid="score-time-plot" class="plot" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="scores over block height">
      {ticks(top, 4).map((t) => (
        <g>
          <line x1={m.l} x2={W - m.r} y1={y(t)} y2={y(t)} class="grid" />
          <text x={m.l - 6} y={y(t) + 4} class="axis" text-anchor="end">
            {fmt(t)}
          </text>
        </g>
      ))}
      <line x1={m.l} x2={W - m.r} y1={m.t + ih} y2={m.t + ih} class="axisline" />
      <text x={m.l} y={H - 8} class="axis">
        block {Math.min(...hs)}
      </text>
      <text x={W - m.r} y={H - 8} class="axis" text-anchor="end">
        block {Math.max(...hs)}
      </text>
      {series.map((s, i) => {
        const c = COLORS[i % COLORS.length];
        const sorted = [...s.points].sort((a, b) => a.height - b.height);
        return (
          <g data-modeler={s.modeler}>
            {sorted.length > 1 ? (
              <polyline points={sorted.map((p) => `${x(p.height)},${y(p.score)}`).join(' ')} fill="none" stroke={c} stroke-width="2" />
            ) : null}
            {sorted.map((p) => (
              <circle cx={x(p.height)} cy={y(p.score)} r="5" fill={c} data-modeler={s.modeler} data-height={p.height} data-score={p.score}>
                <title>{`${s.modeler} at block ${p.height}: ${p.score}`}</title>
              </circle>
            ))}
          </g>
        );
      })}
    </svg>
  );
}

export function Legend({ series }) {
  return (
    <div class="legend">
      {series.map((s, i) => (
        <span>
          <i style={{ background: COLORS[i % COLORS.length] }} /> {shortAddr(s.modeler)}
        </span>
      ))}
    </div>
  );
}
