// The mock chain's world: accounts, blocks, transactions, contracts, the inference module's
// records — all in the Cosmos SDK LCD JSON shapes (proto3 JSON: snake_case names, 64-bit
// integers as strings, bytes as base64, Any as {"@type", …}, defaults emitted) and the
// contracts' cw_serde JSON (u64 as numbers, Uint128/Decimal/Timestamp as strings).

import { createHash } from 'node:crypto';
import { any, txBody, txRaw, Writer } from '../src/proto.js';

export const CHAIN_ID = 'inferchain-local-1';
export const DENOM = 'uspec';

const sha = (s) => createHash('sha256').update(s).digest();
const b64 = (b) => Buffer.from(b).toString('base64');

// ---------- bech32 ----------
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
function polymod(values) {
  const G = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >> i) & 1) chk ^= G[i];
  }
  return chk;
}
function hrpExpand(hrp) {
  return [...[...hrp].map((c) => c.charCodeAt(0) >> 5), 0, ...[...hrp].map((c) => c.charCodeAt(0) & 31)];
}
function toWords(bytes) {
  let acc = 0;
  let bits = 0;
  const out = [];
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push((acc >> bits) & 31);
    }
  }
  if (bits > 0) out.push((acc << (5 - bits)) & 31);
  return out;
}
export function bech32(hrp, bytes) {
  const data = toWords(bytes);
  const pm = polymod([...hrpExpand(hrp), ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (pm >> (5 * (5 - i))) & 31);
  return `${hrp}1${[...data, ...checksum].map((d) => CHARSET[d]).join('')}`;
}

export const addr = (name) => bech32('infer', sha(`account/${name}`).subarray(0, 20));
export const contractAddr = (name) => bech32('infer', sha(`contract/${name}`));

/** A deterministic pseudo-random quantized model (QuantModel::pseudo_random's shape). */
export function pseudoRandomQuant(arch, seed) {
  const widths = arch.split('-').slice(1).map(Number);
  let x = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n) | 1n;
  const next = (m) => {
    x ^= BigInt.asUintN(64, x << 13n);
    x ^= x >> 7n;
    x ^= BigInt.asUintN(64, x << 17n);
    return Number(x % BigInt(2 * m + 1)) - m;
  };
  const layers = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const i = widths[l];
    const o = widths[l + 1];
    const wmax = Math.floor(128 / Math.max(1, Math.floor(Math.sqrt(i)))) + 4;
    layers.push({
      weights: Array.from({ length: i * o }, () => next(wmax)),
      bias: Array.from({ length: o }, () => next(1 << 12)),
    });
  }
  const h = sha(`salt/${seed}`).toString('hex');
  // Three 62-bit elements, 16 hex digits each (quant.rs: Salt).
  const salt = [0, 1, 2].map((i) => (BigInt(`0x${h.slice(i * 16, i * 16 + 16)}`) & ((1n << 62n) - 1n)).toString(16).padStart(16, '0')).join('');
  return { arch, layers, salt };
}

/**
 * Builds the world. `pg` = {quant, commitment, mode, digests: {"arch/mode": hex}} describes the
 * playground model (model 1), computed by the caller with the stub or the real module.
 */
