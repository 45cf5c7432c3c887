import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncrId, IntegId, PrfId } from '../constants.ts';
import { bytesToHex, concatBytes, hexToBytes } from './bytes.ts';
import { aeadSeal, cbcEncrypt } from './encryption.ts';
import { computeIntegrity } from './integrity.ts';
import { deriveIkeSaKeys } from './key-derivation.ts';
import { openSk, sealSk, skBodyLength, skKeyPairFor, skKeysFor, skSuiteOf } from './sk.ts';
import type { SkKeys, SkSuite } from './sk.ts';

/**
 * RFC 7634 Appendix B: an INFORMATIONAL request (message ID 9) protected with
 * ChaCha20-Poly1305; key 80..9f, salt a0a1a2a3, IV 10..17. The decrypted
 * content is one Notify payload (12 bytes) and the Pad Length byte 00.
 */
describe('RFC 7634 Appendix B IKEv2 example', () => {
  const suite: SkSuite = { encr: EncrId.CHACHA20_POLY1305, encrKeyBits: 256, integ: IntegId.NONE };
  const keys: SkKeys = { encKey: hexToBytes('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f a0a1a2a3'), integKey: new Uint8Array(0) };
  const aad = hexToBytes('c0c1c2c3c4c5c6c7 d0d1d2d3d4d5d6d7 2e202500 00000009 00000045 29000029');
  const body = hexToBytes(`
    10 11 12 13 14 15 16 17
    61 03 94 70 1f 8d 01 7f 7c 12 92 48 89
    6b 71 bf e2 52 36 ef d7 cd c6 70 66 90 63 15 b2`);
  const innerPayloads = hexToBytes('00 00 00 0c 00 00 40 01 00 00 00 0a');

  it('openSk decrypts the message to its plaintext', () => {
    const result = openSk(suite, keys, aad, body);
    expect(result).toEqual({ ok: true, plaintext: innerPayloads });
  });

  it('sealSk with the same IV produces the same bytes', () => {
    expect(bytesToHex(sealSk(suite, keys, aad, innerPayloads, hexToBytes('1011121314151617')))).toBe(bytesToHex(body));
    // The SK payload length 0x29 = 4 + body; the message length 0x45 = 28 + 0x29.
    expect(skBodyLength(suite, innerPayloads.length)).toBe(0x29 - 4);
  });
});

/**
 * AES-GCM under the SK layout, with the draft-mcgrew-gcm-test-01 vector
 * (SPI 0000a5f8): its plaintext ends in an ESP trailer whose last byte (1)
 * reads as Pad Length 1 here, so openSk must return the plaintext minus 2 bytes.
 */
describe('AES-GCM body open', () => {
  it('opens draft-mcgrew-gcm-test-01 (SPI 0000a5f8) laid out as IV | ciphertext | ICV', () => {
    const suite: SkSuite = { encr: EncrId.AES_GCM_16, encrKeyBits: 128, integ: IntegId.NONE };
    const keys: SkKeys = { encKey: hexToBytes('feffe9928665731c6d6a8f9467308308 cafebabe'), integKey: new Uint8Array(0) };
    const plaintext = hexToBytes('4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d001000001000000000000037369700963796265726369747902646b00000100010001');
    const sealed = hexToBytes('deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd183b70d3aa8bc6ee4c309e9d85a41ad4a');
    const result = openSk(suite, keys, hexToBytes('0000a5f80000000a'), concatBytes(hexToBytes('facedbaddecaf888'), sealed));
    expect(result).toEqual({ ok: true, plaintext: plaintext.subarray(0, plaintext.length - 2) });
  });
});

interface SuiteCase {
  readonly name: string;
  readonly suite: SkSuite;
}

const SUITES: readonly SuiteCase[] = [
  ...[128, 192, 256].flatMap((bits) =>
    [IntegId.HMAC_SHA1_96, IntegId.HMAC_SHA2_256_128, IntegId.HMAC_SHA2_384_192, IntegId.HMAC_SHA2_512_256].map((integ) => ({
      name: `AES-CBC-${bits} + INTEG ${integ}`,
      suite: { encr: EncrId.AES_CBC, encrKeyBits: bits, integ },
    })),
  ),
  ...[128, 192, 256].map((bits) => ({ name: `AES-GCM-16-${bits}`, suite: { encr: EncrId.AES_GCM_16, encrKeyBits: bits, integ: IntegId.NONE } })),
  { name: 'ChaCha20-Poly1305', suite: { encr: EncrId.CHACHA20_POLY1305, encrKeyBits: 256, integ: IntegId.NONE } },
];

