// Keplr: suggest the chain (keplr.json from the node), enable it, remember the address.
// Everything else in the app works without a wallet.

import { useEffect, useState } from 'preact/hooks';
import { config, restUrl } from './api.js';

const listeners = new Set();
let wallet = { address: null, name: null, error: null, busy: false };

function set(w) {
  wallet = { ...wallet, ...w };
  for (const f of listeners) f(wallet);
}

export function hasKeplr() {
  return typeof window !== 'undefined' && !!window.keplr;
}

export function useWallet() {
  const [w, setW] = useState(wallet);
  const [present, setPresent] = useState(hasKeplr());
  useEffect(() => {
    listeners.add(setW);
    // Keplr injects itself when the page has loaded; check again then.
    const check = () => setPresent(hasKeplr());
    addEventListener('load', check);
    const t = setTimeout(check, 1500);
    return () => {
      listeners.delete(setW);
      removeEventListener('load', check);
      clearTimeout(t);
    };
  }, []);
  return { ...w, present };
}

export async function connectKeplr() {
  const keplr = window.keplr;
  if (!keplr) {
    set({ error: 'Keplr is not installed in this browser' });
    return;
  }
  const cfg = config();
  set({ busy: true, error: null });
  try {
    const r = await fetch(restUrl('/keplr.json'));
    if (!r.ok) throw new Error(`keplr.json: HTTP ${r.status}`);
    await keplr.experimentalSuggestChain(await r.json());
    await keplr.enable(cfg.chain_id);
    const key = await keplr.getKey(cfg.chain_id);
    set({ address: key.bech32Address, name: key.name, busy: false });
  } catch (e) {
    set({ busy: false, error: e.message || String(e) });
  }
}

export function disconnect() {
  set({ address: null, name: null, error: null });
}

if (typeof window !== 'undefined') {
  window.addEventListener('keplr_keystorechange', () => {
    if (wallet.address) connectKeplr();
  });
}
