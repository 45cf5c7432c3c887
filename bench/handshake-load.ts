/**
 * Load generator for bench/handshake-bench.ts: many IKEv2 initiators in one
 * process, built directly on @tunnelscope/ike (codec + crypto), no engine.
 * Each handshake is a full IKE_SA_INIT + IKE_AUTH with PSK and one CHILD_SA,
 * with its own IKE SPI, nonce, identity (`i<n>.load.bench`, so no responder
 * treats one as the replacement of another) and inner address (TSi
 * 10.x.y.z/32); the requests go out over `--sockets` UDP sockets with
 * distinct source ports.
 *
 *   for each of --concurrency slots, until --seconds are over:
 *     IKE_SA_INIT request  SA KE Ni N(NATD_S_IP) N(NATD_D_IP)  -->
 *                          <-- SA KE Nr N(NATD_S_IP) N(NATD_D_IP) ...
 *     g^ir, SKEYSEED, SK_*   (deriveIkeSaKeys)
 *     IKE_AUTH request     SK{ IDi AUTH SA TSi TSr }           -->
 *                          <-- SK{ IDr AUTH SA TSi TSr ... }
 *     check the responder's AUTH; count; start the next handshake
 *
 * To keep the generator cheaper than the responder it measures, it reuses
 * ONE Diffie-Hellman key pair for every handshake of a run (RFC 7296 §2.12
 * allows reusing DH exponents; every responder still draws a fresh one per
 * SA and computes g^ir). The generator's work per handshake is therefore one
 * g^ir + key derivation + AUTH, the responder's a key pair + g^ir + the rest.
 *
 * Run inside the benchmark's network namespace (the orchestrator does):
 *   node --import tsx bench/handshake-load.ts --target=127.0.0.2:500 \
 *     --ike=aes128gcm16-prfsha256-x25519 --esp=aes128gcm16 --psk=... \
 *     --seconds=10 --warmup=2 --concurrency=64 --sockets=8
 * With --delete=yes every IKE SA is deleted (INFORMATIONAL D, answer not
 * awaited) right after it is up, so the responder's SA table stays small.
 * Prints JSON lines on stdout: {"event":"measure-start"} when the warm-up is
 * over, then {"event":"result", ...} and exits. Bounded: it stops by itself
 * after warmup + seconds (+ the handshake timeout).
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import {
  AuthMethod,
  ExchangeType,
  IdType,
  NotifyType,
  PayloadType,
  ProtocolId,
  computePskAuth,
  createKeyExchange,
  decodeMessage,
  deriveIkeSaKeys,
  encodeMessage,
  encryptionKeyBits,
  natDetectionHash,
  parseProposal,
  proposalTransforms,
  pskBytes,
  signedOctets,
  skKeysFor,
  skSuiteOf,
  verifyPskAuth,
  type IdPayload,
  type IkeSaKeys,
  type Payload,
  type Proposal,
  type Transform,
} from '@tunnelscope/ike';

interface LoadOptions {
  target: { address: string; port: number };
  bind: string;
  ike: string;
  esp: string;
  psk: string;
  seconds: number;
  warmup: number;
  concurrency: number;
  sockets: number;
  timeoutMs: number;
  /** After each handshake, delete the IKE SA (INFORMATIONAL D, not waited for): steady-state connect/disconnect. */
  deleteAfter: boolean;
}

function parseArgs(argv: readonly string[]): LoadOptions {
  const args = new Map(argv.filter((a) => a.startsWith('--')).map((a) => {
    const [key, ...rest] = a.slice(2).split('=');
    return [key ?? '', rest.join('=')] as const;
  }));
  const get = (key: string, fallback?: string): string => {
    const value = args.get(key) ?? fallback;
    if (value === undefined) throw new Error(`handshake-load: --${key}= is required`);
    return value;
  };
  const [address = '', port = '500'] = get('target').split(':');
  return {
    target: { address, port: Number(port) },
    bind: get('bind', '127.0.0.3'),
    ike: get('ike'),
    esp: get('esp'),
    psk: get('psk'),
    seconds: Number(get('seconds', '10')),
    warmup: Number(get('warmup', '2')),
    concurrency: Number(get('concurrency', '64')),
    sockets: Number(get('sockets', '8')),
    timeoutMs: Number(get('timeout-ms', '5000')),
    deleteAfter: get('delete', 'no') === 'yes',
  };
}

