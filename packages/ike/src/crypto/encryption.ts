/**
 * The ENCR primitives under the SK payload and ESP, without any IKE framing:
 *
 * - AES-CBC (RFC 3602): raw block encryption, no cipher-level padding (the
 *   SK payload / ESP trailer does its own padding).
 * - AEAD (AES-GCM per RFC 5282 / RFC 4106, ChaCha20-Poly1305 per RFC 7634):
 *   the key material is `key | salt(4)`, the nonce is `salt | IV(8)` and the
 *   16-byte ICV is appended to the ciphertext.
 *
 * `aeadOpen` returns null when authentication fails; it never throws for
 * bad bytes.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { CipherGCM, CipherGCMTypes, DecipherGCM } from 'node:crypto';
import { EncrId } from '../constants.ts';
import { requireEncryption } from './algorithms.ts';
import type { EncryptionAlgorithm } from './algorithms.ts';
import { concatBytes, toUint8Array } from './bytes.ts';
import { CryptoError } from './errors.ts';

function checkCbc(keyBits: number, key: Uint8Array, iv: Uint8Array, length: number): string {
  const algorithm = requireEncryption(EncrId.AES_CBC, keyBits);
  if (key.length !== keyBits / 8) throw new CryptoError('key_length', `AES-CBC-${keyBits} needs a ${keyBits / 8}-byte key (got ${key.length})`);
  if (iv.length !== algorithm.ivSize) throw new CryptoError('iv_length', `AES-CBC needs a 16-byte IV (got ${iv.length})`);
  if (length % algorithm.blockSize !== 0) {
    throw new CryptoError('block_length', `AES-CBC data must be a multiple of 16 bytes (got ${length})`);
  }
  return algorithm.nodeCipher(keyBits);
}

/** AES-CBC encryption of block-aligned data (no padding added). */
export function cbcEncrypt(keyBits: number, key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const cipher = createCipheriv(checkCbc(keyBits, key, iv, plaintext.length), key, iv);
  cipher.setAutoPadding(false);
  return toUint8Array(Buffer.concat([cipher.update(plaintext), cipher.final()]));
}

/** AES-CBC decryption of block-aligned data (no padding removed). */
export function cbcDecrypt(keyBits: number, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const decipher = createDecipheriv(checkCbc(keyBits, key, iv, ciphertext.length), key, iv);
  decipher.setAutoPadding(false);
  return toUint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}

interface AeadParts {
  readonly algorithm: EncryptionAlgorithm;
  readonly cipherName: string;
  readonly key: Uint8Array;
  readonly nonce: Uint8Array;
}

function aeadParts(encrId: number, keyBits: number, keyWithSalt: Uint8Array, iv: Uint8Array): AeadParts {
  const algorithm = requireEncryption(encrId, keyBits);
  if (algorithm.mode !== 'aead') throw new CryptoError('unsupported_transform', `${algorithm.name} is not an AEAD`);
  const keyLength = keyBits / 8;
  if (keyWithSalt.length !== keyLength + algorithm.saltBytes) {
    throw new CryptoError('key_length', `${algorithm.name}-${keyBits} needs ${keyLength} key + ${algorithm.saltBytes} salt bytes (got ${keyWithSalt.length})`);
  }
  if (iv.length !== algorithm.ivSize) throw new CryptoError('iv_length', `${algorithm.name} needs an ${algorithm.ivSize}-byte IV (got ${iv.length})`);
  return {
    algorithm,
    cipherName: algorithm.nodeCipher(keyBits),
    key: keyWithSalt.subarray(0, keyLength),
    nonce: concatBytes(keyWithSalt.subarray(keyLength), iv),
  };
}

/** AEAD encryption: returns ciphertext | ICV. */
export function aeadSeal(encrId: number, keyBits: number, keyWithSalt: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const { algorithm, cipherName, key, nonce } = aeadParts(encrId, keyBits, keyWithSalt, iv);
  const cipher = createCipheriv(cipherName as CipherGCMTypes, key, nonce, { authTagLength: algorithm.icvSize }) as CipherGCM;
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const tail = cipher.final(); // empty for these stream-mode AEADs; kept in case
  return concatBytes(body, tail, cipher.getAuthTag());
}

/** AEAD decryption of ciphertext | ICV; null when the ICV does not verify. */
export function aeadOpen(encrId: number, keyBits: number, keyWithSalt: Uint8Array, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  const { algorithm, cipherName, key, nonce } = aeadParts(encrId, keyBits, keyWithSalt, iv);
  if (sealed.length < algorithm.icvSize) return null;
  const ciphertext = sealed.subarray(0, sealed.length - algorithm.icvSize);
  const icv = sealed.subarray(sealed.length - algorithm.icvSize);
  const decipher = createDecipheriv(cipherName as CipherGCMTypes, key, nonce, { authTagLength: algorithm.icvSize }) as DecipherGCM;
  decipher.setAAD(aad);
  decipher.setAuthTag(icv);
  const plaintext = decipher.update(ciphertext);
  let tail: Uint8Array;
  try {
    tail = decipher.final();
  } catch {
    return null;
  }
  return tail.length === 0 ? toUint8Array(plaintext) : concatBytes(plaintext, tail);
}
