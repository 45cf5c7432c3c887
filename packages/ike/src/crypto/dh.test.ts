import { getDiffieHellman } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DhGroupId } from '../constants.ts';
import { DH_GROUPS } from './algorithms.ts';
import { bytesToBigInt, bytesToHex, hexToBytes } from './bytes.ts';
import { checkPeerPublicValue, createKeyExchange, keyExchangeLength } from './dh.ts';
import { KeyExchangeError } from './errors.ts';

/** RFC 7748 §5.2: X25519 scalar multiplication vectors. */
describe('X25519 (group 31) — RFC 7748', () => {
  it('§5.2 single-step vectors', () => {
    const vectors = [
      {
        scalar: 'a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4',
        u: 'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
        out: 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
      },
      {
        scalar: '4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d',
        u: 'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493',
        out: '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957',
      },
    ];
    for (const vector of vectors) {
      const exchange = createKeyExchange(DhGroupId.CURVE_25519, hexToBytes(vector.scalar));
      expect(bytesToHex(exchange.computeSharedSecret(hexToBytes(vector.u)))).toBe(vector.out);
    }
  });

  it('§5.2 iterated vector after 1 and 1,000 iterations', () => {
    let k = hexToBytes('0900000000000000000000000000000000000000000000000000000000000000');
    let u = k;
    const results: string[] = [];
    for (let i = 1; i <= 1000; i++) {
      const next = createKeyExchange(DhGroupId.CURVE_25519, k).computeSharedSecret(u);
      u = k;
      k = next;
      if (i === 1 || i === 1000) results.push(bytesToHex(k));
    }
    expect(results).toEqual([
      '422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079',
      '684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51',
    ]);
  });

  it('§6.1 Diffie-Hellman: public keys and shared secret', () => {
    const alice = createKeyExchange(DhGroupId.CURVE_25519, hexToBytes('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'));
    const bob = createKeyExchange(DhGroupId.CURVE_25519, hexToBytes('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'));
    expect(bytesToHex(alice.publicValue)).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(bytesToHex(bob.publicValue)).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(bytesToHex(alice.computeSharedSecret(bob.publicValue))).toBe(shared);
    expect(bytesToHex(bob.computeSharedSecret(alice.publicValue))).toBe(shared);
  });

  it('rejects low-order points whose result is all zero (RFC 8031 §2.2)', () => {
    const exchange = createKeyExchange(DhGroupId.CURVE_25519);
    const zero = new Uint8Array(32);
    const one = new Uint8Array(32);
    one[0] = 1;
    for (const point of [zero, one]) {
      expect(() => exchange.computeSharedSecret(point)).toThrow(expect.objectContaining({ code: 'ke_invalid_point', group: 31 }));
    }
  });
});

/** RFC 5903 §8.1-§8.3: both private keys, both public values and g^ir (x coordinate). */
const RFC5903 = [
  {
    group: DhGroupId.ECP_256,
    i: 'C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433',
    gix: 'DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180',
    giy: '5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3',
    r: 'C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53',
    grx: 'D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63',
    gry: '56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB',
    girx: 'D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE',
  },
  {
    group: DhGroupId.ECP_384,
    i: '099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655E35B538041E649EE3FAEF896783AB194',
    gix: '667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6DE3AC808ACB4BDB4C88732AEE95F41AA',
    giy: '9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38EEB9FCFF3C2C947DAE69B4C634573A81C',
    r: '41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942E0308312916B8ED2960E4BD55A7448FC',
    grx: 'E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D0D1AC43A0336DEF96FDA41D0774A3571',
    gry: 'DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FFF83FA40142209DFF5EAAD96DB9E6386C',
    girx: '11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4D603135569B9E9D09CF5D4A270F59746',
  },
  {
    group: DhGroupId.ECP_521,
    i: '0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A095AA85A30FE1C2952C6771D937BA9777F5957B2639BAB072462F68C27A57382D4A52',
    gix: '0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBEE1E3BF42E00B8E380AEAE57C2D107564941885942AF5A7F4601723C4195D176CED3E',
    giy: '017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10AD8A788015AC405D7799DC75E7B7D5B6CF2261A6A7F1507438BF01BEB6CA3926F9582',
    r: '0145BA99A847AF43793FDD0E872E7CDFA16BE30FDC780F97BCCC3F078380201E9C677D600B343757A3BDBF2A3163E4C2F869CCA7458AA4A4EFFC311F5CB151685EB9',
    grx: '00D0B3975AC4B799F5BEA16D5E13E9AF971D5E9B984C9F39728B5E5739735A219B97C356436ADC6E95BB0352F6BE64A6C2912D4EF2D0433CED2B6171640012D9460F',
    gry: '015C68226383956E3BD066E797B623C27CE0EAC2F551A10C2C724D9852077B87220B6536C5C408A1D2AEBB8E86D678AE49CB57091F4732296579AB44FCD17F0FC56A',
    girx: '01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04D1427E73CA4BAA240A34786859810C06B3C715A3A8CC3151F2BEE417996D19F3DDEA',
  },
];

