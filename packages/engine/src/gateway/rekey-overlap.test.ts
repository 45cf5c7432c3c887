/**
 * CHILD_SA exchanges overlapping an IKE SA rekey (RFC 7296 §2.8, §2.25):
 * two in-memory gateways with a one-way latency on the wire, so requests of
 * both sides cross, and time moved by the ManualClock.
 */
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '@tunnelscope/api';
import { countEvents } from '../stats/ike-stat-counters.ts';
import type { GatewayEvent } from '../ike/core-io.ts';
import { A_ADDRESS, ofType, pairTunnels, startBench, type Bench } from './__tests__/two-gateways.ts';
import type { IkeGateway } from './ike-gateway.ts';

/** Every datagram arrives `fromA`/`fromB` ms after it was sent (FIFO per direction), driven by the bench clock. */
function addOneWayLatency(bench: Bench, fromA: number, fromB: number): void {
  let releasing = false;
  bench.network.filter = (datagram) => {
    if (releasing) return [datagram];
    const delay = datagram.from.address === A_ADDRESS ? fromA : fromB;
    bench.clock.setTimer(bench.clock.now() + delay, () => {
      releasing = true;
      bench.network.enqueue(datagram);
      releasing = false;
      bench.network.deliverAll();
    });
    return [];
  };
}

function isUnknownSaEvent(event: GatewayEvent): event is LogEvent {
  return event.type === 'log.event' && (event.condition === 'unknown_child_sa' || event.condition === 'unknown_ike_sa' || event.condition === 'invalid_ike_spi_received');
}

/** One established IKE SA holding exactly one installed CHILD_SA, nothing half-made, and the two sides agree on the SPIs. */
function expectConsistentPair(a: IkeGateway, b: IkeGateway): void {
  for (const side of [a, b]) {
    const ikeSas = side.listIkeSas();
    expect(ikeSas.map((sa) => sa.state)).toEqual(['established']);
    const children = side.listChildSas();
    expect(children.map((child) => child.state)).toEqual(['installed']);
    expect(children[0]!.ikeSaId).toBe(ikeSas[0]!.id);
    expect(ikeSas[0]!.childSaIds).toEqual([children[0]!.id]);
  }
  const [ikeA, ikeB] = [a.listIkeSas()[0]!, b.listIkeSas()[0]!];
  expect([ikeA.spiInitiator, ikeA.spiResponder]).toEqual([ikeB.spiInitiator, ikeB.spiResponder]);
  const [childA, childB] = [a.listChildSas()[0]!, b.listChildSas()[0]!];
  expect(childA.spiInbound).toBe(childB.spiOutbound);
  expect(childA.spiOutbound).toBe(childB.spiInbound);
}

function expectCountersReconcile(bench: Bench): void {
  for (const [side, events] of [[bench.a, bench.eventsA], [bench.b, bench.eventsB]] as const) {
    expect(side.stats()).toEqual(countEvents(events));
    expect(side.stats().ikeSasActive).toBe(side.listIkeSas().filter((sa) => sa.state === 'established').length);
    expect(side.stats().ipsecSasActive).toBe(side.listChildSas().filter((child) => child.state === 'installed').length);
  }
}

async function establishedWithLatency(fromA: number, fromB: number, overrides: Parameters<typeof pairTunnels>[0] = {}, seed = 'overlap'): Promise<Bench> {
  const { a, b } = pairTunnels(overrides);
  const bench = await startBench({ a: [a], b: [b], seed });
  addOneWayLatency(bench, fromA, fromB);
  bench.a.initiate('ab');
  bench.advance(5_000, 100);
  expectConsistentPair(bench.a, bench.b);
  return bench;
}

