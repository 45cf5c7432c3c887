/**
 * SA lifecycle between two in-memory gateways with time moved by the clock:
 * rekeys (with PFS, IKE SA, simultaneous), lifetimes, DELETE, DPD,
 * retransmission, one-sided SAs, cookies, fragmentation, NAT-T.
 */
import { describe, expect, it } from 'vitest';
import { countEvents } from '../stats/ike-stat-counters.ts';
import { A_ADDRESS, B_ADDRESS, codes, ofType, pairTunnels, startBench, type Bench } from './__tests__/two-gateways.ts';
import { IkeGateway } from './ike-gateway.ts';
import { MemoryTransport } from '@tunnelscope/test-utils';
import { seededEntropy } from '../ike/entropy.ts';
import { gatewayConfig } from './__tests__/two-gateways.ts';

async function established(overrides: Parameters<typeof pairTunnels>[0] = {}, bench?: Partial<Parameters<typeof startBench>[0]>): Promise<Bench> {
  const { a, b } = pairTunnels(overrides);
  const started = await startBench({ a: [a], b: [b], ...bench });
  started.a.initiate('ab');
  started.settle();
  expect(started.a.listIkeSas()[0]?.state).toBe('established');
  return started;
}

function installedPair(bench: Bench): void {
  const childrenA = bench.a.listChildSas().filter((c) => c.state === 'installed');
  const childrenB = bench.b.listChildSas().filter((c) => c.state === 'installed');
  expect(childrenA).toHaveLength(1);
  expect(childrenB).toHaveLength(1);
  expect(childrenA[0]!.spiInbound).toBe(childrenB[0]!.spiOutbound);
  expect(childrenA[0]!.spiOutbound).toBe(childrenB[0]!.spiInbound);
}

