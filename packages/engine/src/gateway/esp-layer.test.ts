/**
 * ESP between two in-memory gateways (MemoryNetwork + ManualClock): each
 * gateway's ESP layer carries inner IPv4 packets over the CHILD_SA it
 * negotiated, into a recording data plane on the other side. Covers each
 * ESP suite both ways, counters, replay and integrity rejection, ESP for an
 * unknown SPI after one side lost its SAs, the inbound selector check, the
 * acquire when no CHILD_SA is up, and the kilobyte lifetime (soft: rekey,
 * hard: stop using the SA).
 */
import { describe, expect, it } from 'vitest';
import type { DataPlaneEvent, GatewayConfig, TunnelConfig } from '@tunnelscope/api';
import { ManualClock, MemoryNetwork, MemoryTransport } from '@tunnelscope/test-utils';
import type { DataPlaneListener, DataPlanePort, EspObservation } from '../dataplane/contract.ts';
import type { GatewayEvent } from '../ike/core-io.ts';
import { seededEntropy } from '../ike/entropy.ts';
import { A_ADDRESS, B_ADDRESS, gatewayConfig, ofType, pairTunnels } from './__tests__/two-gateways.ts';
import { IkeGateway } from './ike-gateway.ts';

/** Records what the ESP layer hands to a data plane; the forwarding queries are not part of these tests. */
class RecordingDataPlane implements DataPlanePort {
  readonly received: Array<{ tunnel: string; childSaId: string; packet: Uint8Array }> = [];
  readonly observed: EspObservation[] = [];
  readonly removed: string[] = [];
  readonly configs: GatewayConfig[] = [];
  private readonly listeners = new Set<DataPlaneListener>();
  stopped = false;

