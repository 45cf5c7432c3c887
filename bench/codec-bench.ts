/**
 * IKEv2 codec throughput: decode + encode round trips per second on one
 * core, for the messages a gateway handles most.
 *
 *   pnpm exec tsx bench/codec-bench.ts            (about 1 s per row)
 *   BENCH_SECONDS=3 pnpm exec tsx bench/codec-bench.ts
 *
 * Rows:
 * - IKE_SA_INIT request as charon sends it: SA with 3 proposals (AES-GCM,
 *   AES-CBC + HMAC, ChaCha20), KE, 32-byte nonce, NAT-D x2, FRAG_SUP,
 *   HASH_ALG, REDIR_SUP; once with a curve25519 KE (32 bytes), once with
 *   modp2048 (256 bytes). Decode verifies (payload rules, rule table).
 * - IKE_AUTH request payloads (IDi, INIT_CONTACT, IDr, AUTH, SA, TSi, TSr,
 *   MOBIKE and address notifies) as the inner chain alone: the codec
 *   without crypto.
 * - the same IKE_AUTH sealed in SK with AES-GCM-16-128 and with
 *   AES-CBC-128 + HMAC-SHA2-256-128: codec plus seal/open.
 *
 * Prints markdown table rows; numbers are per round trip (decode + encode),
 * plus the message size.
 */
import os from 'node:os';
import {
  AuthMethod,
  DhGroupId,
  EncrId,
  ExchangeType,
  IdType,
  IntegId,
  NotifyType,
  PayloadType,
  PrfId,
  ProtocolId,
  TransformType,
  decodeInnerPayloads,
  decodeMessage,
  encodeInnerPayloads,
  encodeMessage,
  makeTransform,
  notify,
  notifyData,
  selectorForRange,
} from '@tunnelscope/ike';
import type { IkeMessage, Payload, Proposal, SkSuite } from '@tunnelscope/ike';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? '1');

/** Runs `operation` repeatedly for about `SECONDS` and returns operations per second. */
function measure(operation: () => void): number {
  for (let i = 0; i < 1000; i++) operation(); // warm up the JIT
  const budget = BigInt(Math.round(SECONDS * 1e9));
  const start = process.hrtime.bigint();
  let count = 0;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 100; i++) operation();
    count += 100;
    elapsed = process.hrtime.bigint() - start;
  }
  return count / (Number(elapsed) / 1e9);
}

const rate = (perSecond: number): string => Math.round(perSecond).toLocaleString('en-US');
const text = (s: string) => new TextEncoder().encode(s);

function ikeProposals(group: number): Proposal[] {
  const dh = makeTransform(TransformType.DH, group);
  return [
    {
      number: 1,
      protocol: ProtocolId.IKE,
      spi: new Uint8Array(0),
      transforms: [
        makeTransform(TransformType.ENCR, EncrId.AES_GCM_16, 256),
        makeTransform(TransformType.ENCR, EncrId.AES_GCM_16, 128),
        makeTransform(TransformType.PRF, PrfId.HMAC_SHA2_256),
        makeTransform(TransformType.PRF, PrfId.HMAC_SHA2_384),
        dh,
      ],
    },
    {
      number: 2,
      protocol: ProtocolId.IKE,
      spi: new Uint8Array(0),
      transforms: [
        makeTransform(TransformType.ENCR, EncrId.AES_CBC, 256),
        makeTransform(TransformType.ENCR, EncrId.AES_CBC, 128),
        makeTransform(TransformType.INTEG, IntegId.HMAC_SHA2_256_128),
        makeTransform(TransformType.INTEG, IntegId.HMAC_SHA2_384_192),
        makeTransform(TransformType.PRF, PrfId.HMAC_SHA2_256),
        dh,
      ],
    },
    {
      number: 3,
      protocol: ProtocolId.IKE,
      spi: new Uint8Array(0),
      transforms: [makeTransform(TransformType.ENCR, EncrId.CHACHA20_POLY1305), makeTransform(TransformType.PRF, PrfId.HMAC_SHA2_256), dh],
    },
  ];
}

function ikeSaInit(group: number, keLength: number): IkeMessage {
  return {
    header: {
      initiatorSpi: new Uint8Array(8).fill(0x33),
      responderSpi: new Uint8Array(8),
      exchangeType: ExchangeType.IKE_SA_INIT,
      messageId: 0,
      initiator: true,
      response: false,
    },
    payloads: [
      { type: PayloadType.SA, proposals: ikeProposals(group) },
      { type: PayloadType.KE, group, data: new Uint8Array(keLength).fill(0x44) },
      { type: PayloadType.NONCE, data: new Uint8Array(32).fill(0x55) },
      notifyData.natDetection('source', new Uint8Array(20).fill(1)),
      notifyData.natDetection('destination', new Uint8Array(20).fill(2)),
      notify(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED),
      notifyData.signatureHashAlgorithms([2, 3, 4, 5]),
      notify(NotifyType.REDIRECT_SUPPORTED),
    ],
  };
}