function proposalFor(text: string, kind: 'ike' | 'esp', spi: Uint8Array): Proposal {
  const transforms: Transform[] = proposalTransforms(parseProposal(text, kind))
    .filter((t) => t.supported && t.id !== null)
    .map((t) => ({ transformType: t.type, transformId: t.id ?? 0, attributes: t.keyLength === undefined ? [] : [{ format: 'tv', type: 14, value: t.keyLength }] }));
  return { number: 1, protocol: kind === 'ike' ? ProtocolId.IKE : ProtocolId.ESP, spi, transforms };
}

function suiteOf(proposal: Proposal): { prf: number; encr: number; encrKeyBits: number; integ: number } {
  const pick = (type: number): Transform | undefined => proposal.transforms.find((t) => t.transformType === type);
  const encr = pick(1);
  if (!encr) throw new Error('chosen proposal has no ENCR');
  const keyLength = encr.attributes.find((a) => a.format === 'tv' && a.type === 14);
  return {
    prf: pick(2)?.transformId ?? 0,
    encr: encr.transformId,
    encrKeyBits: encryptionKeyBits({ type: 1, id: encr.transformId, keyLength: keyLength?.format === 'tv' ? keyLength.value : undefined }),
    integ: pick(3)?.transformId ?? 0,
  };
}

const notify = (notifyType: number, data: Uint8Array = new Uint8Array(0)): Payload => ({ type: PayloadType.NOTIFY, protocol: 0, spi: new Uint8Array(0), notifyType, data });
const find = <T extends Payload['type']>(payloads: readonly Payload[], type: T): Extract<Payload, { type: T }> | undefined =>
  payloads.find((p): p is Extract<Payload, { type: T }> => p.type === type);

interface Handshake {
  n: number;
  spiI: Uint8Array;
  nonceI: Uint8Array;
  initRequest: Uint8Array;
  socket: dgram.Socket;
  startedAt: number;
  keys?: IkeSaKeys;
  spiR?: Uint8Array;
  initResponse?: Uint8Array;
}

const options = parseArgs(process.argv.slice(2));
const psk = pskBytes({ kind: 'passphrase', value: options.psk });
const ikeProposal = proposalFor(options.ike, 'ike', new Uint8Array(0));
const dhTransform = ikeProposal.transforms.find((t) => t.transformType === 4);
if (!dhTransform) throw new Error(`handshake-load: "${options.ike}" names no DH group`);
const group: number = dhTransform.transformId;
const keyExchange = createKeyExchange(group);
const useMarker = options.target.port !== 500;
const ZERO_SPI = new Uint8Array(8);
const NONCE_LENGTH = 32;
const RESPONDER_NET = { kind: 'ipv4', ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: '192.168.10.0', endAddress: '192.168.10.255' } as const;

const inFlight = new Map<string, Handshake>();
let counter = 0;
let running = true;
let measuring = false;
const results = { completed: 0, failed: 0, timeouts: 0, failures: {} as Record<string, number>, latenciesMs: [] as number[], perSecond: [] as number[] };
let measureStart = 0;
let measureCpu = process.cpuUsage();

function send(socket: dgram.Socket, bytes: Uint8Array): void {
  const payload = useMarker ? Buffer.concat([Buffer.alloc(4), bytes]) : bytes;
  socket.send(payload, options.target.port, options.target.address);
}

function fail(handshake: Handshake, reason: string): void {
  inFlight.delete(Buffer.from(handshake.spiI).toString('hex'));
  if (measuring) {
    results.failed++;
    results.failures[reason] = (results.failures[reason] ?? 0) + 1;
  }
  startHandshake();
}

function startHandshake(): void {
  if (!running) return;
  const n = counter++;
  const spiI = randomBytes(8);
  const nonceI = randomBytes(NONCE_LENGTH);
  const socket = sockets[n % sockets.length];
  if (!socket) throw new Error('no socket');
  const local = socket.address();
  const initRequest = encodeMessage({
    header: { initiatorSpi: spiI, responderSpi: ZERO_SPI, exchangeType: ExchangeType.IKE_SA_INIT, messageId: 0, initiator: true, response: false },
    payloads: [
      { type: PayloadType.SA, proposals: [ikeProposal] },
      { type: PayloadType.KE, group, data: keyExchange.publicValue },
      { type: PayloadType.NONCE, data: nonceI },
      notify(NotifyType.NAT_DETECTION_SOURCE_IP, natDetectionHash(spiI, ZERO_SPI, local.address, local.port)),
      notify(NotifyType.NAT_DETECTION_DESTINATION_IP, natDetectionHash(spiI, ZERO_SPI, options.target.address, options.target.port)),
    ],
  });
  const handshake: Handshake = { n, spiI, nonceI, initRequest, socket, startedAt: performance.now() };
  inFlight.set(spiI.toString('hex'), handshake);
  send(socket, initRequest);
}

