/**
 * Session-key capture: keys reach only `onSessionKeys` listeners, only for
 * tunnels with capture on, for the first IKE SA and every rekeyed one; the
 * event bus never carries them.
 */
import { describe, expect, it } from 'vitest';
import { formatDecryptionTable, parseDecryptionTable } from '@tunnelscope/ike';
import { pairTunnels, startBench } from './__tests__/two-gateways.ts';
import type { SessionKeys } from './ike-gateway.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('session-key capture', () => {
  it('delivers nothing while capture is off', async () => {
    const { a, b } = pairTunnels();
    const bench = await startBench({ a: [a], b: [b] });
    const delivered: SessionKeys[] = [];
    bench.b.onSessionKeys((keys) => delivered.push(keys));
    bench.a.initiate('ab');
    bench.settle();
    bench.b.rekeyIkeSa(bench.b.listIkeSas()[0]!.id);
    bench.settle();
    expect(delivered).toEqual([]);
    await bench.stop();
  });

  it('on: the live SA at once, then every rekeyed SA; off again: nothing more; keys never on the event bus', async () => {
    const { a, b } = pairTunnels();
    const bench = await startBench({ a: [a], b: [b] });
    const delivered: SessionKeys[] = [];
    const unsubscribe = bench.b.onSessionKeys((keys) => delivered.push(keys));
    bench.a.initiate('ab');
    bench.settle();
    bench.b.setKeyCapture('ab', true);
    expect(bench.b.keyCaptureEnabled()).toEqual(['ab']);
    const first = bench.b.listIkeSas()[0]!;
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ tunnel: 'ab', ikeSaId: first.id });
    expect(hex(delivered[0]!.entry.spiInitiator)).toBe(first.spiInitiator);
    expect(hex(delivered[0]!.entry.spiResponder)).toBe(first.spiResponder);
    // The table line round-trips through Wireshark's format.
    const table = formatDecryptionTable([delivered[0]!.entry]);
    expect(parseDecryptionTable(table)[0]!.skEi).toEqual(delivered[0]!.entry.skEi);

    bench.a.rekeyIkeSa(bench.a.listIkeSas()[0]!.id);
    bench.settle();
    const rekeyed = bench.b.listIkeSas().find((sa) => sa.state === 'established')!;
    expect(delivered.map((d) => d.ikeSaId)).toEqual([first.id, rekeyed.id]);
    expect(delivered[1]!.entry.skEi).not.toEqual(delivered[0]!.entry.skEi);

    bench.b.setKeyCapture('ab', false);
    bench.a.rekeyIkeSa(bench.a.listIkeSas()[0]!.id);
    bench.settle();
    expect(delivered).toHaveLength(2);

    const published = JSON.stringify(bench.eventsB);
    for (const { entry } of delivered) {
      for (const key of [entry.skEi, entry.skEr]) expect(published).not.toContain(hex(key));
    }
    unsubscribe();
    bench.b.setKeyCapture('ab', true);
    expect(delivered).toHaveLength(2);
    await bench.stop();
  });

  it('a new negotiation of a capture-enabled tunnel is delivered on both sides, initiator and responder', async () => {
    const { a, b } = pairTunnels();
    const bench = await startBench({ a: [a], b: [b] });
    const atA: SessionKeys[] = [];
    const atB: SessionKeys[] = [];
    bench.a.onSessionKeys((keys) => atA.push(keys));
    bench.b.onSessionKeys((keys) => atB.push(keys));
    bench.a.setKeyCapture('ab', true);
    bench.b.setKeyCapture('ab', true);
    bench.a.initiate('ab');
    bench.settle();
    expect(atA).toHaveLength(1);
    expect(atB).toHaveLength(1);
    expect(formatDecryptionTable([atA[0]!.entry])).toBe(formatDecryptionTable([atB[0]!.entry]));
    await bench.stop();
  });
});