function keysFor(suite: SkSuite, seed: number): SkKeys {
  const keys = deriveIkeSaKeys({
    ...suite,
    prf: PrfId.HMAC_SHA2_256,
    ni: new Uint8Array(32).fill(seed),
    nr: new Uint8Array(32).fill(seed + 1),
    sharedSecret: new Uint8Array(64).fill(seed + 2),
    spiI: new Uint8Array(8).fill(1),
    spiR: new Uint8Array(8).fill(2),
  });
  return skKeysFor(keys, 'initiator');
}

const plaintextArb = fc.uint8Array({ minLength: 0, maxLength: 1100 });
const aadArb = fc.uint8Array({ minLength: 32, maxLength: 40 });

describe.each(SUITES)('SK seal/open: $name', ({ suite }) => {
  const keys = keysFor(suite, 3);

  it('round-trips any plaintext; body length is skBodyLength', () => {
    fc.assert(
      fc.property(plaintextArb, aadArb, (plaintext, aad) => {
        const body = sealSk(suite, keys, aad, plaintext);
        expect(body).toHaveLength(skBodyLength(suite, plaintext.length));
        expect(openSk(suite, keys, aad, body)).toEqual({ ok: true, plaintext });
      }),
      { numRuns: 60 },
    );
  });

  it('any single bit flip in aad or body gives reason "integrity"', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), aadArb, fc.nat(), fc.integer({ min: 0, max: 7 }), fc.boolean(), (plaintext, aad, position, bit, inAad) => {
        const body = sealSk(suite, keys, aad, plaintext);
        const target = inAad ? aad.slice() : body.slice();
        const index = position % target.length;
        target[index] = (target[index] ?? 0) ^ (1 << bit);
        const result = inAad ? openSk(suite, keys, target, body) : openSk(suite, keys, aad, target);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.reason).toBe('integrity');
      }),
      { numRuns: 80 },
    );
  });

  it('keys of the other direction do not open it', () => {
    const other = keysFor(suite, 50);
    const aad = new Uint8Array(32).fill(7);
    const body = sealSk(suite, keys, aad, new Uint8Array(20).fill(1));
    expect(openSk(suite, other, aad, body)).toMatchObject({ ok: false, reason: 'integrity' });
  });

  it('random bodies never throw and never open', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), aadArb, (body, aad) => {
        const result = openSk(suite, keys, aad, body);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('truncated bodies give reason "length" (never a throw)', () => {
    const aad = new Uint8Array(32);
    const body = sealSk(suite, keys, aad, new Uint8Array(0));
    for (let length = 0; length < body.length; length++) {
      const result = openSk(suite, keys, aad, body.subarray(0, length));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(['length', 'integrity']).toContain(result.reason);
    }
    expect(openSk(suite, keys, aad, new Uint8Array(0))).toMatchObject({ ok: false, reason: 'length' });
  });
});

