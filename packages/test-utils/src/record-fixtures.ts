/**
 * Records strongSwan-vs-strongSwan fixtures for the IKE codec and engine
 * tests: for each scenario, two charons in a network namespace of our own,
 * a packet capture, charon's logs with ike = 4 key material, and a keys.json
 * that ties every IKE_SA's keys and nonces to its SPIs and frames.
 *
 *   pnpm exec tsx packages/test-utils/src/record-fixtures.ts [scenario-dir ...]
 *
 * Flow per scenario: netns -> dumpcap -> charon a + b -> swanctl steps, each
 * followed by "settle" (no new log lines for a while) -> stop capture -> stop
 * charons -> match key sets to SPIs by decrypting captured messages (so every
 * key in keys.json is proven against the wire) -> tshark cross-check ->
 * write capture.pcap, trimmed logs, keys.json, README.md.
 *
 * Needs root, charon, swanctl, dumpcap and tshark (see .ci/run).
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCapture, splitNonEspMarker, type CaptureRecord } from '@tunnelscope/ike';
import { startCharon, type Charon, type CharonLogGroup, type SaTarget } from './charon.ts';
import {
  IKE_KEY_LABELS,
  parseChildKeys,
  parseHexDumps,
  parseIkeKeys,
  parseIkeMessageLine,
  parsePacketLine,
  type CharonLogLine,
  type IkeKeyLog,
} from './charon-log.ts';
import {
  EXCHANGE_NAMES,
  PAYLOAD_NONCE,
  PAYLOAD_NOTIFY,
  PAYLOAD_SA,
  PAYLOAD_SK,
  decryptIkeMessage,
  firstProposalSpi,
  notifyType,
  readIkeHeader,
  walkPayloads,
  type IkeHeaderView,
  type SkKeys,
} from './ike-oracle.ts';
import { isAead, parseProposal, wiresharkEncrName, wiresharkIntegName, type IkeAlgorithms } from './ike-proposal.ts';
import { createNetns, type Netns } from './netns.ts';
import { capture } from './packet-capture.ts';
import { pskGatewayConf, type PskGatewayOptions } from './psk-gateway-conf.ts';
import { requireTool } from './require-tool.ts';
import { delay } from './run-command.ts';
import type { ConfSection } from './strongswan-conf.ts';
import { tsharkDecode, type Ikev2DecryptionEntry } from './tshark.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT_ROOT = join(REPO_ROOT, 'packages/ike/test-fixtures/strongswan');

const LOG_LEVELS: Partial<Record<CharonLogGroup, number>> = { default: 1, ike: 4, enc: 1, cfg: 2, chd: 4, net: 1 };

type Side = 'a' | 'b';

const SIDES = {
  a: { address: '127.0.0.1', ikePort: 15500, natTPort: 15501, id: 'side-a', ts: '192.168.10.0/24' },
  b: { address: '127.0.0.2', ikePort: 16500, natTPort: 16501, id: 'side-b', ts: '10.10.10.0/24' },
} as const;

interface SideConfig {
  proposals: string;
  espProposals: string;
  psk: string;
  connectionSettings?: ConfSection;
}

type Step =
  | { action: 'initiate'; side: Side; target: SaTarget; expectFailure?: boolean }
  | { action: 'rekey'; side: Side; target: SaTarget }
  | { action: 'terminate'; side: Side; target: SaTarget }
  | { action: 'wait-log'; side: Side; pattern: RegExp; timeoutMs: number; why: string };

interface Scenario {
  dir: string;
  title: string;
  summary: string;
  a: SideConfig;
  b: SideConfig;
  steps: Step[];
}

const PSK = 's3cret-fixture-psk';
const GCM_X25519 = 'aes128gcm16-sha256-x25519';

const SCENARIOS: Scenario[] = [
  {
    dir: 'a-aes128gcm16-x25519-rekey-delete',
    title: 'AES-GCM-16-128 / PRF-HMAC-SHA2-256 / X25519: establish, CHILD_SA rekey, IKE_SA rekey, delete',
    summary:
      'A establishes IKE_SA + CHILD_SA; A rekeys the CHILD_SA (CREATE_CHILD_SA with PFS KE, then INFORMATIONAL ' +
      'deleting the old CHILD_SA); B rekeys the IKE_SA (CREATE_CHILD_SA, then INFORMATIONAL deleting the old ' +
      'IKE_SA; B is the initiator of the new IKE_SA); A terminates (INFORMATIONAL with D).',
    a: { proposals: GCM_X25519, espProposals: 'aes128gcm16-x25519', psk: PSK },
    b: { proposals: GCM_X25519, espProposals: 'aes128gcm16-x25519', psk: PSK },
    steps: [
      { action: 'initiate', side: 'a', target: { child: 'net' } },
      { action: 'rekey', side: 'a', target: { child: 'net' } },
      { action: 'rekey', side: 'b', target: { ike: 'gw' } },
      { action: 'terminate', side: 'a', target: { ike: 'gw' } },
    ],
  },
  {
    dir: 'b-aes256-sha256-modp2048',
    title: 'AES-CBC-256 / HMAC-SHA2-256-128 / MODP-2048 (non-AEAD SK payload)',
    summary: 'A establishes IKE_SA + CHILD_SA (ESP aes256-sha256); nothing else.',
    a: { proposals: 'aes256-sha256-modp2048', espProposals: 'aes256-sha256', psk: PSK },
    b: { proposals: 'aes256-sha256-modp2048', espProposals: 'aes256-sha256', psk: PSK },
    steps: [{ action: 'initiate', side: 'a', target: { child: 'net' } }],
  },
  {
    dir: 'c-chacha20poly1305-ecp256',
    title: 'ChaCha20-Poly1305 / PRF-HMAC-SHA2-256 / ECP-256',
    summary: 'A establishes IKE_SA + CHILD_SA (ESP chacha20poly1305). tshark 4.0 cannot decrypt ChaCha20-Poly1305 IKE.',
    a: { proposals: 'chacha20poly1305-prfsha256-ecp256', espProposals: 'chacha20poly1305', psk: PSK },
    b: { proposals: 'chacha20poly1305-prfsha256-ecp256', espProposals: 'chacha20poly1305', psk: PSK },
    steps: [{ action: 'initiate', side: 'a', target: { child: 'net' } }],
  },
  {
    dir: 'd-wrong-psk',
    title: 'Wrong PSK: AUTHENTICATION_FAILED in the IKE_AUTH response',
    summary: 'A and B have different PSKs; B cannot verify A\'s AUTH and answers IKE_AUTH with N(AUTH_FAILED).',
    a: { proposals: GCM_X25519, espProposals: 'aes128gcm16', psk: PSK },
    b: { proposals: GCM_X25519, espProposals: 'aes128gcm16', psk: 'not-the-same-psk' },
    steps: [{ action: 'initiate', side: 'a', target: { child: 'net' }, expectFailure: true }],
  },
  {
    dir: 'e-ike-proposal-mismatch',
    title: 'IKE proposal mismatch: NO_PROPOSAL_CHOSEN in the IKE_SA_INIT response',
    summary: 'A offers aes128gcm16-sha256-x25519, B accepts only aes256-sha384-ecp384.',
    a: { proposals: GCM_X25519, espProposals: 'aes128gcm16', psk: PSK },
    b: { proposals: 'aes256-sha384-ecp384', espProposals: 'aes128gcm16', psk: PSK },
    steps: [{ action: 'initiate', side: 'a', target: { child: 'net' }, expectFailure: true }],
  },
  {
    dir: 'f-esp-proposal-mismatch',
    title: 'ESP proposal mismatch: NO_PROPOSAL_CHOSEN in the IKE_AUTH response',
    summary: 'IKE proposals match; A offers ESP aes128gcm16, B accepts only aes256-sha256. The IKE_SA is established, the CHILD_SA is not.',
    a: { proposals: GCM_X25519, espProposals: 'aes128gcm16', psk: PSK },
    b: { proposals: GCM_X25519, espProposals: 'aes256-sha256', psk: PSK },
    steps: [{ action: 'initiate', side: 'a', target: { child: 'net' }, expectFailure: true }],
  },
  {
    dir: 'g-invalid-ke-retry',
    title: 'DH group mismatch: INVALID_KE_PAYLOAD, then a retry with the requested group succeeds',
    summary:
      'A proposes X25519 and ECP-256 and sends a KE for X25519; B accepts only ECP-256 and answers N(INVALID_KE_PAYLOAD) ' +
      'naming group 19; A repeats IKE_SA_INIT with an ECP-256 KE and the SA is established.',
    a: { proposals: 'aes128gcm16-sha256-x25519-ecp256', espProposals: 'aes128gcm16', psk: PSK },
    b: { proposals: 'aes128gcm16-sha256-ecp256', espProposals: 'aes128gcm16', psk: PSK },
    steps: [{ action: 'initiate', side: 'a', target: { child: 'net' } }],
  },
  {
    dir: 'h-dpd',
    title: 'Dead peer detection: an empty INFORMATIONAL exchange',
    summary: 'A has dpd_delay = 1s; after the SA is up and idle, A sends an empty INFORMATIONAL request and B answers it.',
    a: { proposals: GCM_X25519, espProposals: 'aes128gcm16', psk: PSK, connectionSettings: { dpd_delay: '1s' } },
    b: { proposals: GCM_X25519, espProposals: 'aes128gcm16', psk: PSK },
    steps: [
      { action: 'initiate', side: 'a', target: { child: 'net' } },
      { action: 'wait-log', side: 'a', pattern: /parsed INFORMATIONAL response \d+ \[ \]/, timeoutMs: 10_000, why: 'the DPD response' },
    ],
  },
];

// ---- running a scenario -------------------------------------------------------------

function sideConf(side: Side, config: SideConfig): ConfSection {
  const me = SIDES[side];
  const peer = SIDES[side === 'a' ? 'b' : 'a'];
  const options: PskGatewayOptions = {
    localAddress: me.address,
    remoteAddress: peer.address,
    remotePort: peer.ikePort,
    localId: me.id,
    remoteId: peer.id,
    psk: config.psk,
    proposals: config.proposals,
    espProposals: config.espProposals,
    localTs: me.ts,
    remoteTs: peer.ts,
    connectionSettings: config.connectionSettings,
  };
  return pskGatewayConf(options);
}

/** Waits until neither charon has logged anything for `quietMs` (bounded by `maxMs`). */
async function settle(charons: Charon[], quietMs = 600, maxMs = 15_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let counts = charons.map((c) => c.lines.length);
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await delay(50);
    const now = charons.map((c) => c.lines.length);
    if (now.some((n, i) => n !== counts[i])) {
      counts = now;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= quietMs) {
      return;
    }
  }
}

