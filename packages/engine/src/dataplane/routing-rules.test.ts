import type { GatewayConfigInput } from '@tunnelscope/api';
import { describe, expect, it } from 'vitest';
import { InterfaceTable } from './interfaces.ts';
import { parseIpv4 } from './ipv4-address.ts';
import { IP_PROTOCOL } from './ipv4-packet.ts';
import { RoutingTable } from './routing-table.ts';
import { RuleSet, compileService } from './rule-set.ts';
import { buildConfig } from './__tests__/dataplane-fixtures.ts';

const ip = (text: string) => parseIpv4(text) ?? -1;

const input: GatewayConfigInput = {
  interfaces: [
    { name: 'ext', addresses: ['198.51.100.1/24'] },
    { name: 'int', addresses: ['192.168.1.1/24'] },
    { name: 'mgm', addresses: ['172.22.53.101/24'] },
  ],
  addressBook: [{ name: 'mgmt-net', networks: ['10.99.0.0/24'] }],
  services: [{ name: 'gtp', protocol: 'udp', ports: ['2123', '2152'] }],
  routes: [
    { network: 'all-nets-ip4', interface: 'vpn_tunnel' },
    { network: 'mgmt-net', interface: 'mgm', gateway: '172.22.53.1' },
    { network: '10.99.0.0/24', interface: 'ext', metric: 50 },
  ],
  ipRules: [
    { action: 'Drop', sourceInterface: 'int', sourceNetwork: '192.168.1.66', destinationInterface: 'any', destinationNetwork: 'all-nets-ip4', service: 'all_services' },
    { action: 'Allow', sourceInterface: 'int', sourceNetwork: 'all-nets-ip4', destinationInterface: 'vpn_tunnel', destinationNetwork: 'all-nets-ip4', service: 'tcp/80-443,8080' },
    { action: 'Allow', sourceInterface: 'any', sourceNetwork: 'all-nets-ip4', destinationInterface: 'int', destinationNetwork: '192.168.1.0/24', service: 'gtp' },
    { action: 'Allow', sourceInterface: 'vpn_tunnel', sourceNetwork: 'all-nets-ip4', destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'ICMP' },
  ],
  tunnels: [
    {
      name: 'vpn_tunnel',
      localNetworks: ['192.168.1.0/24'],
      remoteNetworks: ['192.168.2.0/24'],
      localEndpoint: '198.51.100.1',
      remoteEndpoint: '198.51.100.2',
      ikeProposals: ['aes128-sha256-modp2048'],
      ipsecProposals: ['aes128-sha256'],
      auth: { method: 'psk', psk: { type: 'passphrase', value: 'fixture-only-psk' } },
    },
  ],
};

describe('routing table (longest prefix match)', () => {
  const config = buildConfig(input);
  const routes = new RoutingTable(config, new InterfaceTable(config));
  it.each([
    ['8.8.8.8', 'all-nets-ip4 via vpn_tunnel'],
    ['10.99.0.5', 'mgmt-net via mgm gw 172.22.53.1'],
    ['192.168.2.7', '192.168.2.0/24 via vpn_tunnel (tunnel remote network)'],
    ['192.168.1.20', '192.168.1.0/24 via int (connected)'],
    ['172.22.53.101', '172.22.53.101 via core (mgm address)'],
    ['172.22.53.7', '172.22.53.0/24 via mgm (connected)'],
  ])('%s -> %s', (destination, label) => {
    expect(routes.lookup(ip(destination))?.label).toBe(label);
  });
  it('without the specific route, the management network goes into the tunnel (13.6.5)', () => {
    const broken = buildConfig({ ...input, routes: [{ network: 'all-nets-ip4', interface: 'vpn_tunnel' }] });
    expect(new RoutingTable(broken, new InterfaceTable(broken)).lookup(ip('10.99.0.5'))?.label).toBe('all-nets-ip4 via vpn_tunnel');
  });
  it('metric breaks a tie on prefix length', () => {
    const tie = buildConfig({ ...input, routes: [{ network: '10.1.0.0/16', interface: 'ext', metric: 20 }, { network: '10.1.0.0/16', interface: 'mgm', metric: 10 }] });
    expect(new RoutingTable(tie, new InterfaceTable(tie)).lookup(ip('10.1.2.3'))?.interface).toBe('mgm');
  });
});

describe('IP rule set (first match)', () => {
  const rules = new RuleSet(buildConfig(input));
  const query = (sourceInterface: string, source: string, destinationInterface: string, destination: string, protocol: number, destinationPort = 0) =>
    rules.evaluate({ sourceInterface, source: ip(source), destinationInterface, destination: ip(destination), protocol, destinationPort });
  it('an earlier Drop wins over a later Allow', () => {
    expect(query('int', '192.168.1.66', 'vpn_tunnel', '192.168.2.1', IP_PROTOCOL.tcp, 80)).toMatchObject({ action: 'Drop', rule: { label: '#1' } });
    expect(query('int', '192.168.1.65', 'vpn_tunnel', '192.168.2.1', IP_PROTOCOL.tcp, 80)).toMatchObject({ action: 'Allow', rule: { label: '#2' } });
  });
  it('inline port lists and ranges, configured and predefined services', () => {
    expect(query('int', '192.168.1.65', 'vpn_tunnel', '192.168.2.1', IP_PROTOCOL.tcp, 8080).action).toBe('Allow');
    expect(query('int', '192.168.1.65', 'vpn_tunnel', '192.168.2.1', IP_PROTOCOL.tcp, 444).rule).toBeUndefined();
    expect(query('int', '192.168.1.65', 'vpn_tunnel', '192.168.2.1', IP_PROTOCOL.udp, 80).rule).toBeUndefined();
    expect(query('ext', '1.2.3.4', 'int', '192.168.1.9', IP_PROTOCOL.udp, 2152)).toMatchObject({ action: 'Allow', rule: { label: '#3' } });
    expect(query('ext', '1.2.3.4', 'int', '192.168.1.9', IP_PROTOCOL.udp, 2153).rule).toBeUndefined();
    expect(query('vpn_tunnel', '192.168.2.5', 'core', '192.168.1.1', IP_PROTOCOL.icmp)).toMatchObject({ action: 'Allow', rule: { text: 'Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 ICMP' } });
  });
  it('no match names the rule that is missing', () => {
    const decision = query('vpn_tunnel', '192.168.2.5', 'core', '192.168.1.1', IP_PROTOCOL.udp, 53);
    expect(decision).toMatchObject({ action: 'Drop', rule: undefined });
    expect((decision as { message: string }).message).toBe('no rule allows udp/53 from vpn_tunnel to core; a rule such as `Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 udp/53` is missing (default drop)');
  });
  it('compiles inline services as validate-config accepts them', () => {
    expect(compileService('all', [])).toEqual({ protocol: -1, ports: [] });
    expect(compileService('esp', [])).toEqual({ protocol: 50, ports: [] });
    expect(compileService('udp/500,4500', [])).toEqual({ protocol: 17, ports: [[500, 500], [4500, 4500]] });
    expect(compileService('dns', [])).toEqual({ protocol: 17, ports: [[53, 53]] });
    expect(compileService('nonsense', [])).toBeUndefined();
  });
});
