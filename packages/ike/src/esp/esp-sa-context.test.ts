/**
 * The per-SA context cache and the random IV pool behind sealEsp/openEsp:
 * the cache never serves a stale suite or key, and pooled IVs are fresh
 * for every packet, across pool refills.
 */
import { describe, expect, it } from 'vitest';
import { EncrId, IntegId } from '../constants.ts';
import { bytesToHex } from '../crypto/bytes.ts';
import { aeadSeal } from '../crypto/encryption.ts';
import { CryptoError } from '../crypto/errors.ts';
import { espAssociatedData } from './esp-packet.ts';
import { espSaContext, writeRandomIv } from './esp-sa-context.ts';
import { openEsp, sealEsp } from './esp-transform.ts';
import type { EspOutboundSa, EspSuite } from './esp-transform.ts';
import { createReplayWindow } from './replay-window.ts';

const GCM128: EspSuite = { encr: EncrId.AES_GCM_16, encrKeyBits: 128, integ: IntegId.NONE, esn: false };

function gcmSa(encKey: Uint8Array, suite: EspSuite = GCM128): EspOutboundSa {
  return { spi: 0x1234, suite, encKey, integKey: new Uint8Array(0), nextSequence: 1n };
}

const ipv4 = (length: number): Uint8Array => {
  const packet = new Uint8Array(length);
  packet[0] = 0x45;
  packet[2] = length >> 8;
  packet[3] = length & 0xff;
  return packet;
};

describe('random IVs', () => {
  it('gives every packet a fresh 8-byte IV, across pool refills (1500 packets = 12000 pool bytes)', () => {
    let sa = gcmSa(new Uint8Array(20).fill(7));
    const seen = new Set<string>();
    for (let i = 0; i < 1500; i++) {
      const sealed = sealEsp(sa, { nextHeader: 4, payload: ipv4(20) });
      if (!sealed.ok) throw new Error(sealed.detail);
      seen.add(bytesToHex(sealed.packet.subarray(8, 16)));
      sa = { ...sa, nextSequence: sealed.nextSequence };
    }
    expect(seen.size).toBe(1500);
  });

  it('writes exactly the requested bytes at the offset', () => {
    const target = new Uint8Array(40).fill(0xee);
    writeRandomIv(target, 4, 16);
    expect([...target.subarray(0, 4), ...target.subarray(20)]).toEqual(new Array(24).fill(0xee));
    expect(() => writeRandomIv(target, 0, 5000)).toThrow(RangeError);
  });
});

describe('SA context cache', () => {
  it('seals exactly what the reference AEAD gives for the nonce and AAD (pooled IV)', () => {
    const encKey = Uint8Array.from({ length: 20 }, (_, i) => i * 11);
    const payload = ipv4(60);
    const sealed = sealEsp(gcmSa(encKey), { nextHeader: 4, payload, tfcPadding: 5 });
    if (!sealed.ok) throw new Error(sealed.detail);
    const iv = sealed.packet.subarray(8, 16);
    // payload (60) | 5 TFC zeros | padding 01 | Pad Length 1 | Next Header 4: 68 bytes, a multiple of 4.
    const bodyLength = 65;
    const padLength = 1;
    const plaintext = new Uint8Array(bodyLength + padLength + 2);
    plaintext.set(payload);
    for (let i = 0; i < padLength; i++) plaintext[bodyLength + i] = i + 1;
    plaintext[plaintext.length - 2] = padLength;
    plaintext[plaintext.length - 1] = 4;
    const expected = aeadSeal(EncrId.AES_GCM_16, 128, encKey, iv, espAssociatedData(0x1234, 1n, false), plaintext);
    expect(bytesToHex(sealed.packet.subarray(16))).toBe(bytesToHex(expected));
  });

  it('honours key bytes rewritten in place (the context holds views, not copies)', () => {
    const encKey = new Uint8Array(20).fill(1);
    const first = sealEsp(gcmSa(encKey), { nextHeader: 4, payload: ipv4(40) });
    if (!first.ok) throw new Error(first.detail);
    encKey.fill(2);
    const second = sealEsp(gcmSa(encKey), { nextHeader: 4, payload: ipv4(40) });
    if (!second.ok) throw new Error(second.detail);
    const inbound = (key: Uint8Array) => ({ ...gcmSa(key), replay: createReplayWindow() });
    expect(openEsp(inbound(new Uint8Array(20).fill(2)), second.packet).ok).toBe(true);
    expect(openEsp(inbound(new Uint8Array(20).fill(2)), first.packet)).toMatchObject({ ok: false, reason: 'integrity' });
  });

  it('resolves a different suite on the same key object anew (and refuses a wrong key length)', () => {
    const encKey = new Uint8Array(20);
    expect(espSaContext(gcmSa(encKey)).cipherName).toBe('aes-128-gcm');
    expect(() => espSaContext(gcmSa(encKey, { ...GCM128, encrKeyBits: 256 }))).toThrow(CryptoError);
    expect(() => espSaContext({ ...gcmSa(encKey), integKey: new Uint8Array(20) })).toThrow(CryptoError);
    expect(espSaContext(gcmSa(encKey)).cipherKey).toHaveLength(16);
  });
});