function describeStep(step: Step): string {
  const target = Object.entries(step.action === 'wait-log' ? {} : step.target)
    .map(([k, v]) => `--${k === 'ikeId' ? 'ike-id' : k === 'childId' ? 'child-id' : k} ${v}`)
    .join(' ');
  switch (step.action) {
    case 'initiate':
      return `charon ${step.side}: swanctl --initiate ${target}${step.expectFailure ? '   (expected to fail)' : ''}`;
    case 'rekey':
      return `charon ${step.side}: swanctl --rekey ${target}`;
    case 'terminate':
      return `charon ${step.side}: swanctl --terminate ${target}`;
    case 'wait-log':
      return `wait for ${step.why} in charon ${step.side}'s log (${step.pattern})`;
  }
}

async function runStep(step: Step, charons: Record<Side, Charon>): Promise<string> {
  const charon = charons[step.side];
  switch (step.action) {
    case 'initiate': {
      const result = await charon.initiate(step.target, { allowFailure: true, timeoutS: 15 });
      const ok = result.code === 0;
      if (ok === Boolean(step.expectFailure)) {
        throw new Error(`initiate on ${step.side} ${ok ? 'succeeded' : 'failed'} unexpectedly:\n${result.stdout}${result.stderr}`);
      }
      return lastLine(result.stdout + result.stderr);
    }
    case 'rekey':
      return lastLine((await charon.rekey(step.target)).stdout);
    case 'terminate':
      return lastLine((await charon.terminate(step.target, { timeoutS: 15 })).stdout);
    case 'wait-log':
      return (await charon.waitForLog(step.pattern, step.timeoutMs)).raw;
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

// ---- analysis --------------------------------------------------------------------------

const toHex = (bytes: Uint8Array | undefined): string | undefined => (bytes ? Buffer.from(bytes).toString('hex') : undefined);

interface Frame {
  record: CaptureRecord;
  from: Side;
  ike: Uint8Array;
  header: IkeHeaderView;
}

interface IkeSaFixture {
  index: number;
  spiI: string;
  spiR: string;
  /** Which charon is the initiator of this IKE_SA (the I flag is set on its messages). */
  initiator: Side;
  createdBy: string;
  proposal: string;
  algorithms: IkeAlgorithms;
  nonceI?: string;
  nonceR?: string;
  dhSecret?: string;
  skeyseed: string;
  skD: string;
  skAi?: string;
  skAr?: string;
  skEi: string;
  skEr: string;
  skPi: string;
  skPr: string;
  wireshark?: { encr: string; integ: string };
  frames: number[];
  /** Result of recomputing the key derivation from the fields above. */
  derivationCheck?: string;
}

function frameSide(record: CaptureRecord): Side {
  return record.src.address === SIDES.a.address ? 'a' : 'b';
}

function skKeys(keys: IkeKeyLog, algorithms: IkeAlgorithms): SkKeys {
  return {
    encr: algorithms.encr,
    keySize: algorithms.keySize,
    integ: algorithms.integ,
    skEi: keys.skEi,
    skEr: keys.skEr,
    skAi: keys.skAi,
    skAr: keys.skAr,
  };
}

function sameKeys(x: IkeKeyLog, y: IkeKeyLog): boolean {
  return toHex(x.skeyseed) === toHex(y.skeyseed) && toHex(x.skEi) === toHex(y.skEi) && toHex(x.skPr) === toHex(y.skPr);
}

interface Analysis {
  frames: Frame[];
  ikeSas: IkeSaFixture[];
  /** frame number -> index into ikeSas, for encrypted frames that decrypted. */
  frameSa: Map<number, number>;
  /** frame number -> inner payload types after decryption. */
  inner: Map<number, number[]>;
  warnings: string[];
}

function analyse(records: CaptureRecord[], linesA: CharonLogLine[], linesB: CharonLogLine[]): Analysis {
  const warnings: string[] = [];
  const frames: Frame[] = records.flatMap((record): Frame[] => {
    const split = splitNonEspMarker(record.payload);
    if (split.kind !== 'ike') {
      warnings.push(`frame ${record.frame}: not an IKE message (${split.kind})`);
      return [];
    }
    return [{ record, from: frameSide(record), ike: split.ike, header: readIkeHeader(split.ike) }];
  });

  const keysA = parseIkeKeys(linesA);
  const keysB = parseIkeKeys(linesB);
  if (keysA.length !== keysB.length || keysA.some((k, i) => !sameKeys(k, keysB[i] as IkeKeyLog))) {
    throw new Error(`charon a logged ${keysA.length} IKE key sets, b ${keysB.length}, and they differ`);
  }

  const ikeSas: IkeSaFixture[] = [];
  const frameSa = new Map<number, number>();
  const inner = new Map<number, number[]>();
  const encrypted = frames.filter((f) => f.header.exchangeType !== 34);
  const pairs = [...new Set(encrypted.map((f) => `${f.header.spiI}:${f.header.spiR}`))];

  keysA.forEach((keys, index) => {
    if (!keys.proposal) throw new Error(`key set ${index} has no selected proposal line before it`);
    const algorithms = parseProposal(keys.proposal);
    const sk = skKeys(keys, algorithms);
    const match = pairs.find((pair) => {
      const frame = encrypted.find((f) => `${f.header.spiI}:${f.header.spiR}` === pair);
      return frame !== undefined && decryptIkeMessage(frame.ike, sk) !== undefined;
    });
    if (!match) {
      warnings.push(`key set ${index} (${keys.proposal}) decrypts no captured message; left out`);
      return;
    }
    const [spiI = '', spiR = ''] = match.split(':');
    const own = frames.filter((f) => f.header.spiI === spiI && f.header.spiR === spiR && f.header.exchangeType !== 34);
    for (const frame of own) {
      const decrypted = decryptIkeMessage(frame.ike, sk);
      if (!decrypted) throw new Error(`frame ${frame.record.frame} of IKE_SA ${spiI}/${spiR} does not decrypt with its keys`);
      frameSa.set(frame.record.frame, ikeSas.length);
      inner.set(frame.record.frame, decrypted.payloads.map((p) => p.type));
    }
    const initiatorFrame = own.find((f) => f.header.fromInitiator);
    const fixture: IkeSaFixture = {
      index: ikeSas.length,
      spiI,
      spiR,
      initiator: initiatorFrame?.from ?? 'a',
      createdBy: 'IKE_SA_INIT',
      proposal: keys.proposal,
      algorithms,
      dhSecret: toHex(keys.dhSecret),
      skeyseed: toHex(keys.skeyseed) ?? '',
      skD: toHex(keys.skD) ?? '',
      skAi: toHex(keys.skAi),
      skAr: toHex(keys.skAr),
      skEi: toHex(keys.skEi) ?? '',
      skEr: toHex(keys.skEr) ?? '',
      skPi: toHex(keys.skPi) ?? '',
      skPr: toHex(keys.skPr) ?? '',
      frames: [],
    };
    const encrName = wiresharkEncrName(algorithms.encr, algorithms.keySize);
    const integName = wiresharkIntegName(isAead(algorithms.encr) ? undefined : algorithms.integ);
    if (encrName && integName) fixture.wireshark = { encr: encrName, integ: integName };
    ikeSas.push(fixture);
  });

  const rekeyedFrom = new Map<IkeSaFixture, IkeSaFixture>();
  // Nonces: IKE_SA_INIT in the clear for SAs made there; for rekeyed SAs, the
  // CREATE_CHILD_SA exchange of the old SA whose SA payloads carry the new SPIs.
  for (const sa of ikeSas) {
    const response = frames.find(
      (f) => f.header.exchangeType === 34 && f.header.response && f.header.spiI === sa.spiI && f.header.spiR === sa.spiR,
    );
    if (response) {
      const request = frames
        .filter((f) => f.header.exchangeType === 34 && !f.header.response && f.header.spiI === sa.spiI && f.record.frame < response.record.frame)
        .pop();
      sa.nonceR = nonceOf(walkPayloads(response.header.nextPayload, response.ike.subarray(28)));
      if (request) sa.nonceI = nonceOf(walkPayloads(request.header.nextPayload, request.ike.subarray(28)));
      sa.frames = [request?.record.frame, response.record.frame].filter((n): n is number => n !== undefined);
      continue;
    }
    for (const old of ikeSas) {
      if (old === sa) continue;
      const keys = oldKeys(old);
      const exchange = frames.filter((f) => f.header.exchangeType === 36 && f.header.spiI === old.spiI && f.header.spiR === old.spiR);
      for (const request of exchange.filter((f) => !f.header.response)) {
        const plainRequest = decryptIkeMessage(request.ike, keys);
        const sa8 = plainRequest?.payloads.find((p) => p.type === PAYLOAD_SA && firstProposalSpi(p.body).length === 8);
        if (!plainRequest || !sa8 || toHex(firstProposalSpi(sa8.body)) !== sa.spiI) continue;
        const response = exchange.find((f) => f.header.response && f.header.messageId === request.header.messageId && f.from !== request.from);
        const plainResponse = response ? decryptIkeMessage(response.ike, keys) : undefined;
        sa.nonceI = nonceOf(plainRequest.payloads);
        if (plainResponse) sa.nonceR = nonceOf(plainResponse.payloads);
        sa.createdBy = `CREATE_CHILD_SA rekey of IKE_SA ${old.index} (frames ${request.record.frame}${response ? `, ${response.record.frame}` : ''})`;
        rekeyedFrom.set(sa, old);
      }
    }
  }
  for (const sa of ikeSas) sa.derivationCheck = verifyDerivation(sa, rekeyedFrom.get(sa));
  for (const [frame, index] of frameSa) ikeSas[index]?.frames.push(frame);
  for (const sa of ikeSas) sa.frames.sort((x, y) => x - y);
  return { frames, ikeSas, frameSa, inner, warnings };
}

const PRF_HASH: Record<string, string> = {
  PRF_HMAC_SHA1: 'sha1',
  PRF_HMAC_SHA2_256: 'sha256',
  PRF_HMAC_SHA2_384: 'sha384',
  PRF_HMAC_SHA2_512: 'sha512',
};

function prf(hash: string, key: Uint8Array, data: Uint8Array): Buffer {
  return createHmac(hash, key).update(data).digest();
}

/** RFC 7296 section 2.13: prf+ (K,S) = T1 | T2 | ..., T1 = prf (K, S | 0x01), Tn = prf (K, Tn-1 | S | n). */
function prfPlus(hash: string, key: Uint8Array, seed: Uint8Array, length: number): Buffer {
  const blocks: Buffer[] = [];
  let previous: Buffer = Buffer.alloc(0);
  let total = 0;
  for (let n = 1; total < length; n++) {
    previous = prf(hash, key, Buffer.concat([previous, seed, Buffer.from([n])]));
    blocks.push(previous);
    total += previous.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

const fromHex = (value: string | undefined): Buffer => Buffer.from(value ?? '', 'hex');

/**
 * Recomputes SKEYSEED and every SK_* from the logged DH secret, the nonces
 * and SPIs taken from the packets (and SK_d of the rekeyed SA), per RFC 7296
 * sections 2.14 and 2.18. Returns what could not be checked, or throws on a
 * mismatch, so keys.json is proven consistent with the capture.
 */
function verifyDerivation(sa: IkeSaFixture, rekeyedFrom: IkeSaFixture | undefined): string {
  const hash = sa.algorithms.prf ? PRF_HASH[sa.algorithms.prf] : undefined;
  if (!hash) return `not recomputed: PRF ${sa.algorithms.prf} not supported by the recorder`;
  if (!sa.nonceI || !sa.nonceR || !sa.dhSecret) return 'not recomputed: nonces or DH secret unknown';
  const nonces = Buffer.concat([fromHex(sa.nonceI), fromHex(sa.nonceR)]);
  const skeyseed = rekeyedFrom
    ? prf(hash, fromHex(rekeyedFrom.skD), Buffer.concat([fromHex(sa.dhSecret), nonces]))
    : prf(hash, nonces, fromHex(sa.dhSecret));
  if (skeyseed.toString('hex') !== sa.skeyseed) throw new Error(`IKE_SA ${sa.index}: recomputed SKEYSEED differs from the log`);
  const parts = [sa.skD, sa.skAi, sa.skAr, sa.skEi, sa.skEr, sa.skPi, sa.skPr].filter((p): p is string => p !== undefined);
  const expected = parts.join('');
  const derived = prfPlus(hash, skeyseed, Buffer.concat([nonces, fromHex(sa.spiI), fromHex(sa.spiR)]), expected.length / 2);
  if (derived.toString('hex') !== expected) throw new Error(`IKE_SA ${sa.index}: prf+ output differs from the logged SK_* keys`);
  return `SKEYSEED and SK_d..SK_pr recomputed from dhSecret, nonces and SPIs${rekeyedFrom ? ` and SK_d of IKE_SA ${rekeyedFrom.index}` : ''}: identical`;
}

function oldKeys(sa: IkeSaFixture): SkKeys {
  const bytes = (value: string | undefined): Uint8Array | undefined => (value === undefined ? undefined : Buffer.from(value, 'hex'));
  return {
    encr: sa.algorithms.encr,
    keySize: sa.algorithms.keySize,
    integ: sa.algorithms.integ,
    skEi: Buffer.from(sa.skEi, 'hex'),
    skEr: Buffer.from(sa.skEr, 'hex'),
    skAi: bytes(sa.skAi),
    skAr: bytes(sa.skAr),
  };
}

function nonceOf(payloads: { type: number; body: Uint8Array }[]): string | undefined {
  return toHex(payloads.find((p) => p.type === PAYLOAD_NONCE)?.body);
}

/** strongSwan's notation for each sent packet: the last `generating` line of the same IKE_SA before its `sending packet` line. */
function sentNotations(lines: CharonLogLine[]): { notation: string; bytes: number }[] {
  const lastGenerated = new Map<number, string>();
  const out: { notation: string; bytes: number }[] = [];
  for (const line of lines) {
    const message = parseIkeMessageLine(line);
    const id = line.ikeSa?.id ?? -1;
    if (message?.direction === 'generating') {
      lastGenerated.set(id, `${message.exchange} ${message.kind} ${message.messageId} [ ${message.payloads} ]`.replace('[  ]', '[ ]'));
    }
    const packet = parsePacketLine(line);
    if (packet?.direction === 'sending') out.push({ notation: lastGenerated.get(id) ?? '?', bytes: packet.bytes });
  }
  return out;
}

interface ChildSaFixture {
  /** Index of the IKE_SA whose SK_d derived this CHILD_SA's keys. */
  ikeSa: number | null;
  derivationCheck: string;
  /** 'a' or 'b': the side that sent the request creating this CHILD_SA (its "initiator" keys protect a->b traffic if 'a'). */
  exchangeInitiator: Side | '?';
  established: string;
  /** a's inbound and outbound ESP SPIs as a logged them. */
  spiInA?: string;
  spiOutA?: string;
  dhSecret?: string;
  seed: string;
  encrInitiator?: string;
  encrResponder?: string;
  integInitiator?: string;
  integResponder?: string;
}

const CHILD_ESTABLISHED = /(?:inbound |outbound )?CHILD_SA (\S+\{\d+\}) established with SPIs ([0-9a-f]+)_i ([0-9a-f]+)_o/;

function childSas(lines: CharonLogLine[], ikeSas: readonly IkeSaFixture[]): ChildSaFixture[] {
  return parseChildKeys(lines).map((keys): ChildSaFixture => {
    const index = lines.indexOf(keys.line);
    let exchangeInitiator: Side | '?' = '?';
    for (let i = index - 1; i >= 0; i--) {
      const message = parseIkeMessageLine(lines[i] as CharonLogLine);
      if (message?.direction === 'parsed' && (!keys.ikeSa || lines[i]?.ikeSa?.id === keys.ikeSa.id)) {
        exchangeInitiator = message.kind === 'response' ? 'a' : 'b';
        break;
      }
    }
    const established = lines.slice(index).find((l) => l.thread === keys.line.thread && CHILD_ESTABLISHED.test(l.message));
    const match = established ? CHILD_ESTABLISHED.exec(established.message) : null;
    const keymat = [keys.encrInitiator, keys.integInitiator, keys.encrResponder, keys.integResponder]
      .filter((k): k is Uint8Array => k !== undefined)
      .map((k) => toHex(k))
      .join('');
    // KEYMAT = prf+(SK_d, [g^ir |] Ni | Nr) (RFC 7296 section 2.17); charon logs that input as "seed".
    const parent = ikeSas.find((sa) => {
      const hash = sa.algorithms.prf ? PRF_HASH[sa.algorithms.prf] : undefined;
      return hash !== undefined && prfPlus(hash, fromHex(sa.skD), keys.seed, keymat.length / 2).toString('hex') === keymat;
    });
    return {
      ikeSa: parent?.index ?? null,
      derivationCheck: parent
        ? `KEYMAT recomputed as prf+(SK_d of IKE_SA ${parent.index}, seed): identical`
        : 'KEYMAT not matched to any IKE_SA SK_d',
      exchangeInitiator,
      established: established?.message ?? '',
      spiInA: match?.[2],
      spiOutA: match?.[3],
      dhSecret: toHex(keys.dhSecret),
      seed: toHex(keys.seed) ?? '',
      encrInitiator: toHex(keys.encrInitiator),
      encrResponder: toHex(keys.encrResponder),
      integInitiator: toHex(keys.integInitiator),
      integResponder: toHex(keys.integResponder),
    };
  });
}

// ---- log trimming ------------------------------------------------------------------------

const KEPT_DUMPS = new Set<string>([
  ...Object.values(IKE_KEY_LABELS),
  'DH secret',
  'seed',
  'encryption initiator key',
  'encryption responder key',
  'integrity initiator key',
  'integrity responder key',
]);

const DROPPED_MESSAGES: RegExp[] = [
  /^ *(queueing|activating) \S+ task$/,
  /^activating new tasks$/,
  /^nothing to initiate$/,
  /^reinitiating already active tasks$/,
  /^ {2}\S+ task$/,
  /^vici /,
  /^ +\S+ = /,
  /^ +(conn|child) \S+:$/,
  /^ +(local|remote):$/,
  /^added vici connection/,
  /^loaded IKE shared key/,
  /^spawning \d+ worker threads$/,
  /^providers loaded by OpenSSL/,
  /^dropped capabilities/,
];

/**
 * Keeps what a reader of the fixture needs: message, packet, proposal, state
 * and result lines, and the IKE/CHILD key dumps. Drops task bookkeeping,
 * vici chatter, config echo, kernel noise, and every other hex dump (natd
 * hashes, AUTH octets, and the PSK itself).
 */
function trimLog(lines: readonly CharonLogLine[]): string {
  const dropped = new Set<CharonLogLine>();
  for (const dump of parseHexDumps(lines)) {
    if (KEPT_DUMPS.has(dump.label)) continue;
    const length = Math.ceil(dump.bytes.length / 16);
    for (let i = dump.index; i <= dump.index + length; i++) dropped.add(lines[i] as CharonLogLine);
  }
  return lines
    .filter((line) => !dropped.has(line))
    .filter((line) => line.group !== 'KNL' && line.group !== 'JOB')
    .filter((line) => !DROPPED_MESSAGES.some((pattern) => pattern.test(line.message)))
    .map((line) => `${line.raw}\n`)
    .join('');
}

// ---- output --------------------------------------------------------------------------------

function versions(): Record<string, string> {
  const query = (args: string[]): string => {
    try {
      return execFileSync(args[0] ?? '', args.slice(1), { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    strongswan: query(['dpkg-query', '-W', '-f', '${Version}', 'strongswan-charon']),
    tshark: query(['dpkg-query', '-W', '-f', '${Version}', 'tshark']),
    kernel: query(['uname', '-r']),
    debian: query(['cat', '/etc/debian_version']),
  };
}

const IKE_SA_INIT = 34;

function frameTable(analysis: Analysis, notations: Record<Side, { notation: string; bytes: number }[]>): string {
  const cursor: Record<Side, number> = { a: 0, b: 0 };
  const start = analysis.frames[0]?.record.timestampMs ?? 0;
  const rows = analysis.frames.map((frame) => {
    const sent = notations[frame.from][cursor[frame.from]++];
    const matches = sent !== undefined && sent.bytes === frame.ike.length;
    const h = frame.header;
    const exchange = EXCHANGE_NAMES[h.exchangeType] ?? String(h.exchangeType);
    const sa = analysis.frameSa.get(frame.record.frame);
    const src = `${frame.record.src.address}:${frame.record.src.port}`;
    const dst = `${frame.record.dst.address}:${frame.record.dst.port}`;
    return `| ${frame.record.frame} | ${(frame.record.timestampMs - start).toFixed(1)} | ${frame.from} ${src} -> ${dst} | ${exchange} ${h.response ? 'response' : 'request'} ${h.messageId} | ${h.fromInitiator ? 'I' : 'R'} | ${h.exchangeType === IKE_SA_INIT ? 'clear' : sa === undefined ? 'not decrypted' : `IKE_SA ${sa}`} | ${matches ? `\`${sent.notation}\`` : '(no matching log line)'} |`;
  });
  return [
    '| frame | ms | sender | exchange | I/R flag | SK | strongSwan notation (sender\'s `generating` line) |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function readme(scenario: Scenario, run: RunRecord): string {
  const v = run.versions;
  const fence = '```';
  return `# ${scenario.dir}: ${scenario.title}

${scenario.summary}

Recorded by \`packages/test-utils/src/record-fixtures.ts\` (run:
\`pnpm exec tsx packages/test-utils/src/record-fixtures.ts ${scenario.dir}\`).
Throwaway keys and PSKs: everything here is test material.

## Provenance

- strongSwan ${v.strongswan} (Debian \`strongswan-charon\`; \`/usr/lib/ipsec/charon\`), two daemons
- tshark ${v.tshark}, Linux ${v.kernel}, Debian ${v.debian}
- recorded ${run.date}
- both charons run in one network namespace created for the run, each in its own mount namespace
  (tmpfs on /run), kernel-libipsec (userspace ESP), veth addresses 192.168.10.1/24 and 10.10.10.1/24
  inside the traffic selectors; capture with \`dumpcap -P -i lo -f udp\` inside the namespace

## Who is who

| side | role | address | IKE port (charon.port) | NAT-T port (charon.port_nat_t) | identity | traffic selector |
|---|---|---|---|---|---|---|
| a | initiator (runs \`swanctl --initiate\`) | ${SIDES.a.address} | ${SIDES.a.ikePort} | ${SIDES.a.natTPort} | ${SIDES.a.id} | ${SIDES.a.ts} |
| b | responder | ${SIDES.b.address} | ${SIDES.b.ikePort} | ${SIDES.b.natTPort} | ${SIDES.b.id} | ${SIDES.b.ts} |

Because neither port is 500, charon puts the 4-byte non-ESP marker in front of every IKE message
(IKE_SA_INIT included) and, seeing the NAT-D hashes mismatch (they include the port), reports
"remote host is behind NAT" and moves a to its NAT-T port after IKE_SA_INIT. Decode in Wireshark with
\`-d udp.port==${SIDES.b.ikePort},udpencap\`. An IKE_SA rekeyed by b has b as its initiator.

## Steps

${run.steps.map((s, i) => `${i + 1}. ${s.description}  \n   -> \`${s.result}\``).join('\n')}

## Frames

${run.table}

## Files

- \`capture.pcap\`: classic pcap, microsecond timestamps, link type ${run.linkType} (Linux loopback
  captures as Ethernet with zero MACs), ${run.frameCount} frames
- \`charon-a.log\`, \`charon-b.log\`: charon's filelog (levels ${JSON.stringify(LOG_LEVELS)}, \`ike_name = yes\`),
  trimmed: task bookkeeping, config echo, vici and kernel lines and all hex dumps other than key
  material were dropped (${run.keptLines.a}/${run.totalLines.a} and ${run.keptLines.b}/${run.totalLines.b} lines kept)
- \`keys.json\`: per IKE_SA: SPIs, nonces (from the packets: charon does not log them), DH shared
  secret, SKEYSEED, SK_* (from charon's \`ike = 4\` lines; a and b logged identical values), the
  negotiated algorithms and Wireshark's names for them. Every key set was checked twice: it
  decrypts and authenticates all captured messages of its SA, and SKEYSEED and SK_* were recomputed
  (RFC 7296 sections 2.14 and 2.18) from the DH secret, the nonces and SPIs (\`derivationCheck\`).
  Also per CHILD_SA the \`chd = 4\` key material (a's log; KEYMAT recomputed from SK_d and the
  logged seed), and per frame the decoded header and payload types (IKE payload type numbers).

## Cross-check with tshark

${run.tshark}

## Configuration

strongswan.conf of a (b differs only in ports and socket path):

${fence}
${run.strongswanConfA}${fence}

swanctl.conf of a:

${fence}
${run.swanctlA}${fence}

swanctl.conf of b:

${fence}
${run.swanctlB}${fence}
`;
}

interface RunRecord {
  versions: Record<string, string>;
  date: string;
  steps: { description: string; result: string }[];
  table: string;
  tshark: string;
  strongswanConfA: string;
  swanctlA: string;
  swanctlB: string;
  linkType: number;
  frameCount: number;
  keptLines: Record<Side, number>;
  totalLines: Record<Side, number>;
}

async function recordScenario(scenario: Scenario, scratch: string): Promise<void> {
  process.stdout.write(`recording ${scenario.dir} ...\n`);
  let netns: Netns | undefined;
  const charons: Partial<Record<Side, Charon>> = {};
  try {
    netns = await createNetns(scenario.dir.slice(0, 1));
    const pcapPath = join(scratch, `${scenario.dir}.pcap`);
    const pcap = await capture({ netns, path: pcapPath });
    const ns = netns;
    const [a, b] = await Promise.all(
      (['a', 'b'] as const).map((side) =>
        startCharon({
          netns: ns,
          name: side,
          ikePort: SIDES[side].ikePort,
          natTPort: SIDES[side].natTPort,
          logLevels: LOG_LEVELS,
          conf: sideConf(side, scenario[side]),
        }),
      ),
    );
    if (!a || !b) throw new Error('charon did not start');
    charons.a = a;
    charons.b = b;
    await Promise.all([a.loadAll(), b.loadAll()]);
    await settle([a, b], 300);
    const steps: { description: string; result: string }[] = [];
    for (const step of scenario.steps) {
      const result = await runStep(step, { a, b });
      await settle([a, b]);
      steps.push({ description: describeStep(step), result });
    }
    // Stop the capture before the daemons, and keep only the log lines from
    // before that: a stopping charon sends DELETEs that are not part of the
    // scenario.
    const cut = { a: a.mark(), b: b.mark() };
    await pcap.stop();
    await Promise.all([a.stop(), b.stop()]);
    const linesA = a.lines.slice(0, cut.a);
    const linesB = b.lines.slice(0, cut.b);

    const pcapBytes = readFileSync(pcapPath);
    const records = readCapture(pcapBytes);
    const analysis = analyse(records, linesA, linesB);
    for (const warning of analysis.warnings) process.stdout.write(`  warning: ${warning}\n`);

    const table = frameTable(analysis, { a: sentNotations(linesA), b: sentNotations(linesB) });
    const decryptable: Ikev2DecryptionEntry[] = analysis.ikeSas.flatMap((sa) =>
      sa.wireshark
        ? [{ spiI: sa.spiI, spiR: sa.spiR, skEi: sa.skEi, skEr: sa.skEr, skAi: sa.skAi, skAr: sa.skAr, encr: sa.wireshark.encr, integ: sa.wireshark.integ }]
        : [],
    );
    const decoded = await tsharkDecode(pcapPath, {
      decodeAs: [`udp.port==${SIDES.b.ikePort},udpencap`],
      decryptionTable: decryptable,
    });
    const decryptedFrames = decoded.frames.filter((f) => f.text.includes('Decrypted Data')).map((f) => f.number);
    const tsharkSummary = [
      `\`tshark -n -V -d udp.port==${SIDES.b.ikePort},udpencap\` with an ikev2_decryption_table holding ` +
        `${decryptable.length} of ${analysis.ikeSas.length} IKE_SAs (Wireshark 4.0 has no ChaCha20-Poly1305): ` +
        `${decoded.frames.length} frames decoded, expert warnings/errors: ` +
        (decoded.problems.length === 0 ? 'none' : decoded.problems.map((p) => `frame ${p.frame}: ${p.severity}/${p.group} ${p.message}`).join('; ')) +
        `; frames with "Decrypted Data": ${decryptedFrames.length ? decryptedFrames.join(', ') : 'none'}.`,
    ].join('\n');

    const dir = join(OUT_ROOT, scenario.dir);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(pcapPath, join(dir, 'capture.pcap'));
    chmodSync(join(dir, 'capture.pcap'), 0o644);
    const trimmedA = trimLog(linesA);
    const trimmedB = trimLog(linesB);
    writeFileSync(join(dir, 'charon-a.log'), trimmedA);
    writeFileSync(join(dir, 'charon-b.log'), trimmedB);
    const runVersions = versions();
    const keysJson = {
      scenario: scenario.dir,
      description: scenario.summary,
      strongswan: runVersions.strongswan,
      recorded: new Date().toISOString(),
      sides: SIDES,
      initiator: 'a',
      nonEspMarker: true,
      hexEncoding: 'lower-case hex, no separators; SK_e of AEAD algorithms includes the 4-byte salt',
      ikeSas: analysis.ikeSas,
      childSas: childSas(linesA, analysis.ikeSas),
      frames: analysis.frames.map((f) => ({
        frame: f.record.frame,
        from: f.from,
        src: f.record.src,
        dst: f.record.dst,
        spiI: f.header.spiI,
        spiR: f.header.spiR,
        exchange: EXCHANGE_NAMES[f.header.exchangeType] ?? f.header.exchangeType,
        messageId: f.header.messageId,
        response: f.header.response,
        fromInitiator: f.header.fromInitiator,
        length: f.header.length,
        ikeSa: analysis.frameSa.get(f.record.frame) ?? null,
        clearPayloads:
          f.header.exchangeType === IKE_SA_INIT ? walkPayloads(f.header.nextPayload, f.ike.subarray(28)).map(describePayload) : undefined,
        innerPayloads: analysis.inner.get(f.record.frame),
      })),
    };
    writeFileSync(join(dir, 'keys.json'), `${JSON.stringify(keysJson, null, 2)}\n`);
    const run: RunRecord = {
      versions: runVersions,
      date: new Date().toISOString(),
      steps,
      table,
      tshark: tsharkSummary,
      strongswanConfA: a.strongswanConf,
      swanctlA: a.swanctlConf,
      swanctlB: b.swanctlConf,
      linkType: records[0]?.linkType ?? -1,
      frameCount: records.length,
      keptLines: { a: trimmedA.split('\n').length - 1, b: trimmedB.split('\n').length - 1 },
      totalLines: { a: linesA.length, b: linesB.length },
    };
    writeFileSync(join(dir, 'README.md'), readme(scenario, run));
    process.stdout.write(`  ${records.length} frames, ${analysis.ikeSas.length} IKE_SA key sets, tshark problems: ${decoded.problems.length}\n`);
  } finally {
    await Promise.allSettled([charons.a?.stop(), charons.b?.stop()]);
    await netns?.destroy();
  }
}

function describePayload(payload: { type: number; body: Uint8Array }): string {
  if (payload.type === PAYLOAD_NOTIFY) return `N(${notifyType(payload.body)})`;
  if (payload.type === PAYLOAD_SK) return 'SK';
  return String(payload.type);
}

function writeIndex(): void {
  const rows = readdirSync(OUT_ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = join(OUT_ROOT, entry.name);
      const size = readdirSync(dir).reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
      const title = SCENARIOS.find((s) => s.dir === entry.name)?.title ?? '';
      return `| [${entry.name}](${entry.name}/README.md) | ${title} | ${(size / 1024).toFixed(1)} KiB |`;
    });
  writeFileSync(
    join(OUT_ROOT, 'README.md'),
    `# strongSwan fixtures

Real strongSwan-vs-strongSwan exchanges recorded by \`packages/test-utils/src/record-fixtures.ts\`
(\`pnpm exec tsx packages/test-utils/src/record-fixtures.ts [scenario ...]\`, needs root, charon, swanctl,
dumpcap and tshark). In every scenario charon **a** (127.0.0.1, ports 15500/15501) initiates and charon
**b** (127.0.0.2, ports 16500/16501) responds; every IKE message carries the non-ESP marker. Each
directory has \`capture.pcap\`, \`charon-a.log\`, \`charon-b.log\`, \`keys.json\` and a README with the
exact configuration and a frame table.

| scenario | what | size |
|---|---|---|
${rows.join('\n')}

The \`.gitignore\` here re-includes \`*.log\`, which the repository's root \`.gitignore\` ignores.
`,
  );
  writeFileSync(join(OUT_ROOT, '.gitignore'), '# charon logs are fixtures here, not build output\n!*.log\n');
}

async function main(): Promise<void> {
  requireTool('netns', 'charon', 'dumpcap', 'tshark');
  const wanted = process.argv.slice(2);
  const selected = wanted.length ? SCENARIOS.filter((s) => wanted.includes(s.dir)) : SCENARIOS;
  if (wanted.length && selected.length !== wanted.length) {
    throw new Error(`unknown scenario; known: ${SCENARIOS.map((s) => s.dir).join(', ')}`);
  }
  mkdirSync(OUT_ROOT, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'tsh-record-'));
  try {
    for (const scenario of selected) await recordScenario(scenario, scratch);
    writeIndex();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
