// Live chain head: CometBFT's websocket (JSON-RPC subscribe to NewBlock), reconnecting with
// backoff; while the socket is down the REST latest block is polled instead.

import { useEffect, useState } from 'preact/hooks';
import { tm } from './api.js';
import { b64ToHex } from './util.js';

const listeners = new Set();
const state = {
  height: 0,
  time: null,
  status: 'connecting', // 'live' | 'polling' | 'connecting'
  recent: [], // newest first: {height, time, hash, txs, proposer, source}
};

function emit() {
  for (const f of listeners) f(state);
}

/** A block header row from the REST LCD block response. */
export function rowFromRest(b) {
  const h = b.block?.header || {};
  return {
    height: parseInt(h.height, 10),
    time: h.time,
    hash: b64ToHex(b.block_id?.hash),
    txs: b.block?.data?.txs || [],
    proposer: b64ToHex(h.proposer_address),
    source: 'rest',
  };
}

/** A block header row from a CometBFT NewBlock event (hashes already hex there). */
function rowFromEvent(value) {
  const blk = value.block || {};
  const h = blk.header || {};
  return {
    height: parseInt(h.height, 10),
    time: h.time,
    hash: String(value.block_id?.hash || '').toUpperCase(),
    txs: blk.data?.txs || [],
    proposer: String(h.proposer_address || '').toUpperCase(),
    source: 'ws',
  };
}

function push(row) {
  if (!row.height || isNaN(row.height)) return;
  if (row.height > state.height) {
    state.height = row.height;
    state.time = row.time;
  }
  if (!state.recent.some((r) => r.height === row.height)) {
    state.recent = [row, ...state.recent].sort((a, b) => b.height - a.height).slice(0, 100);
  }
  emit();
}

let ws = null;
let backoff = 1000;
let pollTimer = null;
let started = false;
let wsUrl = null;

function setStatus(s) {
  if (state.status !== s) {
    state.status = s;
    emit();
  }
}

async function pollOnce() {
  try {
    push(rowFromRest(await tm.latestBlock()));
  } catch {
    /* the status badge says we are not live */
  }
}

function startPolling() {
  if (pollTimer) return;
  pollOnce();
  pollTimer = setInterval(pollOnce, 3000);
}

function stopPolling() {
  clearInterval(pollTimer);
  pollTimer = null;
}

function connect() {
  if (!wsUrl) {
    setStatus('polling');
    startPolling();
    return;
  }
  try {
    ws = new WebSocket(wsUrl);
  } catch {
    scheduleReconnect();
    return;
  }
  ws.onopen = () => {
    backoff = 1000;
    ws.send(
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'subscribe', params: { query: "tm.event='NewBlock'" } }),
    );
  };
  ws.onmessage = (ev) => {
    let m;
    try {
      m = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (m.id === 1 && m.error) {
      setStatus('polling');
      startPolling();
      return;
    }
    const data = m.result?.data;
    if (data?.type === 'tendermint/event/NewBlock') {
      setStatus('live');
      stopPolling();
      push(rowFromEvent(data.value));
    } else if (m.id === 1 && m.result) {
      setStatus('live');
      stopPolling();
    }
  };
  ws.onclose = () => {
    ws = null;
    setStatus('polling');
    startPolling();
    scheduleReconnect();
  };
  ws.onerror = () => {
    try {
      ws?.close();
    } catch {
      /* closing anyway */
    }
  };
}

function scheduleReconnect() {
  setTimeout(connect, backoff);
  backoff = Math.min(backoff * 2, 30000);
}

export function startLive(websocketUrl) {
  if (started) return;
  started = true;
  wsUrl = websocketUrl || null;
  pollOnce();
  connect();
}

export function liveState() {
  return state;
}

export function onLive(f) {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** Re-renders on every change of the chain head; returns {height, time, status, recent}. */
export function useLive() {
  const [, set] = useState(0);
  useEffect(() => onLive(() => set((n) => n + 1)), []);
  return state;
}

/** The latest height, re-rendering only when it changes. */
export function useHeight() {
  const [h, setH] = useState(state.height);
  useEffect(() => onLive((s) => setH(s.height)), []);
  return h;
}

/** Adds a row fetched over REST (the blocks list seeds the recent ring with it). */
export function seedRows(rows) {
  for (const r of rows) push(r);
}