describe('rekeying', () => {
  it('CHILD_SA rekey with PFS replaces the CHILD_SA on both sides', async () => {
    const bench = await established({ a: { ipsecProposals: ['aes128gcm16-x25519'] }, b: { ipsecProposals: ['aes128gcm16-x25519'] } });
    const old = bench.a.listChildSas()[0]!;
    bench.a.snoop.setMode('brief');
    expect(bench.a.rekeyChildSa(old.id)).toMatchObject({ ok: true });
    bench.settle();
    const summaries = ofType(bench.eventsA, 'snoop.message').map((e) => e.summary);
    expect(summaries).toContain('CREATE_CHILD_SA request 2 [ N(REKEY_SA) SA No KE TSi TSr ]');
    expect(summaries).toContain('CREATE_CHILD_SA response 2 [ SA No KE TSi TSr ]');
    installedPair(bench);
    const fresh = bench.a.listChildSas()[0]!;
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.pfsGroup).toBe(31);
    for (const side of [bench.a, bench.b]) expect(side.stats()).toMatchObject({ ipsecSasActive: 1, ipsecRekeysDone: 1, ipsecNegotiationsDone: 1, ipsecRekeysActive: 0 });
    await bench.stop();
  });

  it('a second CHILD_SA with CREATE_CHILD_SA (PFS group asked for with INVALID_KE_PAYLOAD)', async () => {
    const bench = await established({ a: { ipsecProposals: ['aes128gcm16-x25519-ecp256'] }, b: { ipsecProposals: ['aes128gcm16-ecp256'] } });
    bench.a.snoop.setMode('brief');
    expect(bench.a.initiate('ab')).toMatchObject({ ok: true });
    bench.settle();
    expect(codes(bench.eventsA)).toContain('invalid_ke_retry');
    expect(bench.a.listChildSas().filter((c) => c.state === 'installed')).toHaveLength(2);
    expect(bench.b.listChildSas().filter((c) => c.state === 'installed')).toHaveLength(2);
    expect(bench.a.listChildSas()[1]).toMatchObject({ pfsGroup: 19 });
    expect(bench.a.stats()).toMatchObject({ ipsecSasActive: 2, ipsecNegotiationsDone: 2, ikeSasActive: 1, ikeNegotiationsDone: 1 });
    await bench.stop();
  });

  it('IKE SA rekey moves the CHILD_SAs to the new IKE SA and deletes the old one', async () => {
    const bench = await established();
    const old = bench.a.listIkeSas()[0]!;
    expect(bench.a.rekeyIkeSa(old.id)).toMatchObject({ ok: true });
    bench.settle();
    const [freshA] = bench.a.listIkeSas();
    const [freshB] = bench.b.listIkeSas();
    expect(bench.a.listIkeSas()).toHaveLength(1);
    expect(bench.b.listIkeSas()).toHaveLength(1);
    expect(freshA!.id).not.toBe(old.id);
    expect(freshA!.spiInitiator).toBe(freshB!.spiInitiator);
    expect(freshA!.spiResponder).toBe(freshB!.spiResponder);
    expect(freshA!.childSaIds).toHaveLength(1);
    for (const side of [bench.a, bench.b]) expect(side.stats()).toMatchObject({ ikeSasActive: 1, ikeRekeysDone: 1, ikeNegotiationsDone: 1, ipsecSasActive: 1 });
    // The new IKE SA works: a CHILD_SA rekey on it succeeds.
    bench.a.rekeyChildSa(bench.a.listChildSas()[0]!.id);
    bench.settle();
    installedPair(bench);
    await bench.stop();
  });

  it('simultaneous CHILD_SA rekey: the lowest nonce loses, both sides end with the same single CHILD_SA', async () => {
    const bench = await established();
    const childA = bench.a.listChildSas()[0]!;
    const childB = bench.b.listChildSas()[0]!;
    bench.a.rekeyChildSa(childA.id);
    bench.b.rekeyChildSa(childB.id);
    bench.settle();
    installedPair(bench);
    expect(codes(bench.eventsA)).toContain('rekey_collision');
    expect(codes(bench.eventsB)).toContain('rekey_collision');
    for (const side of [bench.a, bench.b]) expect(side.stats()).toMatchObject({ ipsecSasActive: 1, ipsecRekeysDone: 1, ipsecRekeysFailed: 1, ipsecRekeysActive: 0 });
    await bench.stop();
  });

  it('simultaneous IKE SA rekey: one new IKE SA survives on both sides', async () => {
    const bench = await established();
    bench.a.rekeyIkeSa(bench.a.listIkeSas()[0]!.id);
    bench.b.rekeyIkeSa(bench.b.listIkeSas()[0]!.id);
    bench.settle();
    expect(bench.a.listIkeSas()).toHaveLength(1);
    expect(bench.b.listIkeSas()).toHaveLength(1);
    expect(bench.a.listIkeSas()[0]!.spiInitiator).toBe(bench.b.listIkeSas()[0]!.spiInitiator);
    expect(bench.a.listIkeSas()[0]!.childSaIds).toHaveLength(1);
    for (const side of [bench.a, bench.b]) expect(side.stats()).toMatchObject({ ikeSasActive: 1, ikeRekeysDone: 1, ikeRekeysFailed: 1, ikeRekeysActive: 0 });
    await bench.stop();
  });

  it('lifetimes are not negotiated: the side with the shorter lifetime rekeys, nothing fails', async () => {
    const bench = await established({ a: { ipsecLifetimeSeconds: 600 }, b: { ipsecLifetimeSeconds: 3600 } });
    bench.advance(600_000, 5_000);
    expect(ofType(bench.eventsA, 'child.rekey.started').length).toBeGreaterThanOrEqual(1);
    expect(ofType(bench.eventsB, 'child.rekey.started').length).toBe(ofType(bench.eventsA, 'child.rekey.started').length);
    installedPair(bench);
    expect(bench.a.stats().ipsecRekeysFailed + bench.a.stats().ipsecNegotiationsFailed).toBe(0);
    // Rekey is jittered below the soft lifetime (90% of 600 s minus up to 5%).
    const rekeyAt = ofType(bench.eventsA, 'child.rekey.started')[0]!.time - bench.a.listIkeSas()[0]!.establishedAt!;
    expect(rekeyAt).toBeGreaterThan(500_000);
    expect(rekeyAt).toBeLessThanOrEqual(540_000);
    await bench.stop();
  });
});

