/**
 * The console's data-plane commands (`trace`, `ping`, `flow -show` with
 * CIDR filters) run against real DataPlanes: two gateways in memory whose
 * TunnelPorts hand sealed packets to each other (the data plane's own
 * fixtures), wired into the CliContext as the server adapter does
 * (apps/server/src/plugins/app/engine-gateway.ts).
 */
import type { GatewayConfigInput } from '@tunnelscope/api';
import { ManualClock } from '@tunnelscope/test-utils';
import { describe, expect, it } from 'vitest';
import type { TunnelDescription } from '../dataplane/contract.ts';
import { DataPlane } from '../dataplane/data-plane.ts';
import { FakeTunnelPort, buildConfig, udpPacket } from '../dataplane/__tests__/dataplane-fixtures.ts';
import { networkContains, parseIpv4, parseIpv4Network } from '../dataplane/ipv4-address.ts';
import { runCommand, type CliContext } from './run-command.ts';

const SEED_RULE = { action: 'Allow', sourceInterface: 'vpn_tunnel', sourceNetwork: 'all-nets-ip4', destinationInterface: 'core', destinationNetwork: 'all-nets-ip4', service: 'ICMP' } as const;

function gateway(side: 'a' | 'b', seedRule: boolean): GatewayConfigInput {
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
      ...(seedRule ? [SEED_RULE] : []),
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
      },
    ],
  };
}

/** The fixture port plus `describe` (for trace), answering from the same selectors its `send` enforces. */
class DescribingTunnelPort extends FakeTunnelPort {
  constructor(
    private readonly selectors: Record<string, { local: string[]; remote: string[] }>,
    private readonly downTunnels: string[] = [],
  ) {
    super({ selectors, down: downTunnels });
  }

  describe(tunnel: string, source: string, destination: string): TunnelDescription {
    if (this.downTunnels.includes(tunnel)) return { ok: false, reason: 'no_sa', detail: 'the IKE SA is not established' };
    const selectors = this.selectors[tunnel];
    if (selectors === undefined) return { ok: false, reason: 'no_sa', detail: `no CHILD_SA for ${tunnel}` };
    const covers = (list: string[], text: string) => {
      const address = parseIpv4(text);
      return address !== undefined && list.some((network) => {
        const parsed = parseIpv4Network(network);
        return parsed !== undefined && networkContains(parsed, address);
      });
    };
    const text = `${selectors.local.join(',')} === ${selectors.remote.join(',')}`;
    if (!covers(selectors.local, source) || !covers(selectors.remote, destination)) {
      return { ok: false, reason: 'ts_mismatch', selectors: text, detail: `no CHILD_SA of ${tunnel} covers ${source} -> ${destination}` };
    }
    return { ok: true, childSaId: `child-of-${tunnel}`, spi: 0x1000, selectors: text, detail: 'outbound SA installed' };
  }
}

/** The members the server adapter builds from the engine's data plane. */
function dataPlaneContext(dataPlane: DataPlane): CliContext {
  return {
    flows: { list: () => dataPlane.flowTableEntries({}), entries: (filter) => dataPlane.flowTableEntries(filter) },
    trace: (request) => dataPlane.trace(request),
    ping: async (request) =>
      (
        await dataPlane.ping({
          destination: request.address,
          count: request.count,
          ...(request.sourceAddress === undefined ? {} : { source: request.sourceAddress }),
        })
      ).text,
  };
}

function twoGateways(options: { seedRuleOnB: boolean; tunnelDownOnA?: boolean }) {
  const clock = new ManualClock();
  const portA = new DescribingTunnelPort({ vpn_tunnel: { local: ['192.168.1.0/24'], remote: ['192.168.2.0/24'] } }, options.tunnelDownOnA === true ? ['vpn_tunnel'] : []);
  const portB = new DescribingTunnelPort({ vpn_tunnel: { local: ['192.168.2.0/24'], remote: ['192.168.1.0/24'] } });
  const a = new DataPlane({ config: buildConfig(gateway('a', true)), clock, tunnels: portA });
  const b = new DataPlane({ config: buildConfig(gateway('b', options.seedRuleOnB)), clock, tunnels: portB });
  portA.peer = { dataPlane: b, tunnel: 'vpn_tunnel' };
  portB.peer = { dataPlane: a, tunnel: 'vpn_tunnel' };
  return { clock, a, b };
}

/** Runs a console line whose ping waits on the manual clock: advances it in 100 ms steps until the command settles. */
async function runOnClock(clock: ManualClock, line: string, context: CliContext) {
  let done = false;
  const promise = runCommand(line, context).finally(() => {
    done = true;
  });
  for (let i = 0; i < 300 && !done; i++) {
    clock.advance(100);
    for (let j = 0; j < 4; j++) await Promise.resolve();
  }
  return promise;
}

