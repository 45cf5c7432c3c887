/**
 * Stateless cookies for IKE_SA_INIT (RFC 7296 §2.6):
 *
 *     Cookie = <VersionIDofSecret> | Hash(Ni | IPi | SPIi | <secret>)
 *
 * VersionIDofSecret is 4 bytes (network order) and Hash is SHA-256, so a
 * cookie is 36 bytes (the RFC allows 1..64). The responder keeps the current
 * secret and the one before it, so cookies issued just before a rotation still
 * verify; rotation is a pure function of the secrets and a new random secret
 * handed in (the shell decides when to rotate and where randomness comes from).
 */
import { createHash } from 'node:crypto';
import { bytesToBigInt, constantTimeEqual, concatBytes, toUint8Array, uint32Bytes } from './bytes.ts';
import { CryptoError } from './errors.ts';
import { addressBytes } from './nat-detection.ts';

export interface CookieSecret {
  /** VersionIDofSecret, 0..2^32-1. */
  readonly version: number;
  /** At least 16 bytes of randomness. */
  readonly secret: Uint8Array;
}

export interface CookieSecrets {
  readonly current: CookieSecret;
  /** The secret before the last rotation; cookies made with it are still accepted. */
  readonly previous?: CookieSecret | undefined;
}

export const COOKIE_LENGTH = 36;
const MIN_SECRET_LENGTH = 16;

function checkSecret(secret: CookieSecret): void {
  if (!Number.isInteger(secret.version) || secret.version < 0 || secret.version > 0xffffffff) {
    throw new CryptoError('cookie_secret', `version ID ${secret.version} does not fit 32 bits`);
  }
  if (secret.secret.length < MIN_SECRET_LENGTH) {
    throw new CryptoError('cookie_secret', `a cookie secret needs at least ${MIN_SECRET_LENGTH} bytes (got ${secret.secret.length})`);
  }
}

/** The first secret set, version `version` (default 0). */
export function initialCookieSecrets(secret: Uint8Array, version = 0): CookieSecrets {
  const current = { version, secret };
  checkSecret(current);
  return { current };
}

/** Makes `newSecret` current (version + 1, wrapping at 2^32) and keeps the old current as previous. */
export function rotateCookieSecret(secrets: CookieSecrets, newSecret: Uint8Array): CookieSecrets {
  const current = { version: (secrets.current.version + 1) >>> 0, secret: newSecret };
  checkSecret(current);
  return { current, previous: secrets.current };
}

/** Cookie for an initiator: Ni is the nonce payload body, IPi its source address, SPIi its IKE SPI. */
export function computeCookie(secret: CookieSecret, ni: Uint8Array, ipI: string | Uint8Array, spiI: Uint8Array): Uint8Array {
  checkSecret(secret);
  const hash = createHash('sha256').update(ni).update(addressBytes(ipI)).update(spiI).update(secret.secret).digest();
  return concatBytes(uint32Bytes(secret.version), toUint8Array(hash));
}

export type CookieCheck =
  | { ok: true; version: number }
  | { ok: false; reason: 'length' | 'unknown_version' | 'mismatch' };

/** Checks a returned cookie against the current and previous secrets (constant-time hash compare). */
export function verifyCookie(secrets: CookieSecrets, cookie: Uint8Array, ni: Uint8Array, ipI: string | Uint8Array, spiI: Uint8Array): CookieCheck {
  if (cookie.length !== COOKIE_LENGTH) return { ok: false, reason: 'length' };
  const version = Number(bytesToBigInt(cookie.subarray(0, 4)));
  const secret = [secrets.current, secrets.previous].find((candidate) => candidate?.version === version);
  if (!secret) return { ok: false, reason: 'unknown_version' };
  return constantTimeEqual(computeCookie(secret, ni, ipI, spiI), cookie) ? { ok: true, version } : { ok: false, reason: 'mismatch' };
}