describe('delete, liveness, retransmission', () => {
  it('DELETE of the IKE SA takes both sides down', async () => {
    const bench = await established();
    bench.a.deleteIkeSa(bench.a.listIkeSas()[0]!.id);
    bench.settle();
    expect(bench.a.listIkeSas()).toEqual([]);
    expect(bench.b.listIkeSas()).toEqual([]);
    expect(ofType(bench.eventsB, 'ike.sa.down')[0]).toMatchObject({ reason: 'deleted-by-peer' });
    expect(ofType(bench.eventsB, 'child.sa.down')).toHaveLength(1);
    for (const side of [bench.a, bench.b]) expect(side.stats()).toMatchObject({ ikeSasActive: 0, ipsecSasActive: 0 });
    await bench.stop();
  });

  it('DELETE of a CHILD_SA keeps the IKE SA', async () => {
    const bench = await established();
    bench.b.deleteChildSa(bench.b.listChildSas()[0]!.id);
    bench.settle();
    expect(bench.a.listChildSas()).toEqual([]);
    expect(bench.b.listChildSas()).toEqual([]);
    expect(bench.a.listIkeSas()).toHaveLength(1);
    await bench.stop();
  });

  it('one side deleted silently: the other side\'s next request meets INVALID_IKE_SPI (ike_invalid_cookie on both)', async () => {
    const bench = await established();
    // B loses its state (restart): a fresh gateway on B's addresses.
    await bench.b.stop();
    const { b } = pairTunnels();
    const restarted = new IkeGateway({
      config: gatewayConfig([b]),
      transport: new MemoryTransport(bench.network, [B_ADDRESS], 500, 4500),
      clock: bench.clock,
      entropy: seededEntropy('restarted'),
    });
    const restartedEvents: Parameters<typeof codes>[0] = [];
    restarted.subscribe((e) => restartedEvents.push(e));
    await restarted.start();
    bench.a.rekeyChildSa(bench.a.listChildSas()[0]!.id);
    bench.settle();
    expect(codes(restartedEvents)).toEqual(['ike_invalid_cookie']);
    expect(ofType(restartedEvents, 'log.event')[0]).toMatchObject({ condition: 'unknown_ike_sa' });
    const atA = ofType(bench.eventsA, 'log.event').find((e) => e.code === 'ike_invalid_cookie')!;
    expect(atA).toMatchObject({ condition: 'invalid_ike_spi_received' });
    expect(bench.a.listIkeSas()).toEqual([]);
    expect(ofType(bench.eventsA, 'ike.sa.down')[0]).toMatchObject({ reason: 'peer-lost-sa' });
    await restarted.stop();
    await bench.a.stop();
  });

  it('DPD detects a dead peer', async () => {
    const bench = await established();
    bench.network.filter = () => [];
    bench.advance(400_000, 1_000);
    const dead = ofType(bench.eventsA, 'log.event').find((e) => e.condition === 'dead_peer');
    expect(dead).toMatchObject({ code: 'peer_not_responding' });
    expect(ofType(bench.eventsA, 'ike.sa.down')[0]).toMatchObject({ reason: 'dpd-timeout' });
    expect(bench.a.listIkeSas()).toEqual([]);
    // DPD gave up within interval + timeout (30 s + 150 s), not after the full retransmit budget.
    expect(dead!.time - bench.eventsA[0]!.time).toBeLessThanOrEqual(181_000);
    await bench.stop();
  });

  it('retransmission exhaustion ends in peer_not_responding after the backoff schedule', async () => {
    const { a, b } = pairTunnels();
    const bench = await startBench({ a: [a], b: [b] });
    bench.network.filter = (d) => (d.to.address === B_ADDRESS ? [] : [d]);
    bench.a.snoop.setMode('brief');
    bench.a.initiate('ab');
    bench.advance(200_000, 500);
    const failure = ofType(bench.eventsA, 'log.event').find((e) => e.code === 'peer_not_responding')!;
    expect(failure).toMatchObject({ condition: 'retransmits_exhausted' });
    expect(failure.evidence.transmissions).toBe(6);
    expect(failure.evidence.datagramIds).toHaveLength(6);
    const sent = ofType(bench.eventsA, 'snoop.message').filter((e) => e.direction === 'out').map((e) => e.time - bench.eventsA[0]!.time);
    expect(sent).toEqual([0, 4000, 11200, 24160, 47488, 89478]);
    expect(bench.a.stats()).toMatchObject({ ikeNegotiationsFailed: 1, ikeNegotiationsActive: 0 });
    await bench.stop();
  });

  it('a lost response is recovered by retransmission (the responder resends its cached answer)', async () => {
    const { a, b } = pairTunnels();
    const bench = await startBench({ a: [a], b: [b] });
    let dropped = 0;
    bench.network.filter = (d) => {
      if (d.from.address === B_ADDRESS && dropped === 0 && d.bytes.length > 100 && d.bytes[18] === 35) {
        dropped++;
        return [];
      }
      return [d];
    };
    bench.a.initiate('ab');
    bench.advance(5_000, 500);
    expect(dropped).toBe(1);
    installedPair(bench);
    expect(bench.b.stats()).toMatchObject({ ikeNegotiationsDone: 1, ipsecNegotiationsDone: 1 });
    await bench.stop();
  });
});

