/**
 * ESP throughput (RFC 4303 in UDP, RFC 3948) of the gateway's ESP layer,
 * AES-GCM-16, against node:crypto's raw AES-GCM rate on the same buffers.
 *
 *   pnpm exec tsx bench/esp-bench.ts               (about 1 s per row)
 *   BENCH_SECONDS=3 pnpm exec tsx bench/esp-bench.ts
 *
 * Rows, per inner packet size (64, 512, 1400 bytes) and key size:
 *   - loopback: two IkeGateways on real UDP sockets (127.0.1.1, 127.0.1.2)
 *     negotiate a CHILD_SA; A's ESP layer seals each inner packet and sends
 *     it over UDP, B's UdpTransport classifies it, B's ESP layer opens it
 *     (replay window, selector check) and hands it to a counting data plane.
 *     Both gateways share this process (one core does encrypt AND decrypt),
 *     with at most WINDOW packets in flight so the socket buffer never drops.
 *   - sealEsp+openEsp: the same ESP transform without sockets or gateways.
 *   - node:crypto AES-GCM: createCipheriv + createDecipheriv on the same
 *     buffer (12-byte nonce, 8-byte AAD, 16-byte tag): the ceiling.
 * packets/s count encrypt+decrypt pairs; Mbit/s is inner packet bits per
 * second.
 */
import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import os from 'node:os';
import { IkeGateway, udpTransportForConfig, validateConfig, type DataPlanePort } from '@tunnelscope/engine';
import { createReplayWindow, openEsp, sealEsp, type EspInboundSa, type EspOutboundSa } from '@tunnelscope/ike';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? '1');
const SIZES = [64, 512, 1400];
/** Packets in flight: small enough that the receiving socket's buffer (rmem_default) never overflows at 1400 bytes. */
const WINDOW = 32;
const A = '127.0.1.1';
const B = '127.0.1.2';
const IKE_PORT = 18600 + (process.pid % 100);
const NAT_T_PORT = IKE_PORT + 1000;

const rate = (perSecond: number): string => Math.round(perSecond).toLocaleString('en-US');
const mbit = (packetsPerSecond: number, size: number): string => ((packetsPerSecond * size * 8) / 1e6).toFixed(0);

/** An IPv4/UDP inner packet of `size` bytes from Side A's network to Side B's. */
function innerPacket(size: number): Uint8Array {
  const packet = Buffer.alloc(size);
  packet[0] = 0x45;
  packet.writeUInt16BE(size, 2);
  packet[8] = 64;
  packet[9] = 17;
  Buffer.from([192, 168, 10, 5]).copy(packet, 12);
  Buffer.from([10, 10, 10, 7]).copy(packet, 16);
  packet.writeUInt16BE(40000, 20);
  packet.writeUInt16BE(9, 22);
  packet.writeUInt16BE(size - 20, 24);
  randomBytes(size - 28).copy(packet, 28);
  return new Uint8Array(packet);
}

/** Counts what B's ESP layer delivers; the bench needs nothing else of a data plane. */
function countingPlane(): DataPlanePort & { delivered: number; bytes: number } {
  const unused = (): never => {
    throw new Error('not used by the ESP bench');
  };
  const plane = {
    delivered: 0,
    bytes: 0,
    applyConfig: () => undefined,
    receiveFromTunnel: (_tunnel: string, _child: string, packet: Uint8Array) => {
      plane.delivered++;
      plane.bytes += packet.length;
    },
    observeEsp: () => undefined,
    childSaRemoved: () => undefined,
    subscribe: () => () => undefined,
    stop: () => undefined,
    listFlows: unused,
    flowTableEntries: unused,
    trace: unused,
    ping: unused,
    interfaces: unused,
    counters: unused,
  };
  return plane;
}

type GatewayConfig = ConstructorParameters<typeof IkeGateway>[0]['config'];

function config(local: string, remote: string, localNet: string, remoteNet: string, esp: string): GatewayConfig {
  const result = validateConfig({
    tunnels: [
      {
        name: 'ab',
        localEndpoint: local,
        remoteEndpoint: remote,
        localNetworks: [localNet],
        remoteNetworks: [remoteNet],
        ikeProposals: ['aes128gcm16-prfsha256-x25519'],
        ipsecProposals: [esp],
        localId: { type: 'ipv4', value: local },
        remoteId: { type: 'ipv4', value: remote },
        auth: { method: 'psk', psk: { type: 'passphrase', value: 'bench-secret' } },
      },
    ],
    engine: { ikePort: IKE_PORT, natTPort: NAT_T_PORT, listenAddresses: [local] },
  });
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return result.config;
}

