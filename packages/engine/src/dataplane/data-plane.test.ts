/**
 * Two gateways in memory: each DataPlane's TunnelPort hands sealed packets
 * to the other's receiveFromTunnel. A host behind A pings B's internal
 * address through the tunnel — answered while B has the seed's rule
 * `Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 ICMP`, refused (with
 * the missing rule named) when it is removed. Also: the 13.6.5 management
 * route trap, no_sa drops, malformed packets, TTL, keep-alive, trace.
 */
import type { DataPlaneEvent, GatewayConfigInput } from '@tunnelscope/api';
import { ManualClock } from '@tunnelscope/test-utils';
import { describe, expect, it } from 'vitest';
import { DataPlane } from './data-plane.ts';
import { FakeTunnelPort, buildConfig, collectEvents, echoRequest, tcpPacket, udpPacket } from './__tests__/dataplane-fixtures.ts';
import { TCP_FLAG } from './ipv4-packet.ts';

const SEED_RULE = { action: 'Allow', sourceInterface: 'vpn_tunnel', sourceNetwork: 'all-nets-ip4', destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'ICMP' } as const;

function gateway(side: 'a' | 'b', options: { seedRule: boolean; keepAlive?: boolean }): GatewayConfigInput {
  const lan = side === 'a' ? '192.168.1' : '192.168.2';
  const peerLan = side === 'a' ? '192.168.2' : '192.168.1';
  return {
    interfaces: [
      { name: 'ext', addresses: [side === 'a' ? '198.51.100.1/24' : '198.51.100.2/24'] },
      { name: 'int', addresses: [`${lan}.1/24`] },
    ],
    hosts: [{ name: `host-${side}`, interface: 'int', address: `${lan}.10`, services: ['icmp', 'udp'] }],
    ipRules: [
      { action: 'Allow', sourceInterface: 'int', sourceNetwork: `${lan}.0/24`, destinationInterface: 'vpn_tunnel', destinationNetwork: `${peerLan}.0/24`, service: 'all_services' },
      { action: 'Allow', sourceInterface: 'vpn_tunnel', sourceNetwork: `${peerLan}.0/24`, destinationInterface: 'int', destinationNetwork: `${lan}.0/24`, service: 'ICMP' },
      ...(options.seedRule ? [SEED_RULE] : []),
    ],
    tunnels: [
      {
        name: 'vpn_tunnel',
        localNetworks: [`${lan}.0/24`],
        remoteNetworks: [`${peerLan}.0/24`],
        localEndpoint: side === 'a' ? '198.51.100.1' : '198.51.100.2',
        remoteEndpoint: side === 'a' ? '198.51.100.2' : '198.51.100.1',
        ikeProposals: ['aes128-sha256-modp2048'],
        ipsecProposals: ['aes128-sha256'],
        auth: { method: 'psk', psk: { type: 'passphrase', value: 'fixture-only-psk' } },
        ...(options.keepAlive === true ? { keepAlive: { enabled: true, sourceAddress: `${lan}.1`, destinationAddress: `${peerLan}.1`, intervalSeconds: 5 } } : {}),
      },
    ],
  };
}

function twoGateways(options: { seedRuleOnB: boolean; keepAliveOnA?: boolean }) {
  const clock = new ManualClock();
  const portA = new FakeTunnelPort();
  const portB = new FakeTunnelPort();
  const a = new DataPlane({ config: buildConfig(gateway('a', { seedRule: true })), clock, tunnels: portA });
  const b = new DataPlane({ config: buildConfig(gateway('b', { seedRule: options.seedRuleOnB })), clock, tunnels: portB });
  portA.peer = { dataPlane: b, tunnel: 'vpn_tunnel' };
  portB.peer = { dataPlane: a, tunnel: 'vpn_tunnel' };
  if (options.keepAliveOnA === true) a.applyConfig(buildConfig(gateway('a', { seedRule: true, keepAlive: true })));
  return { clock, a, b, portA, portB };
}

/** Advances the clock in 100 ms steps until the ping settles (replies are synchronous in memory). */
async function runPing(clock: ManualClock, promise: Promise<import('@tunnelscope/api').PingResult>) {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  for (let i = 0; i < 200 && !done; i++) {
    clock.advance(100);
    await Promise.resolve();
    await Promise.resolve();
  }
  return promise;
}

