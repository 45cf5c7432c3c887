import { describe, expect, it } from 'vitest';
import { PrfId } from '../constants.ts';
import { bytesToHex, hexToBytes } from './bytes.ts';
import { CryptoError } from './errors.ts';
import { prf, prfPlus } from './prf.ts';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const repeat = (byte: number, count: number): Uint8Array => new Uint8Array(count).fill(byte);

/**
 * RFC 4231 §4.2-§4.8, test cases 1-4, 6, 7 (case 5 is the truncation case,
 * checked in integrity.test.ts). Expected values are the RFC's, as
 * transcribed in public test suites.
 */
const RFC4231_CASES = [
  {
    name: 'test case 1 (§4.2)',
    key: repeat(0x0b, 20),
    data: ascii('Hi There'),
    sha256: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    sha384: 'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6',
    sha512: '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854',
  },
  {
    name: 'test case 2 (§4.3)',
    key: ascii('Jefe'),
    data: ascii('what do ya want for nothing?'),
    sha256: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    sha384: 'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
    sha512: '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
  },
  {
    name: 'test case 3 (§4.4)',
    key: repeat(0xaa, 20),
    data: repeat(0xdd, 50),
    sha256: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    sha384: '88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27',
    sha512: 'fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb',
  },
  {
    name: 'test case 4 (§4.5)',
    key: hexToBytes('0102030405060708090a0b0c0d0e0f10111213141516171819'),
    data: repeat(0xcd, 50),
    sha256: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    sha384: '3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb',
    sha512: 'b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd',
  },
  {
    name: 'test case 6 (§4.7, key larger than block)',
    key: repeat(0xaa, 131),
    data: ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    sha256: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    sha384: '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
    sha512: '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
  },
  {
    name: 'test case 7 (§4.8, key and data larger than block)',
    key: repeat(0xaa, 131),
    data: ascii('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
    sha256: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    sha384: '6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e',
    sha512: 'e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58',
  },
];

describe('prf (HMAC) — RFC 4231 known answers', () => {
  for (const vector of RFC4231_CASES) {
    it(`PRF_HMAC_SHA2_256/384/512 ${vector.name}`, () => {
      expect(bytesToHex(prf(PrfId.HMAC_SHA2_256, vector.key, vector.data))).toBe(vector.sha256);
      expect(bytesToHex(prf(PrfId.HMAC_SHA2_384, vector.key, vector.data))).toBe(vector.sha384);
      expect(bytesToHex(prf(PrfId.HMAC_SHA2_512, vector.key, vector.data))).toBe(vector.sha512);
    });
  }

  it('PRF_HMAC_SHA1 — RFC 2202 §3 test case 1', () => {
    expect(bytesToHex(prf(PrfId.HMAC_SHA1, repeat(0x0b, 20), ascii('Hi There')))).toBe('b617318655057264e28bc0b6fb378c8ef146be00');
  });

  it('rejects PRFs that are not implemented', () => {
    expect(() => prf(PrfId.HMAC_MD5, repeat(1, 16), ascii('x'))).toThrow(CryptoError);
    expect(() => prf(PrfId.AES128_XCBC, repeat(1, 16), ascii('x'))).toThrow(/not implemented/);
  });
});

describe('prf+ (RFC 7296 §2.13)', () => {
  it('is T1 | T2 | ... with T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n)', () => {
    const key = repeat(0x11, 32);
    const seed = ascii('seed');
    const t1 = prf(PrfId.HMAC_SHA2_256, key, new Uint8Array([...seed, 1]));
    const t2 = prf(PrfId.HMAC_SHA2_256, key, new Uint8Array([...t1, ...seed, 2]));
    const t3 = prf(PrfId.HMAC_SHA2_256, key, new Uint8Array([...t2, ...seed, 3]));
    expect(bytesToHex(prfPlus(PrfId.HMAC_SHA2_256, key, seed, 80))).toBe(bytesToHex(new Uint8Array([...t1, ...t2, ...t3]).subarray(0, 80)));
  });

  it('stops at 255 blocks', () => {
    expect(prfPlus(PrfId.HMAC_SHA1, repeat(1, 20), ascii('s'), 255 * 20)).toHaveLength(5100);
    expect(() => prfPlus(PrfId.HMAC_SHA1, repeat(1, 20), ascii('s'), 255 * 20 + 1)).toThrow(expect.objectContaining({ code: 'output_length' }));
  });

  it('returns an empty array for length 0', () => {
    expect(prfPlus(PrfId.HMAC_SHA2_512, repeat(1, 64), ascii('s'), 0)).toHaveLength(0);
  });
});
