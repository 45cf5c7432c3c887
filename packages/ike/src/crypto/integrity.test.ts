import { describe, expect, it } from 'vitest';
import { IntegId, PrfId } from '../constants.ts';
import { bytesToHex, hexToBytes } from './bytes.ts';
import { computeIntegrity, verifyIntegrity } from './integrity.ts';
import { prf } from './prf.ts';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const repeat = (byte: number, count: number): Uint8Array => new Uint8Array(count).fill(byte);

/**
 * RFC 4868 §2.7.2 authenticator test vectors (keys as long as the hash
 * output), truncated to the ICV length of §2.1, and RFC 2202 §3 test case 5
 * for the HMAC-SHA1-96 truncation (RFC 2404).
 */
const RFC4868_AUTH = [
  { name: 'AUTH256-1', integ: IntegId.HMAC_SHA2_256_128, key: repeat(0x0b, 32), data: ascii('Hi There'), full: '198a607eb44bfbc69903a0f1cf2bbdc5ba0aa3f3d9ae3c1c7a3b1696a0b68cf7' },
  { name: 'AUTH256-2', integ: IntegId.HMAC_SHA2_256_128, key: hexToBytes('4a656665'.repeat(8)), data: ascii('what do ya want for nothing?'), full: '167f928588c5cc2eef8e3093caa0e87c9ff566a14794aa61648d81621a2a40c6' },
  { name: 'AUTH256-3', integ: IntegId.HMAC_SHA2_256_128, key: repeat(0xaa, 32), data: repeat(0xdd, 50), full: 'cdcb1220d1ecccea91e53aba3092f962e549fe6ce9ed7fdc43191fbde45c30b0' },
  {
    name: 'AUTH256-4',
    integ: IntegId.HMAC_SHA2_256_128,
    key: hexToBytes('0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20'),
    data: repeat(0xcd, 50),
    full: '372efcf9b40b35c2115b1346903d2ef42fced46f0846e7257bb156d3d7b30d3f',
  },
  { name: 'AUTH384-1', integ: IntegId.HMAC_SHA2_384_192, key: repeat(0x0b, 48), data: ascii('Hi There'), full: 'b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee9737a959796489bddbc4c5df61d5b3297b4fb68dab9f1b582c2' },
  { name: 'AUTH384-2', integ: IntegId.HMAC_SHA2_384_192, key: hexToBytes('4a656665'.repeat(12)), data: ascii('what do ya want for nothing?'), full: '2c7353974f1842fd66d53c452ca42122b28c0b594cfb184da86a368e9b8e16f5349524ca4e82400cbde0686d403371c9' },
  {
    name: 'AUTH512-1',
    integ: IntegId.HMAC_SHA2_512_256,
    key: repeat(0x0b, 64),
    data: ascii('Hi There'),
    full: '637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8ac2878ebd5803f6f0b61dbce5e251ff8789a4722c1be65aea45fd464e89f8f5b',
  },
];

describe('integrity transforms — RFC 4868 / RFC 2404 known answers', () => {
  for (const vector of RFC4868_AUTH) {
    it(`${vector.name}: truncated HMAC`, () => {
      const icv = computeIntegrity(vector.integ, vector.key, vector.data);
      expect(bytesToHex(icv)).toBe(vector.full.slice(0, icv.length * 2));
      expect(icv.length * 8).toBe({ [IntegId.HMAC_SHA2_256_128]: 128, [IntegId.HMAC_SHA2_384_192]: 192, [IntegId.HMAC_SHA2_512_256]: 256 }[vector.integ]);
    });
  }

  it('AUTH_HMAC_SHA1_96 — RFC 2202 test case 5 truncated to 96 bits', () => {
    expect(bytesToHex(computeIntegrity(IntegId.HMAC_SHA1_96, repeat(0x0c, 20), ascii('Test With Truncation')))).toBe('4c1a03424b55e07fe7f27be1');
  });

  it('RFC 4231 test case 5 (§4.6): HMAC truncated to 128 bits', () => {
    // RFC 4231's key is 20 bytes, shorter than these integrity transforms take, so
    // the truncation is checked on the HMAC (prf) the transforms are built on.
    const key = repeat(0x0c, 20);
    const data = ascii('Test With Truncation');
    expect(bytesToHex(prf(PrfId.HMAC_SHA2_256, key, data).subarray(0, 16))).toBe('a3b6167473100ee06e0c796c2955552b');
    expect(bytesToHex(prf(PrfId.HMAC_SHA2_384, key, data).subarray(0, 16))).toBe('3abf34c3503b2a23a46efc619baef897');
    expect(bytesToHex(prf(PrfId.HMAC_SHA2_512, key, data).subarray(0, 16))).toBe('415fad6271580a531d4179bc891d87a6');
  });

  it('hashes the parts as one concatenation', () => {
    const key = repeat(0x0b, 32);
    expect(computeIntegrity(IntegId.HMAC_SHA2_256_128, key, ascii('Hi '), ascii('There'))).toEqual(computeIntegrity(IntegId.HMAC_SHA2_256_128, key, ascii('Hi There')));
  });

  it('verifies in constant time and rejects a wrong ICV or key length', () => {
    const key = repeat(0x0b, 32);
    const icv = computeIntegrity(IntegId.HMAC_SHA2_256_128, key, ascii('Hi There'));
    expect(verifyIntegrity(IntegId.HMAC_SHA2_256_128, key, icv, ascii('Hi There'))).toBe(true);
    const bad = icv.slice();
    bad[0] = (bad[0] ?? 0) ^ 1;
    expect(verifyIntegrity(IntegId.HMAC_SHA2_256_128, key, bad, ascii('Hi There'))).toBe(false);
    expect(verifyIntegrity(IntegId.HMAC_SHA2_256_128, key, icv.subarray(0, 12), ascii('Hi There'))).toBe(false);
    expect(() => computeIntegrity(IntegId.HMAC_SHA2_256_128, repeat(0x0b, 20), ascii('x'))).toThrow(expect.objectContaining({ code: 'key_length' }));
  });

  it('NONE produces an empty ICV', () => {
    expect(computeIntegrity(IntegId.NONE, new Uint8Array(0), ascii('x'))).toHaveLength(0);
  });
});
