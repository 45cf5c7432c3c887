/**
 * The algorithm registry: every transform this crypto layer implements, as
 * tables that code interprets and tests enumerate. Numbers come from the
 * shared IANA table in `../constants.ts`; what each number means in bytes
 * (key, block, IV, ICV, salt, public value sizes) and which node:crypto
 * primitive runs it lives here and nowhere else.
 *
 * Sources: RFC 3602 (AES-CBC), RFC 5282 (AES-GCM in IKEv2: 4-byte salt,
 * 8-byte IV), RFC 7634 (ChaCha20-Poly1305: 32-byte key + 4-byte salt),
 * RFC 2404 / RFC 4868 (HMAC-SHA1-96, HMAC-SHA2 truncations and key sizes),
 * RFC 3526 / RFC 5903 / RFC 8031 (groups 14-16, 19-21, 31).
 */
import { DhGroupId, EncrId, EsnId, IntegId, PrfId, TransformType } from '../constants.ts';
import { CryptoError } from './errors.ts';

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** A transform as it appears in an SA payload: type, IANA id, optional Key Length attribute (bits). */
export interface TransformRef {
  readonly type: number;
  readonly id: number;
  readonly keyLength?: number | undefined;
}

// --- ENCR (transform type 1) -------------------------------------------------

export interface EncryptionAlgorithm {
  readonly id: number;
  readonly name: string;
  /** 'cbc': encrypt-then-MAC with a separate INTEG transform; 'aead': ICV from the cipher. */
  readonly mode: 'cbc' | 'aead';
  /** Key lengths in bits this layer accepts. */
  readonly keyBits: readonly number[];
  /** RFC 7296 §3.3.5: AES needs the Key Length attribute; ChaCha20-Poly1305 has a fixed key and none. */
  readonly keyLengthAttribute: 'required' | 'absent';
  /** Bytes of salt appended to the cipher key in SK_e / ESP KEYMAT (RFC 5282 §7.1, RFC 7634 §2). */
  readonly saltBytes: number;
  /** Padding alignment of the SK payload plaintext (RFC 7296 §3.14); 1 for the stream-like AEADs. */
  readonly blockSize: number;
  /** Bytes of explicit IV in front of the ciphertext. */
  readonly ivSize: number;
  /** Bytes of ICV produced by the AEAD (0 for CBC: the INTEG transform provides it). */
  readonly icvSize: number;
  /** node:crypto cipher name for a key length in bits. */
  readonly nodeCipher: (keyBits: number) => string;
}

export const ENCRYPTION_ALGORITHMS: readonly EncryptionAlgorithm[] = [
  {
    id: EncrId.AES_CBC,
    name: 'AES-CBC',
    mode: 'cbc',
    keyBits: [128, 192, 256],
    keyLengthAttribute: 'required',
    saltBytes: 0,
    blockSize: 16,
    ivSize: 16,
    icvSize: 0,
    nodeCipher: (keyBits) => `aes-${keyBits}-cbc`,
  },
  {
    id: EncrId.AES_GCM_16,
    name: 'AES-GCM-16',
    mode: 'aead',
    keyBits: [128, 192, 256],
    keyLengthAttribute: 'required',
    saltBytes: 4,
    blockSize: 1,
    ivSize: 8,
    icvSize: 16,
    nodeCipher: (keyBits) => `aes-${keyBits}-gcm`,
  },
  {
    id: EncrId.CHACHA20_POLY1305,
    name: 'ChaCha20-Poly1305',
    mode: 'aead',
    keyBits: [256],
    keyLengthAttribute: 'absent',
    saltBytes: 4,
    blockSize: 1,
    ivSize: 8,
    icvSize: 16,
    nodeCipher: () => 'chacha20-poly1305',
  },
];

// --- PRF (transform type 2) --------------------------------------------------

export interface PrfAlgorithm {
  readonly id: number;
  readonly name: string;
  readonly hash: HashName;
  /** Output length in bytes (also the prf+ block size). */
  readonly outputLength: number;
  /** "Preferred key length" (RFC 7296 §2.14): the length of SK_d, SK_pi and SK_pr. */
  readonly keyLength: number;
}