export function buildWorld({ pg, startHeight = 40, genesisMs = Date.now() - 40_000 }) {
  const A = {
    faucet: addr('faucet'),
    alice: addr('alice'),
    bob: addr('bob'),
    carol: addr('carol'),
    dave: addr('dave'),
  };
  const C = {
    staking: contractAddr('staking'),
    challenge: contractAddr('challenge'),
    reputation: contractAddr('reputation'),
    governance: contractAddr('governance'),
    lending: contractAddr('lending'),
  };
  const valAddrBytes = sha('validator/0').subarray(0, 20);
  const valcons = bech32('infervalcons', valAddrBytes);
  const secs = (ms) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
  const nanos = (ms) => (BigInt(ms) * 1000000n).toString();
  const timeOf = (h) => secs(genesisMs + h * 1000);

  const balances = {
    [A.faucet]: '899000000000',
    [A.alice]: '9998000000',
    [A.bob]: '10001000000',
    [A.carol]: '10000000000',
    [C.challenge]: '3000000',
    [C.staking]: '6000000',
  };
  const accounts = {};
  let accNo = 0;
  for (const [name, a] of Object.entries(A)) {
    if (name === 'dave') continue; // never on chain: the account route answers 404
    accounts[a] = {
      '@type': '/cosmos.auth.v1beta1.BaseAccount',
      address: a,
      pub_key: { '@type': '/cosmos.crypto.secp256k1.PubKey', key: b64(Buffer.concat([Buffer.from([2]), sha(`pk/${name}`)])) },
      account_number: String(accNo++),
      sequence: String(name === 'faucet' ? 3 : name === 'alice' ? 4 : 1),
    };
  }

  // ---------- the inference module ----------
  const cm = (name) => sha(`commitment/${name}`).toString('hex');
  const models = [
    {
      id: '1',
      owner: A.alice,
      commitment: pg.commitment,
      architecture: pg.quant.arch,
      mode: pg.mode,
      metadata_uri: 'ipfs://bafy-credit-mlp-alice',
      registered_height: '8',
      retired: false,
      results: [{ challenge_id: '1', rows: '64', correct: '52', brier_sum: '812345', metric: 'accuracy', score: '0.8125', height: '27' }],
      inferences: '2',
      fees_earned: '1600',
      operator: A.alice,
      missed: '1',
    },
    {
      id: '2',
      owner: A.bob,
      commitment: cm('bob'),
      architecture: 'mlp-16-32-16-1',
      mode: 'private',
      metadata_uri: '',
      registered_height: '9',
      retired: false,
      results: [{ challenge_id: '1', rows: '64', correct: '50', brier_sum: '901234', metric: 'accuracy', score: '0.78125', height: '24' }],
      inferences: '0',
      fees_earned: '0',
      operator: '',
      missed: '0',
    },
    {
      id: '3',
      owner: A.carol,
      commitment: cm('carol'),
      architecture: 'mlp-16-32-16-1',
      mode: 'private',
      metadata_uri: '',
      registered_height: '9',
      retired: false,
      results: [{ challenge_id: '1', rows: '64', correct: '48', brier_sum: '990000', metric: 'accuracy', score: '0.75', height: '21' }],
      inferences: '0',
      fees_earned: '0',
      operator: '',
      missed: '0',
    },
    {
      id: '4',
      owner: A.bob,
      commitment: cm('bob-64'),
      architecture: 'mlp-64-128-128-1',
      mode: 'public',
      metadata_uri: '',
      registered_height: '15',
      retired: true,
      results: [],
      inferences: '0',
      fees_earned: '0',
      operator: '',
      missed: '0',
    },
  ];
  const feeds = [
    {
      id: '1',
      owner: A.faucet,
      model_ids: ['1'],
      challenge_id: '0',
      architecture: pg.quant.arch,
      sla_blocks: '20',
      fee_per_inference: '1000',
      mode: pg.mode,
      max_requests: '0',
      expiry_height: '0',
      callback_contract: '',
      deposit: '97000',
      requests: '3',
      fulfilled: '2',
      timed_out: '1',
      closed: false,
      created_height: '9',
      pending_fees: '0',
    },
    {
      id: '2',
      owner: A.carol,
      model_ids: ['1', '2', '3'],
      challenge_id: '1',
      architecture: 'mlp-16-32-16-1',
      sla_blocks: '30',
      fee_per_inference: '2500',
      mode: 'private',
      max_requests: '100',
      expiry_height: '100000',
      callback_contract: C.lending,
      deposit: '250000',
      requests: '0',
      fulfilled: '0',
      timed_out: '0',
      closed: false,
      created_height: '30',
      pending_fees: '0',
    },
  ];
  const reqInput = ['64', '-32', '128', '0', '12', '-256', '90', '40', '7', '-7', '300', '-1', '5', '18', '-90', '33'];
  const requests = [
    {
      id: '1',
      feed_id: '1',
      requester: A.faucet,
      model_id: '1',
      model_owner: A.alice,
      input: reqInput,
      input_hash: sha('input/1').toString('hex'),
      callback_data: '',
      fee: '1000',
      height: '10',
      deadline: '30',
      status: 'fulfilled',
      output: ['-380'],
      proof_hash: sha('proof/1').toString('hex'),
      resolved_height: '11',
      fulfiller: A.alice,
      callback_result: 'none',
    },
    {
      id: '2',
      feed_id: '1',
      requester: A.faucet,
      model_id: '1',
      model_owner: A.alice,
      input: reqInput.map((x) => String(-Number(x))),
      input_hash: sha('input/2').toString('hex'),
      callback_data: '',
      fee: '1000',
      height: '13',
      deadline: '33',
      status: 'timed_out',
      output: [],
      proof_hash: '',
      resolved_height: '33',
      fulfiller: '',
      callback_result: 'none',
    },
    {
      id: '3',
      feed_id: '1',
      requester: A.faucet,
      model_id: '1',
      model_owner: A.alice,
      input: reqInput,
      input_hash: sha('input/1').toString('hex'),
      callback_data: b64('{"loan":7}'),
      fee: '1000',
      height: '35',
      deadline: '55',
      status: 'fulfilled',
      output: ['-380'],
      proof_hash: sha('proof/3').toString('hex'),
      resolved_height: '36',
      fulfiller: A.alice,
      callback_result: 'ok',
    },
  ];
  const circuits = (arch) =>
    ['public', 'private'].flatMap((mode) => [
      { kind: 'inference', mode, rows: '0', digest: pg.digests[`${arch}/${mode}`] || sha(`digest/${arch}/${mode}`).toString('hex'), verify_gas: mode === 'private' ? '2000000' : '1500000' },
      { kind: 'score', mode, rows: '64', digest: sha(`digest/${arch}/score/${mode}`).toString('hex'), verify_gas: '2500000' },
    ]);
  const architectures = [
    { name: 'mlp-16-32-16-1', circuits: [...circuits('mlp-16-32-16-1'), { kind: 'aggregate', mode: 'compact', rows: '32', digest: sha('digest/agg').toString('hex'), verify_gas: '3500000' }] },
    { name: 'mlp-64-128-128-1', circuits: circuits('mlp-64-128-128-1') },
  ];
  const params = {
    challenge_contract: C.challenge,
    staking_contract: C.staking,
    min_model_stake: '1000000',
    max_score_rows: '1024',
    max_proof_bytes: '400000',
    modeler_share_bps: 8000,
    validator_share_bps: 1500,
    treasury: '',
    reputation_contract: C.reputation,
    sla_slash_fraction: '0.01',
    min_sla_blocks: '2',
    max_sla_blocks: '10000',
    callback_gas_limit: '2000000',
    max_timeouts_per_block: '50',
    min_fee_per_inference: '1',
  };
  const escrowAddr = bech32('infer', sha('module/inference_escrow').subarray(0, 20));
  balances[escrowAddr] = '347000';

  // ---------- contracts ----------
  const challengeCommon = {
    task: 'binary_classification',
    architecture_id: 'mlp-16-32-16-1',
    dataset_uri: 'https://example.org/credit-scoring/v1',
    min_stake: '1000000',
    deposit: '1000000',
  };
  const challenges = [
    {
      id: 1,
      creator: A.carol,
      title: 'Credit default, 16 features',
      description: 'Predict default from 16 standardized features; scored by accuracy on 64 hidden rows.',
      ...challengeCommon,
      metric: 'accuracy',
      test_set_hash: sha('testset/1').toString('hex'),
      test_set_uri: 'https://example.org/credit-scoring/v1/test.icts',
      submission_deadline: nanos(genesisMs + 15_000),
      reveal_deadline: nanos(genesisMs + 18_000),
      scoring_deadline: nanos(genesisMs + 30_000),
      payout_bps: [6000, 3000, 1000],
      bounty: '2000000',
      status: 'finalized',
      feed_models: [
        { modeler: A.alice, commitment: pg.commitment },
        { modeler: A.bob, commitment: cm('bob') },
        { modeler: A.carol, commitment: cm('carol') },
      ],
    },
    {
      id: 2,
      creator: A.bob,
      title: 'Credit default, Brier score',
      description: 'The same data, ranked by Brier score (lower is better).',
      ...challengeCommon,
      metric: 'brier',
      test_set_hash: sha('testset/2').toString('hex'),
      test_set_uri: null,
      submission_deadline: nanos(genesisMs + 3_600_000),
      reveal_deadline: nanos(genesisMs + 7_200_000),
      scoring_deadline: nanos(genesisMs + 10_800_000),
      payout_bps: [10000],
      bounty: '1000000',
      status: 'open',
      feed_models: [],
    },
  ];
  const entry = (modeler, commitment, seq, score, rank, payout, consumption = 0, fees = '0') => ({
    commitment,
    challenge_id: 1,
    modeler,
    architecture_id: 'mlp-16-32-16-1',
    submitted_at: nanos(genesisMs + 6_000 + seq * 1000),
    sequence: seq,
    score,
    rank,
    payout,
    is_feed: rank !== null,
    consumption,
    fees_earned: fees,
  });
  const leaderboards = {
    1: {
      challenge_id: 1,
      entries: [
        entry(A.alice, pg.commitment, 1, '0.8125', 1, '1200000', 0, '0'),
        entry(A.bob, cm('bob'), 2, '0.78125', 2, '600000'),
        entry(A.carol, cm('carol'), 3, '0.75', 3, '200000'),
        entry(A.dave, cm('dave'), 4, null, null, '0'),
      ],
    },
    2: { challenge_id: 2, entries: [] },
  };
  const rep = (address, performance, consumption, wins, challengesN, slashes = 0) => {
    const cs = consumption ? Math.floor(100 * Math.log2(1 + consumption)) : 0;
    const penalty = slashes * 50;
    return {
      address,
      reputation: {
        performance: String(performance),
        consumption: String(consumption),
        consumption_score: String(cs),
        penalty: String(penalty),
        slashes,
        slashed_amount: String(slashes * 20000),
        challenges: challengesN,
        wins,
        score: String(Math.max(0, performance + cs - penalty)),
      },
    };
  };
  const ranking = [rep(A.alice, 1000, 2, 1, 1, 1), rep(A.bob, 666, 0, 0, 1), rep(A.carol, 333, 0, 0, 1)].sort(
    (x, y) => Number(y.reputation.score) - Number(x.reputation.score),
  );
  const contracts = {
    [C.staking]: { code_id: '1', label: 'inferchain-staking' },
    [C.challenge]: { code_id: '2', label: 'inferchain-challenge' },
    [C.reputation]: { code_id: '3', label: 'inferchain-reputation' },
    [C.governance]: { code_id: '4', label: 'inferchain-governance' },
    [C.lending]: { code_id: '5', label: 'inferchain-lending' },
  };
  for (const [a, c] of Object.entries(contracts)) {
    c.address = a;
    c.creator = A.faucet;
    c.admin = C.governance;
    c.created = { block_height: String(2 + Number(c.code_id) - 1), tx_index: '0' };
    c.init_msg = { owner: C.governance };
  }

  // ---------- transactions ----------
  const fee = (amount, gas) => ({ amount: [{ denom: DENOM, amount: String(amount) }], gas_limit: String(gas), payer: '', granter: '' });
  const ev = (type, attrs) => ({ type, attributes: Object.entries(attrs).map(([key, value]) => ({ key, value: String(value), index: true })) });
  const txDefs = [
    {
      height: 4,
      signer: 'faucet',
      msgs: [{ '@type': '/cosmos.bank.v1beta1.MsgSend', from_address: A.faucet, to_address: A.bob, amount: [{ denom: DENOM, amount: '1000000' }] }],
      memo: 'welcome, bob',
      events: [
        ev('transfer', { recipient: A.bob, sender: A.faucet, amount: '1000000uspec', msg_index: 0 }),
        ev('message', { sender: A.faucet, module: 'bank', msg_index: 0 }),
      ],
      gas: [200000, 71234],
    },
    {
      height: 6,
      signer: 'alice',
      msgs: [
        {
          '@type': '/cosmwasm.wasm.v1.MsgExecuteContract',
          sender: A.alice,
          contract: C.challenge,
          msg: { submit_model: { challenge_id: 1, commitment: pg.commitment, architecture_id: 'mlp-16-32-16-1' } },
          funds: [],
        },
      ],
      memo: '',
      events: [
        ev('execute', { _contract_address: C.challenge, msg_index: 0 }),
        ev('wasm', { _contract_address: C.challenge, action: 'submit_model', challenge_id: 1, modeler: A.alice, msg_index: 0 }),
        ev('message', { sender: A.alice, module: 'wasm', msg_index: 0 }),
      ],
      gas: [400000, 187654],
    },
    {
      height: 8,
      signer: 'alice',
      msgs: [
        {
          '@type': '/inferchain.inference.v1.MsgRegisterModel',
          owner: A.alice,
          commitment: pg.commitment,
          architecture: pg.quant.arch,
          mode: pg.mode,
          metadata_uri: 'ipfs://bafy-credit-mlp-alice',
        },
      ],
      memo: '',
      events: [ev('register_model', { model_id: 1, owner: A.alice, msg_index: 0 }), ev('message', { sender: A.alice, module: 'inference', msg_index: 0 })],
      gas: [300000, 123456],
    },
    {
      height: 10,
      signer: 'faucet',
      msgs: [{ '@type': '/inferchain.inference.v1.MsgRequestInference', requester: A.faucet, feed_id: '1', input: reqInput, callback_data: '' }],
      memo: '',
      events: [
        ev('inference_request', { request_id: 1, feed_id: 1, model_id: 1, model_owner: A.alice, architecture: pg.quant.arch, mode: pg.mode, input_hash: requests[0].input_hash, deadline: 30, msg_index: 0 }),
        ev('message', { sender: A.faucet, module: 'inference', msg_index: 0 }),
      ],
      gas: [300000, 98765],
    },
    {
      height: 11,
      signer: 'alice',
      msgs: [
        {
          '@type': '/inferchain.inference.v1.MsgFulfillInference',
          submitter: A.alice,
          request_id: '1',
          output: ['-380'],
          proof: b64(Buffer.concat(Array.from({ length: 64 }, (_, i) => sha(`proofbytes/${i}`)))),
        },
      ],
      memo: '',
      events: [
        ev('inference_fulfilled', { request_id: 1, model_id: 1, proof_hash: requests[0].proof_hash, msg_index: 0 }),
        ev('message', { sender: A.alice, module: 'inference', msg_index: 0 }),
      ],
      gas: [3000000, 1876543],
    },
    {
      height: 12,
      signer: 'bob',
      msgs: [{ '@type': '/cosmos.bank.v1beta1.MsgSend', from_address: A.bob, to_address: A.carol, amount: [{ denom: DENOM, amount: '99000000000' }] }],
      memo: '',
      code: 5,
      codespace: 'sdk',
      raw_log: `spendable balance 10001000000uspec is smaller than 99000000000uspec: insufficient funds`,
      events: [],
      gas: [200000, 51234],
    },
  ];
  const txs = [];
  const seqs = {};
  for (const d of txDefs) {
    const signerAcc = accounts[A[d.signer]];
    const sequence = String((seqs[d.signer] = (seqs[d.signer] ?? -1) + 1));
    const msgAnys = d.msgs.map((m) => any(m['@type'], Buffer.from(JSON.stringify(m))));
    const bodyBytes = txBody({ messages: msgAnys, memo: d.memo });
    const authInfoBytes = new Writer().string(1, `${d.signer}/${sequence}`).finish();
    const sig = sha(`sig/${d.height}`);
    const raw = txRaw({ bodyBytes, authInfoBytes, signatures: [sig] });
    const txhash = sha(raw).toString('hex').toUpperCase();
    const feeAmount = Math.ceil(d.gas[0] * 0.025);
    const tx = {
      body: { messages: d.msgs, memo: d.memo, timeout_height: '0', extension_options: [], non_critical_extension_options: [] },
      auth_info: {
        signer_infos: [{ public_key: signerAcc.pub_key, mode_info: { single: { mode: 'SIGN_MODE_DIRECT' } }, sequence }],
        fee: fee(feeAmount, d.gas[0]),
        tip: null,
      },
      signatures: [b64(sig)],
    };
    const txEvents = [
      ev('tx', { fee: `${feeAmount}${DENOM}`, fee_payer: A[d.signer] }),
      ev('tx', { acc_seq: `${A[d.signer]}/${sequence}` }),
      ev('tx', { signature: b64(sig) }),
      ...(d.code ? [] : d.events),
    ];
    // The SDK indexes message.sender of every message's signer too.
    if (!d.code && !txEvents.some((e) => e.type === 'message' && e.attributes.some((a) => a.key === 'sender'))) {
      txEvents.push(ev('message', { sender: A[d.signer] }));
    }
    for (const m of d.msgs) {
      txEvents.unshift(ev('message', { action: m['@type'], sender: A[d.signer], module: m['@type'].split('.')[1] || '', msg_index: 0 }));
    }
    txs.push({
      height: d.height,
      raw: b64(raw),
      tx,
      response: {
        height: String(d.height),
        txhash,
        codespace: d.codespace || '',
        code: d.code || 0,
        data: d.code ? '' : b64(Buffer.from(`msg-response/${d.height}`)),
        raw_log: d.raw_log || '',
        logs: [],
        info: '',
        gas_wanted: String(d.gas[0]),
        gas_used: String(d.gas[1]),
        tx: { '@type': '/cosmos.tx.v1beta1.Tx', ...tx },
        timestamp: timeOf(d.height).replace(/\.\d+Z$/, 'Z'),
        events: txEvents,
      },
    });
  }

  const world = {
    chainId: CHAIN_ID,
    A,
    C,
    valcons,
    valAddrBytes,
    genesisMs,
    height: startHeight,
    timeOf,
    balances,
    accounts,
    models,
    feeds,
    requests,
    architectures,
    params,
    escrow: {
      address: escrowAddr,
      balance: '347000',
      deposits: '347000',
      pending_fees: '0',
      open_feeds: '2',
      pending_requests: '0',
    },
    challenges,
    leaderboards,
    ranking,
    contracts,
    txs,
    pg,
  };
  return world;
}

