/**
 * The Encrypted payload body (RFC 7296 §3.14; RFC 5282 §3 for AES-GCM;
 * RFC 7634 §3 for ChaCha20-Poly1305) and the Encrypted Fragment body
 * (RFC 7383 §2.5, same layout):
 *
 *                         1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    | Next Payload  |C|  RESERVED   |         Payload Length        |  <- in aad
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                     Initialization Vector                     |  <- body starts
 *    |         (length is block size for encryption algorithm)       |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    ~                    Encrypted IKE Payloads                     ~
 *    +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |               |             Padding (0-255 octets)            |
 *    +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
 *    |                                               |  Pad Length   |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    ~                    Integrity Checksum Data                    ~
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * CBC + HMAC: IV is 16 bytes, Padding aligns plaintext|Padding|Pad Length to
 * 16, ICV = integ(SK_a, aad | IV | ciphertext) truncated.
 * AEAD: IV is 8 bytes, nonce = salt | IV, AAD = aad (IKE header through the
 * SK/SKF generic header, plus the SKF fragment fields), ICV is the 16-byte tag;
 * no padding is added (block size 1), as in RFC 7634 Appendix B.
 *
 * Padding bytes are zero. On receipt the padding content is not checked
 * (RFC 7296 §3.14 leaves it to the sender); only Pad Length must fit.
 *
 * `openSk` never throws for bad bytes. Both functions throw `CryptoError`
 * for an unimplemented suite or keys of the wrong length: those are caller
 * bugs, not peer behaviour.
 */
import { randomBytes } from 'node:crypto';
import { requireEncryption, requireIntegrity } from './algorithms.ts';
import type { EncryptionAlgorithm, IntegrityAlgorithm } from './algorithms.ts';
import { concatBytes } from './bytes.ts';
import { aeadOpen, aeadSeal, cbcDecrypt, cbcEncrypt } from './encryption.ts';
import { CryptoError } from './errors.ts';
import { computeIntegrity, verifyIntegrity } from './integrity.ts';
import type { IkeSaKeys } from './key-derivation.ts';

export interface SkSuite {
  /** EncrId */
  encr: number;
  encrKeyBits: number;
  /** IntegId, 0 for AEAD */
  integ: number;
}

export interface SkKeys {
  /** SK_e incl. salt for GCM/ChaCha */
  encKey: Uint8Array;
  /** SK_a, empty for AEAD */
  integKey: Uint8Array;
}

export type OpenSkResult =
  | { ok: true; plaintext: Uint8Array }
  | { ok: false; reason: 'integrity' | 'length' | 'padding'; detail: string };

interface ResolvedSuite {
  readonly encryption: EncryptionAlgorithm;
  readonly integrity: IntegrityAlgorithm;
  /** ICV bytes at the end of the body. */
  readonly icvSize: number;
}

function resolveSuite(suite: SkSuite): ResolvedSuite {
  const encryption = requireEncryption(suite.encr, suite.encrKeyBits);
  const integrity = requireIntegrity(suite.integ);
  if (encryption.mode === 'aead' && integrity.hash !== null) {
    throw new CryptoError('unsupported_transform', `${encryption.name} is an AEAD: INTEG must be NONE (got ${integrity.name})`);
  }
  if (encryption.mode === 'cbc' && integrity.hash === null) {
    throw new CryptoError('unsupported_transform', `${encryption.name} needs an INTEG transform`);
  }
  return { encryption, integrity, icvSize: encryption.mode === 'aead' ? encryption.icvSize : integrity.icvLength };
}

function checkKeys(suite: SkSuite, resolved: ResolvedSuite, keys: SkKeys): void {
  const encLength = suite.encrKeyBits / 8 + resolved.encryption.saltBytes;
  if (keys.encKey.length !== encLength) {
    throw new CryptoError('key_length', `SK_e for ${resolved.encryption.name}-${suite.encrKeyBits} must be ${encLength} bytes (got ${keys.encKey.length})`);
  }
  if (keys.integKey.length !== resolved.integrity.keyLength) {
    throw new CryptoError('key_length', `SK_a for ${resolved.integrity.name} must be ${resolved.integrity.keyLength} bytes (got ${keys.integKey.length})`);
  }
}

/** Bytes of Padding for a plaintext of n bytes (minimal, so 0..blockSize-1). */
function paddingLength(blockSize: number, plaintextLength: number): number {
  return (blockSize - ((plaintextLength + 1) % blockSize)) % blockSize;
}

/** total length of IV || ciphertext(padded plaintext + pad-length byte) || ICV for a plaintext of n bytes */
export function skBodyLength(suite: SkSuite, plaintextLength: number): number {
  const resolved = resolveSuite(suite);
  const { blockSize, ivSize } = resolved.encryption;
  return ivSize + plaintextLength + paddingLength(blockSize, plaintextLength) + 1 + resolved.icvSize;
}

