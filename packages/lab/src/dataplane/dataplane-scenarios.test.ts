/**
 * The lab's data-plane scenarios for real: the local gateway runs the demo
 * config over UDP on loopback, one scenario peer (a real engine) works
 * against it, and the outcome is read from the LOCAL gateway's events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LabScenarioId } from '../index.ts';
import { forTunnel, ofType, startLabBench, waitFor, type LabBench } from '../__tests__/lab-bench.ts';

const running: LabBench[] = [];

afterEach(async () => {
  for (const bench of running.splice(0)) await bench.stop();
});

async function benchWith(id: LabScenarioId, timing: Parameters<typeof startLabBench>[0] = {}): Promise<LabBench & { tunnel: string; peerAddress: string }> {
  const bench = await startLabBench(timing);
  running.push(bench);
  await bench.lab.start(id);
  const scenario = bench.lab.scenarios.find((s) => s.id === id)!;
  return { ...bench, tunnel: scenario.localTunnel, peerAddress: scenario.peerAddress };
}

function actions(bench: LabBench, action: string) {
  return bench.labEvents.filter((event) => event.type === 'lab.scenario.action' && event.action === action);
}

describe('the ESP side of a tunnel down on one side (13.6.6 #3)', () => {
  it('esp-unknown-spi: our DPD removes our SAs, the peer keeps sending ESP for them: unknown_spi naming the tunnel', async () => {
    const bench = await benchWith('esp-unknown-spi');
    await waitFor(() => forTunnel(ofType(bench.events, 'child.sa.up'), bench.tunnel).length > 0, 'child.sa.up', bench.events);
    const spiWeHad = bench.local.listChildSas().find((c) => c.tunnel === bench.tunnel && c.state === 'installed')!.spiInbound;

    await waitFor(() => ofType(bench.events, 'dataplane.esp.error').some((e) => e.code === 'unknown_spi'), 'dataplane.esp.error unknown_spi', bench.events, 15_000);
    // Our side went down first, by DPD, and the peer was never told.
    const down = forTunnel(ofType(bench.events, 'ike.sa.down'), bench.tunnel)[0]!;
    expect(down.reason).toBe('dpd-timeout');
    expect(actions(bench, 'peer-ike-hangs')[0]).toMatchObject({ ok: true });
    const error = ofType(bench.events, 'dataplane.esp.error').find((e) => e.code === 'unknown_spi')!;
    expect(error.time).toBeGreaterThan(down.time);
    expect(error).toMatchObject({ tunnel: bench.tunnel, remote: { address: bench.peerAddress } });
    // The SPI the peer still sends to is the inbound SPI of the CHILD_SA we deleted.
    // (events write SPIs as 0x%08x, SA listings as bare hex)
    expect(error.spi).toBe(`0x${spiWeHad}`);
    expect(error.message).toContain(bench.tunnel);
    expect(bench.local.listChildSas().filter((c) => c.tunnel === bench.tunnel)).toEqual([]);
    // The peer still believes in its SA, and its pings go unanswered.
    const peerChild = bench.lab.peerState('esp-unknown-spi')!.childSas.find((c) => c.state === 'installed')!;
    expect(peerChild.spiOutbound).toBe(spiWeHad);
    await waitFor(() => actions(bench, 'peer-pings').length > 0, 'the peer\'s ping outcome', bench.events);
    expect(actions(bench, 'peer-pings')[0]).toMatchObject({ ok: false });
  });
});

describe('keep-alive failing', () => {
  it('keepalive-failing: idle until the tunnel is up, then every probe to the empty address behind the peer is lost: failing', async () => {
    const bench = await benchWith('keepalive-failing');
    const counters = () => bench.local.dataPlane.counters().keepAlive.find((k) => k.tunnel === bench.tunnel)!;
    // Keep-alive never brings a tunnel up: before the peer's CHILD_SA, nothing is sent.
    expect(counters()).toMatchObject({ sent: 0, state: 'idle' });
    await waitFor(() => forTunnel(ofType(bench.events, 'child.sa.up'), bench.tunnel).length > 0, 'child.sa.up', bench.events);
    await waitFor(() => forTunnel(ofType(bench.events, 'dataplane.keepalive'), bench.tunnel).some((e) => e.state === 'failing'), 'dataplane.keepalive failing', bench.events, 15_000);
    const failing = forTunnel(ofType(bench.events, 'dataplane.keepalive'), bench.tunnel).find((e) => e.state === 'failing')!;
    expect(failing).toMatchObject({ source: '192.168.10.1', destination: '10.20.26.99', received: 0 });
    expect(failing.lost).toBeGreaterThanOrEqual(3);
    // The probes really left through the tunnel (ESP out on its CHILD_SA), nothing came back.
    const child = bench.local.listChildSas().find((c) => c.tunnel === bench.tunnel && c.state === 'installed')!;
    expect(child.packetsOut).toBeGreaterThanOrEqual(3);
    // Of the other tunnels only keepalive-heals-one-side's has keep-alive, and without its scenario running (no SA) it sends nothing.
    const others = bench.local.dataPlane.counters().keepAlive.filter((k) => k.tunnel !== bench.tunnel);
    expect(others).toEqual([expect.objectContaining({ tunnel: bench.lab.scenarios.find((s) => s.id === 'keepalive-heals-one-side')!.localTunnel, sent: 0, state: 'idle' })]);
  });
});

describe('keep-alive heals a tunnel down on the peer\'s side only (13.6.6 #3)', () => {
  it('keepalive-heals-one-side: the peer restarts silently; 3 lost probes, our SAs go, we negotiate again and the probes are answered', async () => {
    // The peer restarts 5 s after setup: long enough for keep-alive (every 2 s) to see the first tunnel answer.
    const bench = await benchWith('keepalive-heals-one-side', { timing: { forgetStateAfterMs: 5_000 } });
    const keepAlive = () => forTunnel(ofType(bench.events, 'dataplane.keepalive'), bench.tunnel);
    await waitFor(() => keepAlive().some((e) => e.state === 'ok'), 'keep-alive ok over the first tunnel', bench.events, 10_000);
    const firstIkeSa = forTunnel(ofType(bench.events, 'ike.sa.up'), bench.tunnel)[0]!;
    await waitFor(() => actions(bench, 'peer-forgets-state').length > 0, 'the peer\'s restart', bench.events);
    expect(actions(bench, 'peer-forgets-state')[0]).toMatchObject({ ok: true });

    await waitFor(() => keepAlive().some((e) => e.state === 'renegotiating'), 'keep-alive renegotiating', bench.events, 20_000);
    const renegotiating = keepAlive().find((e) => e.state === 'renegotiating')!;
    expect(renegotiating).toMatchObject({ source: '192.168.10.1', destination: '10.20.29.20', lost: 3, renegotiations: 1 });
    // Our side alone noticed: the peer, after its restart, only answers.
    const after = () => keepAlive().slice(keepAlive().indexOf(renegotiating) + 1);
    await waitFor(() => after().some((e) => e.state === 'ok'), 'keep-alive ok over the new tunnel', bench.events, 15_000);
    expect(after().map((e) => e.state)).toEqual(['ok']);
    expect(forTunnel(ofType(bench.events, 'child.sa.down'), bench.tunnel).some((e) => e.reason === 'keepalive_failed' && e.ikeSaId === firstIkeSa.ikeSaId)).toBe(true);
    expect(ofType(bench.events, 'log.event').find((e) => e.code === 'keepalive_renegotiate' && e.tunnel === bench.tunnel)?.message).toContain(`deleting IKE SA ${firstIkeSa.ikeSaId}`);
    const again = forTunnel(ofType(bench.events, 'ike.negotiation.started'), bench.tunnel).filter((e) => e.time >= renegotiating.time);
    expect(again[0]).toMatchObject({ role: 'initiator' });
    expect(actions(bench, 'peer-initiates')).toHaveLength(1);
    expect(bench.local.dataPlane.counters().keepAlive.find((k) => k.tunnel === bench.tunnel)).toMatchObject({ state: 'ok', renegotiations: 1 });
    const ours = bench.local.listChildSas().find((c) => c.tunnel === bench.tunnel && c.state === 'installed')!;
    expect(bench.lab.peerState('keepalive-heals-one-side')!.childSas.map((c) => c.spiOutbound)).toContain(ours.spiInbound);
  });
});

describe('management route through the tunnel (13.6.5)', () => {
  it('management-route-via-tunnel: the station behind the mgm router pings the gateway; the reply follows all-nets-ip4 into the tunnel and is dropped there', async () => {
    const bench = await benchWith('management-route-via-tunnel');
    await waitFor(() => actions(bench, 'management-pings').length > 0, 'the management ping', bench.events, 10_000);
    expect(actions(bench, 'management-pings')[0]).toMatchObject({ ok: false });
    const drops = ofType(bench.events, 'dataplane.packet.dropped').filter((e) => e.destination === '10.254.1.10');
    expect(drops.length).toBeGreaterThan(0);
    expect(drops[0]).toMatchObject({ source: '10.255.0.1', destinationInterface: bench.tunnel, route: `all-nets-ip4 via ${bench.tunnel}` });
    // The flow the echo created has its reverse (reply) side on the tunnel, not mgm.
    const flow = bench.local.dataPlane.listFlows({ srcip: '10.254.1.10' }).flows[0];
    expect(flow).toMatchObject({ source: { interface: 'mgm', address: '10.254.1.10' } });
    expect(flow?.reverse?.destination.interface ?? flow?.reverse?.source.interface).toBe(bench.tunnel);
  });
});

describe('roaming client address overlap (13.6.1)', () => {
  it('roaming-address-overlap: the client gets a pool address on our roaming tunnel\'s own address; its additional address lies in our network', async () => {
    const bench = await benchWith('roaming-address-overlap');
    await waitFor(() => forTunnel(ofType(bench.events, 'roaming.address.overlap'), bench.tunnel).length > 0, 'roaming.address.overlap', bench.events, 10_000);
    const assigned = forTunnel(ofType(bench.events, 'cfg.address.assigned'), bench.tunnel)[0]!;
    expect(assigned.pool).toBe('10.99.0.0/28');
    const overlap = forTunnel(ofType(bench.events, 'roaming.address.overlap'), bench.tunnel)[0]!;
    expect(overlap).toMatchObject({
      verdict: 'overlap',
      clientLocalAddress: '192.168.10.77',
      addressSource: 'additional_ip4_address',
      remoteNetwork: '192.168.10.0/24',
      assignedAddress: assigned.address,
      server: '192.168.10.20',
      routeCommand: `route add 192.168.10.20 mask 255.255.255.255 ${assigned.address}`,
    });
    // Selected by its own listen address: no other tunnel captured the client, and the client is up on it.
    const selections = ofType(bench.events, 'tunnel.selected').map((e) => e.selection.tunnel);
    expect(selections.length).toBeGreaterThan(0);
    expect(new Set(selections)).toEqual(new Set([bench.tunnel]));
    const sa = bench.local.listIkeSas().find((s) => s.tunnel === bench.tunnel && s.state === 'established')!;
    expect(sa).toMatchObject({ local: { address: '127.0.3.2' }, remote: { address: bench.peerAddress }, virtualIp: assigned.address });
  });
});
