/**
 * Data-plane findings from events shaped exactly as the data plane's
 * schemas: the missing ICMP rule (13.6.1) with its rule patch placed above
 * the drop that would shadow it, the management route (13.6.5) with its
 * route patch, keep-alive failing, ESP for an unknown SPI (13.6.6 #3) and
 * the roaming client overlap (13.6.1) with the engine's route command.
 */
import { describe, expect, it } from 'vitest';
import { DataPlaneEventSchema, listSchemaIssues, type GatewayConfig } from '@tunnelscope/api';
import { diagnose } from '../diagnose.ts';
import { proposeFix } from '../fixes/propose-fix.ts';
import type { TunnelscopeEvent } from '../model/diagnosis-input.ts';
import { makeConfig, makeTunnel } from '../__tests__/lab-bench.ts';

const T0 = Date.UTC(2026, 5, 1, 10, 0, 0);
const PEER = '127.0.1.10';

function demoLikeConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  const tunnel = makeTunnel({ name: 'vpn_tunnel', localEndpoint: '127.0.1.1', remoteEndpoint: PEER, localNetworks: ['192.168.10.0/24'], remoteNetworks: ['10.20.10.0/24'] });
  return {
    ...makeConfig([tunnel]),
    interfaces: [
      { name: 'ext', addresses: ['127.0.1.1/24'], description: '' },
      { name: 'core', addresses: [], description: '' },
      { name: 'int', addresses: ['192.168.10.1/24'], description: '' },
      { name: 'mgm', addresses: ['10.255.0.1/24'], description: '' },
    ],
    addressBook: [{ name: 'mgmt-net', networks: ['10.255.0.0/24'] }],
    ipRules: [
      { name: 'branch-to-hq', action: 'Allow', sourceInterface: 'vpn_tunnel', sourceNetwork: '10.20.10.0/24', destinationInterface: 'int', destinationNetwork: '192.168.10.0/24', service: 'all_services' },
      { name: 'drop-rest', action: 'Drop', sourceInterface: 'any', sourceNetwork: 'all-nets-ip4', destinationInterface: 'any', destinationNetwork: 'all-nets-ip4', service: 'all_services' },
    ],
    routes: [
      { network: '192.168.10.0/24', interface: 'int', gateway: '', metric: 0 },
      { network: '10.20.10.0/24', interface: 'vpn_tunnel', gateway: '', metric: 0 },
    ],
    hosts: [
      { name: 'hq-server', interface: 'int', address: '192.168.10.20', services: ['icmp', 'udp'] },
      { name: 'mgmt-station', interface: 'mgm', address: '10.255.0.10', services: ['icmp', 'udp'] },
    ],
    ...overrides,
  };
}

function run(events: TunnelscopeEvent[], config = demoLikeConfig()) {
  for (const event of events) if (!event.type.startsWith('ike.') && !event.type.startsWith('child.')) expect(listSchemaIssues(DataPlaneEventSchema, event)).toEqual([]);
  const input = { config, events: events.map((event, i) => ({ id: i + 1, event })), now: Math.max(T0, ...events.map((e) => e.time)) + 1000 };
  return { input, findings: diagnose(input) };
}

function icmpDrop(time: number, rule?: string): TunnelscopeEvent {
  return {
    type: 'dataplane.packet.dropped',
    time,
    code: rule ? 'rule_drop' : 'no_matching_rule',
    message: rule ? `dropped by rule "${rule}"` : 'no rule matches: dropped (default)',
    ...(rule ? { rule } : {}),
    sourceInterface: 'vpn_tunnel',
    destinationInterface: 'core',
    protocol: 'ICMP',
    source: '10.20.10.20',
    destination: '192.168.10.1',
    tunnel: 'vpn_tunnel',
  };
}

describe('missing ICMP rule (13.6.1)', () => {
  it('pings through the tunnel dropped by drop-rest: the seed\'s rule is inserted above it, shown as a diff', () => {
    const { findings, input } = run([icmpDrop(T0, 'drop-rest'), icmpDrop(T0 + 1000, 'drop-rest')]);
    expect(findings[0]).toMatchObject({ code: 'icmp_rule_missing', tunnel: 'vpn_tunnel', side: 'local', facts: { droppedBy: 'drop-rest' }, evidence: { occurrences: 2, configPaths: ['ipRules[1]'] } });
    expect(findings[0]!.explanation).toMatch(/Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 ICMP/);
    const fix = proposeFix(findings[0]!, input.config);
    expect(fix.ok).toBe(true);
    if (!fix.ok) return;
    expect(fix.newConfig.ipRules.map((r) => r.name)).toEqual(['branch-to-hq', 'ping-through-vpn_tunnel', 'drop-rest']);
    expect(fix.newConfig.ipRules[1]).toEqual({ name: 'ping-through-vpn_tunnel', action: 'Allow', sourceInterface: 'vpn_tunnel', sourceNetwork: 'all-nets-ip4', destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'ICMP' });
    expect(fix.diff.text).toMatch(/\+\s+"service": "ICMP"/);
    expect(fix.diff.changes.map((c) => c.path)).toContain('ipRules[1]');
    // Applied, the same drops give no fix any more: the rule now lets them through.
    const again = diagnose({ ...input, config: fix.newConfig });
    expect(again[0]!.fixes).toEqual([]);
  });

  it('no rule at all matches: the rule goes at the end', () => {
    const config = demoLikeConfig({ ipRules: [] });
    const { findings, input } = run([icmpDrop(T0)], config);
    const fix = proposeFix(findings[0]!, input.config);
    expect(fix.ok && fix.newConfig.ipRules.map((r) => r.name)).toEqual(['ping-through-vpn_tunnel']);
  });

  it('ICMP to a host behind int is not the gateway: no ICMP-rule finding', () => {
    const drop = { ...icmpDrop(T0, 'drop-rest'), destinationInterface: 'int', destination: '192.168.10.20' } as TunnelscopeEvent;
    expect(run([drop]).findings.filter((f) => f.code === 'icmp_rule_missing')).toEqual([]);
  });
});

