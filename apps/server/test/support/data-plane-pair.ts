/**
 * Two real engines with a data plane on loopback UDP for server tests: the
 * server's engine ("a") and a peer engine ("b"), each with an `int`
 * interface, one simulated host and rules allowing ICMP both ways through
 * tunnel "ab". `startDataPlanePair` brings the CHILD_SA up before it returns.
 * Each test file passes its own addresses, networks, ports and PSK so files
 * run in parallel.
 */
import { expect } from 'vitest';
import { EngineGateway } from '../../src/plugins/app/engine-gateway.ts';
import type { GatewayConfig } from '../../src/plugins/app/gateway-port.ts';
import { startTestServer, type StreamClientHandle, type TestServer } from './harness.ts';
import { loopbackTunnelConfig, type LoopbackPair } from './loopback-tunnel-config.ts';

export interface DataPlaneSide {
  /** Tunnel endpoint (127.0.1.x). */
  endpoint: string;
  /** The network behind `int`, e.g. "192.168.50.0/24". */
  network: string;
  /** The gateway's own `int` address. */
  gatewayAddress: string;
  /** The simulated host behind `int`. */
  host: string;
}

export interface DataPlanePairOptions extends LoopbackPair {
  a: DataPlaneSide;
  b: DataPlaneSide;
  /** Extra stream topics to subscribe to before the tunnel comes up (ids = topic names). */
  topics?: string[];
}

export interface DataPlanePair {
  t: TestServer;
  peer: EngineGateway;
  stream: StreamClientHandle;
  close(): Promise<void>;
}

/** One side's config: the loopback tunnel plus `int`, its host and the ICMP rules. */
export function dataPlaneSideConfig(pair: LoopbackPair, local: DataPlaneSide, remote: DataPlaneSide): Record<string, unknown> {
  const base = loopbackTunnelConfig(pair, local.endpoint, remote.endpoint, [local.network], [remote.network]);
  return {
    ...base,
    interfaces: [{ name: 'int', addresses: [`${local.gatewayAddress}/24`] }],
    hosts: [{ name: 'host', interface: 'int', address: local.host, services: ['icmp', 'udp'] }],
    ipRules: [
      { name: 'out', action: 'Allow', sourceInterface: 'int', sourceNetwork: local.network, destinationInterface: 'ab', destinationNetwork: remote.network, service: 'icmp' },
      { name: 'in', action: 'Allow', sourceInterface: 'ab', sourceNetwork: remote.network, destinationInterface: 'int', destinationNetwork: local.network, service: 'icmp' },
    ],
  };
}

export async function startDataPlanePair(options: DataPlanePairOptions): Promise<DataPlanePair> {
  const { a, b } = options;
  const peer = new EngineGateway();
  await peer.start();
  const peerConfig = peer.validateConfig(dataPlaneSideConfig(options, b, a));
  if (!peerConfig.ok) throw new Error(JSON.stringify(peerConfig.errors));
  await peer.applyConfig(peerConfig.config as GatewayConfig);
  const t = await startTestServer({ gateway: new EngineGateway() as never, config: dataPlaneSideConfig(options, a, b) });
  const stream = await t.connect({ token: t.tokens.viewer });
  for (const topic of options.topics ?? []) stream.send({ type: 'subscribe', id: topic, topic });
  stream.send({ type: 'subscribe', id: 'sa', topic: 'sa', filter: { tunnel: 'ab' } });
  await stream.waitFor((f) => f.type === 'subscribed' && f.id === 'sa');
  expect((await t.request('POST', '/api/v1/tunnels/ab/initiate', { token: t.tokens.operator })).status).toBe(202);
  await stream.waitFor((f) => f.type === 'event' && f.data.type === 'child.sa.up', 10_000);
  return {
    t,
    peer,
    stream,
    async close() {
      await stream.close();
      await t.close();
      await peer.stop();
    },
  };
}