/** The LCD block response for height h. */
export function blockJson(world, h) {
  const hash = (s) => b64(sha(s));
  const txsAt = world.txs.filter((t) => t.height === h).map((t) => t.raw);
  const header = {
    version: { block: '11', app: '0' },
    chain_id: world.chainId,
    height: String(h),
    time: world.timeOf(h),
    last_block_id: { hash: h > 1 ? hash(`block/${h - 1}`) : '', part_set_header: { total: h > 1 ? 1 : 0, hash: h > 1 ? hash(`parts/${h - 1}`) : '' } },
    last_commit_hash: hash(`lastcommit/${h}`),
    data_hash: txsAt.length ? hash(`data/${h}`) : hash(''),
    validators_hash: hash('vals'),
    next_validators_hash: hash('vals'),
    consensus_hash: hash('consensus'),
    app_hash: hash(`app/${h}`),
    last_results_hash: hash(`results/${h}`),
    evidence_hash: hash(''),
    proposer_address: b64(world.valAddrBytes),
  };
  const lastCommit = {
    height: String(h - 1),
    round: 0,
    block_id: header.last_block_id,
    signatures:
      h > 1
        ? [{ block_id_flag: 'BLOCK_ID_FLAG_COMMIT', validator_address: b64(world.valAddrBytes), timestamp: world.timeOf(h - 1), signature: hash(`commitsig/${h}`) }]
        : [],
  };
  const block = { header, data: { txs: txsAt }, evidence: { evidence: [] }, last_commit: lastCommit };
  return {
    block_id: { hash: hash(`block/${h}`), part_set_header: { total: 1, hash: hash(`parts/${h}`) } },
    block,
    sdk_block: { ...block, header: { ...header, proposer_address: world.valcons } },
  };
}

