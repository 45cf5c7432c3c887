/**
 * Per-SA crypto context of the ESP transform, built once per key and reused
 * for every packet (the per-packet path in `esp-transform.ts` then does no
 * registry lookups, key slicing or nonce/AAD allocation):
 *
 *   espSaContext(sa) --> cache hit (same encKey object, same suite fields,
 *        same integKey length)? --> context
 *                    --> else resolve + validate the suite and key lengths
 *                        (CryptoError) --> cache by encKey --> context
 *
 *   AEAD nonce = salt | IV (RFC 4106 §4, RFC 7634 §2), AAD = SPI | Seq
 *   (| ESN: SPI | Seq high | Seq low, RFC 4106 §5): written into scratch
 *   buffers that node:crypto copies synchronously in createCipheriv/setAAD.
 *
 * The context holds views of `encKey` (cipher key and salt), never copies,
 * so a caller that rewrites the key bytes in place is still honoured. Random
 * IVs come from a pool refilled by the CSPRNG (`randomFillSync`); each pool
 * byte is handed out once.
 */
import { randomFillSync } from 'node:crypto';
import { requireEncryption, requireIntegrity } from '../crypto/algorithms.ts';
import type { EncryptionAlgorithm, IntegrityAlgorithm } from '../crypto/algorithms.ts';
import { CryptoError } from '../crypto/errors.ts';
import { ESP_MIN_ALIGNMENT } from './esp-packet.ts';

/** The suite fields a context depends on (the shape of `EspSuite`). */
interface SuiteFields {
  readonly encr: number;
  readonly encrKeyBits: number;
  readonly integ: number;
  readonly esn: boolean;
}

/** What the context is built from (the shape of `EspSa`). */
interface SaKeys {
  readonly suite: SuiteFields;
  readonly encKey: Uint8Array;
  readonly integKey: Uint8Array;
}

export interface EspSaContext {
  readonly encryption: EncryptionAlgorithm;
  readonly integrity: IntegrityAlgorithm;
  readonly icvSize: number;
  /** Alignment of the encrypted part: the block size, at least 4. */
  readonly alignment: number;
  /** node:crypto cipher name. */
  readonly cipherName: string;
  /** View of the cipher key inside encKey (without the AEAD salt). */
  readonly cipherKey: Uint8Array;
  /** View of the AEAD salt inside encKey (empty for CBC). */
  readonly salt: Uint8Array;
  /** createCipheriv options: the AEAD tag length. */
  readonly cipherOptions: { readonly authTagLength: number } | undefined;
  /** What the cache checks the next SA against. */
  readonly encr: number;
  readonly encrKeyBits: number;
  readonly integ: number;
  readonly integKeyLength: number;
}

const contexts = new WeakMap<Uint8Array, EspSaContext>();

/** The SA's context: cached per encKey object; throws CryptoError for an unimplemented suite or a wrong key length. */
export function espSaContext(sa: SaKeys): EspSaContext {
  const cached = contexts.get(sa.encKey);
  const { suite } = sa;
  if (
    cached !== undefined &&
    cached.encr === suite.encr &&
    cached.encrKeyBits === suite.encrKeyBits &&
    cached.integ === suite.integ &&
    cached.integKeyLength === sa.integKey.length
  ) {
    return cached;
  }
  const context = buildContext(sa);
  contexts.set(sa.encKey, context);
  return context;
}