describe('CHILD_SA exchange overlapping an IKE SA rekey', () => {
  it('our CHILD_SA rekey crossing the peer-initiated IKE SA rekey: both are refused with TEMPORARY_FAILURE, retried, and end on the new IKE SA', async () => {
    const bench = await establishedWithLatency(40, 40);
    const oldIkeSa = bench.a.listIkeSas()[0]!.id;
    expect(bench.a.rekeyChildSa(bench.a.listChildSas()[0]!.id)).toMatchObject({ ok: true });
    expect(bench.b.rekeyIkeSa(bench.b.listIkeSas()[0]!.id)).toMatchObject({ ok: true });
    bench.advance(60_000, 100);
    expectConsistentPair(bench.a, bench.b);
    expect(bench.a.listIkeSas()[0]!.id).not.toBe(oldIkeSa);
    for (const events of [bench.eventsA, bench.eventsB]) {
      expect(ofType(events, 'ike.sa.rekeyed')).toHaveLength(1);
      expect(ofType(events, 'child.sa.rekeyed')).toHaveLength(1);
      expect(ofType(events, 'child.sa.down')).toHaveLength(0);
      expect(events.filter(isUnknownSaEvent)).toEqual([]);
    }
    expect(ofType(bench.eventsA, 'log.event').map((e) => e.code)).toContain('rekey_overlap_refused');
    expect(ofType(bench.eventsB, 'log.event').map((e) => e.code)).toContain('rekey_overlap_refused');
    expectCountersReconcile(bench);
    await bench.stop();
  });

  it('the reverse: our IKE SA rekey crossing the peer-initiated CHILD_SA rekey', async () => {
    const bench = await establishedWithLatency(25, 70);
    expect(bench.a.rekeyIkeSa(bench.a.listIkeSas()[0]!.id)).toMatchObject({ ok: true });
    expect(bench.b.rekeyChildSa(bench.b.listChildSas()[0]!.id)).toMatchObject({ ok: true });
    bench.advance(60_000, 100);
    expectConsistentPair(bench.a, bench.b);
    for (const events of [bench.eventsA, bench.eventsB]) {
      expect(ofType(events, 'ike.sa.rekeyed')).toHaveLength(1);
      expect(ofType(events, 'child.sa.rekeyed')).toHaveLength(1);
      expect(events.filter(isUnknownSaEvent)).toEqual([]);
    }
    expectCountersReconcile(bench);
    await bench.stop();
  });

  it('a lost CHILD_SA rekey response and the peer\'s IKE SA rekey right after: the IKE rekey waits, so the CHILD_SA is not left on the old IKE SA (the reported unknown_child_sa loop)', async () => {
    const bench = await establishedWithLatency(20, 20);
    const oldChild = bench.a.listChildSas()[0]!;
    let dropped = 0;
    const withLatency = bench.network.filter!;
    bench.network.filter = (datagram) => {
      const fromB = datagram.from.address !== A_ADDRESS;
      const isCreateChildResponse = datagram.bytes[18] === 36 && ((datagram.bytes[19] ?? 0) & 0x20) !== 0;
      if (fromB && isCreateChildResponse && dropped === 0) {
        dropped++;
        return [];
      }
      return withLatency(datagram);
    };
    expect(bench.a.rekeyChildSa(oldChild.id)).toMatchObject({ ok: true });
    bench.advance(100, 10);
    expect(dropped).toBe(1);
    // B answered (its new CHILD_SA is installed) and now rekeys the IKE SA while A still waits for that answer.
    expect(bench.b.rekeyIkeSa(bench.b.listIkeSas()[0]!.id)).toMatchObject({ ok: true });
    bench.advance(120_000, 100);
    expectConsistentPair(bench.a, bench.b);
    expect(bench.a.listChildSas()[0]!.id).not.toBe(oldChild.id);
    for (const events of [bench.eventsA, bench.eventsB]) {
      expect(ofType(events, 'ike.sa.rekeyed')).toHaveLength(1);
      expect(ofType(events, 'child.sa.down')).toHaveLength(0);
      expect(events.filter(isUnknownSaEvent)).toEqual([]);
    }
    // Later rekeys of the CHILD_SA by either side find it.
    bench.b.rekeyChildSa(bench.b.listChildSas()[0]!.id);
    bench.advance(10_000, 100);
    expectConsistentPair(bench.a, bench.b);
    expect([...bench.eventsA, ...bench.eventsB].filter(isUnknownSaEvent)).toEqual([]);
    expectCountersReconcile(bench);
    await bench.stop();
  });

  it('one side never overlaps its own rekeys: a CHILD_SA rekey waits for the IKE SA rekey (it used to be dropped from the old SA\'s queue, leaving the CHILD_SA `rekeying` for good)', async () => {
    const bench = await establishedWithLatency(30, 30);
    const child = bench.a.listChildSas()[0]!;
    expect(bench.a.rekeyIkeSa(bench.a.listIkeSas()[0]!.id)).toMatchObject({ ok: true });
    expect(bench.a.rekeyChildSa(child.id)).toMatchObject({ ok: false, error: expect.stringContaining('being rekeyed') });
    bench.advance(1_000, 50);
    expect(bench.a.rekeyChildSa(child.id)).toMatchObject({ ok: true });
    expect(bench.a.rekeyIkeSa(bench.a.listIkeSas()[0]!.id)).toMatchObject({ ok: false, error: expect.stringContaining('CHILD_SA exchange is in flight') });
    bench.advance(1_000, 50);
    expectConsistentPair(bench.a, bench.b);
    expect(bench.a.listChildSas()[0]!.id).not.toBe(child.id);
    await bench.stop();
  });

  it('the soft-lifetime timers defer a CHILD_SA rekey that falls due during the IKE SA rekey, and vice versa', async () => {
    const bench = await establishedWithLatency(30, 30, { a: { ipsecLifetimeSeconds: 600, ikeLifetimeSeconds: 600 }, b: { ipsecLifetimeSeconds: 7200, ikeLifetimeSeconds: 7200 } });
    // Both of A's soft lifetimes fall due within the same round trip, over and over.
    bench.advance(4 * 3600_000, 1_000);
    expectConsistentPair(bench.a, bench.b);
    expect(ofType(bench.eventsA, 'ike.sa.rekeyed').length).toBeGreaterThanOrEqual(20);
    expect(ofType(bench.eventsA, 'child.sa.rekeyed').length).toBeGreaterThanOrEqual(20);
    expect([...bench.eventsA, ...bench.eventsB].filter(isUnknownSaEvent)).toEqual([]);
    expectCountersReconcile(bench);
    await bench.stop();
  });

  it('every offset between the two requests, both ways round and both latencies, ends consistent', async () => {
    for (const childSide of ['a', 'b'] as const) {
      for (const ikeSide of ['a', 'b'] as const) {
        if (childSide === ikeSide) continue;
        for (const [fromA, fromB] of [[50, 50], [20, 80]] as const) {
          for (const offsetMs of [-120, -60, -30, -10, 0, 10, 30, 60, 120]) {
            const bench = await establishedWithLatency(fromA, fromB);
            const side = (name: 'a' | 'b') => (name === 'a' ? bench.a : bench.b);
            const rekeyIke = () => side(ikeSide).rekeyIkeSa(side(ikeSide).listIkeSas()[0]!.id);
            const rekeyChild = () => side(childSide).rekeyChildSa(side(childSide).listChildSas()[0]!.id);
            const [first, second] = offsetMs < 0 ? [rekeyChild, rekeyIke] : [rekeyIke, rekeyChild];
            first();
            bench.advance(Math.abs(offsetMs), 1);
            second();
            bench.advance(60_000, 100);
            expectConsistentPair(bench.a, bench.b);
            expect([...bench.eventsA, ...bench.eventsB].filter(isUnknownSaEvent)).toEqual([]);
            expectCountersReconcile(bench);
            await bench.stop();
          }
        }
      }
    }
  });
});

