/**
 * Snoop lines and -full decodes come from the stored bytes, and no event,
 * snoop line or log ever carries a PSK or SK_* key.
 */
import { describe, expect, it } from 'vitest';
import { ofType, pairTunnels, startBench } from './__tests__/two-gateways.ts';
import type { IkeDaemonCore } from '../ike/daemon-core.ts';

const bytesToHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

describe('snoop', () => {
  it('-full carries the structured decode; -off publishes nothing; a peer filter limits lines', async () => {
    const { a, b } = pairTunnels();
    const bench = await startBench({ a: [a], b: [b] });
    bench.b.snoop.setMode('full');
    bench.a.initiate('ab');
    bench.settle();
    const lines = ofType(bench.eventsB, 'snoop.message');
    expect(lines).toHaveLength(4);
    expect(lines[2]!.detail).toMatchObject({ summary: 'IKE_AUTH request 1 [ IDi N(INIT_CONTACT) AUTH SA TSi TSr ]' });
    // The stored bytes render to the same line again, with the SA's keys.
    const stored = bench.b.renderDatagram(lines[2]!.datagramIds[0]!, 'full')!;
    expect(stored.summary).toBe(lines[2]!.summary);
    expect(stored.detail).toEqual(lines[2]!.detail);
    expect(stored).toMatchObject({ exchange: 'IKE_AUTH', messageId: 1, response: false, errorCodes: [] });
    bench.b.snoop.setMode('off');
    bench.a.deleteIkeSa(bench.a.listIkeSas()[0]!.id);
    bench.settle();
    expect(ofType(bench.eventsB, 'snoop.message')).toHaveLength(4);
    bench.b.snoop.setMode('brief', { peer: '10.9.9.9' });
    bench.a.initiate('ab');
    bench.settle();
    expect(ofType(bench.eventsB, 'snoop.message')).toHaveLength(4);
    expect(bench.b.datagrams.size()).toBe(10);
    await bench.stop();
  });
});

describe('secrets', () => {
  it('never appear in events (PSK as text and hex, SK_* keys, ESP keys)', async () => {
    const { a, b } = pairTunnels({
      a: { auth: { method: 'psk', psk: { type: 'hex', value: '00112233445566778899aabbccddeeff' } } },
      b: { auth: { method: 'psk', psk: { type: 'passphrase', value: '00112233445566778899aabbccddeeff' } } },
    });
    const bench = await startBench({ a: [a], b: [b] });
    bench.a.snoop.setMode('full');
    bench.b.snoop.setMode('full');
    bench.a.initiate('ab');
    bench.settle();
    // Fix the key type, get an SA up, rekey it: plenty of keys to leak.
    const fixed = pairTunnels();
    bench.b.applyConfig({ ...(bench.b['core'] as IkeDaemonCore).config, tunnels: [fixed.b] });
    bench.a.applyConfig({ ...(bench.a['core'] as IkeDaemonCore).config, tunnels: [fixed.a] });
    bench.a.initiate('ab');
    bench.settle();
    bench.a.rekeyIkeSa(bench.a.listIkeSas()[0]!.id);
    bench.settle();
    const secrets = ['00112233445566778899aabbccddeeff', 's3cret-key', bytesToHex(new TextEncoder().encode('s3cret-key'))];
    for (const gateway of [bench.a, bench.b]) {
      const core = gateway['core'] as IkeDaemonCore;
      for (const sa of core.ikeSas.values()) {
        const keys = sa.keys!;
        for (const key of [keys.skD, keys.skAi, keys.skAr, keys.skEi, keys.skEr, keys.skPi, keys.skPr, keys.skeyseed]) if (key.length > 0) secrets.push(bytesToHex(key));
      }
      for (const child of core.childSas.values()) {
        for (const direction of [child.keys!.initiatorToResponder, child.keys!.responderToInitiator]) {
          secrets.push(bytesToHex(direction.encKey));
          if (direction.integKey.length > 0) secrets.push(bytesToHex(direction.integKey));
        }
      }
    }
    const everything = JSON.stringify([...bench.eventsA, ...bench.eventsB], (_k, v: unknown) => (v instanceof Uint8Array ? bytesToHex(v) : v)).toLowerCase();
    expect(everything.length).toBeGreaterThan(10_000);
    for (const secret of secrets) expect(everything.includes(secret.toLowerCase()), `leaked ${secret.slice(0, 8)}…`).toBe(false);
    await bench.stop();
  });
});