/** CometBFT's NewBlock event (its JSON: hashes in hex, bytes in base64 for txs). */
export function newBlockEvent(world, h) {
  const b = blockJson(world, h);
  const hex = (x) => Buffer.from(x, 'base64').toString('hex').toUpperCase();
  return {
    jsonrpc: '2.0',
    id: 1,
    result: {
      query: "tm.event='NewBlock'",
      data: {
        type: 'tendermint/event/NewBlock',
        value: {
          block: {
            header: { ...b.block.header, app_hash: hex(b.block.header.app_hash), proposer_address: hex(b.block.header.proposer_address), last_block_id: { hash: hex(b.block.header.last_block_id.hash), parts: { total: 1, hash: '' } } },
            data: { txs: b.block.data.txs },
            evidence: { evidence: [] },
            last_commit: { height: String(h - 1), round: 0, block_id: { hash: '', parts: { total: 0, hash: '' } }, signatures: [] },
          },
          block_id: { hash: hex(b.block_id.hash), parts: { total: 1, hash: hex(b.block_id.part_set_header.hash) } },
          result_finalize_block: { events: [], txs_results: [], validator_updates: [], consensus_param_updates: null, app_hash: hex(b.block.header.app_hash) },
        },
      },
      events: { 'tm.event': ['NewBlock'], 'block.height': [String(h)] },
    },
  };
}
