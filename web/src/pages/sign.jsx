// Request an inference on a feed you own: MsgRequestInference signed in Keplr (SIGN_MODE_DIRECT)
// and broadcast over REST. The signing code is its own chunk, loaded on first use.

import { useState } from 'preact/hooks';
import { inference } from '../api.js';
import { Async, Empty, ErrorBox, Section, useAsync } from '../components.jsx';
import { href } from '../router.js';
import { archInputWidth } from '../util.js';
import { connectKeplr, useWallet } from '../wallet.js';

export function SignPage({ params }) {
  const w = useWallet();
  if (!w.present) {
    return (
      <Section title="Request an inference" testid="sign">
        <p class="note" data-testid="sign-no-keplr">
          Signing needs the Keplr browser extension, which this browser doesn't have. Everything else here works without a wallet; from a shell,{' '}
          <code>inferchaind tx inference request FEED --input …</code> does the same.
        </p>
      </Section>
    );
  }
  if (!w.address) {
    return (
      <Section title="Request an inference" testid="sign">
        <p>Connect Keplr to pick one of your feeds.</p>
        <button class="primary" onClick={connectKeplr} disabled={w.busy}>
          {w.busy ? 'Connecting…' : 'Connect Keplr'}
        </button>
        <ErrorBox error={w.error} />
      </Section>
    );
  }
  return <SignForm address={w.address} initialFeed={params.get('feed')} />;
}

function SignForm({ address, initialFeed }) {
  const feeds = useAsync(async () => (await inference.feeds({ owner: address, limit: 200 })).feeds || [], [address], { live: true });
  const [feedId, setFeedId] = useState(initialFeed || '');
  const [text, setText] = useState('');
  const [state, setState] = useState({ step: null, error: null, resp: null });
  const open = (feeds.data || []).filter((f) => !f.closed);
  const feed = open.find((f) => String(f.id) === String(feedId)) || open[0];
  const width = archInputWidth(feed?.architecture);

  const submit = async (e) => {
    e.preventDefault();
    setState({ step: 'preparing', error: null, resp: null });
    try {
      let input = JSON.parse(text || '[]');
      if (!Array.isArray(input) || input.length !== width || !input.every(Number.isInteger)) {
        throw new Error(`the input must be a JSON array of ${width} fixed-point integers (scale 256: 0.5 is 128)`);
      }
      const { requestInference } = await import('../sign.js');
      const resp = await requestInference({
        address,
        feedId: feed.id,
        input,
        onStep: (step) => setState((s) => ({ ...s, step })),
      });
      setState({ step: null, error: null, resp });
    } catch (x) {
      setState({ step: null, error: x, resp: null });
    }
  };

  return (
    <Section title="Request an inference" testid="sign">
      <Async res={feeds} what="your feeds">
        {() =>
          open.length === 0 ? (
            <Empty>
              {address} owns no open feed. Open one with <code>inferchaind tx inference create-feed</code>.
            </Empty>
          ) : (
            <form onSubmit={submit} class="signform">
              <label>
                feed{' '}
                <select value={feed?.id} onChange={(e) => setFeedId(e.currentTarget.value)}>
                  {open.map((f) => (
                    <option value={f.id}>
                      feed {f.id}: models {f.model_ids.join(', ')}, {f.fee_per_inference} uspec, SLA {f.sla_blocks} blocks
                    </option>
                  ))}
                </select>
              </label>
              <label>
                input ({width} fixed-point ints)
                <textarea rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} placeholder="[64,-32,128,…]" />
              </label>
              <button class="primary" type="submit" disabled={!!state.step}>
                {state.step ? `${state.step}…` : 'Sign & broadcast'}
              </button>
            </form>
          )
        }
      </Async>
      <ErrorBox error={state.error} />
      {state.resp ? (
        <p class="ok">
          Broadcast: <a href={href('tx', state.resp.txhash)}>{state.resp.txhash}</a> — the request appears on{' '}
          <a href={href('feed', feed.id)}>feed {feed.id}</a> once it is in a block.
        </p>
      ) : null}
    </Section>
  );
}
