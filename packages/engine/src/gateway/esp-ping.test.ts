/**
 * The whole path in memory: two gateways, each with the engine's DataPlane
 * over its ESP layer. A pings B's core address (an interface address of B)
 * through the tunnel: the echo request leaves A's data plane by the route
 * into "ab", is sealed by A's ESP layer, opened by B's, allowed by B's rule
 * `Allow ab all-nets-ip4 core all-nets-ip4 ICMP`, answered by B's core and
 * carried back. Without the rule the data plane drops it, naming what is
 * missing. The CHILD_SA counters and the ESP flows move with the traffic.
 */
import { describe, expect, it } from 'vitest';
import type { GatewayConfig, IpRule, PingResult } from '@tunnelscope/api';
import { ManualClock, MemoryNetwork, MemoryTransport } from '@tunnelscope/test-utils';
import type { GatewayEvent } from '../ike/core-io.ts';
import { seededEntropy } from '../ike/entropy.ts';
import { A_ADDRESS, B_ADDRESS, gatewayConfig, ofType, pairTunnels } from './__tests__/two-gateways.ts';
import { IkeGateway } from './ike-gateway.ts';

const ICMP_RULE: IpRule = {
  name: 'ping-core',
  action: 'Allow',
  sourceInterface: 'ab',
  sourceNetwork: 'all-nets-ip4',
  destinationInterface: 'core',
  destinationNetwork: 'all-nets-ip4',
  service: 'ICMP',
};

function configs(withRule: boolean): { a: GatewayConfig; b: GatewayConfig } {
  const tunnels = pairTunnels();
  const a = gatewayConfig([tunnels.a]);
  a.interfaces = [{ name: 'int', addresses: ['192.168.10.1/24'], description: '' }];
  a.routes = [{ network: '10.10.10.0/24', interface: 'ab', gateway: '', metric: 100 }];
  a.ipRules = [{ name: 'out', action: 'Allow', sourceInterface: 'any', sourceNetwork: 'all-nets-ip4', destinationInterface: 'ab', destinationNetwork: 'all-nets-ip4', service: 'ICMP' }];
  const b = gatewayConfig([tunnels.b]);
  b.interfaces = [{ name: 'int', addresses: ['10.10.10.1/24'], description: '' }];
  b.routes = [{ network: '192.168.10.0/24', interface: 'ab', gateway: '', metric: 100 }];
  b.ipRules = withRule ? [ICMP_RULE] : [];
  return { a, b };
}

async function pingThrough(clock: ManualClock, network: MemoryNetwork, a: IkeGateway, count: number): Promise<PingResult> {
  const pending = a.dataPlane.ping({ source: '192.168.10.1', destination: '10.10.10.1', count, timeoutMs: 500 });
  for (let step = 0; step < count * 2 + 2; step++) {
    network.deliverAll();
    clock.advance(500);
  }
  network.deliverAll();
  return pending;
}

describe('ping through the tunnel with the engine data plane (in memory)', () => {
  it('answers while the ICMP rule to core exists, and names the missing rule once it is gone', async () => {
    const clock = new ManualClock();
    const network = new MemoryNetwork();
    const { a: configA, b: configB } = configs(true);
    const a = new IkeGateway({ config: configA, transport: new MemoryTransport(network, [A_ADDRESS], 500, 4500), clock, entropy: seededEntropy('ping-a') });
    const b = new IkeGateway({ config: configB, transport: new MemoryTransport(network, [B_ADDRESS], 500, 4500), clock, entropy: seededEntropy('ping-b') });
    const eventsB: GatewayEvent[] = [];
    b.subscribe((event) => eventsB.push(event));
    await a.start();
    await b.start();
    try {
      // The first echo finds no CHILD_SA: it is dropped and the tunnel negotiated (acquire).
      const first = await pingThrough(clock, network, a, 1);
      expect(first.received).toBe(0);
      expect(first.text).toContain('no_sa');
      expect(b.listChildSas().map((c) => c.state)).toEqual(['installed']);

      const allowed = await pingThrough(clock, network, a, 3);
      expect(allowed).toMatchObject({ sent: 3, received: 3 });
      expect(allowed.replies.every((reply) => reply.from === '10.10.10.1')).toBe(true);
      const childB = b.listChildSas()[0]!;
      expect(childB).toMatchObject({ packetsIn: 3, packetsOut: 3 });
      expect(childB.bytesIn).toBe(3 * (20 + 8 + 56));
      expect(a.listChildSas()[0]).toMatchObject({ packetsOut: 3, packetsIn: 3 });
      // ESP flows keyed by the CHILD_SA's SPIs, between the two tunnel endpoints.
      const espSpis = b.dataPlane
        .flowTableEntries({})
        .filter((entry) => entry.protocol === 'ESP')
        .flatMap((entry) => [entry.source.spi, entry.destination.spi])
        .filter((spi) => spi !== undefined);
      expect(espSpis).toEqual(expect.arrayContaining([parseInt(childB.spiInbound, 16)]));
      const icmpFlows = b.dataPlane.flowTableEntries({}).filter((entry) => entry.protocol === 'ICMP');
      expect(icmpFlows.map((entry) => [entry.source.interface, entry.source.address, entry.destination.interface, entry.destination.address])).toContainEqual(['ab', '192.168.10.1', 'core', '10.10.10.1']);

      expect(b.applyConfig(configs(false).b)).toMatchObject({ ok: true });
      const refused = await pingThrough(clock, network, a, 2);
      expect(refused.received).toBe(0);
      const drops = ofType(eventsB, 'dataplane.packet.dropped');
      expect(drops.length).toBeGreaterThanOrEqual(2);
      expect(drops.at(-1)).toMatchObject({ code: 'no_matching_rule', sourceInterface: 'ab', destinationInterface: 'core', protocol: 'ICMP', destination: '10.10.10.1' });
      expect(drops.at(-1)!.message).toMatch(/no rule allows ICMP from ab/i);
      // The ESP still arrived and was opened: the refusal is the rule set's, not the tunnel's.
      expect(b.listChildSas()[0]).toMatchObject({ packetsIn: 5, packetsOut: 3 });
      expect(ofType(eventsB, 'dataplane.esp.error')).toHaveLength(0);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
