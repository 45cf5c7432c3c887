/**
 * `flow -show` and `flow -show -verbose` against the seed's example text
 * (13.6.3), character for character. The flows are made by real packets
 * and ESP observations through a DataPlane on a ManualClock; the clock
 * offsets are chosen so the remaining timeouts equal the seed's numbers.
 */
import { ManualClock } from '@tunnelscope/test-utils';
import { describe, expect, it } from 'vitest';
import { formatFlowTable } from '../cli/format-flow-table.ts';
import { runCommand } from '../cli/run-command.ts';
import { DataPlane } from './data-plane.ts';
import { FakeTunnelPort, buildConfig, echoRequest, seedGatewayInput, udpPacket } from './__tests__/dataplane-fixtures.ts';

const SEED_FLOW_SHOW = `Proto   Source                        Destination                   Timeout
------- ----------------------------- ----------------------------- -------
ESP     core:53.0.0.1                 ext:53.0.1.2:0x757d8003       125
ICMP    ipsec-1:192.100.1.9:2048      gtp-1:192.200.0.1:17683       7
ESP     ext:53.0.1.2                  core:53.0.0.1:0x608f21ad      129
UDP     core:53.10.0.2:2152           int:53.10.0.1:2152            129
UDP     core:53.10.0.2:2123           int:53.10.0.1:2123            113
ESP     ext:53.0.1.2                  core:53.0.0.1:0x42c5fd04      75
UDP     core:172.22.53.101:514        mgm:172.22.53.1:514           125`;

const SEED_FLOW_SHOW_VERBOSE = `Proto   Source                        Destination                   Timeout
------- ----------------------------- ----------------------------- -------
ESP     core(0):53.0.0.1              ext:53.0.1.2:0x757d8003       126
...rev: core(0):53.0.0.1              ext:53.0.1.2:0x757d8003       126
ICMP    ipsec-1(33):192.100.1.9:2048  gtp-1:192.200.0.1:17683       7
...rev: ipsec-1(33):192.100.1.9:17683 gtp-1:192.200.0.1:0           7
ESP     ext(0):53.0.1.2               core:53.0.0.1:0x608f21ad      129
...rev: ext(0):53.0.1.2               core:53.0.0.1:0x608f21ad      129
UDP     core(0):53.10.0.2:2152        int:53.10.0.1:2152            129
...rev: core(0):53.10.0.2:2152        int:53.10.0.1:2152            129
UDP     core(0):53.10.0.2:2123        int:53.10.0.1:2123            110
...rev: core(0):53.10.0.2:2123        int:53.10.0.1:2123            110
ESP     ext(0):53.0.1.2               core:53.0.0.1:0x42c5fd04      72
...rev: ext(0):53.0.1.2               core:53.0.0.1:0x42c5fd04      72
UDP     core(0):172.22.53.101:514     mgm:172.22.53.1:514           121
...rev: core(0):172.22.53.101:514     mgm:172.22.53.1:514           121`;

/**
 * Timeline (ms relative to D, the moment of `flow -show`; D2 = D + 3900 for
 * -verbose). ESP and UDP flows live 130 s, ICMP 8 s; a flow's timeout is
 * 130 s minus the time since its last packet:
 *   D-54550 all seven flows created in the seed's order (0x42c5fd04: 75.45 s left at D)
 *   every 5 s the tunnel host pings again (keeps the 8 s ICMP flow alive)
 *   D-16550 UDP 2123 again (113.45 s at D, 109.55 at D2)
 *   D-5000  syslog and ESP 0x757d8003 again (125 s at D)
 *   D-1000  ICMP, ESP 0x608f21ad, UDP 2152 again (7 / 129 / 129 at D)
 *   D+100   ESP 0x757d8003 again (126.2 s at D2)
 *   D+2900  ICMP, ESP 0x608f21ad, UDP 2152 again (7 / 129 / 129 at D2)
 */
function buildSeedFlows() {
  const clock = new ManualClock();
  const tunnels = new FakeTunnelPort();
  const dataPlane = new DataPlane({ config: buildConfig(seedGatewayInput()), clock, tunnels });
  const D = clock.now() + 54_550;
  let icmpSequence = 1;
  const espOut = () => dataPlane.observeEsp({ direction: 'out', localAddress: '53.0.0.1', remoteAddress: '53.0.1.2', spi: 0x757d8003, bytes: 152, tunnel: 'ipsec-1', childSaId: 'c1' });
  const espIn = (spi: number) => dataPlane.observeEsp({ direction: 'in', localAddress: '53.0.0.1', remoteAddress: '53.0.1.2', spi, bytes: 152, tunnel: 'ipsec-1', childSaId: 'c1' });
  const ping = () => dataPlane.receiveFromTunnel('ipsec-1', 'c1', echoRequest('192.100.1.9', '192.200.0.1', 17683, icmpSequence++));
  const gtp = (port: number) => dataPlane.sendFromCore(udpPacket('53.10.0.2', port, '53.10.0.1', port));
  const syslog = () => dataPlane.sendFromCore(udpPacket('172.22.53.101', 514, '172.22.53.1', 514));

  espOut();
  ping();
  espIn(0x608f21ad);
  gtp(2152);
  gtp(2123);
  espIn(0x42c5fd04);
  syslog();
  const timeline: [number, () => unknown][] = [
    [-16_550, () => gtp(2123)],
    [-5000, syslog],
    [-5000, espOut],
    [-1000, ping],
    [-1000, () => espIn(0x608f21ad)],
    [-1000, () => gtp(2152)],
  ];
  for (let offset = -54_550 + 5000; offset < -1000; offset += 5000) timeline.push([offset, ping]);
  timeline.sort((a, b) => a[0] - b[0]);
  for (const [offset, action] of timeline) {
    clock.advanceTo(D + offset);
    action();
  }
  return { clock, dataPlane, tunnels, D };
}