describe('management route through the tunnel (13.6.5)', () => {
  const allNets = (config: GatewayConfig): GatewayConfig => ({ ...config, routes: [...config.routes, { network: 'all-nets-ip4', interface: 'vpn_tunnel', gateway: '', metric: 0 }] });

  it('replies to the management station dropped on their way into the tunnel: the specific route is the fix', () => {
    const drop: TunnelscopeEvent = {
      type: 'dataplane.packet.dropped',
      time: T0,
      code: 'ts_mismatch',
      message: 'no CHILD_SA of "vpn_tunnel" covers 192.168.10.1 -> 10.255.0.10',
      sourceInterface: 'core',
      destinationInterface: 'vpn_tunnel',
      protocol: 'ICMP',
      source: '10.255.0.1',
      destination: '10.255.0.10',
      tunnel: 'vpn_tunnel',
      route: 'all-nets-ip4 via vpn_tunnel',
    };
    const { findings, input } = run([drop], allNets(demoLikeConfig()));
    const finding = findings.find((f) => f.code === 'management_route_via_tunnel')!;
    expect(finding).toMatchObject({ tunnel: 'vpn_tunnel', facts: { managementInterface: 'mgm', managementNetwork: '10.255.0.0/24', seen: 1 } });
    expect(finding.confidence.score).toBeGreaterThan(0.9);
    expect(finding.evidence.events.map((e) => e.eventId)).toEqual([1]);
    const fix = proposeFix(finding, input.config);
    expect(fix.ok).toBe(true);
    if (!fix.ok) return;
    expect(fix.newConfig.routes.at(-1)).toEqual({ network: 'mgmt-net', interface: 'mgm', gateway: '', metric: 0 });
    expect(fix.diff.text).toMatch(/\+\s+"network": "mgmt-net"/);
    expect(diagnose({ ...input, config: fix.newConfig }).filter((f) => f.code === 'management_route_via_tunnel')).toEqual([]);
  });

  /** The lab's second management network: not connected, behind a router on mgm (10.254.1.0/24 via 10.255.0.254). */
  const behindRouter = (withBookEntry: boolean): GatewayConfig => {
    const base = allNets(demoLikeConfig());
    return {
      ...base,
      addressBook: [...base.addressBook, ...(withBookEntry ? [{ name: 'mgmt-remote', networks: ['10.254.1.0/24'] }] : [])],
      hosts: [...(base.hosts ?? []), { name: 'mgmt-remote-station', interface: 'mgm', address: '10.254.1.10', services: ['icmp', 'udp'] as Array<'icmp' | 'udp'> }],
    };
  };
  const replyIntoTunnel: TunnelscopeEvent = {
    type: 'dataplane.packet.dropped',
    time: T0,
    code: 'ts_mismatch',
    message: 'no CHILD_SA of "vpn_tunnel" has traffic selectors covering 10.255.0.1 -> 10.254.1.10 (protocol 1)',
    sourceInterface: 'core',
    destinationInterface: 'vpn_tunnel',
    protocol: 'ICMP',
    source: '10.255.0.1',
    destination: '10.254.1.10',
    tunnel: 'vpn_tunnel',
    route: 'all-nets-ip4 via vpn_tunnel',
  };

  it('a management host behind a router: the route names the address book network that contains it', () => {
    const { findings, input } = run([replyIntoTunnel], behindRouter(true));
    const finding = findings.find((f) => f.code === 'management_route_via_tunnel')!;
    expect(finding).toMatchObject({ tunnel: 'vpn_tunnel', facts: { managementInterface: 'mgm', managementNetwork: '10.254.1.0/24', seen: 1 } });
    expect(finding.confidence.score).toBeGreaterThan(0.9);
    const fix = proposeFix(finding, input.config);
    expect(fix.ok).toBe(true);
    if (!fix.ok) return;
    expect(fix.newConfig.routes.at(-1)).toEqual({ network: 'mgmt-remote', interface: 'mgm', gateway: '', metric: 0 });
    // (The connected mgmt-net of this config has no route of its own: that config-only finding stays.)
    const after = diagnose({ ...input, config: fix.newConfig }).filter((f) => f.code === 'management_route_via_tunnel');
    expect(after.map((f) => f.facts.managementNetwork)).toEqual(['10.255.0.0/24']);
  });

  it('a management host behind a router with no address book entry: the route is for the host (/32)', () => {
    const { findings, input } = run([replyIntoTunnel], behindRouter(false));
    const finding = findings.find((f) => f.code === 'management_route_via_tunnel')!;
    expect(finding.facts).toMatchObject({ managementNetwork: '10.254.1.10/32' });
    const fix = proposeFix(finding, input.config);
    expect(fix.ok && fix.newConfig.routes.at(-1)).toEqual({ network: '10.254.1.10/32', interface: 'mgm', gateway: '', metric: 0 });
  });

  it('a specific management route already exists: nothing to report', () => {
    const config = allNets(demoLikeConfig());
    config.routes.push({ network: 'mgmt-net', interface: 'mgm', gateway: '', metric: 0 });
    expect(run([], config).findings.filter((f) => f.code === 'management_route_via_tunnel')).toEqual([]);
  });
});

