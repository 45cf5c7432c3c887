import { describe, expect, it } from 'vitest';
import { GatewayConfigSchema, listSchemaIssues, type TunnelInput } from '@tunnelscope/api';
import { formatConfigIssue } from './config-issues.ts';
import { validateConfig } from './validate-config.ts';

function tunnel(overrides: Partial<TunnelInput>): TunnelInput {
  return {
    name: 'roaming',
    localNetworks: ['192.168.10.0/24'],
    remoteNetworks: ['10.99.0.0/24'],
    localEndpoint: '172.22.53.18',
    remoteEndpoint: 'none',
    auth: { method: 'psk', psk: { type: 'passphrase', value: 'secret-1' } },
    ikeProposals: ['aes128gcm16-prfsha256-x25519'],
    ipsecProposals: ['aes128gcm16'],
    ...overrides,
  };
}

function validate(tunnels: TunnelInput[], addressBook = [{ name: 'vpn-pool', networks: ['10.99.0.0/25'] }]) {
  const result = validateConfig({ addressBook, tunnels });
  return {
    result,
    errors: result.ok ? [] : result.errors.map(formatConfigIssue),
    warnings: result.warnings.map(formatConfigIssue),
  };
}

describe('roaming tunnel fields', () => {
  it('normalises a pool (name or CIDR), DNS servers and client fields; absent fields stay absent', () => {
    const { result, errors, warnings } = validate([
      tunnel({ addressPool: ' vpn-pool ', clientDnsServers: [' 192.168.10.53 '] }),
      tunnel({ name: 'pool2', addressPool: '10.99.0.130/26' }),
      tunnel({ name: 'client', remoteEndpoint: '172.22.53.23', requestVirtualIp: true, additionalAddresses: ['192.168.1.20'] }),
      tunnel({ name: 'plain', remoteEndpoint: '172.22.53.24' }),
    ]);
    expect(errors).toEqual([]);
    expect(warnings.filter((w) => /addressPool|clientDns|requestVirtualIp|additional/.test(w))).toEqual([
      'tunnels[1].addressPool: "10.99.0.130/26" has host bits set; normalised to 10.99.0.128/26',
    ]);
    if (!result.ok) return;
    const [pool, pool2, client, plain] = result.config.tunnels;
    expect(pool).toMatchObject({ addressPool: 'vpn-pool', clientDnsServers: ['192.168.10.53'] });
    expect(pool2?.addressPool).toBe('10.99.0.128/26');
    expect(client).toMatchObject({ requestVirtualIp: true, additionalAddresses: ['192.168.1.20'] });
    expect(Object.keys(plain!).filter((k) => ['addressPool', 'clientDnsServers', 'requestVirtualIp', 'additionalAddresses'].includes(k))).toEqual([]);
    expect(listSchemaIssues(GatewayConfigSchema, result.config)).toEqual([]);
  });

  it('reports bad values against the field', () => {
    const { errors, warnings } = validate([
      tunnel({ addressPool: 'no-such-pool' }),
      tunnel({ name: 't2', addressPool: '10.50.0.0/24' }),
      tunnel({ name: 't3', addressPool: '2001:db8::/64', localNetworks: ['2001:db8:1::/64'], remoteNetworks: ['2001:db8::/48'] }),
      tunnel({ name: 't4', clientDnsServers: ['dns.example', '2001:db8::53'] }),
      tunnel({ name: 't5', requestVirtualIp: true, addressPool: 'vpn-pool' }),
      tunnel({ name: 't6', remoteEndpoint: '172.22.53.23', additionalAddresses: ['300.1.1.1'], addressPool: 'vpn-pool' }),
    ]);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tunnels\[0\]\.addressPool: "no-such-pool" is neither a network/),
        'tunnels[1].addressPool: 10.50.0.0/24 is not inside remoteNetworks: a client\'s CHILD_SA is for its pool address, which the tunnel would refuse (TS_UNACCEPTABLE)',
        'tunnels[2].addressPool: 2001:db8::/64 is IPv6; address pools hand out IPv4 addresses (INTERNAL_IP4_ADDRESS) only',
        expect.stringMatching(/^tunnels\[3\]\.clientDnsServers\[0\]: /),
        'tunnels[3].clientDnsServers[1]: "2001:db8::53" is IPv6; configuration payloads here carry IPv4 (INTERNAL_IP4_*) only',
        'tunnels[4].requestVirtualIp: a client asks for an address when it initiates: set remoteEndpoint to the gateway address',
        'tunnels[4].requestVirtualIp: a tunnel either asks for an address (client) or hands them out (addressPool), not both',
        expect.stringMatching(/^tunnels\[5\]\.additionalAddresses\[0\]: /),
      ]),
    );
    expect(warnings).toEqual(
      expect.arrayContaining([
        'tunnels[5].addressPool: address pools serve roaming clients; this tunnel has a fixed remote endpoint',
      ]),
    );
  });

  it('warns when DNS servers are configured without a pool', () => {
    const { errors, warnings } = validate([tunnel({ clientDnsServers: ['192.168.10.53'] })]);
    expect(errors).toEqual([]);
    expect(warnings).toContain('tunnels[0].clientDnsServers: sent to clients only in a CFG_REPLY: set addressPool too');
  });
});