function buildContext(sa: SaKeys): EspSaContext {
  const { suite } = sa;
  const encryption = requireEncryption(suite.encr, suite.encrKeyBits);
  const integrity = requireIntegrity(suite.integ);
  if (encryption.mode === 'aead' && integrity.hash !== null) {
    throw new CryptoError('unsupported_transform', `${encryption.name} is an AEAD: INTEG must be NONE (got ${integrity.name})`);
  }
  if (encryption.mode === 'cbc' && integrity.hash === null) {
    throw new CryptoError('unsupported_transform', `${encryption.name} in ESP needs an INTEG transform`);
  }
  const keyLength = suite.encrKeyBits / 8;
  const encLength = keyLength + encryption.saltBytes;
  if (sa.encKey.length !== encLength) {
    throw new CryptoError('key_length', `ESP encryption key for ${encryption.name}-${suite.encrKeyBits} must be ${encLength} bytes (got ${sa.encKey.length})`);
  }
  if (sa.integKey.length !== integrity.keyLength) {
    throw new CryptoError('key_length', `ESP integrity key for ${integrity.name} must be ${integrity.keyLength} bytes (got ${sa.integKey.length})`);
  }
  return {
    encryption,
    integrity,
    icvSize: encryption.mode === 'aead' ? encryption.icvSize : integrity.icvLength,
    alignment: Math.max(encryption.blockSize, ESP_MIN_ALIGNMENT),
    cipherName: encryption.nodeCipher(suite.encrKeyBits),
    cipherKey: sa.encKey.subarray(0, keyLength),
    salt: sa.encKey.subarray(keyLength),
    cipherOptions: encryption.mode === 'aead' ? { authTagLength: encryption.icvSize } : undefined,
    encr: suite.encr,
    encrKeyBits: suite.encrKeyBits,
    integ: suite.integ,
    integKeyLength: sa.integKey.length,
  };
}

// --- nonce and associated data ----------------------------------------------------

const nonceScratch = new Uint8Array(12);
const aadScratch = new Uint8Array(8);
const aadEsnScratch = new Uint8Array(12);

/**
 * salt | IV in a scratch buffer, valid until the next call: pass it straight
 * to createCipheriv/createDecipheriv (which copy it). 4-byte salt + 8-byte IV.
 */
export function aeadNonce(salt: Uint8Array, packet: Uint8Array, ivOffset: number, ivLength: number): Uint8Array {
  nonceScratch.set(salt, 0);
  for (let i = 0; i < ivLength; i++) nonceScratch[salt.length + i] = packet[ivOffset + i]!;
  return nonceScratch;
}

/**
 * AEAD associated data (RFC 4106 §5, RFC 7634 §4) in a scratch buffer, valid
 * until the next call: SPI | Seq low, or with ESN SPI | Seq high | Seq low.
 */
export function aeadAssociatedData(spi: number, sequenceHigh: number, sequenceLow: number, esn: boolean): Uint8Array {
  const aad = esn ? aadEsnScratch : aadScratch;
  writeUint32(aad, 0, spi);
  if (esn) writeUint32(aad, 4, sequenceHigh);
  writeUint32(aad, esn ? 8 : 4, sequenceLow);
  return aad;
}

export function writeUint32(target: Uint8Array, offset: number, value: number): void {
  target[offset] = value >>> 24;
  target[offset + 1] = (value >>> 16) & 0xff;
  target[offset + 2] = (value >>> 8) & 0xff;
  target[offset + 3] = value & 0xff;
}

// --- random IVs ---------------------------------------------------------------------

const IV_POOL_BYTES = 4096;
const ivPool = new Uint8Array(IV_POOL_BYTES);
let ivPoolOffset = IV_POOL_BYTES;

/**
 * Writes `length` fresh CSPRNG bytes at `offset` of `target` (one
 * randomFillSync per 4 KiB instead of a randomBytes call per packet).
 */
export function writeRandomIv(target: Uint8Array, offset: number, length: number): void {
  if (length > IV_POOL_BYTES) throw new RangeError(`IV of ${length} bytes exceeds the ${IV_POOL_BYTES}-byte pool`);
  if (ivPoolOffset + length > IV_POOL_BYTES) {
    randomFillSync(ivPool);
    ivPoolOffset = 0;
  }
  for (let i = 0; i < length; i++) target[offset + i] = ivPool[ivPoolOffset + i]!;
  ivPoolOffset += length;
}
