#!/usr/bin/env node
// The Keplr signing flow against test/mock-server.mjs, with a fake `window.keplr` injected
// (headless Chromium has no extension): connect, pick the feed, sign a MsgRequestInference
// (SIGN_MODE_DIRECT), broadcast over REST; then the broadcast TxRaw is decoded and checked.
// Mock only (the fake signature would be rejected by a real node).
//   WEB_URL=http://127.0.0.1:PORT/ node test/keplr-mock.mjs

import { chromium } from 'playwright-core';

const WEB_URL = (process.env.WEB_URL || process.argv[2] || '').split('#')[0];
if (!WEB_URL) {
  console.error('usage: WEB_URL=http://mock/ node test/keplr-mock.mjs');
  process.exit(2);
}
const api = new URL(WEB_URL).origin;
const get = async (p) => (await fetch(`${api}${p}`)).json();
const { feed } = await get('/inferchain/inference/v1/feeds/1');
const owner = feed.owner;
const input = [64, -32, 128, 0, 12, -256, 90, 40, 7, -7, 300, -1, 5, 18, -90, 33];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await (await browser.newContext()).newPage();
const calls = [];
await page.exposeFunction('__keplrCall', (c) => calls.push(c));
await page.addInitScript((address) => {
  const pubKey = new Uint8Array(33).fill(3);
  pubKey[0] = 2;
  window.keplr = {
    async experimentalSuggestChain(info) {
      window.__keplrCall(`suggest ${info.chainId}`);
    },
    async enable(id) {
      window.__keplrCall(`enable ${id}`);
    },
    async getKey(id) {
      return { name: 'fake', bech32Address: address, pubKey, algo: 'secp256k1' };
    },
    getOfflineSigner(id) {
      return {
        async signDirect(signer, doc) {
          window.__keplrCall(`signDirect ${signer} ${doc.chainId} ${doc.accountNumber.toString()}`);
          return { signed: doc, signature: { pub_key: {}, signature: btoa(String.fromCharCode(...new Uint8Array(64).fill(9))) } };
        },
      };
    },
  };
}, owner);

let failed = 0;
const check = (c, m) => {
  console.log(`${c ? 'ok' : 'FAIL'}: ${m}`);
  if (!c) failed++;
};
try {
  await page.goto(`${WEB_URL}#/sign`);
  await page.click('text=Connect Keplr >> nth=-1', { timeout: 15000 });
  await page.waitForSelector(`[data-testid=keplr-address][data-address="${owner}"]`, { timeout: 15000 });
  check(true, `connected as ${owner}`);
  await page.fill('.signform textarea', JSON.stringify(input));
  await page.click('.signform button[type=submit]');
  const link = await page.waitForSelector('[data-testid=sign] p.ok a[href^="#/tx/"]', { timeout: 15000 });
  const hash = (await link.textContent()).trim();
  const { broadcasts } = await get('/__mock/broadcasts');
  const b = broadcasts.find((x) => x.txhash === hash);
  check(!!b && b.mode === 'BROADCAST_MODE_SYNC', `broadcast ${hash} (sync)`);
  // Decode TxRaw → TxBody → Any → MsgRequestInference by hand.
  const fields = (buf) => {
    const out = [];
    let i = 0;
    const varint = () => {
      let r = 0n;
      let s = 0n;
      for (;;) {
        const x = buf[i++];
        r |= BigInt(x & 0x7f) << s;
        s += 7n;
        if (!(x & 0x80)) return r;
      }
    };
    while (i < buf.length) {
      const tag = Number(varint());
      if ((tag & 7) === 2) {
        const l = Number(varint());
        out.push([tag >> 3, buf.subarray(i, i + l)]);
        i += l;
      } else out.push([tag >> 3, varint()]);
    }
    return out;
  };
  const raw = Buffer.from(b.tx_bytes, 'base64');
  const [body, , sig] = fields(raw).map((f) => f[1]);
  const msgAny = fields(body).find((f) => f[0] === 1)[1];
  const [typeUrl, value] = fields(msgAny).map((f) => f[1]);
  const msg = Object.fromEntries(fields(value).map(([n, v]) => [n, v]));
  const zz = [];
  {
    const p = msg[3];
    let i = 0;
    while (i < p.length) {
      let r = 0n;
      let s = 0n;
      for (;;) {
        const x = p[i++];
        r |= BigInt(x & 0x7f) << s;
        s += 7n;
        if (!(x & 0x80)) break;
      }
      zz.push(Number((r >> 1n) ^ -(r & 1n)));
    }
  }
  check(Buffer.from(typeUrl).toString() === '/inferchain.inference.v1.MsgRequestInference', 'message type /inferchain.inference.v1.MsgRequestInference');
  check(Buffer.from(msg[1]).toString() === owner && msg[2] === 1n, `requester ${owner}, feed 1`);
  check(JSON.stringify(zz) === JSON.stringify(input), `input ${JSON.stringify(zz)}`);
  check(sig.length === 64, 'one 64-byte signature');
  check(calls.some((c) => c.startsWith('signDirect')) && calls.some((c) => c.startsWith('suggest')), `keplr calls: ${calls.join('; ')}`);
} catch (e) {
  check(false, e.message.split('\n')[0]);
}
await browser.close();
process.exit(failed ? 1 : 0);
