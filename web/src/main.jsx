// InferChain web app: entry point, header, navigation and routes.

import { render } from 'preact';
import { setConfig } from './api.js';
import { loadConfig } from './config.js';
import { ErrorBox } from './components.jsx';
import { startLive, useLive } from './live.js';
import { href, useRoute } from './router.js';
import { formatInt, shortAddr } from './util.js';
import { connectKeplr, disconnect, useWallet } from './wallet.js';
import { ChallengePage, ChallengesPage } from './pages/challenges.jsx';
import { ContractPage, ContractsPage } from './pages/contracts.jsx';
import { AccountPage, BlockPage, BlocksPage, SearchBox, StatusPage, TxPage } from './pages/explorer.jsx';
import { FeedPage, FeedsPage, ModelPage, ModelsPage, RequestPage, RequestsPage } from './pages/inference.jsx';
import { PlaygroundPage } from './pages/playground.jsx';
import { SignPage } from './pages/sign.jsx';
import './style.css';

window.inferchainApp = { ready: false, config: null, wasm: null };

const NAV = [
  ['', 'Status'],
  ['blocks', 'Blocks'],
  ['contracts', 'Contracts'],
  ['challenges', 'Challenges'],
  ['models', 'Models'],
  ['feeds', 'Feeds'],
  ['requests', 'Requests'],
  ['playground', 'Playground'],
];

function route(parts, params) {
  const [p, a] = parts;
  switch (p) {
    case undefined:
    case 'status':
      return <StatusPage />;
    case 'blocks':
      return <BlocksPage />;
    case 'block':
      return <BlockPage height={a} />;
    case 'tx':
      return <TxPage hash={a} />;
    case 'account':
      return <AccountPage address={a} />;
    case 'contracts':
      return <ContractsPage />;
    case 'contract':
      return <ContractPage address={a} />;
    case 'challenges':
      return <ChallengesPage />;
    case 'challenge':
      return <ChallengePage id={a} />;
    case 'models':
      return <ModelsPage params={params} />;
    case 'model':
      return <ModelPage id={a} />;
    case 'feeds':
      return <FeedsPage params={params} />;
    case 'feed':
      return <FeedPage id={a} />;
    case 'requests':
      return <RequestsPage />;
    case 'request':
      return <RequestPage id={a} />;
    case 'playground':
      return <PlaygroundPage id={a} params={params} />;
    case 'sign':
      return <SignPage params={params} />;
    default:
      return <ErrorBox error={new Error(`no page #/${parts.join('/')}`)} />;
  }
}

function Wallet() {
  const w = useWallet();
  if (!w.present) {
    return (
      <span class="wallet">
        <button data-testid="keplr-connect" disabled title="Install the Keplr extension to sign transactions; reading needs no wallet">
          Connect Keplr
        </button>
        <span class="small muted">no Keplr: read-only</span>
      </span>
    );
  }
  if (w.address) {
    return (
      <span class="wallet" data-testid="keplr-address" data-address={w.address}>
        <a href={href('account', w.address)} title={w.address}>
          {w.name ? `${w.name}: ` : ''}
          {shortAddr(w.address)}
        </a>{' '}
        <button class="link" onClick={disconnect}>
          disconnect
        </button>
      </span>
    );
  }
  return (
    <span class="wallet">
      <button data-testid="keplr-connect" onClick={connectKeplr} disabled={w.busy}>
        {w.busy ? 'Connecting…' : 'Connect Keplr'}
      </button>
      {w.error ? <span class="small bad">{w.error}</span> : null}
    </span>
  );
}

function Head({ cfg, current }) {
  const live = useLive();
  return (
    <header class="top">
      <div class="brand">
        <a href="#/">InferChain</a>
        <span class="chain" data-testid="chain-id">
          {cfg.chain_id}
        </span>
        <span class="height" data-testid="latest-height" data-height={live.height} title={`head updates: ${live.status}`}>
          <i class={`dot dot-${live.status}`} /> {live.height ? `#${formatInt(live.height)}` : '…'}
        </span>
      </div>
      <nav>
        {NAV.map(([p, label]) => (
          <a href={`#/${p}`} class={current === p ? 'on' : ''} data-testid={`nav-${p || 'status'}`}>
            {label}
          </a>
        ))}
      </nav>
      <SearchBox />
      <Wallet />
    </header>
  );
}

const SECTION_OF = { block: 'blocks', tx: 'blocks', account: 'blocks', contract: 'contracts', challenge: 'challenges', model: 'models', feed: 'feeds', request: 'requests', sign: 'feeds', status: '' };

function App({ cfg }) {
  const r = useRoute();
  const first = r.parts[0] || '';
  const current = first in SECTION_OF ? SECTION_OF[first] : first;
  return (
    <>
      <Head cfg={cfg} current={current} />
      <main>
        {cfg.warning ? <div class="note">{cfg.warning}</div> : null}
        {route(r.parts, r.params)}
      </main>
      <footer class="small muted">
        REST <code>{cfg.rest}</code> · websocket <code>{cfg.websocket || 'none'}</code> · sidecar <code>{cfg.sidecar || 'none'}</code>
      </footer>
    </>
  );
}

(async () => {
  const cfg = await loadConfig();
  setConfig(cfg);
  window.inferchainApp.config = cfg;
  startLive(cfg.websocket);
  const root = document.getElementById('app');
  root.textContent = '';
  render(<App cfg={cfg} />, root);
  window.inferchainApp.ready = true;
})();
