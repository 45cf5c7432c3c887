/**
 * Our codec, crypto and offline decoder against real strongSwan 5.9.8
 * traffic: every recorded message must summarize exactly as charon logged
 * it (`parsed ...` / `generating ...`), and our key derivation must
 * reproduce charon's `ike = 4` SKEYSEED and SK_* byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { decodeIkeCapture } from '@tunnelscope/engine';
import { deriveIkeSaKeys, deriveRekeyedIkeSaKeys, type IkeSaKeys } from '@tunnelscope/ike';
import { parseIkeMessages } from '../charon-log.ts';
import { fixtureKeyEntries, fixtureNames, hexBytes, loadFixture, suiteOf, type Fixture } from './strongswan-fixtures.ts';

const names = fixtureNames();

function decodeAs(f: Fixture, side: 'a' | 'b') {
  const s = f.keys.sides;
  return decodeIkeCapture(f.capture, {
    keys: fixtureKeyEntries(f),
    local: s[side].address,
    ports: [s.a.ikePort, s.a.natTPort, s.b.ikePort, s.b.natTPort],
  });
}

describe('strongSwan fixtures', () => {
  it('are present', () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
  });

  describe.each(names)('%s', (name) => {
    const f = loadFixture(name);

    it.each(['a', 'b'] as const)('summarizes every message exactly as charon %s logged it', (side) => {
      const result = decodeAs(f, side);
      expect(result.entries.every((e) => e.note === undefined)).toBe(true);
      const ours = result.entries.map((e) => `${e.snoop.direction === 'in' ? 'parsed' : 'generating'} ${e.snoop.summary}`);
      const charon = parseIkeMessages(side === 'a' ? f.logA : f.logB).map(
        (m) => `${m.direction} ${m.exchange} ${m.kind} ${m.messageId} [${m.payloads ? ` ${m.payloads}` : ''} ]`,
      );
      expect(ours).toEqual(charon);
    });

    it("derives charon's SKEYSEED and SK_* byte for byte", () => {
      const derived: IkeSaKeys[] = [];
      for (const sa of f.keys.ikeSas) {
        const suite = suiteOf(sa);
        const params = {
          prf: suite.prf,
          encr: suite.encr,
          encrKeyBits: suite.encrKeyBits,
          integ: suite.integ,
          ni: hexBytes(sa.nonceI),
          nr: hexBytes(sa.nonceR),
          sharedSecret: hexBytes(sa.dhSecret),
          spiI: hexBytes(sa.spiI),
          spiR: hexBytes(sa.spiR),
        };
        let keys: IkeSaKeys;
        if (sa.createdBy === 'IKE_SA_INIT') {
          keys = deriveIkeSaKeys(params);
        } else {
          const old = /rekey of IKE_SA (\d+)/.exec(sa.createdBy);
          expect(old, `createdBy "${sa.createdBy}"`).not.toBeNull();
          const oldIndex = Number(old![1]);
          const oldSa = f.keys.ikeSas[oldIndex]!;
          keys = deriveRekeyedIkeSaKeys({ ...params, oldPrf: suiteOf(oldSa).prf, oldSkD: derived[oldIndex]!.skD });
        }
        derived.push(keys);
        const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
        expect(hex(keys.skeyseed)).toBe(sa.skeyseed);
        expect(hex(keys.skD)).toBe(sa.skD);
        expect(hex(keys.skEi)).toBe(sa.skEi);
        expect(hex(keys.skEr)).toBe(sa.skEr);
        expect(hex(keys.skAi)).toBe(sa.skAi ?? '');
        expect(hex(keys.skAr)).toBe(sa.skAr ?? '');
        expect(hex(keys.skPi)).toBe(sa.skPi);
        expect(hex(keys.skPr)).toBe(sa.skPr);
      }
    });

    it('says so, instead of guessing, when it has no keys', () => {
      const s = f.keys.sides;
      const result = decodeIkeCapture(f.capture, { ports: [s.a.ikePort, s.a.natTPort, s.b.ikePort, s.b.natTPort] });
      for (const e of result.entries) {
        if (e.snoop.summary.includes(' E ')) expect(e.note).toMatch(/no keys for IKE SA/);
        else expect(e.note).toBeUndefined();
      }
      // The first IKE_SA_INIT's responder is the default local side.
      expect(result.local).toEqual({ address: s.b.address, reason: 'first_ike_sa_init_responder' });
    });
  });
});