const authPayloads: Payload[] = [
  { type: PayloadType.IDi, idType: IdType.FQDN, data: text('gw-a.example.net') },
  notify(NotifyType.INITIAL_CONTACT),
  { type: PayloadType.IDr, idType: IdType.FQDN, data: text('gw-b.example.net') },
  { type: PayloadType.AUTH, method: AuthMethod.SHARED_KEY_MIC, data: new Uint8Array(32).fill(0x66) },
  {
    type: PayloadType.SA,
    proposals: [
      {
        number: 1,
        protocol: ProtocolId.ESP,
        spi: Uint8Array.of(0xc1, 0x2d, 0x00, 0x07),
        transforms: [
          makeTransform(TransformType.ENCR, EncrId.AES_GCM_16, 128),
          makeTransform(TransformType.ENCR, EncrId.AES_GCM_16, 256),
          makeTransform(TransformType.ESN, 0),
        ],
      },
    ],
  },
  { type: PayloadType.TSi, selectors: [selectorForRange('192.168.10.0', '192.168.10.255')] },
  { type: PayloadType.TSr, selectors: [selectorForRange('10.10.10.0', '10.10.10.255')] },
  notify(NotifyType.MOBIKE_SUPPORTED),
  notifyData.additionalAddress('192.0.2.7'),
  notifyData.additionalAddress('2001:db8::7'),
  notify(NotifyType.MULTIPLE_AUTH_SUPPORTED),
  notify(NotifyType.EAP_ONLY_AUTHENTICATION),
];

const ikeAuth: IkeMessage = {
  header: {
    initiatorSpi: new Uint8Array(8).fill(0x33),
    responderSpi: new Uint8Array(8).fill(0x77),
    exchangeType: ExchangeType.IKE_AUTH,
    messageId: 1,
    initiator: true,
    response: false,
  },
  payloads: [],
  encrypted: { kind: 'sk', state: 'decrypted', payloads: authPayloads },
};

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed + i * 7) & 0xff);
}

const suites: Array<{ name: string; suite: SkSuite; keys: { encKey: Uint8Array; integKey: Uint8Array } }> = [
  { name: 'AES-GCM-16-128', suite: { encr: EncrId.AES_GCM_16, encrKeyBits: 128, integ: 0 }, keys: { encKey: pattern(20, 1), integKey: new Uint8Array(0) } },
  {
    name: 'AES-CBC-128 + HMAC-SHA2-256-128',
    suite: { encr: EncrId.AES_CBC, encrKeyBits: 128, integ: IntegId.HMAC_SHA2_256_128 },
    keys: { encKey: pattern(16, 3), integKey: pattern(32, 5) },
  },
];

const rows: string[] = [];
function row(name: string, bytes: number, perSecond: number): void {
  rows.push(`| ${name} | ${bytes} | ${rate(perSecond)} | ${(1e6 / perSecond).toFixed(1)} |`);
}

for (const [group, keLength, label] of [
  [DhGroupId.CURVE_25519, 32, 'curve25519'],
  [DhGroupId.MODP_2048, 256, 'modp2048'],
] as const) {
  const message = ikeSaInit(group, keLength);
  const bytes = encodeMessage(message);
  row(`IKE_SA_INIT request, 3 proposals, KE ${label}`, bytes.length, measure(() => encodeMessage(decodeMessage(bytes))));
}

const innerBytes = encodeInnerPayloads(authPayloads);
row(
  'IKE_AUTH request payloads (inner chain, no crypto)',
  innerBytes.length,
  measure(() => encodeInnerPayloads(decodeInnerPayloads(innerBytes, PayloadType.IDi).payloads)),
);

for (const { name, suite, keys } of suites) {
  const sk = { suite, keys };
  const bytes = encodeMessage(ikeAuth, { sk });
  row(`IKE_AUTH request sealed, ${name}`, bytes.length, measure(() => encodeMessage(decodeMessage(bytes, { sk }), { sk })));
}

console.log(`codec round trips (decode + encode), one core, ${os.cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}\n`);
console.log('| message | bytes | round trips/s | µs each |');
console.log('| --- | ---: | ---: | ---: |');
for (const line of rows) console.log(line);
