/**
 * The lab's configs without sockets: the demo config validates and orders
 * its tunnels as the scenarios need, every peer config validates, the
 * metadata carries no config, and the lab refuses to leave loopback.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '@tunnelscope/engine';
import { createLab, LAB_SCENARIO_IDS, LAB_SCENARIOS, LabOptionsError } from './index.ts';
import { SCENARIO_DEFINITIONS } from './scenario-catalogue.ts';

const lab = createLab();

function validatedDemoConfig() {
  const result = validateConfig(lab.demoConfig());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result;
}

describe('the demo config of the local gateway', () => {
  it('validates; the only warnings are the two the scenarios are about', () => {
    const { warnings } = validatedDemoConfig();
    expect(warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(/passphrase looks like a hex key/),
      expect.stringMatching(/"branch-kiruna" can never be selected: "roadwarriors" above it/),
    ]);
  });

  it('listens on the local address with the configured ports, and has one tunnel per scenario plus the roaming one', () => {
    const { config } = validatedDemoConfig();
    // The second address (base + 1) is the roaming-overlap scenario's tunnel's own.
    expect(config.engine).toMatchObject({ ikePort: 10_500, natTPort: 14_500, listenAddresses: ['127.0.1.1', '127.0.1.2'] });
    expect(config.tunnels.map((tunnel) => tunnel.name).sort()).toEqual([...lab.scenarios.map((s) => s.localTunnel), 'roadwarriors'].sort());
    const ownAddress = lab.scenarios.find((s) => s.id === 'roaming-address-overlap')!.localTunnel;
    for (const tunnel of config.tunnels) {
      expect(tunnel.localEndpoint, tunnel.name).toBe(tunnel.name === ownAddress ? '127.0.1.2' : '127.0.1.1');
      expect(tunnel.remoteEndpoint === 'none' || tunnel.remoteEndpoint.startsWith('127.0.1.')).toBe(true);
    }
    expect(config.tunnels.find((tunnel) => tunnel.name === ownAddress)).toMatchObject({ remoteEndpoint: 'none', remoteId: { type: 'any' }, addressPool: '10.99.0.0/28' });
  });

  it('puts the roaming all-nets tunnel directly above the tunnel it shadows, below every other one', () => {
    const names = validatedDemoConfig().config.tunnels.map((tunnel) => tunnel.name);
    const shadowed = lab.scenarios.find((s) => s.id === 'roaming-tunnel-above')!.localTunnel;
    expect(names.slice(-2)).toEqual(['roadwarriors', shadowed]);
    const roaming = validatedDemoConfig().config.tunnels.find((tunnel) => tunnel.name === 'roadwarriors')!;
    expect(roaming).toMatchObject({ remoteEndpoint: 'none', remoteNetworks: ['all-nets-ip4'], remoteId: { type: 'any' } });
  });

  it('uses the strict responder policy where the one-sided scenario needs it, and fast DPD where the peer forgets', () => {
    const { config } = validatedDemoConfig();
    const byScenario = (id: string) => config.tunnels.find((tunnel) => tunnel.name === lab.scenarios.find((s) => s.id === id)!.localTunnel)!;
    expect(byScenario('network-size-mismatch')).toMatchObject({ responderPolicy: 'strict', localNetworks: ['hq-net'], remoteNetworks: ['10.10.10.0/24'] });
    expect(byScenario('tunnel-down-one-side').dpd).toMatchObject({ enabled: true, intervalSeconds: 5 });
  });

  it('puts the protected network behind int (core is the gateway itself), simulated hosts behind int and mgm, and routes each branch network into its tunnel', () => {
    const { config } = validatedDemoConfig();
    expect(config.interfaces.map((i) => [i.name, i.addresses])).toEqual([
      ['ext', ['127.0.1.1/24', '127.0.1.2/24']],
      ['int', ['192.168.10.1/24']],
      ['mgm', ['10.255.0.1/24']],
    ]);
    expect(config.hosts?.map((h) => [h.name, h.interface, h.address])).toEqual([
      ['hq-server', 'int', '192.168.10.20'],
      ['mgmt-station', 'mgm', '10.255.0.10'],
      ['mgmt-remote-station', 'mgm', '10.254.1.10'],
    ]);
    // The seed's rule for answering pings through the tunnel; management keeps its own route (13.6.5).
    expect(config.ipRules[0]).toMatchObject({ sourceInterface: 'vpn_tunnel', destinationInterface: 'core', service: 'ICMP', action: 'Allow' });
    expect(config.routes.slice(0, 2)).toEqual([
      { network: 'hq-net', interface: 'int', gateway: '', metric: 0 },
      { network: 'mgmt-net', interface: 'mgm', gateway: '', metric: 0 },
    ]);
    const roamingTunnels = new Set(config.tunnels.filter((t) => t.remoteEndpoint === 'none').map((t) => t.name));
    for (const scenario of lab.scenarios) {
      const tunnel = config.tunnels.find((t) => t.name === scenario.localTunnel)!;
      if (roamingTunnels.has(tunnel.name)) continue;
      expect(config.routes, scenario.id).toContainEqual({ network: tunnel.remoteNetworks[0], interface: tunnel.name, gateway: '', metric: 0 });
    }
    // A roaming tunnel's networks are never routed.
    expect(config.routes.some((route) => roamingTunnels.has(route.interface))).toBe(false);
    // 13.6.5: all-nets-ip4 into the management scenario's tunnel, and no route for the management network behind the mgm router.
    const managementTunnel = lab.scenarios.find((s) => s.id === 'management-route-via-tunnel')!.localTunnel;
    expect(config.routes.filter((route) => route.network === 'all-nets-ip4')).toEqual([{ network: 'all-nets-ip4', interface: managementTunnel, gateway: '', metric: 0 }]);
    expect(config.addressBook).toContainEqual({ name: 'mgmt-remote', networks: ['10.254.1.0/24'] });
    expect(config.routes.some((route) => route.network === 'mgmt-remote' || route.network.startsWith('10.254.'))).toBe(false);
  });

  it('follows the configured addresses and ports', () => {
    const moved = createLab({ localAddress: '127.0.7.1', ikePort: 20_500, natTPort: 24_500 });
    const result = validateConfig(moved.demoConfig());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.engine).toMatchObject({ ikePort: 20_500, natTPort: 24_500, listenAddresses: ['127.0.7.1', '127.0.7.2'] });
    expect(moved.scenarios.map((s) => s.peerAddress)).toEqual(SCENARIO_DEFINITIONS.map((d) => `127.0.7.${d.site.host}`));
  });
});

describe('the peers', () => {
  it('every peer config validates, listens on its own address, and mirrors our tunnel', () => {
    for (const scenario of lab.scenarios) {
      const input = lab.peerConfig(scenario.id);
      if (!scenario.peerListens) {
        expect(input).toBeUndefined();
        continue;
      }
      const result = validateConfig(input);
      expect(result.ok, scenario.id).toBe(true);
      if (!result.ok) continue;
      expect(result.config.engine.listenAddresses).toEqual([scenario.peerAddress]);
      const [tunnel] = result.config.tunnels;
      // The roaming client talks to our roaming tunnel's own address.
      expect(tunnel).toMatchObject({ localEndpoint: scenario.peerAddress, remoteEndpoint: scenario.id === 'roaming-address-overlap' ? '127.0.1.2' : '127.0.1.1' });
    }
  });

  it('peer tunnel settings are keyed by OUR tunnel name and name what differs', () => {
    const settings = lab.peerTunnelSettings();
    const tunnelOf = (id: string) => lab.scenarios.find((s) => s.id === id)!.localTunnel;
    expect(settings[tunnelOf('psk-type-mismatch')]).toMatchObject({ pskType: 'hex' });
    expect(settings[tunnelOf('network-size-mismatch')]).toMatchObject({ remoteNetworks: ['192.168.0.0/16'] });
    expect(settings[tunnelOf('lifetime-mismatch')]).toMatchObject({ ipsecLifetimeSeconds: 60, ikeLifetimeSeconds: 600 });
    expect(settings[tunnelOf('pfs-mismatch')]!.ipsecProposals).toEqual(['aes128gcm16-x25519']);
    expect(settings[tunnelOf('peer-not-responding')]).toBeUndefined();
  });

  it('no wrong key of a peer is another tunnel\'s key (else the diagnosis would say "wrong tunnel selected")', () => {
    const ourKeys = new Set(validatedDemoConfig().config.tunnels.map((t) => (t.auth.method === 'psk' ? t.auth.psk.value : '')));
    const wrong = lab.peerConfig('wrong-psk')!.tunnels![0]!.auth;
    expect(wrong.method === 'psk' && typeof wrong.psk.value === 'string' && ourKeys.has(wrong.psk.value)).toBe(false);
  });
});

describe('scenario metadata', () => {
  it('one scenario per id, each with a title, section, outcome, and its own peer host and tunnel', () => {
    expect(LAB_SCENARIOS.map((s) => s.id)).toEqual([...LAB_SCENARIO_IDS]);
    expect(new Set(SCENARIO_DEFINITIONS.map((d) => d.site.host)).size).toBe(SCENARIO_DEFINITIONS.length);
    expect(new Set(SCENARIO_DEFINITIONS.map((d) => d.site.tunnel)).size).toBe(SCENARIO_DEFINITIONS.length);
    for (const scenario of LAB_SCENARIOS) {
      expect(scenario.title.length).toBeGreaterThan(0);
      expect(scenario.seedSection).toMatch(/^13\.6/);
      expect(scenario.expectedLocalOutcome.length).toBeGreaterThan(0);
      expect(scenario.kind === 'failing').toBe(scenario.expectedFinding !== null && !['dh_group_preference', 'lifetime_mismatch', 'keepalive_renegotiated'].includes(scenario.expectedFinding));
    }
  });

  it('carries no config: diagnosis tests can hand out the demo config and events without the answers', () => {
    for (const scenario of LAB_SCENARIOS) {
      expect(Object.keys(scenario).sort()).toEqual(
        ['description', 'expectedFinding', 'expectedLocalCode', 'expectedLocalOutcome', 'id', 'inDefaultMix', 'kind', 'seedSection', 'title'].sort(),
      );
    }
    const tunnelNames = JSON.stringify(lab.demoConfig().tunnels!.map((t) => t.name));
    for (const id of LAB_SCENARIO_IDS) expect(tunnelNames).not.toContain(id);
  });

  it('the default mix has healthy and failing scenarios', () => {
    const mix = LAB_SCENARIOS.filter((s) => s.inDefaultMix);
    expect(mix.filter((s) => s.kind !== 'failing').length).toBeGreaterThanOrEqual(2);
    expect(mix.filter((s) => s.kind === 'failing').length).toBeGreaterThanOrEqual(3);
  });
});

describe('options', () => {
  it('refuses addresses outside loopback and collisions with the peers', () => {
    expect(() => createLab({ localAddress: '192.168.1.1' })).toThrow(LabOptionsError);
    expect(() => createLab({ localAddress: '0.0.0.0' })).toThrow(/loopback/);
    expect(() => createLab({ localAddress: '127.0.1.12' })).toThrow(/collides/);
    expect(() => createLab({ ikePort: 10_500, natTPort: 10_500 })).toThrow(/differ/);
  });

  it('refuses a one-sided DPD interval the peer\'s retry would overtake', () => {
    expect(() => createLab({ timing: { oneSidedDpdSeconds: 20, retryIntervalMs: 15_000 } })).toThrow(/oneSidedDpdSeconds/);
  });

  it('refuses unknown scenarios', async () => {
    await expect(lab.start('no-such-scenario' as never)).rejects.toThrow(/no lab scenario/);
  });
});
