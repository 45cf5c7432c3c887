/**
 * Every scenario for real: the local gateway runs the lab's demo config
 * over UDP on loopback, one scenario peer negotiates with it, and the
 * outcome is read from the LOCAL gateway's events (what the product shows).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@tunnelscope/test-utils';
import { LAB_SCENARIOS, labHostPort, type LabScenarioId } from './index.ts';
import { forTunnel, logEvents, ofType, realDelay, startLabBench, waitFor, type LabBench } from './__tests__/lab-bench.ts';

const running: LabBench[] = [];

afterEach(async () => {
  for (const bench of running.splice(0)) await bench.stop();
});

async function benchWith(id: LabScenarioId, options: Parameters<typeof startLabBench>[0] = {}): Promise<LabBench & { tunnel: string }> {
  const bench = await startLabBench(options);
  running.push(bench);
  await bench.lab.start(id);
  const tunnel = bench.lab.scenarios.find((scenario) => scenario.id === id)!.localTunnel;
  return { ...bench, tunnel };
}

const SEED_FAILURE_CODES = ['no_proposal_chosen', 'incorrect_psk', 'ike_invalid_payload', 'ike_invalid_cookie', 'payload_malformed', 'ts_unacceptable', 'peer_not_responding'];

function failureCodes(bench: LabBench): string[] {
  return ofType(bench.events, 'log.event')
    .map((event) => event.code)
    .filter((code) => SEED_FAILURE_CODES.includes(code));
}

describe('healthy and informational scenarios', () => {
  it('healthy-psk: the peer initiates, IKE SA and CHILD_SA come up on the local gateway', async () => {
    const bench = await benchWith('healthy-psk');
    await waitFor(() => forTunnel(ofType(bench.events, 'child.sa.up'), bench.tunnel).length > 0, 'child.sa.up', bench.events);
    expect(forTunnel(ofType(bench.events, 'ike.sa.up'), bench.tunnel)[0]).toMatchObject({ role: 'responder', remote: { address: bench.lab.scenarios[0]!.peerAddress } });
    expect(failureCodes(bench)).toEqual([]);
    expect(bench.local.stats()).toMatchObject({ ikeSasActive: 1, ipsecSasActive: 1, ikeNegotiationsFailed: 0 });
    // The peer's own view follows once our IKE_AUTH response has reached it.
    const status = () => bench.lab.status().find((s) => s.id === 'healthy-psk')!;
    await waitFor(() => status().run?.peerTunnelUp === true, 'the peer to see its tunnel up', bench.events);
    expect(status()).toMatchObject({ running: true, run: { attempts: 1 } });
    const peer = bench.lab.peerState('healthy-psk')!;
    expect(peer.ikeSas).toEqual([expect.objectContaining({ state: 'established', role: 'initiator', remote: { address: '127.0.3.1', port: bench.lab.ikePort } })]);
    expect(peer.childSas.map((child) => child.spiOutbound)).toEqual(bench.local.listChildSas().map((child) => child.spiInbound));
  });

  it('dh-group-preference: INVALID_KE_PAYLOAD round trip, then up (informational)', async () => {
    const bench = await benchWith('dh-group-preference');
    await waitFor(() => forTunnel(ofType(bench.events, 'child.sa.up'), bench.tunnel).length > 0, 'child.sa.up', bench.events);
    const askedForGroup = logEvents(bench.events, 'invalid_ke_requested', bench.tunnel);
    expect(askedForGroup).toHaveLength(1);
    expect(askedForGroup[0]!.message).toMatch(/group 31.*group 19/);
    const summaries = ofType(bench.events, 'snoop.message').map((line) => `${line.direction} ${line.summary}`);
    expect(summaries).toContain('out IKE_SA_INIT response 0 [ N(INVAL_KE) ]');
    expect(failureCodes(bench)).toEqual([]);
    expect(bench.local.stats()).toMatchObject({ ikeNegotiationsDone: 1, ikeNegotiationsFailed: 0 });
  });

  it('lifetime-mismatch: the peer (60 s IPsec lifetime) rekeys long before our 3600 s, nothing fails', async () => {
    const clock = new ManualClock();
    // Long retransmit waits: a clock step can never run a request's whole budget before its answer crosses the socket.
    const bench = await startLabBench({ clock, timing: { retransmit: { initialTimeoutMs: 10_000, backoff: 1.5, tries: 2 } } });
    running.push(bench);
    await bench.lab.start('lifetime-mismatch');
    const tunnel = bench.lab.scenarios.find((s) => s.id === 'lifetime-mismatch')!.localTunnel;
    clock.flush();
    await waitFor(() => forTunnel(ofType(bench.events, 'child.sa.up'), tunnel).length > 0, 'child.sa.up', bench.events);
    // The peer's lifetime runs from its own install, which happens when our IKE_AUTH response reaches it over the
    // socket — possibly only after the first clock step below. Measure from that event, not from ours.
    const peerUp = () => bench.labEvents.find((event) => event.type === 'lab.peer.event' && event.event.type === 'child.sa.up');
    await waitFor(() => peerUp() !== undefined, "the peer's child.sa.up", bench.events);
    const upAt = peerUp()!.time;
    const quiet = () =>
      [...bench.local.listIkeSas(), ...(bench.lab.peerState('lifetime-mismatch')?.ikeSas ?? [])].every((sa) => sa.outstandingRequest === undefined);
    // Move the shared clock a second at a time; after each step, let every exchange it started finish over the real sockets.
    for (let second = 0; second < 62; second++) {
      clock.advance(1_000);
      await realDelay(2);
      await waitFor(quiet, 'no request in flight', bench.events);
    }
    await waitFor(() => forTunnel(ofType(bench.events, 'child.sa.rekeyed'), tunnel).length > 0, 'child.sa.rekeyed', bench.events);
    // The peer rekeys at 90% of its 60 s lifetime minus up to 5% jitter ...
    const peerRekey = bench.labEvents.find((event) => event.type === 'lab.peer.event' && event.event.type === 'child.rekey.started');
    expect(peerRekey!.time - upAt).toBeGreaterThanOrEqual(51_000);
    expect(peerRekey!.time - upAt).toBeLessThanOrEqual(54_000);
    // ... and we see its request at the end of that clock step.
    const rekeyStarted = forTunnel(ofType(bench.events, 'child.rekey.started'), tunnel)[0]!;
    expect(rekeyStarted.time - peerRekey!.time).toBeLessThanOrEqual(1_000);
    // The peer started it: the request came in.
    expect(ofType(bench.events, 'snoop.message').some((line) => line.direction === 'in' && line.summary.startsWith('CREATE_CHILD_SA request') && line.summary.includes('N(REKEY_SA)'))).toBe(true);
    expect(failureCodes(bench)).toEqual([]);
    expect(bench.local.stats()).toMatchObject({ ipsecRekeysDone: 1, ipsecRekeysFailed: 0, ipsecNegotiationsFailed: 0, ipsecSasActive: 1 });
    // Our own rekey is still far away.
    const ours = bench.local.listChildSas().find((child) => child.tunnel === tunnel && child.state === 'installed')!;
    expect(ours.rekeyAt! - clock.now()).toBeGreaterThan(3_000_000);
  });
});

describe('proposal failures (13.6.6 #1)', () => {
  it('ike-proposal-mismatch: no_proposal_chosen in phase 1, ENCR and INTEG unmatched', async () => {
    const bench = await benchWith('ike-proposal-mismatch');
    await waitFor(() => logEvents(bench.events, 'no_proposal_chosen', bench.tunnel).length > 0, 'no_proposal_chosen', bench.events);
    const failure = logEvents(bench.events, 'no_proposal_chosen', bench.tunnel)[0]!;
    expect(failure).toMatchObject({ condition: 'ike_proposal_unacceptable', phase: 'ike', side: 'responder' });
    expect(failure.evidence.unmatchedTransformTypes).toEqual(['ENCR', 'INTEG']);
    expect(ofType(bench.events, 'ike.sa.up')).toEqual([]);
  });

  it('ipsec-proposal-mismatch: the IKE SA comes up, the CHILD_SA fails in phase 2', async () => {
    const bench = await benchWith('ipsec-proposal-mismatch');
    await waitFor(() => logEvents(bench.events, 'no_proposal_chosen', bench.tunnel).length > 0, 'no_proposal_chosen', bench.events);
    expect(forTunnel(ofType(bench.events, 'ike.sa.up'), bench.tunnel)).toHaveLength(1);
    expect(logEvents(bench.events, 'no_proposal_chosen', bench.tunnel)[0]).toMatchObject({ condition: 'child_proposal_unacceptable', phase: 'ipsec' });
    expect(ofType(bench.events, 'child.sa.up')).toEqual([]);
  });

  it('no-common-dh-group: no_proposal_chosen with only DH unmatched', async () => {
    const bench = await benchWith('no-common-dh-group');
    await waitFor(() => logEvents(bench.events, 'no_proposal_chosen', bench.tunnel).length > 0, 'no_proposal_chosen', bench.events);
    const failure = logEvents(bench.events, 'no_proposal_chosen', bench.tunnel)[0]!;
    expect(failure).toMatchObject({ phase: 'ike' });
    expect(failure.evidence.unmatchedTransformTypes).toEqual(['DH']);
  });

  it('pfs-mismatch: setup works, the peer\'s first CHILD_SA rekey is refused (no_proposal_chosen, phase 2)', async () => {
    const bench = await benchWith('pfs-mismatch');
    await waitFor(() => forTunnel(ofType(bench.events, 'child.rekey.failed'), bench.tunnel).length > 0, 'child.rekey.failed', bench.events);
    expect(forTunnel(ofType(bench.events, 'child.sa.up'), bench.tunnel)).toHaveLength(1);
    const failure = logEvents(bench.events, 'no_proposal_chosen', bench.tunnel)[0]!;
    expect(failure).toMatchObject({ condition: 'child_proposal_unacceptable', phase: 'ipsec' });
    expect(failure.message).toMatch(/DH/);
    // The old CHILD_SA is still installed on both sides: only the rekey failed.
    expect(bench.local.listChildSas().filter((child) => child.tunnel === bench.tunnel && child.state === 'installed')).toHaveLength(1);
    expect(bench.labEvents.some((event) => event.type === 'lab.scenario.action' && event.action === 'peer-rekeys-child-sa')).toBe(true);
  });
});

describe('authentication failures (13.6.6 #2, #4)', () => {
  it('wrong-psk: incorrect_psk, no configured key verifies, and the peer retries on its own', async () => {
    const bench = await benchWith('wrong-psk');
    await waitFor(() => logEvents(bench.events, 'incorrect_psk', bench.tunnel).length >= 2, 'two incorrect_psk', bench.events);
    const [first, second] = logEvents(bench.events, 'incorrect_psk', bench.tunnel);
    expect(first).toMatchObject({ condition: 'auth_psk_mismatch', side: 'responder', phase: 'ike' });
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(1_900);
    const diagnosis = forTunnel(ofType(bench.events, 'ike.psk.diagnosis'), bench.tunnel)[0]!;
    expect(diagnosis.results.every((result) => !result.verifies)).toBe(true);
    expect(bench.lab.status().find((s) => s.id === 'wrong-psk')!.run!.attempts).toBeGreaterThanOrEqual(2);
  });

  it('psk-type-mismatch: incorrect_psk, and our key verifies when read as Hex', async () => {
    const bench = await benchWith('psk-type-mismatch');
    await waitFor(() => forTunnel(ofType(bench.events, 'ike.psk.diagnosis'), bench.tunnel).length > 0, 'ike.psk.diagnosis', bench.events);
    expect(logEvents(bench.events, 'incorrect_psk', bench.tunnel)).toHaveLength(1);
    const diagnosis = forTunnel(ofType(bench.events, 'ike.psk.diagnosis'), bench.tunnel)[0]!;
    expect(diagnosis.results).toContainEqual({ source: 'hex_reading', tunnel: bench.tunnel, verifies: true });
    expect(diagnosis.conclusion).toMatch(/PSK type mismatch/);
  });

  it('roaming-tunnel-above: the roaming tunnel is selected for the branch, then incorrect_psk on it', async () => {
    const bench = await benchWith('roaming-tunnel-above');
    await waitFor(() => logEvents(bench.events, 'incorrect_psk').length > 0, 'incorrect_psk', bench.events);
    const selections = ofType(bench.events, 'tunnel.selected').map((event) => event.selection);
    expect(selections[0]).toMatchObject({ phase: 'IKE_SA_INIT', tunnel: 'roadwarriors' });
    expect(selections[0]!.trace).toContainEqual(expect.objectContaining({ tunnel: bench.tunnel, verdict: 'shadowed' }));
    expect(selections[1]).toMatchObject({ phase: 'IKE_AUTH', outcome: 'kept', tunnel: 'roadwarriors' });
    const failure = logEvents(bench.events, 'incorrect_psk')[0]!;
    expect(failure.tunnel).toBe('roadwarriors');
    expect(failure.evidence.pskCandidates).toContainEqual({ source: `tunnel:${bench.tunnel}`, tunnel: bench.tunnel, verifies: true });
  });
});

describe('one-sided problems (13.6.6 #3, 13.6.7) and a silent peer', () => {
  it('tunnel-down-one-side: the peer forgets its SA, our DPD meets INVALID_IKE_SPI (ike_invalid_cookie); the peer comes back', async () => {
    const bench = await benchWith('tunnel-down-one-side');
    await waitFor(() => logEvents(bench.events, 'ike_invalid_cookie', bench.tunnel).length > 0, 'ike_invalid_cookie', bench.events);
    expect(logEvents(bench.events, 'ike_invalid_cookie', bench.tunnel)[0]).toMatchObject({ condition: 'invalid_ike_spi_received' });
    expect(forTunnel(ofType(bench.events, 'ike.sa.down'), bench.tunnel)[0]).toMatchObject({ reason: 'peer-lost-sa' });
    const informational = ofType(bench.events, 'snoop.message').filter((line) => line.direction === 'out' && line.summary.startsWith('INFORMATIONAL request'));
    expect(informational.length).toBeGreaterThan(0);
    expect(bench.labEvents.some((event) => event.type === 'lab.scenario.action' && event.action === 'peer-forgets-state' && event.ok)).toBe(true);
    // The loop goes on: the restarted peer sets the tunnel up again one retry interval later.
    await waitFor(() => forTunnel(ofType(bench.events, 'ike.sa.up'), bench.tunnel).length >= 2, 'a second ike.sa.up', bench.events);
  });

  it('network-size-mismatch: refused when the peer initiates (ts_unacceptable), works when we initiate', async () => {
    const bench = await benchWith('network-size-mismatch');
    await waitFor(() => logEvents(bench.events, 'ts_unacceptable', bench.tunnel).length > 0, 'ts_unacceptable', bench.events);
    const refusal = logEvents(bench.events, 'ts_unacceptable', bench.tunnel)[0]!;
    expect(refusal).toMatchObject({ condition: 'ts_unacceptable_local', phase: 'ipsec', side: 'responder' });
    expect(refusal.evidence.proposedTsr).toEqual(['192.168.0.0/16']);
    expect(bench.local.initiate(bench.tunnel)).toMatchObject({ ok: true });
    await waitFor(() => forTunnel(ofType(bench.events, 'child.sa.up'), bench.tunnel).length > 0, 'child.sa.up after we initiate', bench.events);
    const child = bench.local.listChildSas().find((c) => c.tunnel === bench.tunnel && c.state === 'installed')!;
    expect(child).toMatchObject({ role: 'initiator', localTs: ['192.168.10.0/24'], remoteTs: ['10.10.10.0/24'] });
  });

  it('peer-not-responding: we initiate, retransmit, and give up with peer_not_responding', async () => {
    const bench = await benchWith('peer-not-responding');
    await waitFor(() => logEvents(bench.events, 'peer_not_responding', bench.tunnel).length > 0, 'peer_not_responding', bench.events);
    const failure = logEvents(bench.events, 'peer_not_responding', bench.tunnel)[0]!;
    expect(failure).toMatchObject({ condition: 'retransmits_exhausted' });
    expect(failure.evidence.transmissions).toBe(3);
    const sent = ofType(bench.events, 'snoop.message').filter((line) => line.direction === 'out' && line.summary.startsWith('IKE_SA_INIT request'));
    expect(sent).toHaveLength(3);
    expect(ofType(bench.events, 'snoop.message').filter((line) => line.direction === 'in')).toEqual([]);
  });

  it('peer-not-responding waits for a local gateway, and initiates once one is attached', async () => {
    const bench = await startLabBench({ attachLocalGateway: false });
    running.push(bench);
    await bench.lab.start('peer-not-responding');
    await realDelay(50);
    expect(bench.lab.status().find((s) => s.id === 'peer-not-responding')!.run).toMatchObject({ waitingForLocalGateway: true, attempts: 0 });
    expect(ofType(bench.events, 'ike.negotiation.started')).toEqual([]);
    const detach = bench.lab.attachLocalGateway(bench.local);
    await waitFor(() => ofType(bench.events, 'ike.negotiation.started').length > 0, 'the local initiation', bench.events);
    expect(bench.lab.status().find((s) => s.id === 'peer-not-responding')!.run).toMatchObject({ waitingForLocalGateway: false, attempts: 1 });
    detach();
  });
});

describe('pings through the tunnel (13.6.1)', () => {
  it('ping-works: the peer\'s host pings our int address through the tunnel and every echo is answered', async () => {
    const bench = await benchWith('ping-works');
    const pings = () => bench.labEvents.filter((event) => event.type === 'lab.scenario.action' && event.action === 'peer-pings');
    await waitFor(() => pings().some((event) => event.type === 'lab.scenario.action' && event.ok), 'an answered ping', bench.events);
    const answered = pings().find((event) => event.type === 'lab.scenario.action' && event.ok)!;
    expect(answered.type === 'lab.scenario.action' && answered.detail).toMatch(/10\.20\.23\.20 \(behind 127\.0\.3\.23\) pings 192\.168\.10\.1 through the tunnel: 1\/1 answered/);
    expect(ofType(bench.events, 'dataplane.packet.dropped')).toEqual([]);
    // The echo arrived over ESP and the reply left over ESP: both directions counted on our CHILD_SA.
    const child = bench.local.listChildSas().find((c) => c.tunnel === bench.tunnel && c.state === 'installed')!;
    expect(child.packetsIn).toBeGreaterThanOrEqual(1);
    expect(child.packetsOut).toBeGreaterThanOrEqual(1);
  });

  it('icmp-rule-missing: the pings arrive through the tunnel and are dropped for want of the ICMP rule', async () => {
    const bench = await benchWith('icmp-rule-missing');
    await waitFor(() => ofType(bench.events, 'dataplane.packet.dropped').length > 0, 'dataplane.packet.dropped', bench.events);
    const drop = ofType(bench.events, 'dataplane.packet.dropped')[0]!;
    expect(drop).toMatchObject({ code: 'no_matching_rule', sourceInterface: bench.tunnel, destinationInterface: 'core', source: '10.20.24.20', destination: '192.168.10.1' });
    expect(drop.protocol.toLowerCase()).toBe('icmp');
    await waitFor(() => bench.labEvents.some((event) => event.type === 'lab.scenario.action' && event.action === 'peer-pings'), 'the ping outcome', bench.events);
    const outcome = bench.labEvents.find((event) => event.type === 'lab.scenario.action' && event.action === 'peer-pings')!;
    expect(outcome).toMatchObject({ ok: false });
  });
});

describe('the default mix (pnpm start)', () => {
  it('brings up healthy tunnels and produces failures at the same time', async () => {
    const bench = await startLabBench();
    running.push(bench);
    const port = labHostPort(bench.lab);
    await port.start();
    const mix = LAB_SCENARIOS.filter((scenario) => scenario.inDefaultMix);
    expect(mix.some((scenario) => scenario.kind === 'healthy')).toBe(true);
    expect(mix.filter((scenario) => scenario.kind === 'failing').length).toBeGreaterThanOrEqual(3);
    expect(bench.lab.status().filter((s) => s.running).map((s) => s.id)).toEqual(mix.map((scenario) => scenario.id));
    expect(port.describe()).toHaveLength(mix.length);
    await waitFor(
      () => ofType(bench.events, 'child.sa.up').length >= 2 && new Set(failureCodes(bench)).size >= 3,
      'two CHILD_SAs up and three kinds of failure',
      bench.events,
    );
    const healthyTunnel = bench.lab.scenarios.find((s) => s.id === 'healthy-psk')!.localTunnel;
    expect(forTunnel(ofType(bench.events, 'child.sa.up'), healthyTunnel)).toHaveLength(1);
    // The certificate scenarios of the mix: one tunnel up with certificates, one refused as expired.
    const certTunnel = bench.lab.scenarios.find((s) => s.id === 'cert-healthy')!.localTunnel;
    const expiredTunnel = bench.lab.scenarios.find((s) => s.id === 'cert-expired')!.localTunnel;
    await waitFor(
      () =>
        forTunnel(ofType(bench.events, 'child.sa.up'), certTunnel).length >= 1 &&
        forTunnel(ofType(bench.events, 'ike.negotiation.failed'), expiredTunnel).some((e) => e.code === 'no_public_key_found' && e.evidence?.['cause'] === 'expired'),
      'the certificate tunnel up and the expired certificate refused',
      bench.events,
    );
    await port.stop();
    expect(bench.lab.status().every((s) => !s.running)).toBe(true);
    // A graceful stop: the peers DELETEd their SAs, the local gateway has none left towards them.
    await waitFor(() => bench.local.listIkeSas().filter((sa) => sa.state === 'established').length === 0, 'no IKE SA left', bench.events);
  });
});
