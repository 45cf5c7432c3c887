import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthMethod, HashAlgorithmId } from '../constants.ts';
import { bytesToHex, concatBytes } from './bytes.ts';
import {
  DIGITAL_SIGNATURE_ALGORITHMS,
  RFC7427_APPENDIX_A,
  SUPPORTED_SIGNATURE_HASH_ALGORITHMS,
  parseSignatureAlgorithmIdentifier,
  signAuth,
  verifySignatureAuth,
} from './signature-auth.ts';
import type { SignatureHash } from './signature-auth.ts';

interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const rsa: KeyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa: KeyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec: Record<string, KeyPair> = {
  prime256v1: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
  secp384r1: generateKeyPairSync('ec', { namedCurve: 'secp384r1' }),
  secp521r1: generateKeyPairSync('ec', { namedCurve: 'secp521r1' }),
};
const ed25519: KeyPair = generateKeyPairSync('ed25519');

const octets = new TextEncoder().encode('RealMessage1 | NonceRData | MACedIDForI');

function tamper(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  const at = index < 0 ? copy.length + index : index;
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

function must(key: KeyPair | undefined): KeyPair {
  if (!key) throw new Error('missing key');
  return key;
}

describe('RFC 7427 AlgorithmIdentifier tables', () => {
  it('PKCS#1 v1.5 and ECDSA identifiers are the bytes of RFC 7427 Appendix A.1 / A.3', () => {
    const byName = new Map(DIGITAL_SIGNATURE_ALGORITHMS.map((a) => [a.name, bytesToHex(a.algorithmIdentifier)]));
    expect(byName.get('sha256WithRSAEncryption')).toBe(bytesToHex(RFC7427_APPENDIX_A.sha256WithRSAEncryption));
    expect(byName.get('sha384WithRSAEncryption')).toBe(bytesToHex(RFC7427_APPENDIX_A.sha384WithRSAEncryption));
    expect(byName.get('sha512WithRSAEncryption')).toBe(bytesToHex(RFC7427_APPENDIX_A.sha512WithRSAEncryption));
    expect(byName.get('ecdsa-with-sha256')).toBe(bytesToHex(RFC7427_APPENDIX_A.ecdsaWithSha256));
    expect(byName.get('ecdsa-with-sha384')).toBe(bytesToHex(RFC7427_APPENDIX_A.ecdsaWithSha384));
    expect(byName.get('ecdsa-with-sha512')).toBe(bytesToHex(RFC7427_APPENDIX_A.ecdsaWithSha512));
  });

  it('our RSASSA-PSS SHA-256 identifier is A.4.3 without the default trailer field', () => {
    const ours = DIGITAL_SIGNATURE_ALGORITHMS.find((a) => a.name === 'rsassa-pss-sha256');
    const appendix = bytesToHex(RFC7427_APPENDIX_A.rsassaPssWithSha256);
    // A.4.3 = 30 46 <oid> 30 39 <params> a3 03 02 01 01; ours drops "a3 03 02 01 01" and shrinks both lengths by 5.
    const expected = `3041${appendix.slice(4, 26)}3034${appendix.slice(30, appendix.length - 10)}`;
    expect(bytesToHex(ours?.algorithmIdentifier ?? new Uint8Array(0))).toBe(expected);
  });

  it('parses every table entry and Appendix A.4.3', () => {
    for (const algorithm of DIGITAL_SIGNATURE_ALGORITHMS) {
      const parsed = parseSignatureAlgorithmIdentifier(algorithm.algorithmIdentifier);
      expect(parsed).toMatchObject({ ok: true, algorithm: { scheme: algorithm.scheme, hash: algorithm.hash } });
    }
    expect(parseSignatureAlgorithmIdentifier(RFC7427_APPENDIX_A.rsassaPssWithSha256)).toEqual({ ok: true, algorithm: { scheme: 'rsa-pss', hash: 'sha256', saltLength: 32 } });
  });

  it('reports malformed and unsupported identifiers', () => {
    expect(parseSignatureAlgorithmIdentifier(Uint8Array.of(0x30, 0x05, 0x06))).toMatchObject({ ok: false, reason: 'malformed' });
    // sha1WithRSAEncryption (RFC 7427 A.1) is not accepted: SHA-256+ only.
    expect(parseSignatureAlgorithmIdentifier(Uint8Array.from(Buffer.from('300d06092a864886f70d0101050500', 'hex')))).toMatchObject({ ok: false, reason: 'unsupported_algorithm' });
    expect(SUPPORTED_SIGNATURE_HASH_ALGORITHMS).toEqual([HashAlgorithmId.SHA2_256, HashAlgorithmId.SHA2_384, HashAlgorithmId.SHA2_512]);
  });
});

describe('AUTH method 1 (RSA, PKCS#1 v1.5 with SHA-1)', () => {
  it('signs, verifies, and fails on tampering or the wrong key', () => {
    const authData = signAuth({ method: AuthMethod.RSA_SIGNATURE, privateKey: rsa.privateKey, signedOctets: octets });
    expect(authData).toHaveLength(256);
    expect(verifySignatureAuth({ method: 1, publicKey: rsa.publicKey, signedOctets: octets, authData })).toEqual({ ok: true, scheme: 'rsa-pkcs1', hash: 'sha1' });
    expect(verifySignatureAuth({ method: 1, publicKey: rsa.publicKey, signedOctets: tamper(octets, 3), authData })).toMatchObject({ ok: false, reason: 'signature' });
    expect(verifySignatureAuth({ method: 1, publicKey: rsa.publicKey, signedOctets: octets, authData: tamper(authData, 10) })).toMatchObject({ ok: false, reason: 'signature' });
    expect(verifySignatureAuth({ method: 1, publicKey: otherRsa.publicKey, signedOctets: octets, authData })).toMatchObject({ ok: false, reason: 'signature' });
    expect(verifySignatureAuth({ method: 1, publicKey: must(ec.prime256v1).publicKey, signedOctets: octets, authData })).toMatchObject({ ok: false, reason: 'key_mismatch' });
    expect(() => signAuth({ method: 1, privateKey: must(ec.prime256v1).privateKey, signedOctets: octets })).toThrow(expect.objectContaining({ code: 'auth_key_mismatch' }));
  });
});

describe.each([
  { method: AuthMethod.ECDSA_SHA256_P256, curve: 'prime256v1', size: 64 },
  { method: AuthMethod.ECDSA_SHA384_P384, curve: 'secp384r1', size: 96 },
  { method: AuthMethod.ECDSA_SHA512_P521, curve: 'secp521r1', size: 132 },
])('AUTH method $method (ECDSA, RFC 4754)', ({ method, curve, size }) => {
  const pair = must(ec[curve]);
  it('signature is r | s of fixed length; verifies; tampering fails', () => {
    const authData = signAuth({ method, privateKey: pair.privateKey, signedOctets: octets });
    expect(authData).toHaveLength(size);
    expect(verifySignatureAuth({ method, publicKey: pair.publicKey, signedOctets: octets, authData })).toMatchObject({ ok: true, scheme: 'ecdsa' });
    expect(verifySignatureAuth({ method, publicKey: pair.publicKey, signedOctets: tamper(octets, 0), authData })).toMatchObject({ ok: false, reason: 'signature' });
    expect(verifySignatureAuth({ method, publicKey: pair.publicKey, signedOctets: octets, authData: tamper(authData, -1) })).toMatchObject({ ok: false, reason: 'signature' });
    expect(verifySignatureAuth({ method, publicKey: pair.publicKey, signedOctets: octets, authData: authData.subarray(1) })).toMatchObject({ ok: false, reason: 'malformed' });
  });
  it('refuses a key on another curve', () => {
    const wrong = curve === 'prime256v1' ? must(ec.secp384r1) : must(ec.prime256v1);
    expect(() => signAuth({ method, privateKey: wrong.privateKey, signedOctets: octets })).toThrow(expect.objectContaining({ code: 'auth_key_mismatch' }));
    const authData = signAuth({ method, privateKey: pair.privateKey, signedOctets: octets });
    expect(verifySignatureAuth({ method, publicKey: wrong.publicKey, signedOctets: octets, authData })).toMatchObject({ ok: false, reason: 'key_mismatch' });
  });
});

describe('AUTH method 14 (Digital Signature, RFC 7427)', () => {
  const hashes: readonly SignatureHash[] = ['sha256', 'sha384', 'sha512'];
  const cases = [
    ...hashes.map((hash) => ({ name: `RSA PKCS#1 v1.5 ${hash}`, pair: rsa, hash, rsaPadding: 'pkcs1' as const, scheme: 'rsa-pkcs1' })),
    ...hashes.map((hash) => ({ name: `RSASSA-PSS ${hash}`, pair: rsa, hash, rsaPadding: 'pss' as const, scheme: 'rsa-pss' })),
    ...hashes.map((hash) => ({ name: `ECDSA P-256 ${hash}`, pair: must(ec.prime256v1), hash, rsaPadding: undefined, scheme: 'ecdsa' })),
    { name: 'ECDSA P-521 sha512', pair: must(ec.secp521r1), hash: 'sha512' as const, rsaPadding: undefined, scheme: 'ecdsa' },
  ];
  for (const c of cases) {
    it(`${c.name}: length | AlgorithmIdentifier | signature; verifies; tampering fails`, () => {
      const authData = signAuth({ method: 14, privateKey: c.pair.privateKey, signedOctets: octets, hash: c.hash, ...(c.rsaPadding ? { rsaPadding: c.rsaPadding } : {}) });
      const algorithm = DIGITAL_SIGNATURE_ALGORITHMS.find((a) => a.scheme === c.scheme && a.hash === c.hash);
      expect(authData[0]).toBe(algorithm?.algorithmIdentifier.length);
      expect(authData.subarray(1, 1 + (authData[0] ?? 0))).toEqual(algorithm?.algorithmIdentifier);
      if (c.scheme === 'ecdsa') expect(authData[1 + (authData[0] ?? 0)]).toBe(0x30); // DER Ecdsa-Sig-Value
      expect(verifySignatureAuth({ method: 14, publicKey: c.pair.publicKey, signedOctets: octets, authData })).toEqual({ ok: true, scheme: c.scheme, hash: c.hash });
      expect(verifySignatureAuth({ method: 14, publicKey: c.pair.publicKey, signedOctets: tamper(octets, 5), authData })).toMatchObject({ ok: false, reason: 'signature' });
      expect(verifySignatureAuth({ method: 14, publicKey: c.pair.publicKey, signedOctets: octets, authData: tamper(authData, -2) })).toMatchObject({ ok: false, reason: 'signature' });
    });
  }

  it('verifies a PSS signature announced with the RFC 7427 A.4.3 bytes (explicit trailer field)', () => {
    const ours = signAuth({ method: 14, privateKey: rsa.privateKey, signedOctets: octets, hash: 'sha256', rsaPadding: 'pss' });
    const signature = ours.subarray(1 + (ours[0] ?? 0));
    const authData = concatBytes(Uint8Array.of(RFC7427_APPENDIX_A.rsassaPssWithSha256.length), RFC7427_APPENDIX_A.rsassaPssWithSha256, signature);
    expect(verifySignatureAuth({ method: 14, publicKey: rsa.publicKey, signedOctets: octets, authData })).toEqual({ ok: true, scheme: 'rsa-pss', hash: 'sha256' });
  });

  it('a PKCS#1 signature relabelled as PSS (or the reverse) does not verify', () => {
    const pkcs1 = signAuth({ method: 14, privateKey: rsa.privateKey, signedOctets: octets, hash: 'sha256' });
    const pssId = DIGITAL_SIGNATURE_ALGORITHMS.find((a) => a.name === 'rsassa-pss-sha256')?.algorithmIdentifier ?? new Uint8Array(0);
    const relabelled = concatBytes(Uint8Array.of(pssId.length), pssId, pkcs1.subarray(1 + (pkcs1[0] ?? 0)));
    expect(verifySignatureAuth({ method: 14, publicKey: rsa.publicKey, signedOctets: octets, authData: relabelled })).toMatchObject({ ok: false, reason: 'signature' });
  });

  it('malformed data, key mismatch and unimplemented keys', () => {
    expect(verifySignatureAuth({ method: 14, publicKey: rsa.publicKey, signedOctets: octets, authData: Uint8Array.of(0) })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifySignatureAuth({ method: 14, publicKey: rsa.publicKey, signedOctets: octets, authData: Uint8Array.of(40, 1, 2) })).toMatchObject({ ok: false, reason: 'malformed' });
    const ecdsa = signAuth({ method: 14, privateKey: must(ec.prime256v1).privateKey, signedOctets: octets });
    expect(verifySignatureAuth({ method: 14, publicKey: rsa.publicKey, signedOctets: octets, authData: ecdsa })).toMatchObject({ ok: false, reason: 'key_mismatch' });
    expect(() => signAuth({ method: 14, privateKey: ed25519.privateKey, signedOctets: octets })).toThrow(expect.objectContaining({ code: 'auth_unsupported_method' }));
    expect(() => signAuth({ method: AuthMethod.SHARED_KEY_MIC, privateKey: rsa.privateKey, signedOctets: octets })).toThrow(expect.objectContaining({ code: 'auth_unsupported_method' }));
    expect(() => verifySignatureAuth({ method: AuthMethod.DSS_SIGNATURE, publicKey: rsa.publicKey, signedOctets: octets, authData: octets })).toThrow(expect.objectContaining({ code: 'auth_unsupported_method' }));
  });
});

describe('robustness', () => {
  it('random AlgorithmIdentifier bytes and AUTH data never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        const parsed = parseSignatureAlgorithmIdentifier(bytes);
        expect(typeof parsed.ok).toBe('boolean');
        const result = verifySignatureAuth({ method: 14, publicKey: rsa.publicKey, signedOctets: octets, authData: bytes });
        expect(result.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('mutated PSS identifiers parse or fail cleanly', () => {
    const base = RFC7427_APPENDIX_A.rsassaPssWithSha256;
    fc.assert(
      fc.property(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 }), (index, value) => {
        const mutated = base.slice();
        mutated[index] = value;
        expect(typeof parseSignatureAlgorithmIdentifier(mutated).ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});
