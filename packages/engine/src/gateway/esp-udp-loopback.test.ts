/**
 * ESP-in-UDP (RFC 3948) between two gateways over real UDP sockets on
 * loopback (127.0.1.1 / 127.0.1.2, high ports): after IKE_AUTH each side
 * seals an inner packet, it crosses the NAT-T sockets without the non-ESP
 * marker, is classified as ESP by the receiving UdpTransport and opened with
 * the negotiated CHILD_SA keys.
 */
import { describe, expect, it } from 'vitest';
import type { GatewayConfig } from '@tunnelscope/api';
import type { DataPlanePort, EspObservation } from '../dataplane/contract.ts';
import type { GatewayEvent } from '../ike/core-io.ts';
import { gatewayConfig, ofType, tunnel } from './__tests__/two-gateways.ts';
import { IkeGateway, udpTransportForConfig } from './ike-gateway.ts';

const A = '127.0.1.1';
const B = '127.0.1.2';
const IKE_PORT = 17600 + (process.pid % 200);
const NAT_T_PORT = IKE_PORT + 1000;

function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('timed out'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

/** Keeps what the ESP layer delivers; nothing else of a data plane is exercised here. */
function recordingPlane(): DataPlanePort & { received: Uint8Array[]; observed: EspObservation[] } {
  const received: Uint8Array[] = [];
  const observed: EspObservation[] = [];
  const unused = (): never => {
    throw new Error('not used by the ESP loopback test');
  };
  return {
    received,
    observed,
    applyConfig: (_config: GatewayConfig) => undefined,
    receiveFromTunnel: (_tunnel, _child, packet) => received.push(new Uint8Array(packet)),
    observeEsp: (observation) => observed.push(observation),
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
}

function udpEcho(source: string, destination: string, data: string): Uint8Array {
  const body = Buffer.from(data);
  const packet = Buffer.alloc(28 + body.length);
  packet[0] = 0x45;
  packet.writeUInt16BE(packet.length, 2);
  packet[8] = 64;
  packet[9] = 17;
  Buffer.from(source.split('.').map(Number)).copy(packet, 12);
  Buffer.from(destination.split('.').map(Number)).copy(packet, 16);
  packet.writeUInt16BE(40000, 20);
  packet.writeUInt16BE(7, 22);
  packet.writeUInt16BE(8 + body.length, 24);
  body.copy(packet, 28);
  return new Uint8Array(packet);
}

describe('ESP over UDP loopback', () => {
  it('carries inner packets both ways between two real UdpTransports on the NAT-T port', async () => {
    const engine = { ikePort: IKE_PORT, natTPort: NAT_T_PORT };
    const configA = gatewayConfig([tunnel({ name: 'ab', localEndpoint: A, remoteEndpoint: B, ipsecProposals: ['aes256gcm16'] })], engine);
    const configB = gatewayConfig(
      [tunnel({ name: 'ab', localEndpoint: B, remoteEndpoint: A, localNetworks: ['10.10.10.0/24'], remoteNetworks: ['192.168.10.0/24'], ipsecProposals: ['aes256gcm16'] })],
      engine,
    );
    const planeA = recordingPlane();
    const planeB = recordingPlane();
    const a = new IkeGateway({ config: configA, transport: udpTransportForConfig(configA), dataPlane: () => planeA });
    const b = new IkeGateway({ config: configB, transport: udpTransportForConfig(configB), dataPlane: () => planeB });
    const eventsB: GatewayEvent[] = [];
    b.subscribe((e) => eventsB.push(e));
    await a.start();
    await b.start();
    try {
      expect(a.initiate('ab')).toMatchObject({ ok: true });
      await waitFor(() => a.listChildSas().some((c) => c.state === 'installed') && b.listChildSas().some((c) => c.state === 'installed'), 5000);
      const there = udpEcho('192.168.10.5', '10.10.10.7', 'through the tunnel');
      expect(a.esp.send('ab', there)).toMatchObject({ ok: true });
      await waitFor(() => planeB.received.length === 1, 5000);
      expect(Buffer.from(planeB.received[0]!).equals(Buffer.from(there))).toBe(true);
      const back = udpEcho('10.10.10.7', '192.168.10.5', 'and back');
      expect(b.esp.send('ab', back)).toMatchObject({ ok: true });
      await waitFor(() => planeA.received.length === 1, 5000);
      expect(Buffer.from(planeA.received[0]!).equals(Buffer.from(back))).toBe(true);
      expect(planeB.observed.map((o) => [o.direction, o.localAddress, o.remoteAddress])).toEqual([
        ['in', B, A],
        ['out', B, A],
      ]);
      expect(a.listChildSas()[0]).toMatchObject({ packetsOut: 1, packetsIn: 1, bytesOut: there.length, bytesIn: back.length });
      expect(ofType(eventsB, 'dataplane.esp.error')).toHaveLength(0);
      expect(b.drops().esp).toBe(0);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