function onInitResponse(handshake: Handshake, bytes: Uint8Array): void {
  const message = decodeMessage(bytes);
  const payloads = message.payloads;
  const error = payloads.find((p) => p.type === PayloadType.NOTIFY && p.notifyType < 16384);
  if (error?.type === PayloadType.NOTIFY) return fail(handshake, `IKE_SA_INIT N(${error.notifyType})`);
  if (payloads.some((p) => p.type === PayloadType.NOTIFY && p.notifyType === NotifyType.COOKIE)) return fail(handshake, 'IKE_SA_INIT N(COOKIE)');
  const sa = find(payloads, PayloadType.SA);
  const ke = find(payloads, PayloadType.KE);
  const nonce = find(payloads, PayloadType.NONCE);
  const chosen = sa?.proposals[0];
  if (!chosen || !ke || !nonce) return fail(handshake, 'IKE_SA_INIT response without SA/KE/Nr');
  const spiR = new Uint8Array(message.header.responderSpi);
  const keys = deriveIkeSaKeys({ ...suiteOf(chosen), ni: handshake.nonceI, nr: nonce.data, sharedSecret: keyExchange.computeSharedSecret(ke.data), spiI: handshake.spiI, spiR });
  handshake.keys = keys;
  handshake.spiR = spiR;
  handshake.initResponse = new Uint8Array(bytes);
  const identity = new TextEncoder().encode(`i${handshake.n}.load.bench`);
  const idBody = new Uint8Array(4 + identity.length);
  idBody[0] = IdType.FQDN;
  idBody.set(identity, 4);
  const octets = signedOctets({ prf: keys.suite.prf, realMessage: handshake.initRequest, peerNonce: nonce.data, skP: keys.skPi, idPayloadBody: idBody });
  const inner = 10 * 2 ** 24 + (handshake.n % 2 ** 24);
  const innerAddress = [inner >>> 24, (inner >>> 16) & 255, (inner >>> 8) & 255, inner & 255].join('.');
  const authRequest = encodeMessage(
    {
      header: { initiatorSpi: handshake.spiI, responderSpi: spiR, exchangeType: ExchangeType.IKE_AUTH, messageId: 1, initiator: true, response: false },
      payloads: [],
      encrypted: {
        kind: 'sk',
        state: 'decrypted',
        payloads: [
          { type: PayloadType.IDi, idType: IdType.FQDN, data: identity },
          { type: PayloadType.AUTH, method: AuthMethod.SHARED_KEY_MIC, data: computePskAuth(keys.suite.prf, psk, octets) },
          { type: PayloadType.SA, proposals: [proposalFor(options.esp, 'esp', randomBytes(4))] },
          { type: PayloadType.TSi, selectors: [{ kind: 'ipv4', ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: innerAddress, endAddress: innerAddress }] },
          { type: PayloadType.TSr, selectors: [RESPONDER_NET] },
        ],
      },
    },
    { sk: { suite: skSuiteOf(keys), keys: skKeysFor(keys, 'initiator') } },
  );
  send(handshake.socket, authRequest);
}

