/**
 * Integrity transforms for the SK payload (and ESP): HMAC over the data,
 * truncated to the ICV length — HMAC-SHA1-96 (RFC 2404), HMAC-SHA2-256-128,
 * -384-192, -512-256 (RFC 4868 §2). Verification compares in constant time.
 */
import { createHmac } from 'node:crypto';
import { requireIntegrity } from './algorithms.ts';
import { constantTimeEqual, toUint8Array } from './bytes.ts';
import { CryptoError } from './errors.ts';

/** Truncated HMAC of `parts` (hashed in order, as if concatenated). */
export function computeIntegrity(integId: number, key: Uint8Array, ...parts: readonly Uint8Array[]): Uint8Array {
  const algorithm = requireIntegrity(integId);
  if (algorithm.hash === null) return new Uint8Array(0);
  if (key.length !== algorithm.keyLength) {
    throw new CryptoError('key_length', `${algorithm.name} needs a ${algorithm.keyLength}-byte key (got ${key.length})`);
  }
  const hmac = createHmac(algorithm.hash, key);
  for (const part of parts) hmac.update(part);
  return toUint8Array(hmac.digest()).subarray(0, algorithm.icvLength);
}

/** Constant-time check of a received ICV. */
export function verifyIntegrity(integId: number, key: Uint8Array, icv: Uint8Array, ...parts: readonly Uint8Array[]): boolean {
  return constantTimeEqual(computeIntegrity(integId, key, ...parts), icv);
}