describe('trace in the console, through a real DataPlane', () => {
  it('a packet into the tunnel: route, rule, traffic selectors and the SA, the same text as DataPlane.trace', async () => {
    const { a } = twoGateways({ seedRuleOnB: true });
    const result = await runCommand('trace -srciface=int -proto=icmp -srcip=192.168.1.10 -destip=192.168.2.1', dataPlaneContext(a));
    expect(result.ok).toBe(true);
    const lines = result.output.split('\n');
    expect(lines[0]).toBe('trace icmp 192.168.1.10 -> 192.168.2.1 arriving on int');
    expect(result.output).toContain('no flow for ICMP 192.168.1.10 -> 192.168.2.1: a new connection');
    expect(result.output).toMatch(/^ {2}ok {3}route {4}route 192\.168\.2\.0\/24 via vpn_tunnel \(tunnel remote network\) \(prefix \/24, metric 0\)$/m);
    expect(result.output).toMatch(/^ {2}ok {3}rule {5}rule #1 allows it: Allow int 192\.168\.1\.0\/24 vpn_tunnel 192\.168\.2\.0\/24 all_services$/m);
    expect(result.output).toContain('traffic selectors 192.168.1.0/24 === 192.168.2.0/24');
    expect(result.output).toContain('CHILD_SA child-of-vpn_tunnel (SPI 0x00001000): outbound SA installed');
    expect(lines.at(-1)).toBe('verdict: forward');
    expect(result.output).toBe(a.trace({ sourceInterface: 'int', protocol: 'icmp', source: '192.168.1.10', destination: '192.168.2.1' }).text);
  });

  it('the seed\'s missing rule: dropped on B, naming the rule that would allow it; nothing is sent or counted', async () => {
    const { b } = twoGateways({ seedRuleOnB: false });
    const before = b.counters();
    const result = await runCommand('trace -srciface=vpn_tunnel -proto=icmp -srcip=192.168.1.10 -destip=192.168.2.1', dataPlaneContext(b));
    expect(result.ok).toBe(true);
    expect(result.output).toMatch(/^ FAIL  rule {5}.*`Allow vpn_tunnel all-nets-ip4 core all-nets-ip4 ICMP` is missing/m);
    expect(result.output.split('\n').at(-1)).toBe('verdict: drop (no_matching_rule)');
    expect(b.counters()).toEqual(before);
    expect((await runCommand('flow -show', dataPlaneContext(b))).output.split('\n')).toHaveLength(2);
  });

  it('udp/tcp ports reach the rules: udp/53 from the tunnel is not allowed by B\'s ICMP-only rule', async () => {
    const { b } = twoGateways({ seedRuleOnB: true });
    const result = await runCommand('trace -srciface=vpn_tunnel -proto=udp -srcip=192.168.1.10 -srcport=4000 -destip=192.168.2.10 -destport=53', dataPlaneContext(b));
    expect(result.output.split('\n')[0]).toBe('trace udp 192.168.1.10:4000 -> 192.168.2.10:53 arriving on vpn_tunnel');
    expect(result.output).toMatch(/^ FAIL  rule {5}no rule allows udp\/53 from vpn_tunnel to int; a rule such as `Allow vpn_tunnel all-nets-ip4 int all-nets-ip4 udp\/53` is missing/m);
    expect(result.output.split('\n').at(-1)).toBe('verdict: drop (no_matching_rule)');
  });

  it('a tunnel without a CHILD_SA: dropped with no_sa, saying so', async () => {
    const { a } = twoGateways({ seedRuleOnB: true, tunnelDownOnA: true });
    const result = await runCommand('trace -srciface=int -proto=udp -srcip=192.168.1.10 -srcport=4000 -destip=192.168.2.20 -destport=53', dataPlaneContext(a));
    expect(result.output).toContain('no CHILD_SA is up for tunnel vpn_tunnel: the IKE SA is not established');
    expect(result.output.split('\n').at(-1)).toBe('verdict: drop (no_sa)');
  });

  it('an interface the data plane does not know is bad input (ok: false), named in the output', async () => {
    const { a } = twoGateways({ seedRuleOnB: true });
    const result = await runCommand('trace -srciface=vpn_tunel -proto=icmp -srcip=192.168.1.10 -destip=192.168.2.1', dataPlaneContext(a));
    expect(result.ok).toBe(false);
    expect(result.output).toContain('"vpn_tunel" is not an interface or tunnel of this gateway');
  });

  it('after a ping, the echo matches its flow when the identifier is given as -destport (the flow table\'s ICMP port)', async () => {
    const { clock, a } = twoGateways({ seedRuleOnB: true });
    await runOnClock(clock, 'ping 192.168.2.1 -count=1 -srcip=192.168.1.10', dataPlaneContext(a));
    const [flow] = a.flowTableEntries({ protocol: 1 });
    const identifier = flow?.destination.port;
    expect(identifier).toBeTypeOf('number');
    const result = await runCommand(`trace -srciface=int -proto=icmp -srcip=192.168.1.10 -destip=192.168.2.1 -destport=${identifier}`, dataPlaneContext(a));
    expect(result.output).toMatch(/^ {2}ok {3}flow {5}matches flow f\d+ \(forward direction\) to vpn_tunnel, allowed by rule #1$/m);
  });
});

describe('ping in the console, through a real DataPlane', () => {
  it('per-reply lines and the summary, with -count= and -srcip=', async () => {
    const { clock, a, b } = twoGateways({ seedRuleOnB: true });
    const result = await runOnClock(clock, 'ping 192.168.2.1 -count=3 -srcip=192.168.1.10', dataPlaneContext(a));
    expect(result.ok).toBe(true);
    const lines = result.output.split('\n');
    expect(lines[0]).toBe('PING 192.168.2.1 from 192.168.1.10: 56 data bytes');
    expect(lines.slice(1, 4)).toEqual([1, 2, 3].map((sequence) => expect.stringMatching(new RegExp(`^64 bytes from 192\\.168\\.2\\.1: icmp_seq=${sequence} ttl=\\d+ time=0\\.000 ms$`))));
    expect(lines.slice(4)).toEqual(['', '--- 192.168.2.1 ping statistics ---', '3 packets transmitted, 3 received, 0% packet loss', 'rtt min/avg/max = 0.000/0.000/0.000 ms']);
    expect(b.counters().packetsDelivered).toBe(3);
  });

  it('the default count is 4; each lost echo says which rule is missing on this gateway', async () => {
    const { clock, b } = twoGateways({ seedRuleOnB: false });
    const result = await runOnClock(clock, 'ping 192.168.2.1 -srcip=192.168.2.10', dataPlaneContext(b));
    const lines = result.output.split('\n');
    expect(lines.filter((line) => line.startsWith('no reply for icmp_seq='))).toHaveLength(4);
    expect(lines[1]).toContain('no reply for icmp_seq=1: dropped (no_matching_rule): no rule allows ICMP from int to core');
    expect(result.output).toContain('4 packets transmitted, 0 received, 100% packet loss');
    expect(result.output).not.toContain('rtt min/avg/max');
  });

  it('a source that is neither a gateway address nor a host is reported as the data plane says it', async () => {
    const { a } = twoGateways({ seedRuleOnB: true });
    const result = await runCommand('ping 192.168.2.1 -srcip=10.9.9.9', dataPlaneContext(a));
    expect(result).toEqual({ ok: false, output: 'ping: source 10.9.9.9 is neither an address of this gateway nor a simulated host' });
  });
});

describe('flow -show with CIDR -srcip=/-destip=, through a real DataPlane', () => {
  it('filters by network and by address, combined with the other filters', async () => {
    const { a } = twoGateways({ seedRuleOnB: true });
    a.receiveFromInterface('int', udpPacket('192.168.1.10', 4000, '192.168.2.10', 53));
    a.receiveFromInterface('int', udpPacket('192.168.1.10', 4001, '192.168.2.77', 161));
    const context = dataPlaneContext(a);
    const rows = async (line: string) => {
      const result = await runCommand(line, context);
      expect(result.ok, line).toBe(true);
      return result.output.split('\n').slice(2);
    };
    expect(await rows('flow -show -destip=192.168.2.0/24')).toHaveLength(2);
    expect(await rows('flow -show -srcip=192.168.1.0/24 -destip=192.168.2.77')).toEqual([expect.stringMatching(/^UDP\s+int:192\.168\.1\.10:4001\s+vpn_tunnel:192\.168\.2\.77:161\s/)]);
    expect(await rows('flow -show -destip=192.168.2.0/24 -destport=53')).toEqual([expect.stringMatching(/^UDP\s+int:192\.168\.1\.10:4000\s+vpn_tunnel:192\.168\.2\.10:53\s/)]);
    expect(await rows('flow -show -srcip=10.0.0.0/8')).toEqual([]);
    expect((await runCommand('flow -show -srcip=192.168.1.10/24', context)).output).toBe('-srcip=192.168.1.10/24: host bits are set; the network is 192.168.1.0/24');
  });
});
