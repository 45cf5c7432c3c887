import { describe, expect, it } from 'vitest';
import { parseCidr } from '../config/ip-address.ts';
import { checkRoamingOverlap, windowsHostRoute, type OverlapInput } from './roaming-overlap.ts';

function input(overrides: Partial<OverlapInput>): OverlapInput {
  return {
    tunnel: 'roaming',
    networks: ['172.20.0.0/16', '172.20.8.0/24'].map((t) => parseCidr(t)!.network),
    ikeSource: '198.51.100.7',
    nat: 'not_translated',
    additionalAddresses: [],
    assignedAddress: '10.77.0.5',
    hosts: [
      { name: 'elsewhere', address: '10.1.1.1' },
      { name: 'db', address: '172.20.8.40' },
    ],
    interfaceAddresses: ['172.20.8.1/24', '203.0.113.1/24'],
    ...overrides,
  };
}

describe('checkRoamingOverlap (seed 13.6.1)', () => {
  it('the route command has the seed\'s form', () => {
    expect(windowsHostRoute('172.20.8.40', '10.77.0.5')).toBe('route add 172.20.8.40 mask 255.255.255.255 10.77.0.5');
  });

  it('overlap from the IKE source: most specific network, first host in it, route through the assigned address', () => {
    const verdict = checkRoamingOverlap(input({ ikeSource: '172.20.8.77' }));
    expect(verdict).toMatchObject({
      verdict: 'overlap',
      clientLocalAddress: '172.20.8.77',
      addressSource: 'ike_source',
      remoteNetwork: '172.20.8.0/24',
      server: '172.20.8.40',
      assignedAddress: '10.77.0.5',
      routeCommand: 'route add 172.20.8.40 mask 255.255.255.255 10.77.0.5',
    });
  });

  it('the IKE source is not used when it was translated or when NAT-D was absent', () => {
    expect(checkRoamingOverlap(input({ ikeSource: '172.20.8.77', nat: 'translated' }))).toMatchObject({ verdict: 'cannot_verify', addressSource: 'none' });
    const absent = checkRoamingOverlap(input({ ikeSource: '172.20.8.77', nat: 'no_nat_detection' }));
    expect(absent).toMatchObject({ verdict: 'cannot_verify', addressSource: 'none' });
    expect(absent.message).toMatch(/no NAT detection notifies/);
  });

  it('overlap from an ADDITIONAL_IP4_ADDRESS behind a NAT; server falls back to our interface address; the client\'s own address is never the server', () => {
    const verdict = checkRoamingOverlap(input({ nat: 'translated', additionalAddresses: ['172.20.3.3'], hosts: [{ name: 'self', address: '172.20.3.3' }] }));
    expect(verdict).toMatchObject({ verdict: 'overlap', clientLocalAddress: '172.20.3.3', addressSource: 'additional_ip4_address', remoteNetwork: '172.20.0.0/16', server: '172.20.8.1' });
    expect(verdict.routeCommand).toBe('route add 172.20.8.1 mask 255.255.255.255 10.77.0.5');
  });

  it('no server known, or no assigned address: overlap without a route command, saying why', () => {
    const noServer = checkRoamingOverlap(input({ ikeSource: '172.20.99.1', hosts: [], interfaceAddresses: [] }));
    expect(noServer).toMatchObject({ verdict: 'overlap', remoteNetwork: '172.20.0.0/16' });
    expect(noServer.server).toBeUndefined();
    expect(noServer.routeCommand).toBeUndefined();
    expect(noServer.message).toMatch(/no simulated host or interface address/);
    const { assignedAddress: _unused, ...withoutPool } = input({ ikeSource: '172.20.8.77' });
    const noPool = checkRoamingOverlap(withoutPool);
    expect(noPool).toMatchObject({ verdict: 'overlap', server: '172.20.8.40' });
    expect(noPool.routeCommand).toBeUndefined();
    expect(noPool.message).toMatch(/no tunnel address from a pool/);
  });

  it('no_overlap when every known address is outside; all-nets networks cannot be compared', () => {
    expect(checkRoamingOverlap(input({ additionalAddresses: ['192.0.2.4'] }))).toMatchObject({ verdict: 'no_overlap', clientLocalAddress: '198.51.100.7', addressSource: 'ike_source' });
    const allNets = checkRoamingOverlap(input({ networks: [parseCidr('0.0.0.0/0')!.network] }));
    expect(allNets).toMatchObject({ verdict: 'cannot_verify', clientLocalAddress: '198.51.100.7' });
    expect(allNets.message).toMatch(/all-nets/);
  });
});