describe('ECP groups 19, 20, 21 — RFC 5903 §8', () => {
  for (const vector of RFC5903) {
    it(`group ${vector.group}: KE data is x | y and g^ir is the x coordinate`, () => {
      const initiator = createKeyExchange(vector.group, hexToBytes(vector.i));
      const responder = createKeyExchange(vector.group, hexToBytes(vector.r));
      expect(bytesToHex(initiator.publicValue)).toBe((vector.gix + vector.giy).toLowerCase());
      expect(bytesToHex(responder.publicValue)).toBe((vector.grx + vector.gry).toLowerCase());
      expect(bytesToHex(initiator.computeSharedSecret(responder.publicValue))).toBe(vector.girx.toLowerCase());
      expect(bytesToHex(responder.computeSharedSecret(initiator.publicValue))).toBe(vector.girx.toLowerCase());
    });
  }

  it('rejects a point that is not on the curve', () => {
    const exchange = createKeyExchange(DhGroupId.ECP_256);
    const notOnCurve = new Uint8Array(64).fill(1);
    expect(() => exchange.computeSharedSecret(notOnCurve)).toThrow(expect.objectContaining({ code: 'ke_invalid_point' }));
    const vector = RFC5903[0];
    if (!vector) throw new Error('missing vector');
    const tampered = hexToBytes(vector.grx + vector.gry);
    tampered[63] = (tampered[63] ?? 0) ^ 1;
    expect(() => exchange.computeSharedSecret(tampered)).toThrow(KeyExchangeError);
  });
});

/**
 * RFC 3526 §3, §4, §5 define the primes by formula:
 *   p = 2^n - 2^(n-64) - 1 + 2^64 * ( [2^(n-130) pi] + c )
 * The test computes pi in BigInt (Machin's formula) and checks node:crypto's
 * modp14/15/16 against it.
 */
function floorPiTimesPowerOfTwo(bits: number): bigint {
  const guard = 64;
  const one = 1n << BigInt(bits + guard);
  const arctanInverse = (x: bigint): bigint => {
    let sum = 0n;
    let term = one / x;
    const x2 = x * x;
    for (let n = 0n; term !== 0n; n++) {
      sum += (n % 2n === 0n ? 1n : -1n) * (term / (2n * n + 1n));
      term /= x2;
    }
    return sum;
  };
  const pi = 4n * (4n * arctanInverse(5n) - arctanInverse(239n));
  return pi >> BigInt(guard);
}

