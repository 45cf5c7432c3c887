/**
 * Keep-alive as a tunnel monitor (keepAlive.renegotiateAfterLost), whole
 * gateways in memory: B restarts and loses its SAs without a word (the
 * seed's 13.6.7 one-sided tunnel). A's keep-alive probes now die at B as ESP
 * for an unknown SPI. With renegotiateAfterLost A gives the tunnel up after
 * that many lost probes, deletes its SAs and negotiates again, and the
 * probes are answered over the new CHILD_SA; without it A only reports the
 * keep-alive as failing and keeps sending into the dead SA.
 */
import { describe, expect, it } from 'vitest';
import type { GatewayConfig, IpRule } from '@tunnelscope/api';
import { MemoryTransport } from '@tunnelscope/test-utils';
import type { GatewayEvent } from '../ike/core-io.ts';
import { seededEntropy } from '../ike/entropy.ts';
import { B_ADDRESS, gatewayConfig, ofType, pairTunnels, startBench } from './__tests__/two-gateways.ts';
import { IkeGateway } from './ike-gateway.ts';

const ANSWER_PINGS: IpRule = {
  name: 'ping-core',
  action: 'Allow',
  sourceInterface: 'ab',
  sourceNetwork: 'all-nets-ip4',
  destinationInterface: 'core',
  destinationNetwork: 'all-nets-ip4',
  service: 'ICMP',
};

function tunnels(renegotiateAfterLost: number) {
  return pairTunnels({
    a: {
      dpd: { enabled: false, intervalSeconds: 30, timeoutSeconds: 150 },
      keepAlive: { enabled: true, sourceAddress: '192.168.10.1', destinationAddress: '10.10.10.1', intervalSeconds: 5, renegotiateAfterLost },
    },
  });
}

function withDataPlane(config: GatewayConfig, side: 'a' | 'b'): GatewayConfig {
  if (side === 'a') {
    config.interfaces = [{ name: 'int', addresses: ['192.168.10.1/24'], description: '' }];
    config.routes = [{ network: '10.10.10.0/24', interface: 'ab', gateway: '', metric: 100 }];
  } else {
    config.interfaces = [{ name: 'int', addresses: ['10.10.10.1/24'], description: '' }];
    config.routes = [{ network: '192.168.10.0/24', interface: 'ab', gateway: '', metric: 100 }];
    config.ipRules = [ANSWER_PINGS];
  }
  return config;
}

async function upThenPeerRestarts(renegotiateAfterLost: number) {
  const pair = tunnels(renegotiateAfterLost);
  const bench = await startBench({ a: [pair.a], b: [pair.b] });
  bench.a.applyConfig(withDataPlane(gatewayConfig([pair.a]), 'a'));
  bench.b.applyConfig(withDataPlane(gatewayConfig([pair.b]), 'b'));
  expect(bench.a.initiate('ab')).toMatchObject({ ok: true });
  bench.settle();
  bench.advance(11_000);
  expect(bench.a.dataPlane.counters().keepAlive[0]).toMatchObject({ state: 'ok', lost: 0, renegotiations: 0 });
  const firstIkeSa = bench.a.listIkeSas()[0]!.id;

  // B restarts: same addresses and config, none of its SAs.
  await bench.b.stop();
  const restarted = new IkeGateway({
    config: withDataPlane(gatewayConfig([pair.b]), 'b'),
    transport: new MemoryTransport(bench.network, [B_ADDRESS], 500, 4500),
    clock: bench.clock,
    entropy: seededEntropy('restarted'),
  });
  const restartedEvents: GatewayEvent[] = [];
  restarted.subscribe((event) => restartedEvents.push(event));
  await restarted.start();
  return { bench, restarted, restartedEvents, firstIkeSa };
}

describe('keep-alive renegotiates a tunnel whose probes are lost (renegotiateAfterLost)', () => {
  it('after 3 lost probes: SAs deleted, tunnel negotiated again with the restarted peer, probes answered again', async () => {
    const { bench, restarted, restartedEvents, firstIkeSa } = await upThenPeerRestarts(3);
    const keepAlive = () => ofType(bench.eventsA, 'dataplane.keepalive');
    try {
      bench.advance(14_000);
      // Lost at B as ESP for an SPI it never had; A has not given up yet.
      expect(ofType(restartedEvents, 'dataplane.esp.error').length).toBeGreaterThan(0);
      expect(keepAlive().filter((event) => event.state === 'renegotiating')).toEqual([]);

      bench.advance(6_000);
      expect(keepAlive().map((event) => event.state)).toEqual(['ok', 'failing', 'renegotiating']);
      expect(keepAlive().at(-1)).toMatchObject({ tunnel: 'ab', lost: 3, renegotiations: 1, source: '192.168.10.1', destination: '10.10.10.1' });
      const log = ofType(bench.eventsA, 'log.event').find((event) => event.code === 'keepalive_renegotiate');
      expect(log?.message).toMatch(new RegExp(`3 probes lost in a row.*deleting IKE SA ${firstIkeSa}.*negotiating "ab" again`));
      expect(ofType(bench.eventsA, 'child.sa.down').at(-1)).toMatchObject({ ikeSaId: firstIkeSa, reason: 'keepalive_failed' });

      // The new negotiation reaches the restarted B; the old IKE SA's DELETE meets INVALID_IKE_SPI there.
      bench.advance(6_000);
      expect(bench.a.listIkeSas().map((sa) => sa.id)).not.toContain(firstIkeSa);
      expect(bench.a.listIkeSas()).toEqual([expect.objectContaining({ state: 'established' })]);
      expect(restarted.listChildSas()).toEqual([expect.objectContaining({ state: 'installed' })]);
      expect(bench.a.listChildSas()[0]!.spiOutbound).toBe(restarted.listChildSas()[0]!.spiInbound);
      expect(keepAlive().at(-1)).toMatchObject({ state: 'ok', renegotiations: 1 });
      expect(bench.a.dataPlane.counters().keepAlive[0]).toMatchObject({ state: 'ok', lost: 0, renegotiations: 1 });
      expect(bench.a.stats()).toMatchObject({ ikeSasActive: 1, ipsecSasActive: 1 });
    } finally {
      await restarted.stop();
      await bench.a.stop();
    }
  });

  it('with renegotiateAfterLost 0 (the default) keep-alive only reports: the one-sided tunnel stays', async () => {
    const { bench, restarted, firstIkeSa } = await upThenPeerRestarts(0);
    try {
      bench.advance(60_000);
      const states = ofType(bench.eventsA, 'dataplane.keepalive').map((event) => event.state);
      expect(states).toEqual(['ok', 'failing']);
      expect(bench.a.dataPlane.counters().keepAlive[0]).toMatchObject({ state: 'failing', renegotiations: 0 });
      expect(bench.a.listIkeSas().map((sa) => sa.id)).toEqual([firstIkeSa]);
      expect(restarted.listIkeSas()).toEqual([]);
      expect(ofType(bench.eventsA, 'log.event').some((event) => event.code === 'keepalive_renegotiate')).toBe(false);
    } finally {
      await restarted.stop();
      await bench.a.stop();
    }
  });
});
