/** Config-only findings (no traffic needed): 13.6.1 and 13.6.5. */
import { describe, expect, it } from 'vitest';
import type { GatewayConfig } from '@tunnelscope/api';
import { diagnose } from '../diagnose.ts';
import { proposeFix } from '../fixes/propose-fix.ts';
import { makeConfig, makeTunnel } from '../__tests__/lab-bench.ts';

const US = '192.0.2.10';
const branch = makeTunnel({ name: 'branch', localEndpoint: US, remoteEndpoint: '198.51.100.20', localNetworks: ['192.168.10.0/24'], remoteNetworks: ['10.10.10.0/24'] });
const partner = makeTunnel({ name: 'partner', localEndpoint: US, remoteEndpoint: '203.0.113.5', localNetworks: ['192.168.10.0/24'], remoteNetworks: ['10.20.0.0/16'] });
const roaming = makeTunnel({ name: 'roaming', localEndpoint: US, remoteEndpoint: 'none', localNetworks: ['192.168.10.0/24'], remoteNetworks: ['all-nets-ip4'] });

const configOnly = (config: GatewayConfig) => diagnose({ config, events: [], now: 0 });

describe('config-only findings', () => {
  it('a healthy config yields nothing (a roaming tunnel at the bottom is fine)', () => {
    expect(configOnly(makeConfig([branch, partner, roaming]))).toEqual([]);
  });

  it('a roaming all-nets tunnel above a specific one: the seed\'s shadowing, fix moves it', () => {
    const config = makeConfig([roaming, branch, partner]);
    const findings = configOnly(config);
    expect(findings.map((f) => [f.code, f.tunnel])).toEqual([
      ['tunnel_shadowed', 'branch'],
      ['tunnel_shadowed', 'partner'],
    ]);
    expect(findings[0]).toMatchObject({ side: 'local', phase: 'ike', evidence: { events: [], configPaths: ['tunnels[0]', 'tunnels[1]'] } });
    expect(findings[0]!.explanation).toMatch(/Remote Endpoint set to none and the Remote Network set to all-nets/);
    expect(findings[0]!.confidence.score).toBeLessThan(0.7);
    const fix = proposeFix(findings[0]!, config);
    expect(fix.ok && fix.newConfig.tunnels.map((t) => t.name)).toEqual(['branch', 'roaming', 'partner']);
  });

  it('a narrower remote identity on the upper tunnel does not shadow', () => {
    const narrow = { ...roaming, remoteId: { type: 'fqdn' as const, value: '*.users.example.com' } };
    expect(configOnly(makeConfig([narrow, branch]))).toEqual([]);
    const coversBranch = { ...roaming, remoteId: { type: 'fqdn' as const, value: '*.example.com' } };
    const branchByName = { ...branch, remoteId: { type: 'fqdn' as const, value: 'branch.example.com' } };
    expect(configOnly(makeConfig([coversBranch, branchByName])).map((f) => f.code)).toEqual(['tunnel_shadowed']);
  });

  it('duplicate tunnels: the lower one is never used', () => {
    const twin = { ...branch, name: 'branch-copy' };
    expect(configOnly(makeConfig([branch, twin])).map((f) => [f.code, f.tunnel])).toEqual([['duplicate_tunnel', 'branch-copy']]);
  });

  it('networks with host bits: normalised by the fix', () => {
    const config = makeConfig([{ ...branch, remoteNetworks: ['10.10.10.5/24'] }]);
    config.addressBook.push({ name: 'office', networks: ['192.168.1.1/16'] });
    const findings = configOnly(config);
    expect(findings.map((f) => f.code)).toEqual(['network_host_bits', 'network_host_bits']);
    const tunnelFinding = findings.find((f) => f.tunnel === 'branch')!;
    const fix = proposeFix(tunnelFinding, config);
    expect(fix.ok && fix.newConfig.tunnels[0]!.remoteNetworks).toEqual(['10.10.10.0/24']);
    const bookFix = proposeFix(findings.find((f) => f.tunnel === null)!, config);
    expect(bookFix.ok && bookFix.newConfig.addressBook[0]).toEqual({ name: 'office', networks: ['192.168.0.0/16'] });
  });

  it('overlapping remote networks of two tunnels, and local overlapping remote', () => {
    const overlapping = { ...partner, remoteNetworks: ['10.10.0.0/16'] };
    expect(configOnly(makeConfig([branch, overlapping])).map((f) => [f.code, f.tunnel])).toEqual([['overlapping_tunnels', 'partner']]);
    const selfOverlap = { ...branch, localNetworks: ['10.10.10.0/25'] };
    expect(configOnly(makeConfig([selfOverlap])).map((f) => f.code)).toEqual(['local_remote_overlap']);
  });

  it('an all-nets route into a tunnel: management interface failure (13.6.5)', () => {
    const config = makeConfig([branch]);
    config.interfaces.push({ name: 'mgmt', addresses: ['172.22.53.18/24'], description: '' });
    config.routes.push({ network: 'all-nets-ip4', interface: 'branch', gateway: '', metric: 0 });
    const [finding] = configOnly(config);
    expect(finding).toMatchObject({ code: 'management_route_via_tunnel', title: 'Management interface failure with VPN', facts: { managementInterface: 'mgmt', managementNetwork: '172.22.53.0/24', seen: 0 } });
    // From the config alone (nothing seen yet): modest confidence, and the specific route as the fix.
    expect(finding!.confidence.score).toBe(0.6);
    expect(finding!.fixes[0]!.actions).toEqual([{ kind: 'add-route', route: { network: '172.22.53.0/24', interface: 'mgmt', gateway: '', metric: 0 } }]);
    expect(finding!.fixSteps[0]).toMatch(/172\.22\.53\.0\/24 via mgmt/);
  });
});
