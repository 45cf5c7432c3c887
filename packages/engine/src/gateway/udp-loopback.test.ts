/**
 * The same daemon over real UDP sockets on loopback (127.0.1.1 and
 * 127.0.1.2, high ports): the non-ESP marker is on every datagram because
 * neither port is 500, exactly as charon does.
 */
import { describe, expect, it } from 'vitest';
import { IkeGateway, udpTransportForConfig } from './ike-gateway.ts';
import { gatewayConfig, ofType, tunnel } from './__tests__/two-gateways.ts';
import type { GatewayEvent } from '../ike/core-io.ts';

const A = '127.0.1.1';
const B = '127.0.1.2';
const IKE_PORT = 15600 + (process.pid % 200);
const NAT_T_PORT = IKE_PORT + 1000;

function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('timed out'));
      else setTimeout(poll, 10);
    };
    poll();
  });
}

describe('UDP loopback', () => {
  it('negotiates IKE SA and CHILD_SA between two gateways over real sockets', async () => {
    const engine = { ikePort: IKE_PORT, natTPort: NAT_T_PORT };
    const configA = gatewayConfig([tunnel({ name: 'ab', localEndpoint: A, remoteEndpoint: B, ikeProposals: ['aes256-sha256-modp2048'], ipsecProposals: ['aes256-sha256'] })], engine);
    const configB = gatewayConfig(
      [tunnel({ name: 'ab', localEndpoint: B, remoteEndpoint: A, localNetworks: ['10.10.10.0/24'], remoteNetworks: ['192.168.10.0/24'], ikeProposals: ['aes256-sha256-modp2048'], ipsecProposals: ['aes256-sha256'] })],
      engine,
    );
    const a = new IkeGateway({ config: configA, transport: udpTransportForConfig(configA) });
    const b = new IkeGateway({ config: configB, transport: udpTransportForConfig(configB) });
    const eventsB: GatewayEvent[] = [];
    b.snoop.setMode('brief');
    b.subscribe((e) => eventsB.push(e));
    await a.start();
    await b.start();
    try {
      expect(a.initiate('ab')).toMatchObject({ ok: true });
      await waitFor(() => a.listChildSas().some((c) => c.state === 'installed') && b.listChildSas().some((c) => c.state === 'installed'), 5000);
      expect(a.listIkeSas()[0]).toMatchObject({ state: 'established', local: { address: A, port: IKE_PORT }, remote: { address: B, port: IKE_PORT } });
      const lines = ofType(eventsB, 'snoop.message');
      expect(lines.map((l) => l.summary)).toContain('IKE_AUTH request 1 [ IDi N(INIT_CONTACT) AUTH SA TSi TSr ]');
      expect(lines.every((l) => l.marker)).toBe(true);
      expect(b.datagrams.size()).toBe(4);
      a.deleteIkeSa(a.listIkeSas()[0]!.id);
      await waitFor(() => b.listIkeSas().length === 0 && a.listIkeSas().length === 0, 5000);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
