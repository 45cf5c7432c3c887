/**
 * The IKEv2 pseudo-random functions (RFC 7296 §2.13): `prf` is HMAC with the
 * PRF's hash (RFC 2104, RFC 4868 §2.1.2), `prfPlus` the keying-material
 * expansion
 *
 *     prf+ (K,S) = T1 | T2 | T3 | ...
 *     T1 = prf (K, S | 0x01)
 *     T2 = prf (K, T1 | S | 0x02)
 *     ...
 *
 * which stops at 255 iterations. Only the HMAC PRFs are implemented; the
 * fixed-key-size PRFs (AES-XCBC, AES-CMAC) would need the nonce handling of
 * RFC 7296 §2.14 and are reported unsupported by the registry.
 */
import { createHmac } from 'node:crypto';
import { requirePrf } from './algorithms.ts';
import { concatBytes, toUint8Array } from './bytes.ts';
import { CryptoError } from './errors.ts';

/** prf(key, data) for an HMAC PRF transform id. */
export function prf(prfId: number, key: Uint8Array, data: Uint8Array): Uint8Array {
  const { hash } = requirePrf(prfId);
  return toUint8Array(createHmac(hash, key).update(data).digest());
}

/** prf+(key, seed) truncated to `length` bytes (RFC 7296 §2.13). */
export function prfPlus(prfId: number, key: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const { hash, outputLength } = requirePrf(prfId);
  if (!Number.isInteger(length) || length < 0) {
    throw new CryptoError('output_length', `prf+ length must be a non-negative integer (got ${length})`);
  }
  const blocks = Math.ceil(length / outputLength);
  if (blocks > 255) {
    throw new CryptoError('output_length', `prf+ can produce at most ${255 * outputLength} bytes with this PRF (asked for ${length})`);
  }
  const out = new Uint8Array(blocks * outputLength);
  // One input buffer T(i-1) | S | i, rewritten in place per block: a single
  // update per HMAC instead of three (each crosses into OpenSSL).
  const input = new Uint8Array(outputLength + seed.length + 1);
  input.set(seed, outputLength);
  for (let i = 1; i <= blocks; i++) {
    input[input.length - 1] = i;
    const digest = createHmac(hash, key)
      .update(i === 1 ? input.subarray(outputLength) : input)
      .digest();
    out.set(digest, (i - 1) * outputLength);
    input.set(digest, 0);
  }
  input.fill(0);
  return out.subarray(0, length);
}

/** prf(key, a | b | ...) without building the concatenation by hand. */
export function prfOfParts(prfId: number, key: Uint8Array, ...parts: readonly Uint8Array[]): Uint8Array {
  return prf(prfId, key, concatBytes(...parts));
}
