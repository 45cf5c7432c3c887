/**
 * The recorded strongSwan fixtures are internally consistent, and our
 * readers handle them: every captured IKE message decrypts with the keys in
 * keys.json, the key material parsed from the logs equals keys.json, and the
 * logs' message lines account for every frame. Pure: no tools needed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCapture, splitNonEspMarker } from '@tunnelscope/ike';
import { parseIkeKeys, parseIkeMessages, parsePacketLine, parseCharonLogLine } from './charon-log.ts';
import { decryptIkeMessage, readIkeHeader } from './ike-oracle.ts';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../ike/test-fixtures/strongswan');

interface KeysJson {
  ikeSas: {
    spiI: string;
    spiR: string;
    algorithms: { encr: string; keySize?: number; integ?: string };
    skeyseed: string;
    skEi: string;
    skEr: string;
    skAi?: string;
    skAr?: string;
    frames: number[];
  }[];
  frames: { frame: number; ikeSa: number | null; exchange: string; messageId: number }[];
}

const scenarios = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (value: string | undefined): Uint8Array | undefined => (value === undefined ? undefined : Buffer.from(value, 'hex'));

describe('recorded strongSwan fixtures', () => {
  it('has all scenarios', () => {
    expect(scenarios.map((s) => s.slice(0, 2))).toEqual(['a-', 'b-', 'c-', 'd-', 'e-', 'f-', 'g-', 'h-']);
  });

  describe.each(scenarios)('%s', (scenario) => {
    const dir = join(FIXTURES, scenario);
    const records = readCapture(readFileSync(join(dir, 'capture.pcap')));
    const keys = JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')) as KeysJson;
    const logA = readFileSync(join(dir, 'charon-a.log'), 'utf8');
    const logB = readFileSync(join(dir, 'charon-b.log'), 'utf8');

    it('carries only IKE messages with the non-ESP marker', () => {
      expect(records.length).toBe(keys.frames.length);
      for (const record of records) expect(splitNonEspMarker(record.payload).kind).toBe('ike');
    });

    it('decrypts every encrypted frame with the keys in keys.json', () => {
      for (const frame of keys.frames) {
        if (frame.ikeSa === null) continue;
        const sa = keys.ikeSas[frame.ikeSa];
        const record = records[frame.frame - 1];
        if (!sa || !record) throw new Error(`frame ${frame.frame} missing`);
        const split = splitNonEspMarker(record.payload);
        if (split.kind !== 'ike') throw new Error('not IKE');
        const header = readIkeHeader(split.ike);
        expect([header.spiI, header.spiR]).toEqual([sa.spiI, sa.spiR]);
        const decrypted = decryptIkeMessage(split.ike, {
          encr: sa.algorithms.encr,
          keySize: sa.algorithms.keySize,
          integ: sa.algorithms.integ,
          skEi: bytes(sa.skEi) ?? new Uint8Array(),
          skEr: bytes(sa.skEr) ?? new Uint8Array(),
          skAi: bytes(sa.skAi),
          skAr: bytes(sa.skAr),
        });
        expect(decrypted, `frame ${frame.frame}`).toBeDefined();
      }
    });

    it('logs the same key material on both sides as keys.json', () => {
      const fromA = parseIkeKeys(logA).map((k) => hex(k.skeyseed));
      const fromB = parseIkeKeys(logB).map((k) => hex(k.skeyseed));
      expect(fromA).toEqual(keys.ikeSas.map((sa) => sa.skeyseed));
      expect(fromB).toEqual(fromA);
    });

    it('logs one generating line per sent message and one packet line per frame', () => {
      const sentByA = records.filter((r) => r.src.address === '127.0.0.1').length;
      const sentByB = records.length - sentByA;
      const sending = (log: string): number =>
        log.split('\n').filter((l) => {
          const line = parseCharonLogLine(l);
          return line !== undefined && parsePacketLine(line)?.direction === 'sending';
        }).length;
      expect(sending(logA)).toBe(sentByA);
      expect(sending(logB)).toBe(sentByB);
      const generated = parseIkeMessages(logA).filter((m) => m.direction === 'generating').length;
      expect(generated).toBe(sentByA);
    });
  });
});