describe('long mixed run', () => {
  it('hours of short, jittered lifetimes on both sides: no unknown SA, counters reconcile, one consistent pair at the end', async () => {
    for (const seed of ['mixed-1', 'mixed-2', 'mixed-3']) {
      const { a, b } = pairTunnels({ a: { ipsecLifetimeSeconds: 600, ikeLifetimeSeconds: 1200 }, b: { ipsecLifetimeSeconds: 660, ikeLifetimeSeconds: 1140 } });
      const bench = await startBench({ a: [a], b: [b], seed, coreA: { rekeyJitter: 0.3 }, coreB: { rekeyJitter: 0.3 } });
      addOneWayLatency(bench, 35, 55);
      bench.a.initiate('ab');
      bench.advance(6 * 3600_000, 1_000);
      // Stop at a quiet moment: no exchange in flight.
      bench.advance(1_000, 10);
      const events = [...bench.eventsA, ...bench.eventsB];
      expect(events.filter(isUnknownSaEvent)).toEqual([]);
      expect(ofType(events, 'ike.sa.down')).toEqual([]);
      expect(ofType(events, 'child.sa.down')).toEqual([]);
      expect(ofType(bench.eventsA, 'ike.sa.rekeyed').length + ofType(bench.eventsB, 'ike.sa.rekeyed').length).toBeGreaterThanOrEqual(2 * 15);
      expectCountersReconcile(bench);
      for (const side of [bench.a, bench.b]) {
        expect(side.stats().ikeRekeysDone).toBeGreaterThan(15);
        expect(side.stats().ipsecRekeysDone).toBeGreaterThan(30);
      }
      await bench.stop();
    }
  });
});