describe('ping through a tunnel between two in-memory gateways', () => {
  it('a host behind A pings B\'s internal address: answered by the seed rule', async () => {
    const { clock, a, b } = twoGateways({ seedRuleOnB: true });
    const start = clock.now();
    const result = await runPing(clock, a.ping({ source: '192.168.1.10', destination: '192.168.2.1', count: 3 }));
    expect(result.received).toBe(3);
    expect(result.replies.map((reply) => reply.sequence)).toEqual([1, 2, 3]);
    expect(result.replies[0]).toMatchObject({ ok: true, from: '192.168.2.1', rttMs: 0 });
    expect(result.text).toContain('3 packets transmitted, 3 received, 0% packet loss');
    expect(result.text).toMatch(/^64 bytes from 192\.168\.2\.1: icmp_seq=1 ttl=\d+ time=0\.000 ms$/m);
    expect(clock.now() - start).toBeLessThan(3000);
    const flowOnB = b.listFlows({ destiface: 'core' }).flows[0];
    expect(flowOnB).toMatchObject({ protocol: 'ICMP', rule: '#3', source: { interface: 'vpn_tunnel', address: '192.168.1.10', port: 2048 } });
    expect(b.counters().packetsDelivered).toBe(3);
  });

  it('without a source, a ping into the tunnel leaves from the gateway address inside the tunnel\'s local networks (address book names resolved)', async () => {
    const { clock, a } = twoGateways({ seedRuleOnB: true });
    const named = gateway('a', { seedRule: true });
    a.applyConfig(buildConfig({ ...named, addressBook: [{ name: 'lan-a', networks: ['192.168.1.0/24'] }], tunnels: named.tunnels!.map((t) => ({ ...t, localNetworks: ['lan-a'] })) }));
    const result = await runPing(clock, a.ping({ destination: '192.168.2.1', count: 1 }));
    expect(result).toMatchObject({ source: '192.168.1.1', received: 1 });
  });

  it('round-trip times come from the clock\'s sub-millisecond elapsed() when it has one', async () => {
    const { clock, a } = twoGateways({ seedRuleOnB: true });
    let ticks = 0;
    Object.assign(clock, { elapsed: () => (ticks += 0.125) });
    const result = await runPing(clock, a.ping({ source: '192.168.1.10', destination: '192.168.2.1', count: 1 }));
    expect(result.replies[0]).toMatchObject({ ok: true, rttMs: 0.125 });
    expect(result.text).toMatch(/icmp_seq=1 ttl=\d+ time=0\.125 ms$/m);
  });

  it('without the rule B drops the request, naming the missing rule; A\'s ping gets no reply', async () => {
    const { clock, a, b } = twoGateways({ seedRuleOnB: false });
    const eventsB = collectEvents(b);
    const result = await runPing(clock, a.ping({ source: '192.168.1.10', destination: '192.168.2.1', count: 2 }));
    expect(result.received).toBe(0);
    expect(result.text).toContain('2 packets transmitted, 0 received, 100% packet loss');
    const drops = eventsB.filter((event): event is Extract<DataPlaneEvent, { type: 'dataplane.packet.dropped' }> => event.type === 'dataplane.packet.dropped');
    expect(drops).toHaveLength(2);
    expect(drops[0]).toMatchObject({ code: 'no_matching_rule', sourceInterface: 'vpn_tunnel', destinationInterface: 'core', protocol: 'ICMP', source: '192.168.1.10', destination: '192.168.2.1', tunnel: 'vpn_tunnel' });
    expect(drops[0]?.message).toContain('`Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 ICMP` is missing');
    expect(b.counters().dropsByReason).toEqual({ no_matching_rule: 2 });
    expect(b.interfaces().find((entry) => entry.name === 'vpn_tunnel')?.drops).toBe(2);
  });

  it('a ping run on B itself reports the drop reason per probe', async () => {
    const { clock, b } = twoGateways({ seedRuleOnB: false });
    // From B's host to B's own internal address: int -> core needs a rule too.
    const result = await runPing(clock, b.ping({ source: '192.168.2.10', destination: '192.168.2.1', count: 1 }));
    expect(result.replies[0]?.ok).toBe(false);
    expect(result.replies[0]?.error).toContain('dropped (no_matching_rule): no rule allows ICMP from int to core');
    expect(result.text).toContain('no reply for icmp_seq=1: dropped (no_matching_rule)');
  });

  it('applyConfig removing the rule removes the flows it allowed', async () => {
    const { clock, a, b } = twoGateways({ seedRuleOnB: true });
    await runPing(clock, a.ping({ source: '192.168.1.10', destination: '192.168.2.1', count: 1 }));
    expect(b.listFlows({ destiface: 'core' }).total).toBe(1);
    b.applyConfig(buildConfig(gateway('b', { seedRule: false })));
    expect(b.listFlows({ destiface: 'core' }).total).toBe(0);
  });

  it('keep-alive through the tunnel: ok while answered, failing after 3 lost probes', () => {
    const { clock, a, b } = twoGateways({ seedRuleOnB: true, keepAliveOnA: true });
    const events = collectEvents(a);
    expect(a.counters().keepAlive[0]).toMatchObject({ tunnel: 'vpn_tunnel', sent: 1, received: 1, state: 'ok' });
    b.applyConfig(buildConfig(gateway('b', { seedRule: false })));
    clock.advance(20_000);
    const state = a.counters().keepAlive[0];
    expect(state).toMatchObject({ sent: 5, received: 1, state: 'failing' });
    const change = events.find((event) => event.type === 'dataplane.keepalive');
    expect(change).toMatchObject({ type: 'dataplane.keepalive', state: 'failing', lost: 3, source: '192.168.1.1', destination: '192.168.2.1' });
  });
});