  applyConfig(config: GatewayConfig): void {
    this.configs.push(config);
  }
  receiveFromTunnel(tunnel: string, childSaId: string, packet: Uint8Array): void {
    this.received.push({ tunnel, childSaId, packet: new Uint8Array(packet) });
  }
  observeEsp(observation: EspObservation): void {
    this.observed.push(observation);
  }
  childSaRemoved(childSaId: string): void {
    this.removed.push(childSaId);
  }
  emit(event: DataPlaneEvent): void {
    for (const listener of this.listeners) listener(event);
  }
  subscribe(listener: DataPlaneListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  stop(): void {
    this.stopped = true;
  }
  listFlows(): never {
    throw new Error('not used by the ESP tests');
  }
  flowTableEntries(): never {
    throw new Error('not used by the ESP tests');
  }
  trace(): never {
    throw new Error('not used by the ESP tests');
  }
  ping(): never {
    throw new Error('not used by the ESP tests');
  }
  interfaces(): never {
    throw new Error('not used by the ESP tests');
  }
  counters(): never {
    throw new Error('not used by the ESP tests');
  }
}

/** An IPv4 ICMP echo request (checksums are not the ESP layer's business and left zero). */
function icmpEcho(source: string, destination: string, dataBytes: number, sequence = 1, protocol = 1): Uint8Array {
  const total = 20 + 8 + dataBytes;
  const packet = new Uint8Array(total);
  const view = new DataView(packet.buffer);
  packet[0] = 0x45;
  view.setUint16(2, total);
  packet[8] = 64;
  packet[9] = protocol;
  source.split('.').forEach((octet, i) => (packet[12 + i] = Number(octet)));
  destination.split('.').forEach((octet, i) => (packet[16 + i] = Number(octet)));
  packet[20] = 8;
  view.setUint16(24, 0x1234);
  view.setUint16(26, sequence);
  for (let i = 0; i < dataBytes; i++) packet[28 + i] = (i * 7 + sequence) & 0xff;
  return packet;
}

const HOST_A = '192.168.10.5';
const HOST_B = '10.10.10.7';

interface EspBench {
  clock: ManualClock;
  network: MemoryNetwork;
  a: IkeGateway;
  b: IkeGateway;
  planeA: RecordingDataPlane;
  planeB: RecordingDataPlane;
  eventsA: GatewayEvent[];
  eventsB: GatewayEvent[];
  settle(): void;
  advance(ms: number, stepMs?: number): void;
  /** Replaces B by a fresh gateway on the same address: B lost every SA (a restart). */
  restartB(): Promise<void>;
}

async function espBench(overrides: { a?: Partial<TunnelConfig>; b?: Partial<TunnelConfig> } = {}, seed = 'esp'): Promise<EspBench> {
  const clock = new ManualClock();
  const network = new MemoryNetwork();
  const tunnels = pairTunnels(overrides);
  const eventsA: GatewayEvent[] = [];
  const eventsB: GatewayEvent[] = [];
  const make = (address: string, tunnel: TunnelConfig, events: GatewayEvent[], plane: RecordingDataPlane, entropySeed: string) => {
    const gateway = new IkeGateway({
      config: gatewayConfig([tunnel]),
      transport: new MemoryTransport(network, [address], 500, 4500),
      clock,
      entropy: seededEntropy(entropySeed),
      dataPlane: () => plane,
    });
    gateway.subscribe((e) => events.push(e));
    return gateway;
  };
  const planeA = new RecordingDataPlane();
  const bench: EspBench = {
    clock,
    network,
    a: make(A_ADDRESS, tunnels.a, eventsA, planeA, `${seed}-a`),
    b: undefined as unknown as IkeGateway,
    planeA,
    planeB: new RecordingDataPlane(),
    eventsA,
    eventsB,
    settle: () => {
      network.deliverAll();
    },
    advance(ms, stepMs = 1000) {
      const end = clock.now() + ms;
      while (clock.now() < end) {
        clock.advance(Math.min(stepMs, end - clock.now()));
        network.deliverAll();
      }
    },
    async restartB() {
      await bench.b.stop();
      bench.planeB = new RecordingDataPlane();
      eventsB.length = 0;
      bench.b = make(B_ADDRESS, tunnels.b, eventsB, bench.planeB, `${seed}-b2`);
      await bench.b.start();
    },
  };
  bench.b = make(B_ADDRESS, tunnels.b, eventsB, bench.planeB, `${seed}-b`);
  await bench.a.start();
  await bench.b.start();
  return bench;
}

async function establishedBench(overrides: { a?: Partial<TunnelConfig>; b?: Partial<TunnelConfig> } = {}, seed = 'esp'): Promise<EspBench> {
  const bench = await espBench(overrides, seed);
  expect(bench.a.initiate('ab')).toMatchObject({ ok: true });
  bench.settle();
  expect(bench.a.listChildSas().map((c) => c.state)).toEqual(['installed']);
  expect(bench.b.listChildSas().map((c) => c.state)).toEqual(['installed']);
  return bench;
}

function espDatagrams(bench: EspBench, from: string): Uint8Array[] {
  return bench.network.log.filter((d) => d.from.address === from && d.to.port === 4500 && d.bytes.length >= 4 && d.bytes.some((b, i) => i < 4 && b !== 0)).map((d) => d.bytes);
}

const SUITES: Array<{ name: string; ipsec: string; ike: string }> = [
  { name: 'AES-GCM-16 128', ipsec: 'aes128gcm16', ike: 'aes128gcm16-prfsha256-x25519' },
  { name: 'AES-GCM-16 256 with ESN', ipsec: 'aes256gcm16-esn', ike: 'aes256gcm16-prfsha384-x25519' },
  { name: 'AES-CBC-128 + HMAC-SHA2-256-128', ipsec: 'aes128-sha256', ike: 'aes128-sha256-modp2048' },
  { name: 'AES-CBC-256 + HMAC-SHA2-512-256', ipsec: 'aes256-sha512', ike: 'aes256-sha512-x25519' },
  { name: 'ChaCha20-Poly1305', ipsec: 'chacha20poly1305', ike: 'chacha20poly1305-prfsha256-x25519' },
];

describe('ESP between two in-memory gateways', () => {
  for (const suite of SUITES) {
    it(`carries inner packets both ways with ${suite.name}, counted per CHILD_SA`, async () => {
      const bench = await establishedBench({ a: { ikeProposals: [suite.ike], ipsecProposals: [suite.ipsec] }, b: { ikeProposals: [suite.ike], ipsecProposals: [suite.ipsec] } }, `suite-${suite.ipsec}`);
      const childA = bench.a.listChildSas()[0]!;
      const childB = bench.b.listChildSas()[0]!;
      const out = icmpEcho(HOST_A, HOST_B, 56, 1);
      const sent = bench.a.esp.send('ab', out);
      expect(sent).toMatchObject({ ok: true, childSaId: childA.id, spi: parseInt(childA.spiOutbound, 16) });
      bench.settle();
      expect(bench.planeB.received).toHaveLength(1);
      expect(bench.planeB.received[0]).toMatchObject({ tunnel: 'ab', childSaId: childB.id });
      expect(Buffer.from(bench.planeB.received[0]!.packet).equals(Buffer.from(out))).toBe(true);

      const back = icmpEcho(HOST_B, HOST_A, 300, 2);
      expect(bench.b.esp.send('ab', back)).toMatchObject({ ok: true, childSaId: childB.id });
      bench.settle();
      expect(bench.planeA.received.map((r) => Buffer.from(r.packet).equals(Buffer.from(back)))).toEqual([true]);

      // The ESP on the wire is not the plaintext, and carries the SPI the receiver chose.
      const wire = espDatagrams(bench, A_ADDRESS);
      expect(wire).toHaveLength(1);
      expect(Buffer.from(wire[0]!).readUInt32BE(0)).toBe(parseInt(childB.spiInbound, 16));
      expect(Buffer.from(wire[0]!).includes(Buffer.from(out.subarray(28)))).toBe(false);

      expect(bench.a.listChildSas()[0]).toMatchObject({ packetsOut: 1, bytesOut: out.length, packetsIn: 1, bytesIn: back.length });
      expect(bench.b.listChildSas()[0]).toMatchObject({ packetsIn: 1, bytesIn: out.length, packetsOut: 1, bytesOut: back.length });
      expect(bench.planeA.observed.map((o) => [o.direction, o.spi, o.childSaId])).toEqual([
        ['out', parseInt(childA.spiOutbound, 16), childA.id],
        ['in', parseInt(childA.spiInbound, 16), childA.id],
      ]);
      expect(bench.planeA.observed[0]).toMatchObject({ localAddress: A_ADDRESS, remoteAddress: B_ADDRESS, tunnel: 'ab', bytes: wire[0]!.length });
      expect(ofType(bench.eventsA, 'dataplane.esp.error')).toHaveLength(0);
      expect(ofType(bench.eventsB, 'dataplane.esp.error')).toHaveLength(0);
    });
  }

  it('rejects a replayed ESP packet and a tampered one, counted and reported with a running count', async () => {
    const bench = await establishedBench({}, 'replay');
    expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 32, 1))).toMatchObject({ ok: true });
    bench.settle();
    const [packet] = espDatagrams(bench, A_ADDRESS);
    const from = { address: A_ADDRESS, port: 4500 };
    const to = { address: B_ADDRESS, port: 4500 };
    bench.network.enqueue({ from, to, bytes: packet! });
    bench.network.enqueue({ from, to, bytes: packet! });
    bench.settle();
    expect(bench.planeB.received).toHaveLength(1);
    const replays = ofType(bench.eventsB, 'dataplane.esp.error');
    expect(replays).toHaveLength(1);
    expect(replays[0]).toMatchObject({ code: 'replay', count: 1, tunnel: 'ab', childSaId: bench.b.listChildSas()[0]!.id });
    expect(replays[0]!.message).toContain('already received');

    // The next packet is held back (dropped on the wire), then delivered tampered and intact.
    bench.network.filter = () => [];
    expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 32, 2))).toMatchObject({ ok: true });
    bench.network.filter = undefined;
    const fresh = bench.network.log.at(-1)!;
    const tampered = new Uint8Array(fresh.bytes);
    tampered[tampered.length - 20] = tampered[tampered.length - 20]! ^ 0x01;
    bench.network.enqueue({ from, to, bytes: tampered });
    bench.network.enqueue({ from, to, bytes: fresh.bytes });
    bench.settle();
    expect(bench.planeB.received).toHaveLength(2);
    expect(ofType(bench.eventsB, 'dataplane.esp.error').map((e) => [e.code, e.count])).toEqual([
      ['replay', 1],
      ['integrity', 1],
    ]);
    // Rate limit: replays 2 and 3 fall inside the interval (counted, not published); the 4th, after it, carries the running count.
    bench.network.enqueue({ from, to, bytes: packet! });
    bench.settle();
    expect(ofType(bench.eventsB, 'dataplane.esp.error')).toHaveLength(2);
    bench.advance(10_000);
    bench.network.enqueue({ from, to, bytes: packet! });
    bench.settle();
    expect(ofType(bench.eventsB, 'dataplane.esp.error').at(-1)).toMatchObject({ code: 'replay', count: 4 });
    expect(bench.b.esp.errorTotals()).toEqual({ replay: 4, integrity: 1 });
  });

  it('reports ESP for an SPI it does not have after the peer kept a tunnel it lost (13.6.6 #3), naming the tunnel of that peer', async () => {
    const bench = await establishedBench({}, 'unknown-spi');
    const spi = parseInt(bench.a.listChildSas()[0]!.spiOutbound, 16);
    await bench.restartB();
    for (let seq = 1; seq <= 5; seq++) expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 20, seq))).toMatchObject({ ok: true });
    bench.settle();
    expect(bench.planeB.received).toHaveLength(0);
    const errors = ofType(bench.eventsB, 'dataplane.esp.error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'unknown_spi', spi: `0x${spi.toString(16).padStart(8, '0')}`, tunnel: 'ab', count: 1, remote: { address: A_ADDRESS, port: 4500 } });
    expect(errors[0]!.message).toContain("up on the peer's side only");
    expect(bench.planeB.observed.filter((o) => o.direction === 'in' && o.spi === spi)).toHaveLength(5);
    bench.advance(10_000, 10_000);
    expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 20, 6))).toMatchObject({ ok: true });
    bench.settle();
    expect(ofType(bench.eventsB, 'dataplane.esp.error').at(-1)).toMatchObject({ code: 'unknown_spi', count: 6 });
  });

  it('drops a decrypted packet outside the CHILD_SA traffic selectors, and refuses to send one', async () => {
    const bench = await establishedBench({}, 'selectors');
    expect(bench.a.esp.send('ab', icmpEcho('172.16.0.1', HOST_B, 20))).toMatchObject({ ok: false, reason: 'ts_mismatch' });
    // A peer that ignores its own selectors: A's CHILD_SA widened by hand, B checks the inner packet against what it negotiated.
    const coreA = (bench.a as unknown as { core: { childSas: Map<string, { localTs: unknown[] }> } }).core;
    const child = [...coreA.childSas.values()][0]!;
    child.localTs = [{ kind: 'ipv4', ipProtocol: 0, startPort: 0, endPort: 0xffff, startAddress: '0.0.0.0', endAddress: '255.255.255.255' }];
    expect(bench.a.esp.send('ab', icmpEcho('172.16.0.1', HOST_B, 20))).toMatchObject({ ok: true });
    bench.settle();
    expect(bench.planeB.received).toHaveLength(0);
    const drops = ofType(bench.eventsB, 'dataplane.packet.dropped');
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatchObject({ code: 'ts_mismatch', source: '172.16.0.1', destination: HOST_B, protocol: 'ICMP', tunnel: 'ab', sourceInterface: 'ab' });
    expect(bench.b.listChildSas()[0]).toMatchObject({ packetsIn: 1 });
  });

  it('keeps the old inbound SA through a CHILD_SA rekey until its DELETE, and follows the CHILD_SA onto a rekeyed IKE SA', async () => {
    const bench = await establishedBench({}, 'rekey-overlap');
    const oldB = bench.b.listChildSas()[0]!;
    // One packet sealed on the old SA is held on the wire while the rekey runs.
    bench.network.filter = () => [];
    expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 20, 1))).toMatchObject({ ok: true });
    const held = bench.network.log.at(-1)!;
    // A's DELETE of the old CHILD_SA (INFORMATIONAL, exchange type 37 at byte 18 on port 500) is lost for now.
    bench.network.filter = (d) => (d.to.address === B_ADDRESS && d.to.port === 500 && d.bytes[18] === 37 ? [] : [d]);
    expect(bench.a.rekeyChildSa(bench.a.listChildSas()[0]!.id)).toMatchObject({ ok: true });
    bench.settle();
    const fresh = bench.a.listChildSas().find((c) => c.state === 'installed')!;
    expect(bench.b.listChildSas().map((c) => c.id)).toContain(oldB.id);
    expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 20, 2))).toMatchObject({ ok: true, childSaId: fresh.id });
    bench.network.enqueue(held);
    bench.settle();
    expect(bench.planeB.received.map((r) => [r.packet[27], r.childSaId === oldB.id])).toEqual([
      [2, false],
      [1, true],
    ]);
    // The DELETE gets through on a retransmission: the old SA goes, and so does its ESP state.
    bench.network.filter = undefined;
    bench.advance(10_000);
    expect(bench.b.listChildSas().map((c) => c.id)).not.toContain(oldB.id);
    expect(bench.planeB.removed).toEqual([oldB.id]);
    bench.network.enqueue(held);
    bench.settle();
    expect(ofType(bench.eventsB, 'dataplane.esp.error').map((e) => e.code)).toEqual(['unknown_spi']);

    expect(bench.b.rekeyIkeSa(bench.b.listIkeSas()[0]!.id)).toMatchObject({ ok: true });
    bench.advance(5_000);
    expect(ofType(bench.eventsB, 'ike.sa.rekeyed')).toHaveLength(1);
    expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 20, 3))).toMatchObject({ ok: true });
    expect(bench.b.esp.send('ab', icmpEcho(HOST_B, HOST_A, 20, 4))).toMatchObject({ ok: true });
    bench.settle();
    expect(bench.planeB.received.at(-1)!.packet[27]).toBe(3);
    expect(bench.planeA.received.at(-1)!.packet[27]).toBe(4);
  });

  it('describes, for a trace, the CHILD_SA a packet would leave on, without sending anything', async () => {
    const bench = await establishedBench({}, 'describe');
    const child = bench.a.listChildSas()[0]!;
    const before = bench.network.log.length;
    expect(bench.a.esp.describe('ab', HOST_A, HOST_B)).toMatchObject({
      ok: true,
      childSaId: child.id,
      spi: parseInt(child.spiOutbound, 16),
      selectors: '192.168.10.0/24 === 10.10.10.0/24',
    });
    expect(bench.a.esp.describe('ab', '172.16.0.1', HOST_B)).toMatchObject({ ok: false, reason: 'ts_mismatch' });
    expect(bench.a.esp.describe('other', HOST_A, HOST_B)).toMatchObject({ ok: false, reason: 'no_sa' });
    expect(bench.network.log.length).toBe(before);
    expect(bench.a.listChildSas()[0]).toMatchObject({ packetsOut: 0 });
  });

  it('with no CHILD_SA up answers no_sa and starts one negotiation (rate-limited), then carries the traffic', async () => {
    const bench = await espBench({}, 'acquire');
    const first = bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 20, 1));
    expect(first).toMatchObject({ ok: false, reason: 'no_sa' });
    expect(first.ok ? '' : first.detail).toContain('negotiation started');
    expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 20, 2))).toMatchObject({ ok: false, reason: 'no_sa' });
    expect(ofType(bench.eventsA, 'ike.negotiation.started')).toHaveLength(1);
    bench.settle();
    expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 20, 3))).toMatchObject({ ok: true });
    bench.settle();
    expect(bench.planeB.received).toHaveLength(1);
    expect(bench.a.esp.send('nosuch', icmpEcho(HOST_A, HOST_B, 20, 4))).toMatchObject({ ok: false, reason: 'no_sa' });
  });

  it('rekeys a CHILD_SA at its kilobyte soft limit and moves traffic to the new one; the old SA goes and the data plane is told', async () => {
    const bench = await establishedBench({ a: { ipsecLifetimeKilobytes: 10 } }, 'volume');
    const oldA = bench.a.listChildSas()[0]!;
    // 9 x 1000-byte packets stay under the soft limit (0.9 x 10 KB = 9216 bytes).
    for (let seq = 1; seq <= 9; seq++) expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 972, seq))).toMatchObject({ ok: true });
    bench.settle();
    expect(ofType(bench.eventsA, 'child.rekey.started')).toHaveLength(0);
    expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 972, 10))).toMatchObject({ ok: true });
    bench.settle();
    const rekeyed = ofType(bench.eventsA, 'child.sa.rekeyed');
    expect(rekeyed).toHaveLength(1);
    expect(rekeyed[0]).toMatchObject({ childSaId: oldA.id });
    const fresh = bench.a.listChildSas();
    expect(fresh.map((c) => c.id)).toEqual([rekeyed[0]!.newChildSaId]);
    expect(bench.planeA.removed).toEqual([oldA.id]);
    expect(bench.planeB.removed).toHaveLength(1);
    expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 100, 11))).toMatchObject({ ok: true, childSaId: fresh[0]!.id });
    bench.settle();
    expect(bench.planeB.received).toHaveLength(11);
    expect(bench.planeB.received.at(-1)!.childSaId).toBe(bench.b.listChildSas()[0]!.id);
  });

  it('stops using a CHILD_SA at its kilobyte hard limit until the rekey replaces it', async () => {
    const bench = await establishedBench({ a: { ipsecLifetimeKilobytes: 2 } }, 'hard');
    // Nothing is delivered meanwhile: the soft limit's rekey request waits on the wire.
    expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 1872, 1))).toMatchObject({ ok: true });
    expect(ofType(bench.eventsA, 'child.rekey.started')).toHaveLength(1);
    expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 200, 2))).toMatchObject({ ok: true });
    const expired = bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 200, 3));
    expect(expired).toMatchObject({ ok: false, reason: 'sa_expired' });
    expect(expired.ok ? '' : expired.detail).toContain('volume limit of 2 KB');
    bench.settle();
    expect(ofType(bench.eventsA, 'child.sa.rekeyed')).toHaveLength(1);
    expect(bench.a.esp.send('ab', icmpEcho(HOST_A, HOST_B, 200, 4))).toMatchObject({ ok: true });
    bench.settle();
    expect(bench.planeB.received.map((r) => r.packet[27])).toEqual([1, 2, 4]);
  });

  it('never throws on garbage ESP and tells the data plane about config changes and stop', async () => {
    const bench = await establishedBench({}, 'garbage');
    const spiB = parseInt(bench.b.listChildSas()[0]!.spiInbound, 16);
    const from = { address: A_ADDRESS, port: 4500 };
    const to = { address: B_ADDRESS, port: 4500 };
    const header = Buffer.alloc(8);
    header.writeUInt32BE(spiB, 0);
    header.writeUInt32BE(1, 4);
    bench.network.enqueue({ from, to, bytes: new Uint8Array(header) });
    bench.network.enqueue({ from, to, bytes: new Uint8Array(Buffer.concat([header, Buffer.alloc(37, 0xab)])) });
    bench.settle();
    expect(ofType(bench.eventsB, 'dataplane.esp.error').map((e) => e.code)).toEqual(['truncated', 'length']);
    const config = gatewayConfig([pairTunnels().b]);
    expect(bench.b.applyConfig(config)).toMatchObject({ ok: true });
    expect(bench.planeB.configs).toEqual([config]);
    bench.planeB.emit({ type: 'dataplane.packet.dropped', time: 1, code: 'no_route', message: 'no route', sourceInterface: 'ab', protocol: 'icmp', source: HOST_A, destination: '8.8.8.8' });
    expect(ofType(bench.eventsB, 'dataplane.packet.dropped')).toHaveLength(1);
    await bench.b.stop();
    expect(bench.planeB.stopped).toBe(true);
  });
});
