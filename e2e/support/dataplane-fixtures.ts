/**
 * Two real gateways for the data-plane specs: the server under test
 * ("dp-a" on 127.0.0.7, int 192.168.70.0/24) and a peer server ("dp-b" on
 * 127.0.0.8, int 10.70.0.0/24), each its own process with its own engine
 * and data plane, one IPsec tunnel between them (ESP in UDP on loopback).
 * The peer has the seed's rule `Allow dp-b all-nets-ip4 core all-nets-ip4
 * ICMP`, so a ping from A's int address to B's int address (both delivered to core) goes through
 * the tunnel and is answered: ICMP and ESP flows appear on both sides.
 * The worker fixture differs from fixtures.ts's, so Playwright runs these
 * specs in a worker of their own.
 */
import { test as base } from '@playwright/test';
import { apiJson, expect, logIn, saveScreenshot } from './fixtures.ts';
import { freeIkePorts, startServer, type RunningServer } from './server-process.ts';

export const DATAPLANE_LAB = {
  a: { endpoint: '127.0.0.7', network: '192.168.70.0/24', address: '192.168.70.1', tunnel: 'dp-a' },
  b: { endpoint: '127.0.0.8', network: '10.70.0.0/24', address: '10.70.0.1', tunnel: 'dp-b' },
} as const;

interface Side {
  endpoint: string;
  network: string;
  address: string;
  tunnel: string;
}

function gatewayConfig(self: Side, peer: Side, ports: { ikePort: number; natTPort: number }): Record<string, unknown> {
  return {
    timeZone: 'UTC',
    interfaces: [
      { name: 'ext', addresses: [`${self.endpoint}/8`] },
      { name: 'int', addresses: [`${self.address}/24`] },
    ],
    ipRules: [
      // Seed 13.6.1: lets the gateway answer pings that arrive through the tunnel.
      { name: 'ping-through-tunnel', action: 'Allow', sourceInterface: self.tunnel, sourceNetwork: 'all-nets-ip4', destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'ICMP' },
      { name: 'ping-into-tunnel', action: 'Allow', sourceInterface: 'any', sourceNetwork: 'all-nets-ip4', destinationInterface: self.tunnel, destinationNetwork: 'all-nets-ip4', service: 'ICMP' },
    ],
    routes: [{ network: peer.network, interface: self.tunnel }],
    engine: { ...ports, snoop: { mode: 'brief', peer: '' } },
    tunnels: [
      {
        name: self.tunnel,
        localNetworks: [self.network],
        remoteNetworks: [peer.network],
        localEndpoint: self.endpoint,
        remoteEndpoint: peer.endpoint,
        auth: { method: 'psk', psk: { type: 'passphrase', value: 'e2e-dataplane-secret' } },
        ikeProposals: ['aes128gcm16-prfsha256-x25519'],
        ipsecProposals: ['aes128gcm16'],
      },
    ],
  };
}

export interface DataPlaneLab {
  /** The server under test (dp-a). */
  server: RunningServer;
  /** The peer gateway (dp-b): its own server process, never logged into by the browser. */
  peer: RunningServer;
}

export const dataPlaneTest = base.extend<{ server: RunningServer }, { workerDataPlaneLab: DataPlaneLab }>({
  workerDataPlaneLab: [
    async ({}, use) => {
      const ports = await freeIkePorts([DATAPLANE_LAB.a.endpoint, DATAPLANE_LAB.b.endpoint]);
      const peer = await startServer({ gatewayConfig: gatewayConfig(DATAPLANE_LAB.b, DATAPLANE_LAB.a, ports) });
      let server: RunningServer;
      try {
        server = await startServer({ gatewayConfig: gatewayConfig(DATAPLANE_LAB.a, DATAPLANE_LAB.b, ports) });
      } catch (error) {
        await peer.stop();
        throw error;
      }
      try {
        await use({ server, peer });
      } finally {
        await server.stop();
        await peer.stop();
      }
    },
    { scope: 'worker', timeout: 240_000 },
  ],
  server: async ({ workerDataPlaneLab }, use) => {
    await use(workerDataPlaneLab.server);
  },
});

export { apiJson, expect, logIn, saveScreenshot };