export const PRF_ALGORITHMS: readonly PrfAlgorithm[] = [
  { id: PrfId.HMAC_SHA1, name: 'PRF_HMAC_SHA1', hash: 'sha1', outputLength: 20, keyLength: 20 },
  { id: PrfId.HMAC_SHA2_256, name: 'PRF_HMAC_SHA2_256', hash: 'sha256', outputLength: 32, keyLength: 32 },
  { id: PrfId.HMAC_SHA2_384, name: 'PRF_HMAC_SHA2_384', hash: 'sha384', outputLength: 48, keyLength: 48 },
  { id: PrfId.HMAC_SHA2_512, name: 'PRF_HMAC_SHA2_512', hash: 'sha512', outputLength: 64, keyLength: 64 },
];

// --- INTEG (transform type 3) ------------------------------------------------

export interface IntegrityAlgorithm {
  readonly id: number;
  readonly name: string;
  /** null for NONE (used with AEAD ciphers). */
  readonly hash: HashName | null;
  /** Key length in bytes (RFC 2404 §3, RFC 4868 §2.1.1: the hash output length). */
  readonly keyLength: number;
  /** Truncated ICV length in bytes. */
  readonly icvLength: number;
}

export const INTEGRITY_ALGORITHMS: readonly IntegrityAlgorithm[] = [
  { id: IntegId.NONE, name: 'NONE', hash: null, keyLength: 0, icvLength: 0 },
  { id: IntegId.HMAC_SHA1_96, name: 'AUTH_HMAC_SHA1_96', hash: 'sha1', keyLength: 20, icvLength: 12 },
  { id: IntegId.HMAC_SHA2_256_128, name: 'AUTH_HMAC_SHA2_256_128', hash: 'sha256', keyLength: 32, icvLength: 16 },
  { id: IntegId.HMAC_SHA2_384_192, name: 'AUTH_HMAC_SHA2_384_192', hash: 'sha384', keyLength: 48, icvLength: 24 },
  { id: IntegId.HMAC_SHA2_512_256, name: 'AUTH_HMAC_SHA2_512_256', hash: 'sha512', keyLength: 64, icvLength: 32 },
];

// --- DH / key exchange (transform type 4) ------------------------------------

export interface DhGroup {
  readonly id: number;
  readonly name: string;
  readonly kind: 'modp' | 'ecp' | 'x25519';
  /** Bytes of KE payload Key Exchange Data (RFC 7296 §3.4, RFC 5903 §7, RFC 8031 §3). */
  readonly publicValueLength: number;
  /** Bytes of g^ir as fed to SKEYSEED (prime length, x coordinate length, or 32). */
  readonly sharedSecretLength: number;
  /** node:crypto name: a getDiffieHellman group, an ECDH curve, or 'x25519'. */
  readonly nodeName: string;
  /** Bytes of private key: MODP uses a short random exponent (see dh.ts), ECP the order size. */
  readonly privateKeyLength: number;
}

export const DH_GROUPS: readonly DhGroup[] = [
  { id: DhGroupId.MODP_2048, name: 'MODP-2048', kind: 'modp', publicValueLength: 256, sharedSecretLength: 256, nodeName: 'modp14', privateKeyLength: 64 },
  { id: DhGroupId.MODP_3072, name: 'MODP-3072', kind: 'modp', publicValueLength: 384, sharedSecretLength: 384, nodeName: 'modp15', privateKeyLength: 64 },
  { id: DhGroupId.MODP_4096, name: 'MODP-4096', kind: 'modp', publicValueLength: 512, sharedSecretLength: 512, nodeName: 'modp16', privateKeyLength: 64 },
  { id: DhGroupId.ECP_256, name: 'ECP-256', kind: 'ecp', publicValueLength: 64, sharedSecretLength: 32, nodeName: 'prime256v1', privateKeyLength: 32 },
  { id: DhGroupId.ECP_384, name: 'ECP-384', kind: 'ecp', publicValueLength: 96, sharedSecretLength: 48, nodeName: 'secp384r1', privateKeyLength: 48 },
  { id: DhGroupId.ECP_521, name: 'ECP-521', kind: 'ecp', publicValueLength: 132, sharedSecretLength: 66, nodeName: 'secp521r1', privateKeyLength: 66 },
  { id: DhGroupId.CURVE_25519, name: 'Curve25519', kind: 'x25519', publicValueLength: 32, sharedSecretLength: 32, nodeName: 'x25519', privateKeyLength: 32 },
];