/** aad = bytes of IKE header + SK (or SKF) generic payload header (+ the 4 bytes of SKF fragment number/total) exactly as sent, lengths already final. Returns IV||ciphertext||ICV. Adds padding and the pad-length byte itself. iv optional for deterministic tests (random otherwise). For CBC+HMAC the ICV = integ(SK_a, aad || IV || ciphertext) truncated; for AEAD the aad is the AEAD associated data. */
export function sealSk(suite: SkSuite, keys: SkKeys, aad: Uint8Array, plaintext: Uint8Array, iv?: Uint8Array): Uint8Array {
  const resolved = resolveSuite(suite);
  checkKeys(suite, resolved, keys);
  const { encryption } = resolved;
  const explicitIv = iv ?? randomBytes(encryption.ivSize);
  if (explicitIv.length !== encryption.ivSize) {
    throw new CryptoError('iv_length', `${encryption.name} needs a ${encryption.ivSize}-byte IV (got ${explicitIv.length})`);
  }
  const padLength = paddingLength(encryption.blockSize, plaintext.length);
  const padded = new Uint8Array(plaintext.length + padLength + 1);
  padded.set(plaintext, 0);
  padded[padded.length - 1] = padLength;
  if (encryption.mode === 'cbc') {
    const ciphertext = cbcEncrypt(suite.encrKeyBits, keys.encKey, explicitIv, padded);
    const icv = computeIntegrity(suite.integ, keys.integKey, aad, explicitIv, ciphertext);
    return concatBytes(explicitIv, ciphertext, icv);
  }
  return concatBytes(explicitIv, aeadSeal(suite.encr, suite.encrKeyBits, keys.encKey, explicitIv, aad, padded));
}

/** Never throws for bad input bytes: a failed integrity check is a distinct typed result. */
export function openSk(suite: SkSuite, keys: SkKeys, aad: Uint8Array, body: Uint8Array): OpenSkResult {
  const resolved = resolveSuite(suite);
  checkKeys(suite, resolved, keys);
  const { encryption, icvSize } = resolved;
  const minimum = encryption.ivSize + encryption.blockSize + icvSize;
  if (body.length < minimum) {
    return { ok: false, reason: 'length', detail: `${encryption.name} body must be at least ${minimum} bytes (got ${body.length})` };
  }
  const iv = body.subarray(0, encryption.ivSize);
  const ciphertext = body.subarray(encryption.ivSize, body.length - icvSize);
  let padded: Uint8Array;
  if (encryption.mode === 'cbc') {
    if (ciphertext.length % encryption.blockSize !== 0) {
      return { ok: false, reason: 'length', detail: `ciphertext of ${ciphertext.length} bytes is not a multiple of the ${encryption.blockSize}-byte block` };
    }
    const icv = body.subarray(body.length - icvSize);
    if (!verifyIntegrity(suite.integ, keys.integKey, icv, aad, iv, ciphertext)) {
      return { ok: false, reason: 'integrity', detail: `${resolved.integrity.name} checksum does not match` };
    }
    padded = cbcDecrypt(suite.encrKeyBits, keys.encKey, iv, ciphertext);
  } else {
    const opened = aeadOpen(suite.encr, suite.encrKeyBits, keys.encKey, iv, aad, body.subarray(encryption.ivSize));
    if (!opened) return { ok: false, reason: 'integrity', detail: `${encryption.name} ICV does not verify` };
    padded = opened;
  }
  const padLength = padded[padded.length - 1] ?? 0;
  if (padLength + 1 > padded.length) {
    return { ok: false, reason: 'padding', detail: `Pad Length ${padLength} exceeds the ${padded.length - 1} decrypted bytes before it` };
  }
  return { ok: true, plaintext: padded.slice(0, padded.length - padLength - 1) };
}

/**
 * The SK keys protecting messages sent by `sender`: SK_ei/SK_ai for the
 * original initiator's messages, SK_er/SK_ar for the original responder's
 * (RFC 7296 §2.14), requests and responses alike.
 */
export function skKeysFor(keys: IkeSaKeys, sender: 'initiator' | 'responder'): SkKeys {
  return sender === 'initiator'
    ? { encKey: keys.skEi, integKey: keys.skAi }
    : { encKey: keys.skEr, integKey: keys.skAr };
}

/** Outbound/inbound SK keys for the local side of an IKE SA. */
export function skKeyPairFor(keys: IkeSaKeys, localRole: 'initiator' | 'responder'): { outbound: SkKeys; inbound: SkKeys } {
  const peerRole = localRole === 'initiator' ? 'responder' : 'initiator';
  return { outbound: skKeysFor(keys, localRole), inbound: skKeysFor(keys, peerRole) };
}

/** The SkSuite of a derived key set. */
export function skSuiteOf(keys: IkeSaKeys): SkSuite {
  return { encr: keys.suite.encr, encrKeyBits: keys.suite.encrKeyBits, integ: keys.suite.integ };
}