describe('cookies, fragmentation, NAT-T', () => {
  it('COOKIE challenge once half-open SAs pass the threshold', async () => {
    const bench = await established({}, { engineB: { halfOpenThreshold: 0 } });
    expect(codes(bench.eventsA)).toContain('cookie_challenge');
    expect(codes(bench.eventsB)).toContain('cookie_challenge');
    expect(bench.b.stats()).toMatchObject({ ikeNegotiationsDone: 1, ikeNegotiationsFailed: 0 });
    await bench.stop();
  });

  it('below the threshold no cookie is asked; half-open SAs that never authenticate time out', async () => {
    const { a, b } = pairTunnels();
    const bench = await startBench({ a: [a], b: [b], engineB: { halfOpenThreshold: 1 } });
    bench.network.filter = (d) => (d.to.address === B_ADDRESS && d.bytes[18] === 35 ? [] : [d]);
    bench.a.initiate('ab');
    bench.settle();
    expect(bench.b.listIkeSas()[0]).toMatchObject({ state: 'half_open' });
    expect(codes(bench.eventsB)).not.toContain('cookie_challenge');
    // One half-open SA reaches the threshold: the next IKE_SA_INIT must return a cookie.
    bench.a.initiate('ab');
    bench.settle();
    expect(codes(bench.eventsB)).toContain('cookie_challenge');
    expect(codes(bench.eventsA)).toContain('cookie_challenge');
    bench.advance(31_000, 1_000);
    expect(ofType(bench.eventsB, 'log.event').find((e) => e.condition === 'half_open_timeout')).toMatchObject({ code: 'peer_not_responding' });
    expect(bench.b.listIkeSas()).toEqual([]);
    await bench.stop();
  });

  it('is deterministic: the same seeds give the same bytes on the wire', async () => {
    const wire = async () => {
      const bench = await established({ a: { ipsecProposals: ['aes128gcm16-x25519'] }, b: { ipsecProposals: ['aes128gcm16-x25519'] } });
      bench.a.rekeyChildSa(bench.a.listChildSas()[0]!.id);
      bench.settle();
      await bench.stop();
      return bench.network.log.map((d) => Buffer.from(d.bytes).toString('hex'));
    };
    const first = await wire();
    expect(first.length).toBeGreaterThan(6);
    expect(await wire()).toEqual(first);
  });

  it('IKE fragmentation (RFC 7383) with a small MTU', async () => {
    const { a, b } = pairTunnels();
    const bench = await startBench({ a: [a], b: [b], coreA: { fragmentMtu: 200 }, coreB: { fragmentMtu: 200 } });
    bench.a.snoop.setMode('brief');
    bench.b.snoop.setMode('brief');
    bench.a.initiate('ab');
    bench.settle();
    expect(bench.a.listIkeSas()[0]?.state).toBe('established');
    const sizes = bench.network.log.map((d) => d.bytes.length);
    expect(Math.max(...sizes.slice(2))).toBeLessThanOrEqual(200 - 28);
    expect(sizes.length).toBeGreaterThan(4);
    expect(bench.a.listIkeSas()[0]).toMatchObject({ fragmentation: true });
    installedPair(bench);
    // Snoop shows the fragments on the wire both ways: A's own after its whole IKE_AUTH request, B's received ones.
    const lines = (events: typeof bench.eventsA, direction: 'in' | 'out') =>
      ofType(events, 'snoop.message').filter((e) => e.direction === direction && e.summary.startsWith('IKE_AUTH request 1')).map((e) => e.summary);
    const sent = lines(bench.eventsA, 'out');
    const total = sent.length - 1;
    expect(total).toBeGreaterThan(1);
    expect(sent[0]).toMatch(/^IKE_AUTH request 1 \[ IDi /);
    expect(sent.slice(1)).toEqual(Array.from({ length: total }, (_, i) => `IKE_AUTH request 1 [ EF(${i + 1}/${total}) ]`));
    expect(lines(bench.eventsB, 'in').filter((line) => line.includes('EF('))).toEqual(sent.slice(1));
    await bench.stop();
  });

  it('a fragmented IKE_AUTH that never completes ends in peer_not_responding', async () => {
    const { a, b } = pairTunnels();
    const bench = await startBench({ a: [a], b: [b], coreA: { fragmentMtu: 200 }, coreB: { fragmentMtu: 200 } });
    let seen = 0;
    bench.network.filter = (d) => (d.to.address === B_ADDRESS && d.bytes[18] === 35 && seen++ % 2 === 1 ? [] : [d]);
    bench.a.initiate('ab');
    bench.advance(200_000, 1_000);
    const incomplete = ofType(bench.eventsB, 'log.event').filter((e) => e.condition === 'fragments_incomplete');
    expect(incomplete).toHaveLength(1);
    expect(incomplete[0]).toMatchObject({ code: 'peer_not_responding', evidence: { received: 1, total: 2 } });
    expect(ofType(bench.eventsB, 'ike.negotiation.failed')).toHaveLength(1);
    // A never gets an answer: its retransmissions end in INVALID_IKE_SPI once B gave the half-open SA up.
    expect(bench.a.stats()).toMatchObject({ ikeNegotiationsFailed: 1, ikeSasActive: 0 });
    await bench.stop();
  });

  it('NAT: both sides detect it, the initiator floats to the NAT-T port with the marker, the responder follows', async () => {
    const { a, b } = pairTunnels({ b: { remoteEndpoint: '10.0.0.99', remoteId: { type: 'ipv4', value: A_ADDRESS } } });
    const bench = await startBench({ a: [a], b: [b] });
    // A NAT in front of A: 10.0.0.1:p <-> 10.0.0.99:p+10000.
    bench.network.filter = (d) => {
      if (d.from.address === A_ADDRESS) return [{ ...d, from: { address: '10.0.0.99', port: d.from.port + 10000 } }];
      if (d.to.address === '10.0.0.99') return [{ ...d, to: { address: A_ADDRESS, port: d.to.port - 10000 } }];
      return [d];
    };
    bench.a.initiate('ab');
    bench.settle();
    const saA = bench.a.listIkeSas()[0]!;
    const saB = bench.b.listIkeSas()[0]!;
    expect(saA).toMatchObject({ state: 'established', natTPort: true, nat: { side: 'local' }, local: { port: 4500 }, remote: { port: 4500 } });
    expect(saB).toMatchObject({ state: 'established', nat: { side: 'remote' }, remote: { address: '10.0.0.99', port: 14500 }, local: { port: 4500 } });
    const markers = bench.network.log.filter((d) => d.to.port === 4500 || d.from.port === 4500 || d.to.port === 14500);
    expect(markers.length).toBeGreaterThan(0);
    for (const d of markers) expect([...d.bytes.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    await bench.stop();
  });
});

describe('NAT-T silence and late retransmissions', () => {
  it('silence after the move to the NAT-T port is peer_not_responding with that reason', async () => {
    const { a, b } = pairTunnels({ b: { remoteEndpoint: '10.0.0.99', remoteId: { type: 'ipv4', value: A_ADDRESS } } });
    const bench = await startBench({ a: [a], b: [b] });
    bench.network.filter = (d) => {
      if (d.to.port === 4500) return []; // a firewall that blocks the NAT-T port
      if (d.from.address === A_ADDRESS) return [{ ...d, from: { address: '10.0.0.99', port: d.from.port + 10000 } }];
      if (d.to.address === '10.0.0.99') return [{ ...d, to: { address: A_ADDRESS, port: d.to.port - 10000 } }];
      return [d];
    };
    bench.a.initiate('ab');
    bench.advance(200_000, 1_000);
    const failure = ofType(bench.eventsA, 'log.event').find((e) => e.code === 'peer_not_responding')!;
    expect(failure).toMatchObject({ condition: 'silent_after_nat_t_move' });
    expect(failure.message).toMatch(/NAT-T port 4500/);
    await bench.stop();
  });

  it('a late retransmission of IKE_SA_INIT after IKE_AUTH is dropped as a replay, not answered', async () => {
    const bench = await established();
    const init = bench.network.log[0]!;
    const sentBefore = bench.network.log.length;
    bench.network.enqueue(init);
    bench.settle();
    expect(bench.network.log.length).toBe(sentBefore + 1);
    expect(bench.b.drops().replayed).toBe(1);
    await bench.stop();
  });
});

describe('ike -stat counters', () => {
  it('reconcile with the event log after a long mixed run', async () => {
    const { a, b } = pairTunnels({ a: { ipsecLifetimeSeconds: 900, ikeLifetimeSeconds: 3600 }, b: { ipsecLifetimeSeconds: 1200 } });
    const bench = await startBench({ a: [a], b: [b] });
    bench.a.initiate('ab');
    bench.settle();
    bench.advance(2 * 3600_000, 10_000);
    bench.a.rekeyIkeSa(bench.a.listIkeSas()[0]!.id);
    bench.b.rekeyChildSa(bench.b.listChildSas()[0]!.id);
    bench.settle();
    bench.a.deleteIkeSa(bench.a.listIkeSas()[0]!.id);
    bench.settle();
    bench.b.initiate('ab');
    bench.settle();
    bench.network.filter = () => [];
    bench.advance(600_000, 5_000);
    for (const [side, events] of [[bench.a, bench.eventsA], [bench.b, bench.eventsB]] as const) {
      expect(side.stats()).toEqual(countEvents(events));
      expect(side.stats().ikeSasActive).toBe(side.listIkeSas().filter((s) => s.state === 'established').length);
      expect(side.stats().ipsecSasActive).toBe(side.listChildSas().filter((c) => c.state === 'installed').length);
      expect(side.stats().ikeNegotiationsActive).toBe(0);
      expect(side.stats().ikeRekeysDone).toBeGreaterThan(0);
      expect(side.stats().ipsecRekeysDone).toBeGreaterThan(0);
    }
    await bench.stop();
  });
});
