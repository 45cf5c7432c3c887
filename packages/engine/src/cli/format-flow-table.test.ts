import { describe, expect, it } from 'vitest';
import { formatFlowTable, matchesFlowFilter, type FlowTableEntry, type FlowTableEndpoint } from './format-flow-table.ts';

/** Seed 13.6.3, `flow -show`. */
const SEED_FLOW_SHOW = [
  'Proto   Source                        Destination                   Timeout',
  '------- ----------------------------- ----------------------------- -------',
  'ESP     core:53.0.0.1                 ext:53.0.1.2:0x757d8003       125',
  'ICMP    ipsec-1:192.100.1.9:2048      gtp-1:192.200.0.1:17683       7',
  'ESP     ext:53.0.1.2                  core:53.0.0.1:0x608f21ad      129',
  'UDP     core:53.10.0.2:2152           int:53.10.0.1:2152            129',
  'UDP     core:53.10.0.2:2123           int:53.10.0.1:2123            113',
  'ESP     ext:53.0.1.2                  core:53.0.0.1:0x42c5fd04      75',
  'UDP     core:172.22.53.101:514        mgm:172.22.53.1:514           125',
].join('\n');

/** Seed 13.6.3, `flow -show -verbose` (its timeouts were read a moment later). */
const SEED_FLOW_SHOW_VERBOSE = [
  'Proto   Source                        Destination                   Timeout',
  '------- ----------------------------- ----------------------------- -------',
  'ESP     core(0):53.0.0.1              ext:53.0.1.2:0x757d8003       126',
  '...rev: core(0):53.0.0.1              ext:53.0.1.2:0x757d8003       126',
  'ICMP    ipsec-1(33):192.100.1.9:2048  gtp-1:192.200.0.1:17683       7',
  '...rev: ipsec-1(33):192.100.1.9:17683 gtp-1:192.200.0.1:0           7',
  'ESP     ext(0):53.0.1.2               core:53.0.0.1:0x608f21ad      129',
  '...rev: ext(0):53.0.1.2               core:53.0.0.1:0x608f21ad      129',
  'UDP     core(0):53.10.0.2:2152        int:53.10.0.1:2152            129',
  '...rev: core(0):53.10.0.2:2152        int:53.10.0.1:2152            129',
  'UDP     core(0):53.10.0.2:2123        int:53.10.0.1:2123            110',
  '...rev: core(0):53.10.0.2:2123        int:53.10.0.1:2123            110',
  'ESP     ext(0):53.0.1.2               core:53.0.0.1:0x42c5fd04      72',
  '...rev: ext(0):53.0.1.2               core:53.0.0.1:0x42c5fd04      72',
  'UDP     core(0):172.22.53.101:514     mgm:172.22.53.1:514           121',
  '...rev: core(0):172.22.53.101:514     mgm:172.22.53.1:514           121',
].join('\n');

const end = (iface: string, address: string, extra: Partial<FlowTableEndpoint> = {}): FlowTableEndpoint => ({
  interface: iface,
  address,
  ...extra,
});

function flow(protocol: string, source: FlowTableEndpoint, destination: FlowTableEndpoint, timeoutSeconds: number, reverse?: { source: FlowTableEndpoint; destination: FlowTableEndpoint }): FlowTableEntry {
  return { protocol, source, destination, timeoutSeconds, ...(reverse ? { reverse: { protocol, ...reverse, timeoutSeconds } } : {}) };
}

const same = (source: FlowTableEndpoint, destination: FlowTableEndpoint) => ({ source, destination });

function seedFlows(timeouts: readonly number[]): FlowTableEntry[] {
  const t = (index: number) => timeouts[index] ?? 0;
  const esp1 = [end('core', '53.0.0.1', { interfaceNumber: 0 }), end('ext', '53.0.1.2', { spi: 0x757d8003 })] as const;
  const esp2 = [end('ext', '53.0.1.2', { interfaceNumber: 0 }), end('core', '53.0.0.1', { spi: 0x608f21ad })] as const;
  const udp1 = [end('core', '53.10.0.2', { interfaceNumber: 0, port: 2152 }), end('int', '53.10.0.1', { port: 2152 })] as const;
  const udp2 = [end('core', '53.10.0.2', { interfaceNumber: 0, port: 2123 }), end('int', '53.10.0.1', { port: 2123 })] as const;
  const esp3 = [end('ext', '53.0.1.2', { interfaceNumber: 0 }), end('core', '53.0.0.1', { spi: 0x42c5fd04 })] as const;
  const syslog = [end('core', '172.22.53.101', { interfaceNumber: 0, port: 514 }), end('mgm', '172.22.53.1', { port: 514 })] as const;
  return [
    flow('ESP', ...esp1, t(0), same(...esp1)),
    flow('ICMP', end('ipsec-1', '192.100.1.9', { interfaceNumber: 33, port: 2048 }), end('gtp-1', '192.200.0.1', { port: 17683 }), t(1), {
      source: end('ipsec-1', '192.100.1.9', { interfaceNumber: 33, port: 17683 }),
      destination: end('gtp-1', '192.200.0.1', { port: 0 }),
    }),
    flow('ESP', ...esp2, t(2), same(...esp2)),
    flow('UDP', ...udp1, t(3), same(...udp1)),
    flow('UDP', ...udp2, t(4), same(...udp2)),
    flow('ESP', ...esp3, t(5), same(...esp3)),
    flow('UDP', ...syslog, t(6), same(...syslog)),
  ];
}

describe('formatFlowTable', () => {
  it('prints the seed\'s flow -show output character for character', () => {
    expect(formatFlowTable(seedFlows([125, 7, 129, 129, 113, 75, 125]))).toBe(SEED_FLOW_SHOW);
  });

  it('prints the seed\'s flow -show -verbose output character for character', () => {
    expect(formatFlowTable(seedFlows([126, 7, 129, 129, 110, 72, 121]), { verbose: true })).toBe(SEED_FLOW_SHOW_VERBOSE);
  });

  it('filters on the forward flow', () => {
    const flows = seedFlows([1, 2, 3, 4, 5, 6, 7]);
    expect(flows.filter((entry) => matchesFlowFilter(entry, { destinationInterface: 'core' })).length).toBe(2);
    expect(flows.filter((entry) => matchesFlowFilter(entry, { protocol: 17, destinationPort: 2123 })).length).toBe(1);
    expect(flows.filter((entry) => matchesFlowFilter(entry, { sourceAddress: '53.0.1.2', protocol: 50 })).length).toBe(2);
  });
});