describe('drops', () => {
  function single(input: GatewayConfigInput, port = new FakeTunnelPort()) {
    const clock = new ManualClock();
    const dataPlane = new DataPlane({ config: buildConfig(input), clock, tunnels: port });
    return { clock, dataPlane, events: collectEvents(dataPlane), port };
  }

  it('13.6.5: with all-nets-ip4 through the tunnel, core\'s reply to the management host goes into the tunnel and is dropped there, naming the route; the specific route fixes it', () => {
    const input: GatewayConfigInput = {
      ...gateway('a', { seedRule: true }),
      interfaces: [
        { name: 'ext', addresses: ['198.51.100.1/24'] },
        { name: 'int', addresses: ['192.168.1.1/24'] },
        { name: 'mgm', addresses: ['172.22.53.101/24'] },
      ],
      hosts: [{ name: 'admin-pc', interface: 'mgm', address: '10.99.0.5', services: ['icmp'] }],
      routes: [{ network: 'all-nets-ip4', interface: 'vpn_tunnel' }],
      ipRules: [{ action: 'Allow', sourceInterface: 'mgm', sourceNetwork: 'all-nets-ip4', destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'ICMP' }],
    };
    const port = new FakeTunnelPort({ selectors: { vpn_tunnel: { local: ['192.168.1.0/24'], remote: ['0.0.0.0/0'] } } });
    const { dataPlane, events } = single(input, port);
    dataPlane.receiveFromInterface('mgm', echoRequest('10.99.0.5', '172.22.53.101', 7, 1));
    const drop = events.find((event) => event.type === 'dataplane.packet.dropped');
    expect(drop).toMatchObject({ code: 'ts_mismatch', route: 'all-nets-ip4 via vpn_tunnel', destinationInterface: 'vpn_tunnel', source: '172.22.53.101', destination: '10.99.0.5' });
    const [flow] = dataPlane.flowTableEntries({ sourceInterface: 'mgm' });
    expect(flow?.reverse?.source.interface).toBe('vpn_tunnel');
    const trace = dataPlane.trace({ sourceInterface: 'mgm', protocol: 'icmp', source: '10.99.0.5', destination: '172.22.53.101', destinationPort: 8 });
    expect(trace.text).toContain('replies to 10.99.0.5 would leave through vpn_tunnel (route all-nets-ip4 via vpn_tunnel), not mgm');

    const fixed = single({ ...input, routes: [...(input.routes ?? []), { network: '10.99.0.0/24', interface: 'mgm', gateway: '172.22.53.1' }] }, port);
    fixed.dataPlane.receiveFromInterface('mgm', echoRequest('10.99.0.5', '172.22.53.101', 7, 1));
    expect(fixed.events.filter((event) => event.type === 'dataplane.packet.dropped')).toEqual([]);
    expect(fixed.dataPlane.flowTableEntries({})[0]?.reverse?.source.interface).toBe('mgm');
  });

  it('no_sa: a tunnel without a CHILD_SA is a counted drop that says so', () => {
    const { dataPlane, events } = single(gateway('a', { seedRule: true }), new FakeTunnelPort({ down: ['vpn_tunnel'] }));
    dataPlane.receiveFromInterface('int', udpPacket('192.168.1.10', 4000, '192.168.2.20', 53));
    expect(events.at(-1)).toMatchObject({ type: 'dataplane.packet.dropped', code: 'no_sa', route: '192.168.2.0/24 via vpn_tunnel (tunnel remote network)', sourcePort: 4000, destinationPort: 53 });
    expect((events.at(-1) as { message: string }).message).toContain('no CHILD_SA is up for tunnel vpn_tunnel');
  });

  it('malformed packets are counted drops naming the byte offset, never throws', () => {
    const { dataPlane, events } = single(gateway('a', { seedRule: true }));
    const packet = echoRequest('192.168.1.10', '192.168.2.1', 1, 1);
    packet[10] = (packet[10] ?? 0) ^ 0xff;
    dataPlane.receiveFromInterface('int', packet);
    dataPlane.receiveFromTunnel('vpn_tunnel', 'c1', new Uint8Array([0x45, 0, 0]));
    expect(dataPlane.counters().dropsByReason).toEqual({ malformed: 2 });
    expect(events.map((event) => (event as { message: string }).message)).toEqual([
      'packet: IPv4 header checksum 0x' + (((packet[10] ?? 0) << 8) | (packet[11] ?? 0)).toString(16).padStart(4, '0') + ' is wrong at byte offset 10',
      'packet: IPv4 header needs 20 bytes, 3 left at byte offset 0',
    ]);
  });

  it('TTL 1 is dropped when forwarding; TCP without SYN has no flow; a Reject rule answers', () => {
    const input = gateway('a', { seedRule: true });
    input.ipRules = [{ action: 'Reject', sourceInterface: 'int', sourceNetwork: 'all-nets-ip4', destinationInterface: 'vpn_tunnel', destinationNetwork: 'all-nets-ip4', service: 'tcp/22' }, ...(input.ipRules ?? [])];
    const { dataPlane, port } = single(input);
    expect(dataPlane.receiveFromInterface('int', echoRequest('192.168.1.10', '192.168.2.1', 1, 1, 1))).toMatchObject({ verdict: 'dropped', code: 'ttl_exceeded' });
    expect(dataPlane.receiveFromInterface('int', tcpPacket('192.168.1.10', 5000, '192.168.2.1', 80, TCP_FLAG.ack))).toMatchObject({ verdict: 'dropped', code: 'no_flow' });
    expect(dataPlane.receiveFromInterface('int', tcpPacket('192.168.1.10', 5000, '192.168.2.1', 80, TCP_FLAG.syn))).toMatchObject({ verdict: 'forwarded', interface: 'vpn_tunnel' });
    expect(port.sent.at(-1)?.packet[8]).toBe(63);
    const rejected = dataPlane.receiveFromInterface('int', tcpPacket('192.168.1.10', 5001, '192.168.2.1', 22, TCP_FLAG.syn));
    expect(rejected).toMatchObject({ verdict: 'dropped', code: 'rule_reject' });
    expect((rejected as { message: string }).message).toContain('rule #1 (Reject int all-nets-ip4 vpn_tunnel all-nets-ip4 tcp/22) rejects TCP');
    expect(dataPlane.counters().dropsByReason).toMatchObject({ ttl_exceeded: 1, no_flow: 1, rule_reject: 1 });
  });

  it('trace names the route, rule and the missing rule without touching counters', () => {
    const { dataPlane } = single(gateway('b', { seedRule: false }));
    const before = dataPlane.counters();
    const refused = dataPlane.trace({ sourceInterface: 'vpn_tunnel', protocol: 'icmp', source: '192.168.1.10', destination: '192.168.2.1' });
    expect(refused.verdict).toBe('drop');
    expect(refused.dropReason).toBe('no_matching_rule');
    expect(refused.text).toContain('`Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 ICMP` is missing');
    const allowed = dataPlane.trace({ sourceInterface: 'vpn_tunnel', protocol: 'icmp', source: '192.168.1.10', destination: '192.168.2.10' });
    expect(allowed).toMatchObject({ verdict: 'forward', rule: '#2', destinationInterface: 'int' });
    expect(dataPlane.counters()).toEqual(before);
    expect(dataPlane.listFlows({}).total).toBe(0);
  });
});
