import { getCiphers, getHashes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DhGroupId, EncrId, EsnId, IntegId, PrfId, TransformType } from '../constants.ts';
import {
  DH_GROUPS,
  ENCRYPTION_ALGORITHMS,
  INTEGRITY_ALGORITHMS,
  PRF_ALGORITHMS,
  encryptionKeyBits,
  encryptionKeyMaterialLength,
  isSupported,
} from './algorithms.ts';
import { CRYPTO_ERROR_CODES } from './errors.ts';
import { RFC8247_REQUIREMENTS, deprecatedByRfc8247, rfc8247Level } from './rfc8247.ts';

describe('algorithm registry', () => {
  it('every ENCR entry names a node cipher for each key length and is supported with its Key Length attribute', () => {
    const ciphers = new Set(getCiphers());
    for (const algorithm of ENCRYPTION_ALGORITHMS) {
      for (const bits of algorithm.keyBits) {
        expect(ciphers.has(algorithm.nodeCipher(bits))).toBe(true);
        const keyLength = algorithm.keyLengthAttribute === 'required' ? bits : undefined;
        expect(isSupported({ type: TransformType.ENCR, id: algorithm.id, keyLength })).toBe(true);
      }
      if (algorithm.mode === 'aead') expect([algorithm.saltBytes, algorithm.ivSize, algorithm.icvSize]).toEqual([4, 8, 16]);
    }
  });

  it('every PRF and INTEG entry uses a node hash; ICVs are truncations', () => {
    const hashes = new Set(getHashes());
    for (const algorithm of PRF_ALGORITHMS) {
      expect(hashes.has(algorithm.hash)).toBe(true);
      expect(isSupported({ type: TransformType.PRF, id: algorithm.id })).toBe(true);
    }
    for (const algorithm of INTEGRITY_ALGORITHMS) {
      if (algorithm.hash) expect(hashes.has(algorithm.hash)).toBe(true);
      expect(algorithm.icvLength).toBeLessThanOrEqual(algorithm.keyLength);
      expect(isSupported({ type: TransformType.INTEG, id: algorithm.id })).toBe(true);
    }
  });

  it('every DH group is supported', () => {
    for (const group of DH_GROUPS) expect(isSupported({ type: TransformType.DH, id: group.id })).toBe(true);
    expect(DH_GROUPS.map((g) => g.id)).toEqual([14, 15, 16, 19, 20, 21, 31]);
  });

  it('isSupported refuses what is not implemented or malformed', () => {
    expect(isSupported({ type: TransformType.ENCR, id: EncrId.AES_CBC })).toBe(false);
    expect(isSupported({ type: TransformType.ENCR, id: EncrId.AES_CBC, keyLength: 512 })).toBe(false);
    expect(isSupported({ type: TransformType.ENCR, id: EncrId.DES3 })).toBe(false);
    expect(isSupported({ type: TransformType.ENCR, id: EncrId.CHACHA20_POLY1305, keyLength: 128 })).toBe(false);
    expect(isSupported({ type: TransformType.ENCR, id: EncrId.CHACHA20_POLY1305, keyLength: 256 })).toBe(true);
    expect(isSupported({ type: TransformType.PRF, id: PrfId.AES128_XCBC })).toBe(false);
    expect(isSupported({ type: TransformType.PRF, id: PrfId.HMAC_SHA2_256, keyLength: 128 })).toBe(false);
    expect(isSupported({ type: TransformType.INTEG, id: IntegId.HMAC_MD5_96 })).toBe(false);
    expect(isSupported({ type: TransformType.DH, id: DhGroupId.MODP_1024 })).toBe(false);
    expect(isSupported({ type: TransformType.DH, id: DhGroupId.NONE })).toBe(true);
    expect(isSupported({ type: TransformType.ESN, id: EsnId.ESN })).toBe(true);
    expect(isSupported({ type: TransformType.ESN, id: 2 })).toBe(false);
    expect(isSupported({ type: 6, id: 1 })).toBe(false);
  });

  it('key sizes for key derivation', () => {
    expect(encryptionKeyMaterialLength(EncrId.AES_CBC, 192)).toBe(24);
    expect(encryptionKeyMaterialLength(EncrId.AES_GCM_16, 128)).toBe(20);
    expect(encryptionKeyMaterialLength(EncrId.CHACHA20_POLY1305, 256)).toBe(36);
    expect(encryptionKeyBits({ type: TransformType.ENCR, id: EncrId.CHACHA20_POLY1305 })).toBe(256);
    expect(encryptionKeyBits({ type: TransformType.ENCR, id: EncrId.AES_GCM_16, keyLength: 192 })).toBe(192);
    expect(() => encryptionKeyBits({ type: TransformType.ENCR, id: EncrId.AES_CBC })).toThrow(expect.objectContaining({ code: 'unsupported_transform' }));
  });
});