describe('keep-alive, ESP for an unknown SPI, roaming overlap', () => {
  it('keep-alive failing (and still failing): the finding cites the state events', () => {
    const ka = (time: number, state: 'ok' | 'failing', lost: number): TunnelscopeEvent => ({
      type: 'dataplane.keepalive',
      time,
      tunnel: 'vpn_tunnel',
      state,
      source: '192.168.10.1',
      destination: '10.20.10.1',
      sent: 10 + lost,
      received: 10,
      lost,
      ...(state === 'failing' ? { lastError: 'timeout' } : {}),
    });
    const { findings } = run([ka(T0, 'ok', 0), ka(T0 + 30_000, 'failing', 3)]);
    expect(findings[0]).toMatchObject({ code: 'keepalive_failing', tunnel: 'vpn_tunnel', facts: { lost: 3, addressesInsideNetworks: true } });
    expect(findings[0]!.evidence.events.map((e) => e.eventId)).toEqual([2]);
    // Back to ok: no finding.
    expect(run([ka(T0, 'failing', 3), ka(T0 + 30_000, 'ok', 0)]).findings.filter((f) => f.code === 'keepalive_failing')).toEqual([]);
  });

  it('ESP for an unknown SPI after our SA went down: the tunnel is up on the peer only', () => {
    const events: TunnelscopeEvent[] = [
      { type: 'ike.sa.down', time: T0, ikeSaId: 'ike-1', tunnel: 'vpn_tunnel', reason: 'dpd-timeout' },
      { type: 'dataplane.esp.error', time: T0 + 5000, code: 'unknown_spi', spi: '0xc0ffee01', local: { address: '127.0.1.1', port: 14500 }, remote: { address: PEER, port: 14500 }, tunnel: 'vpn_tunnel', count: 4, message: 'ESP from 127.0.1.10 for SPI 0xc0ffee01: no such SA' },
    ];
    const { findings } = run(events);
    const finding = findings.find((f) => f.code === 'esp_unknown_spi')!;
    expect(finding).toMatchObject({ title: 'Ike_invalid_payload, Ike_invalid_cookie', tunnel: 'vpn_tunnel', peer: PEER, side: 'remote', facts: { spis: ['0xc0ffee01'], packets: 4 } });
    expect(finding.evidence.events.map((e) => e.eventId)).toEqual([1, 2]);
    expect(finding.fixSteps[0]).toMatch(/Remove the tunnel on 127\.0\.1\.10/);
  });

  it('roaming overlap: the route command is the engine\'s, never invented', () => {
    const event: TunnelscopeEvent = {
      type: 'roaming.address.overlap',
      time: T0,
      ikeSaId: 'ike-7',
      tunnel: 'vpn_tunnel',
      verdict: 'overlap',
      clientLocalAddress: '192.168.10.77',
      addressSource: 'ike_source',
      remoteNetwork: '192.168.10.0/24',
      assignedAddress: '10.99.0.5',
      server: '192.168.10.20',
      routeCommand: 'route add 192.168.10.20 mask 255.255.255.255 10.99.0.5',
      message: 'the client\'s address 192.168.10.77 lies inside 192.168.10.0/24',
    };
    const { findings } = run([event]);
    expect(findings[0]).toMatchObject({ code: 'roaming_address_overlap', severity: 'warning', facts: { routeCommand: 'route add 192.168.10.20 mask 255.255.255.255 10.99.0.5' } });
    expect(findings[0]!.fixSteps[0]).toBe('On the client, add the route: route add 192.168.10.20 mask 255.255.255.255 10.99.0.5');
  });
});