// --- lookups -------------------------------------------------------------------

export function encryptionAlgorithm(id: number): EncryptionAlgorithm | undefined {
  return ENCRYPTION_ALGORITHMS.find((a) => a.id === id);
}

export function prfAlgorithm(id: number): PrfAlgorithm | undefined {
  return PRF_ALGORITHMS.find((a) => a.id === id);
}

export function integrityAlgorithm(id: number): IntegrityAlgorithm | undefined {
  return INTEGRITY_ALGORITHMS.find((a) => a.id === id);
}

export function dhGroup(id: number): DhGroup | undefined {
  return DH_GROUPS.find((g) => g.id === id);
}

export function requireEncryption(id: number, keyBits: number): EncryptionAlgorithm {
  const algorithm = encryptionAlgorithm(id);
  if (!algorithm) throw new CryptoError('unsupported_transform', `ENCR ${id} is not implemented`);
  if (!algorithm.keyBits.includes(keyBits)) {
    throw new CryptoError('unsupported_transform', `${algorithm.name} with a ${keyBits}-bit key is not implemented`);
  }
  return algorithm;
}

export function requirePrf(id: number): PrfAlgorithm {
  const algorithm = prfAlgorithm(id);
  if (!algorithm) throw new CryptoError('unsupported_transform', `PRF ${id} is not implemented (HMAC PRFs 2, 5, 6, 7 are)`);
  return algorithm;
}

export function requireIntegrity(id: number): IntegrityAlgorithm {
  const algorithm = integrityAlgorithm(id);
  if (!algorithm) throw new CryptoError('unsupported_transform', `INTEG ${id} is not implemented`);
  return algorithm;
}

/**
 * Bytes of encryption key material one direction takes from prf+ (SK_ei, or
 * an ESP encryption key): cipher key plus salt.
 */
export function encryptionKeyMaterialLength(id: number, keyBits: number): number {
  const algorithm = requireEncryption(id, keyBits);
  return keyBits / 8 + algorithm.saltBytes;
}

/**
 * Whether this crypto layer implements a transform as offered in an SA
 * payload. ENCR: AES needs a Key Length attribute of an implemented size;
 * ChaCha20-Poly1305 takes none (or 256, as strongSwan's
 * `chacha20poly1305compat` sends). ESN: both values (the data plane handles
 * sequence numbers). Unknown transform types are unsupported.
 */
export function isSupported(transform: TransformRef): boolean {
  switch (transform.type) {
    case TransformType.ENCR: {
      const algorithm = encryptionAlgorithm(transform.id);
      if (!algorithm) return false;
      if (algorithm.keyLengthAttribute === 'required') {
        return transform.keyLength !== undefined && algorithm.keyBits.includes(transform.keyLength);
      }
      return transform.keyLength === undefined || algorithm.keyBits.includes(transform.keyLength);
    }
    case TransformType.PRF:
      return transform.keyLength === undefined && prfAlgorithm(transform.id) !== undefined;
    case TransformType.INTEG:
      return transform.keyLength === undefined && integrityAlgorithm(transform.id) !== undefined;
    case TransformType.DH:
      return transform.keyLength === undefined && (transform.id === DhGroupId.NONE || dhGroup(transform.id) !== undefined);
    case TransformType.ESN:
      return transform.keyLength === undefined && (transform.id === EsnId.NO_ESN || transform.id === EsnId.ESN);
    default:
      return false;
  }
}

/** Key length in bits to use for an ENCR transform: the attribute, or the fixed size of ChaCha20-Poly1305. */
export function encryptionKeyBits(transform: TransformRef): number {
  const algorithm = encryptionAlgorithm(transform.id);
  if (!algorithm) throw new CryptoError('unsupported_transform', `ENCR ${transform.id} is not implemented`);
  if (transform.keyLength !== undefined) return transform.keyLength;
  const only = algorithm.keyBits.length === 1 ? algorithm.keyBits[0] : undefined;
  if (only === undefined) throw new CryptoError('unsupported_transform', `${algorithm.name} needs a Key Length attribute`);
  return only;
}