describe('RFC 8247 table', () => {
  it('deprecated means SHOULD NOT or MUST NOT', () => {
    for (const entry of RFC8247_REQUIREMENTS) {
      expect(deprecatedByRfc8247(entry)).toBe(entry.level === 'SHOULD NOT' || entry.level === 'MUST NOT');
    }
    expect(deprecatedByRfc8247({ type: TransformType.DH, id: DhGroupId.MODP_1024 })).toBe(true);
    expect(deprecatedByRfc8247({ type: TransformType.ENCR, id: EncrId.DES })).toBe(true);
    expect(deprecatedByRfc8247({ type: TransformType.INTEG, id: IntegId.HMAC_MD5_96 })).toBe(true);
    expect(deprecatedByRfc8247({ type: TransformType.PRF, id: PrfId.HMAC_MD5 })).toBe(true);
    expect(deprecatedByRfc8247({ type: TransformType.DH, id: DhGroupId.CURVE_25519 })).toBe(false);
  });

  it('192-bit AES is MAY; 128/256 keep the listed level; unlisted transforms have none', () => {
    expect(rfc8247Level({ type: TransformType.ENCR, id: EncrId.AES_CBC, keyLength: 128 })).toBe('MUST');
    expect(rfc8247Level({ type: TransformType.ENCR, id: EncrId.AES_CBC, keyLength: 192 })).toBe('MAY');
    expect(rfc8247Level({ type: TransformType.ENCR, id: EncrId.AES_GCM_16, keyLength: 256 })).toBe('SHOULD');
    expect(rfc8247Level({ type: TransformType.ENCR, id: EncrId.CAMELLIA_CBC, keyLength: 128 })).toBeUndefined();
  });

  it('every implemented transform is allowed (not deprecated)', () => {
    for (const algorithm of ENCRYPTION_ALGORITHMS) expect(deprecatedByRfc8247({ type: TransformType.ENCR, id: algorithm.id, keyLength: algorithm.keyBits[0] })).toBe(false);
    for (const algorithm of PRF_ALGORITHMS) expect(deprecatedByRfc8247({ type: TransformType.PRF, id: algorithm.id })).toBe(false);
    for (const algorithm of INTEGRITY_ALGORITHMS) expect(deprecatedByRfc8247({ type: TransformType.INTEG, id: algorithm.id })).toBe(false);
    for (const group of DH_GROUPS) expect(deprecatedByRfc8247({ type: TransformType.DH, id: group.id })).toBe(false);
  });
});

describe('CRYPTO_ERROR_CODES', () => {
  it('every code is documented and used by a source file; no undocumented code is thrown', () => {
    const directory = import.meta.dirname;
    const sources = readdirSync(directory)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && name !== 'errors.ts')
      .map((name) => readFileSync(join(directory, name), 'utf8'))
      .join('\n');
    for (const [code, description] of Object.entries(CRYPTO_ERROR_CODES)) {
      expect(description.length).toBeGreaterThan(10);
      expect(sources.includes(`'${code}'`), `code ${code} is not used`).toBe(true);
    }
    const thrown = [...sources.matchAll(/Error\('([a-z0-9_]+)'/g)].map((m) => m[1]);
    for (const code of thrown) expect(Object.keys(CRYPTO_ERROR_CODES)).toContain(code);
  });
});