function onAuthResponse(handshake: Handshake, bytes: Uint8Array): void {
  const keys = handshake.keys;
  if (!keys || !handshake.initResponse) return;
  const message = decodeMessage(bytes, { sk: { suite: skSuiteOf(keys), keys: skKeysFor(keys, 'responder') } });
  const payloads = message.encrypted?.kind === 'sk' && message.encrypted.state === 'decrypted' ? message.encrypted.payloads : [];
  const error = payloads.find((p) => p.type === PayloadType.NOTIFY && p.notifyType < 16384);
  if (error?.type === PayloadType.NOTIFY) return fail(handshake, `IKE_AUTH N(${error.notifyType})`);
  const idr = payloads.find((p): p is IdPayload => p.type === PayloadType.IDr);
  const auth = find(payloads, PayloadType.AUTH);
  if (!idr || !auth || !find(payloads, PayloadType.SA) || !find(payloads, PayloadType.TSi)) return fail(handshake, 'IKE_AUTH response without IDr/AUTH/SA/TS');
  const idBody = new Uint8Array(4 + idr.data.length);
  idBody[0] = idr.idType;
  idBody.set(idr.data, 4);
  const octets = signedOctets({ prf: keys.suite.prf, realMessage: handshake.initResponse, peerNonce: handshake.nonceI, skP: keys.skPr, idPayloadBody: idBody });
  if (!verifyPskAuth(keys.suite.prf, psk, octets, auth.data)) return fail(handshake, 'responder AUTH does not verify');
  inFlight.delete(Buffer.from(handshake.spiI).toString('hex'));
  if (options.deleteAfter && handshake.spiR) {
    const informational = encodeMessage(
      {
        header: { initiatorSpi: handshake.spiI, responderSpi: handshake.spiR, exchangeType: ExchangeType.INFORMATIONAL, messageId: 2, initiator: true, response: false },
        payloads: [],
        encrypted: { kind: 'sk', state: 'decrypted', payloads: [{ type: PayloadType.DELETE, protocol: ProtocolId.IKE, spiSize: 0, spis: [] }] },
      },
      { sk: { suite: skSuiteOf(keys), keys: skKeysFor(keys, 'initiator') } },
    );
    send(handshake.socket, informational);
  }
  if (measuring) {
    const now = performance.now();
    results.completed++;
    results.latenciesMs.push(now - handshake.startedAt);
    const second = Math.floor((now - measureStart) / 1000);
    results.perSecond[second] = (results.perSecond[second] ?? 0) + 1;
  }
  startHandshake();
}

function onDatagram(message: Buffer): void {
  const bytes = useMarker && message.length >= 4 && message.readUInt32BE(0) === 0 ? message.subarray(4) : message;
  if (bytes.length < 28) return;
  const handshake = inFlight.get(bytes.toString('hex', 0, 8));
  if (!handshake) return;
  const exchange = bytes[18];
  try {
    if (exchange === ExchangeType.IKE_SA_INIT && !handshake.keys) onInitResponse(handshake, new Uint8Array(bytes));
    else if (exchange === ExchangeType.IKE_AUTH && handshake.keys) onAuthResponse(handshake, new Uint8Array(bytes));
  } catch (error) {
    fail(handshake, `undecodable response (${error instanceof Error ? error.message : String(error)})`);
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

const sockets: dgram.Socket[] = [];
for (let i = 0; i < options.sockets; i++) {
  const socket = dgram.createSocket('udp4');
  socket.on('message', onDatagram);
  await new Promise<void>((resolve) => socket.bind(0, options.bind, resolve));
  sockets.push(socket);
}

const sweep = setInterval(() => {
  const now = performance.now();
  for (const handshake of [...inFlight.values()]) {
    if (now - handshake.startedAt < options.timeoutMs) continue;
    inFlight.delete(Buffer.from(handshake.spiI).toString('hex'));
    if (measuring) results.timeouts++;
    startHandshake();
  }
}, 250);

for (let i = 0; i < options.concurrency; i++) startHandshake();

setTimeout(() => {
  measuring = true;
  measureStart = performance.now();
  measureCpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ event: 'measure-start' })}\n`);
}, options.warmup * 1000);

setTimeout(() => {
  running = false;
  measuring = false;
  const seconds = (performance.now() - measureStart) / 1000;
  const cpu = process.cpuUsage(measureCpu);
  const sorted = [...results.latenciesMs].sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({
      event: 'result',
      seconds,
      completed: results.completed,
      failed: results.failed,
      timeouts: results.timeouts,
      failures: results.failures,
      handshakesPerSecond: results.completed / seconds,
      latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99) },
      generatorCpuSeconds: (cpu.user + cpu.system) / 1e6,
      started: counter,
      // Completions in each second of the window: shows whether the rate decays as SAs pile up.
      perSecond: Array.from({ length: Math.floor(seconds) }, (_, i) => results.perSecond[i] ?? 0),
    })}\n`,
  );
  clearInterval(sweep);
  for (const socket of sockets) socket.close();
  process.exit(0);
}, (options.warmup + options.seconds) * 1000);