describe('MODP groups 14, 15, 16', () => {
  it('use the RFC 3526 primes, generator 2', () => {
    const formulas = [
      { node: 'modp14', n: 2048, c: 124476n },
      { node: 'modp15', n: 3072, c: 1690314n },
      { node: 'modp16', n: 4096, c: 240904n },
    ];
    for (const { node, n, c } of formulas) {
      const expected = (1n << BigInt(n)) - (1n << BigInt(n - 64)) - 1n + (1n << 64n) * (floorPiTimesPowerOfTwo(n - 130) + c);
      const dh = getDiffieHellman(node);
      expect(bytesToBigInt(dh.getPrime())).toBe(expected);
      expect(bytesToBigInt(dh.getGenerator())).toBe(2n);
    }
  });

  it('public value is 2^x mod p, zero-padded to the prime length', () => {
    const exponent = hexToBytes('0102030405060708090a0b0c0d0e0f10');
    const exchange = createKeyExchange(DhGroupId.MODP_2048, exponent);
    const p = bytesToBigInt(getDiffieHellman('modp14').getPrime());
    let result = 1n;
    let base = 2n;
    for (let e = bytesToBigInt(exponent); e > 0n; e >>= 1n) {
      if (e & 1n) result = (result * base) % p;
      base = (base * base) % p;
    }
    expect(exchange.publicValue).toHaveLength(256);
    expect(bytesToBigInt(exchange.publicValue)).toBe(result);
  });

  it('rejects peer values outside 2..p-2', () => {
    const exchange = createKeyExchange(DhGroupId.MODP_2048);
    const p = getDiffieHellman('modp14').getPrime();
    const pMinus1 = Uint8Array.from(p);
    pMinus1[255] = (pMinus1[255] ?? 0) - 1;
    const one = new Uint8Array(256);
    one[255] = 1;
    for (const bad of [new Uint8Array(256), one, pMinus1, Uint8Array.from(p), new Uint8Array(256).fill(0xff)]) {
      expect(() => exchange.computeSharedSecret(bad)).toThrow(expect.objectContaining({ code: 'ke_invalid_value', group: 14 }));
    }
  });
});

describe('every implemented group', () => {
  for (const group of DH_GROUPS) {
    it(`group ${group.id} (${group.name}): two parties agree; lengths match the registry`, () => {
      const a = createKeyExchange(group.id);
      const b = createKeyExchange(group.id);
      expect(a.publicValue).toHaveLength(group.publicValueLength);
      expect(keyExchangeLength(group.id)).toBe(group.publicValueLength);
      const secretA = a.computeSharedSecret(b.publicValue);
      expect(secretA).toHaveLength(group.sharedSecretLength);
      expect(secretA).toEqual(b.computeSharedSecret(a.publicValue));
      expect(a.publicValue).not.toEqual(b.publicValue);
    });

    it(`group ${group.id}: rejects a peer value of the wrong length`, () => {
      const exchange = createKeyExchange(group.id);
      for (const length of [0, group.publicValueLength - 1, group.publicValueLength + 1]) {
        expect(() => exchange.computeSharedSecret(new Uint8Array(length).fill(2))).toThrow(expect.objectContaining({ code: 'ke_length' }));
      }
      // An ECP value with the 0x04 prefix is one byte too long.
      expect(() => checkPeerPublicValue(group.id, new Uint8Array(group.publicValueLength + 1))).toThrow(KeyExchangeError);
    });
  }

  it('refuses unimplemented groups', () => {
    for (const group of [0, 1, 2, 5, 18, 24, 32, 999]) {
      expect(() => createKeyExchange(group)).toThrow(expect.objectContaining({ code: 'ke_unsupported_group', group }));
      expect(keyExchangeLength(group)).toBeUndefined();
    }
  });

  it('refuses KAT private keys of the wrong length', () => {
    expect(() => createKeyExchange(DhGroupId.CURVE_25519, new Uint8Array(31))).toThrow(expect.objectContaining({ code: 'ke_length' }));
    expect(() => createKeyExchange(DhGroupId.ECP_256, new Uint8Array(33))).toThrow(expect.objectContaining({ code: 'ke_length' }));
  });
});