const STALL_MS = 50;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function loopbackRow(esp: string, size: number): Promise<number> {
  const plane = countingPlane();
  const configA = config(A, B, '192.168.10.0/24', '10.10.10.0/24', esp);
  const configB = config(B, A, '10.10.10.0/24', '192.168.10.0/24', esp);
  const a = new IkeGateway({ config: configA, transport: udpTransportForConfig(configA), dataPlane: () => countingPlane() });
  const b = new IkeGateway({ config: configB, transport: udpTransportForConfig(configB), dataPlane: () => plane });
  await a.start();
  await b.start();
  try {
    a.initiate('ab');
    const deadline = Date.now() + 5000;
    while (!(a.listChildSas().some((c) => c.state === 'installed') && b.listChildSas().some((c) => c.state === 'installed'))) {
      if (Date.now() > deadline) throw new Error('esp bench: no CHILD_SA within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const packet = innerPacket(size);
    let sent = 0;
    /** Packets given up on: no progress for STALL_MS with some in flight (a loopback drop). */
    let lost = 0;
    const send = (): void => {
      const result = a.esp.send('ab', packet);
      if (!result.ok) throw new Error(`esp bench: ${result.reason}: ${result.detail}`);
      sent++;
    };
    let lastProgressAt = Date.now();
    let lastDelivered = 0;
    const pump = async (): Promise<void> => {
      while (sent - lost - plane.delivered < WINDOW) send();
      await tick();
      if (plane.delivered !== lastDelivered) {
        lastDelivered = plane.delivered;
        lastProgressAt = Date.now();
      } else if (Date.now() - lastProgressAt > STALL_MS) {
        lost = sent - plane.delivered;
        lastProgressAt = Date.now();
      }
    };
    const warmUntil = Date.now() + 200;
    while (Date.now() < warmUntil) await pump();
    const start = process.hrtime.bigint();
    const startDelivered = plane.delivered;
    const startLost = lost;
    const budget = BigInt(Math.round(SECONDS * 1e9));
    while (process.hrtime.bigint() - start < budget) await pump();
    const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    if (lost > startLost) console.error(`  (${esp} ${size} B: ${lost - startLost} packets lost on loopback during the run)`);
    return (plane.delivered - startDelivered) / elapsed;
  } finally {
    await a.stop();
    await b.stop();
  }
}

function measure(operation: () => void): number {
  for (let i = 0; i < 200; i++) operation();
  const budget = BigInt(Math.round(SECONDS * 1e9));
  const start = process.hrtime.bigint();
  let count = 0;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 64; i++) operation();
    count += 64;
    elapsed = process.hrtime.bigint() - start;
  }
  return count / (Number(elapsed) / 1e9);
}

function transformRow(keyBits: number, size: number): number {
  const suite = { encr: 20, encrKeyBits: keyBits, integ: 0, esn: false };
  const encKey = randomBytes(keyBits / 8 + 4);
  let outbound: EspOutboundSa = { spi: 0x1000, suite, encKey, integKey: new Uint8Array(0), nextSequence: 1n };
  let inbound: EspInboundSa = { spi: 0x1000, suite, encKey, integKey: new Uint8Array(0), replay: createReplayWindow() };
  const packet = innerPacket(size);
  return measure(() => {
    const sealed = sealEsp(outbound, { nextHeader: 4, payload: packet });
    if (!sealed.ok) throw new Error(sealed.detail);
    outbound = { ...outbound, nextSequence: sealed.nextSequence };
    const opened = openEsp(inbound, sealed.packet);
    if (!opened.ok) throw new Error(opened.detail);
    inbound = { ...inbound, replay: opened.replay };
  });
}

function rawGcmRow(keyBits: number, size: number): number {
  const key = randomBytes(keyBits / 8);
  const nonce = randomBytes(12);
  const aad = randomBytes(8);
  // The ESP plaintext of this packet: payload, padding to 4 bytes, Pad Length, Next Header.
  const plaintext = Buffer.alloc(size + ((4 - ((size + 2) % 4)) % 4) + 2, 0x5a);
  const algorithm: CipherGCMTypes = keyBits === 128 ? 'aes-128-gcm' : 'aes-256-gcm';
  return measure(() => {
    const cipher = createCipheriv(algorithm, key, nonce);
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const tag = cipher.getAuthTag();
    const decipher = createDecipheriv(algorithm, key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  });
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, ${SECONDS} s per row`);
  console.log('| suite | inner bytes | loopback ESP packets/s | Mbit/s | sealEsp+openEsp packets/s | Mbit/s | node:crypto AES-GCM enc+dec/s | Mbit/s | loopback / ceiling |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [esp, keyBits] of [
    ['aes128gcm16', 128],
    ['aes256gcm16', 256],
  ] as const) {
    for (const size of SIZES) {
      const loopback = await loopbackRow(esp, size);
      const transform = transformRow(keyBits, size);
      const ceiling = rawGcmRow(keyBits, size);
      console.log(
        `| AES-GCM-16-${keyBits} | ${size} | ${rate(loopback)} | ${mbit(loopback, size)} | ${rate(transform)} | ${mbit(transform, size)} | ${rate(ceiling)} | ${mbit(ceiling, size)} | ${((loopback / ceiling) * 100).toFixed(0)}% |`,
      );
    }
  }
}

await main();
