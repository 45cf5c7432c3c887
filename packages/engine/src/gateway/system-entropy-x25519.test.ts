/**
 * With the system's entropy the daemon lets OpenSSL generate X25519 key
 * pairs (importing given bytes is ~10x slower: bench/README.md, handshake
 * section). Every other test injects seeded entropy and so takes the
 * import path; this one takes the generated-key path end to end.
 */
import { expect, it } from 'vitest';
import { ManualClock, MemoryNetwork, MemoryTransport } from '@tunnelscope/test-utils';
import { A_ADDRESS, B_ADDRESS, gatewayConfig, pairTunnels } from './__tests__/two-gateways.ts';
import { IkeGateway } from './ike-gateway.ts';

it('establishes an X25519 IKE SA and CHILD_SA with system entropy (OpenSSL-generated key pairs) on both sides', async () => {
  const clock = new ManualClock();
  const network = new MemoryNetwork();
  const { a, b } = pairTunnels();
  expect(a.ikeProposals).toEqual(['aes128gcm16-prfsha256-x25519']);
  const gatewayA = new IkeGateway({ config: gatewayConfig([a]), transport: new MemoryTransport(network, [A_ADDRESS], 500, 4500), clock });
  const gatewayB = new IkeGateway({ config: gatewayConfig([b]), transport: new MemoryTransport(network, [B_ADDRESS], 500, 4500), clock });
  await gatewayA.start();
  await gatewayB.start();
  gatewayA.initiate('ab');
  network.deliverAll();
  expect(gatewayA.listIkeSas()[0]).toMatchObject({ state: 'established', proposal: 'IKE:aes128gcm16-prfsha256-x25519' });
  expect(gatewayB.listIkeSas()[0]?.state).toBe('established');
  const [childA] = gatewayA.listChildSas();
  const [childB] = gatewayB.listChildSas();
  expect(childA?.state).toBe('installed');
  expect(childA?.spiOutbound).toBe(childB?.spiInbound);
  await gatewayA.stop();
  await gatewayB.stop();
});