describe('flow -show with the seed flows (13.6.3)', () => {
  it('prints the seed listing character for character', () => {
    const { clock, dataPlane, D } = buildSeedFlows();
    clock.advanceTo(D);
    expect(formatFlowTable(dataPlane.flowTableEntries({}))).toBe(SEED_FLOW_SHOW);
  });

  it('prints the seed -verbose listing with reverse flows, 3.9 s later', () => {
    const { clock, dataPlane, D } = buildSeedFlows();
    clock.advanceTo(D + 100);
    dataPlane.observeEsp({ direction: 'out', localAddress: '53.0.0.1', remoteAddress: '53.0.1.2', spi: 0x757d8003, bytes: 152, tunnel: 'ipsec-1' });
    clock.advanceTo(D + 2900);
    dataPlane.receiveFromTunnel('ipsec-1', 'c1', echoRequest('192.100.1.9', '192.200.0.1', 17683, 999));
    dataPlane.observeEsp({ direction: 'in', localAddress: '53.0.0.1', remoteAddress: '53.0.1.2', spi: 0x608f21ad, bytes: 152, tunnel: 'ipsec-1' });
    dataPlane.sendFromCore(udpPacket('53.10.0.2', 2152, '53.10.0.1', 2152));
    clock.advanceTo(D + 3900);
    expect(formatFlowTable(dataPlane.flowTableEntries({}), { verbose: true })).toBe(SEED_FLOW_SHOW_VERBOSE);
  });

  it('the host behind gtp-1 answered through the tunnel, and the flow counted both directions', () => {
    const { clock, dataPlane, tunnels, D } = buildSeedFlows();
    clock.advanceTo(D);
    expect(tunnels.sent.length).toBeGreaterThan(10);
    const icmp = dataPlane.listFlows({ proto: 'icmp' }).flows[0];
    expect(icmp?.packets).toBe(icmp?.reversePackets);
    expect(icmp?.rule).toBe('#1');
    expect(icmp?.reverse.source).toMatchObject({ interface: 'gtp-1', address: '192.200.0.1', port: 0 });
    expect(icmp?.reverse.destination).toMatchObject({ interface: 'ipsec-1', interfaceNumber: 33, address: '192.100.1.9', port: 17683 });
  });

  it('the ICMP flow expires 8 s after its last packet and emits flow.removed', () => {
    const { clock, dataPlane, D } = buildSeedFlows();
    const removed: string[] = [];
    dataPlane.subscribe((event) => {
      if (event.type === 'flow.removed') removed.push(`${event.id}:${event.reason}`);
    });
    clock.advanceTo(D + 6999);
    expect(dataPlane.listFlows({ proto: 'icmp' }).total).toBe(1);
    clock.advanceTo(D + 7000);
    expect(dataPlane.listFlows({ proto: 'icmp' }).total).toBe(0);
    expect(removed).toEqual(['f2:timeout']);
    expect(dataPlane.counters().flowsExpired).toBe(1);
  });

  it('flow -show -destiface=ipsec-1 / -srciface / -proto / -destport filter through the CLI', async () => {
    const { clock, dataPlane, D } = buildSeedFlows();
    clock.advanceTo(D);
    const flows = { list: () => dataPlane.flowTableEntries({}), entries: (filter: Parameters<DataPlane['flowTableEntries']>[0]) => dataPlane.flowTableEntries(filter) };
    const lines = async (command: string) => (await runCommand(command, { flows })).output.split('\n').slice(2);
    expect(await lines('flow -show -srciface=ipsec-1')).toEqual(['ICMP    ipsec-1:192.100.1.9:2048      gtp-1:192.200.0.1:17683       7']);
    expect(await lines('flow -show -destiface=gtp-1')).toHaveLength(1);
    expect(await lines('flow -show -proto=esp')).toHaveLength(3);
    expect(await lines('flow -show -proto=udp -destport=2123')).toEqual(['UDP     core:53.10.0.2:2123           int:53.10.0.1:2123            113']);
    expect(await lines('flow -show -destiface=mgm -srcip=172.22.53.101')).toHaveLength(1);
    expect(await lines('flow -show -destiface=mgm -srcip=53.10.0.2')).toHaveLength(0);
  });
});