describe('SK padding and parameters', () => {
  const cbc: SkSuite = { encr: EncrId.AES_CBC, encrKeyBits: 128, integ: IntegId.HMAC_SHA2_256_128 };
  const cbcKeys = keysFor(cbc, 9);

  it('CBC pads to the 16-byte block with the Pad Length byte last', () => {
    expect(skBodyLength(cbc, 0)).toBe(16 + 16 + 16);
    expect(skBodyLength(cbc, 15)).toBe(16 + 16 + 16);
    expect(skBodyLength(cbc, 16)).toBe(16 + 32 + 16);
    expect(skBodyLength({ encr: EncrId.AES_GCM_16, encrKeyBits: 256, integ: 0 }, 100)).toBe(8 + 101 + 16);
  });

  it('a Pad Length beyond the decrypted data gives reason "padding" (with a valid ICV)', () => {
    const iv = new Uint8Array(16).fill(5);
    const aad = new Uint8Array(32).fill(1);
    const block = new Uint8Array(16).fill(0);
    block[15] = 200;
    const ciphertext = cbcEncrypt(128, cbcKeys.encKey, iv, block);
    const icv = computeIntegrity(cbc.integ, cbcKeys.integKey, aad, iv, ciphertext);
    expect(openSk(cbc, cbcKeys, aad, concatBytes(iv, ciphertext, icv))).toMatchObject({ ok: false, reason: 'padding' });

    const aead: SkSuite = { encr: EncrId.AES_GCM_16, encrKeyBits: 128, integ: 0 };
    const aeadKeys = keysFor(aead, 9);
    const aeadIv = new Uint8Array(8).fill(3);
    const sealed = aeadSeal(aead.encr, 128, aeadKeys.encKey, aeadIv, aad, Uint8Array.of(1, 2, 7));
    expect(openSk(aead, aeadKeys, aad, concatBytes(aeadIv, sealed))).toMatchObject({ ok: false, reason: 'padding' });
  });

  it('accepts non-zero padding content from a peer', () => {
    const iv = new Uint8Array(16).fill(5);
    const aad = new Uint8Array(32).fill(1);
    const block = Uint8Array.of(1, 2, 3, 4, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x11, 0x22, 0x33, 0x44, 0x55, 10);
    const ciphertext = cbcEncrypt(128, cbcKeys.encKey, iv, block);
    const icv = computeIntegrity(cbc.integ, cbcKeys.integKey, aad, iv, ciphertext);
    expect(openSk(cbc, cbcKeys, aad, concatBytes(iv, ciphertext, icv))).toEqual({ ok: true, plaintext: Uint8Array.of(1, 2, 3, 4, 0xaa) });
  });

  it('throws for unimplemented suites, mismatched INTEG and wrong key or IV lengths', () => {
    const aad = new Uint8Array(32);
    expect(() => sealSk({ encr: EncrId.DES3, encrKeyBits: 192, integ: 2 }, cbcKeys, aad, aad)).toThrow(expect.objectContaining({ code: 'unsupported_transform' }));
    expect(() => sealSk({ encr: EncrId.AES_GCM_16, encrKeyBits: 128, integ: 12 }, cbcKeys, aad, aad)).toThrow(expect.objectContaining({ code: 'unsupported_transform' }));
    expect(() => sealSk({ ...cbc, integ: 0 }, cbcKeys, aad, aad)).toThrow(expect.objectContaining({ code: 'unsupported_transform' }));
    expect(() => sealSk(cbc, { ...cbcKeys, encKey: new Uint8Array(15) }, aad, aad)).toThrow(expect.objectContaining({ code: 'key_length' }));
    expect(() => openSk(cbc, { ...cbcKeys, integKey: new Uint8Array(20) }, aad, new Uint8Array(48))).toThrow(expect.objectContaining({ code: 'key_length' }));
    expect(() => sealSk(cbc, cbcKeys, aad, aad, new Uint8Array(8))).toThrow(expect.objectContaining({ code: 'iv_length' }));
  });
});

describe('direction keys', () => {
  it('skKeysFor picks SK_ei/SK_ai for the initiator and SK_er/SK_ar for the responder', () => {
    const keys = deriveIkeSaKeys({
      prf: PrfId.HMAC_SHA2_256,
      encr: EncrId.AES_CBC,
      encrKeyBits: 256,
      integ: IntegId.HMAC_SHA2_256_128,
      ni: new Uint8Array(16).fill(1),
      nr: new Uint8Array(16).fill(2),
      sharedSecret: new Uint8Array(32).fill(3),
      spiI: new Uint8Array(8).fill(4),
      spiR: new Uint8Array(8).fill(5),
    });
    expect(skKeysFor(keys, 'initiator')).toEqual({ encKey: keys.skEi, integKey: keys.skAi });
    expect(skKeysFor(keys, 'responder')).toEqual({ encKey: keys.skEr, integKey: keys.skAr });
    const responder = skKeyPairFor(keys, 'responder');
    expect(responder.outbound.encKey).toEqual(keys.skEr);
    expect(responder.inbound.encKey).toEqual(keys.skEi);
    expect(skSuiteOf(keys)).toEqual({ encr: EncrId.AES_CBC, encrKeyBits: 256, integ: IntegId.HMAC_SHA2_256_128 });
    // What the initiator seals, the responder opens with its inbound keys.
    const aad = new Uint8Array(32);
    const body = sealSk(skSuiteOf(keys), skKeyPairFor(keys, 'initiator').outbound, aad, Uint8Array.of(1, 2, 3));
    expect(openSk(skSuiteOf(keys), responder.inbound, aad, body)).toEqual({ ok: true, plaintext: Uint8Array.of(1, 2, 3) });
  });
});
