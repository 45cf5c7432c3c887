/**
 * Regression: the non-ESP marker (RFC 3948) goes on a datagram only when
 * neither UDP port is 500 — strongSwan's rule in its sender and receiver.
 * The daemon used to add it whenever the peer's port was not 500, so a peer
 * whose port 500 a NAT had mapped to another port got our IKE_SA_INIT answer
 * from port 500 with 4 stray zero bytes in front and never completed the
 * handshake (found by bench/handshake-bench.ts, whose initiators use
 * ephemeral ports against our port 500).
 */
import { expect, it } from 'vitest';
import { ManualClock, MemoryNetwork, MemoryTransport } from '@tunnelscope/test-utils';
import { seededEntropy } from '../ike/entropy.ts';
import { A_ADDRESS, B_ADDRESS, gatewayConfig, pairTunnels } from './__tests__/two-gateways.ts';
import { IkeGateway } from './ike-gateway.ts';

const hasMarker = (bytes: Uint8Array): boolean => bytes.length > 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0 && bytes[3] === 0;

it('answers a peer on a port other than 500 from port 500 without the marker, and the handshake completes', async () => {
  const clock = new ManualClock();
  const network = new MemoryNetwork();
  // B plays a peer behind a port-mapping NAT: its IKE "port 500" shows up as 34567.
  const { a, b } = pairTunnels({ b: { remotePort: 500 } });
  const gatewayA = new IkeGateway({ config: gatewayConfig([a]), transport: new MemoryTransport(network, [A_ADDRESS], 500, 4500), clock, entropy: seededEntropy('marker-a') });
  const gatewayB = new IkeGateway({
    config: gatewayConfig([b], { ikePort: 34567, natTPort: 34568 }),
    transport: new MemoryTransport(network, [B_ADDRESS], 34567, 34568),
    clock,
    entropy: seededEntropy('marker-b'),
  });
  await gatewayA.start();
  await gatewayB.start();
  expect(gatewayB.initiate('ab')).toMatchObject({ ok: true });
  network.deliverAll();

  const fromA = network.log.filter((d) => d.from.address === A_ADDRESS);
  expect(fromA.length).toBeGreaterThanOrEqual(2);
  for (const d of fromA) {
    expect(d.from.port).toBe(500);
    expect(hasMarker(d.bytes)).toBe(false);
  }
  expect(network.log.filter((d) => d.from.address === B_ADDRESS && d.to.port === 500).every((d) => !hasMarker(d.bytes))).toBe(true);
  expect(gatewayA.listIkeSas()[0]?.state).toBe('established');
  expect(gatewayB.listChildSas()[0]?.state).toBe('installed');
  await gatewayA.stop();
  await gatewayB.stop();
});

it('still marks datagrams when neither port is 500 (both sides on non-standard ports, as in the strongSwan interop lab)', async () => {
  const clock = new ManualClock();
  const network = new MemoryNetwork();
  const { a, b } = pairTunnels({ a: { remotePort: 16500 }, b: { remotePort: 15500 } });
  const gatewayA = new IkeGateway({ config: gatewayConfig([a], { ikePort: 15500, natTPort: 15501 }), transport: new MemoryTransport(network, [A_ADDRESS], 15500, 15501), clock, entropy: seededEntropy('marker-c') });
  const gatewayB = new IkeGateway({ config: gatewayConfig([b], { ikePort: 16500, natTPort: 16501 }), transport: new MemoryTransport(network, [B_ADDRESS], 16500, 16501), clock, entropy: seededEntropy('marker-d') });
  await gatewayA.start();
  await gatewayB.start();
  gatewayA.initiate('ab');
  network.deliverAll();
  expect(network.log.length).toBeGreaterThanOrEqual(4);
  expect(network.log.every((d) => hasMarker(d.bytes))).toBe(true);
  expect(gatewayB.listChildSas()[0]?.state).toBe('installed');
  await gatewayA.stop();
  await gatewayB.stop();
});
