/**
 * Signature authentication: the Authentication Data of an AUTH payload for
 * the signature methods, signed with a node:crypto private KeyObject and
 * verified with a public one. The octets signed are `signedOctets()` from
 * auth.ts.
 *
 *   method  name                     Authentication Data
 *   1       RSA Digital Signature    RSASSA-PKCS1-v1_5 with SHA-1 (RFC 7296 §3.8)
 *   9       ECDSA SHA-256 / P-256    r | s, 32 bytes each  (RFC 4754 §7)
 *   10      ECDSA SHA-384 / P-384    r | s, 48 bytes each
 *   11      ECDSA SHA-512 / P-521    r | s, 66 bytes each
 *   14      Digital Signature        len(1) | AlgorithmIdentifier | signature (RFC 7427 §3)
 *
 * Method 14 supports SHA-256/384/512 with RSASSA-PKCS1-v1_5, RSASSA-PSS (MGF1
 * with the same hash, salt = hash length) and ECDSA (DER Ecdsa-Sig-Value, as
 * RFC 7427 §3 says for ECDSA). Incoming AlgorithmIdentifiers are parsed as
 * DER rather than matched byte for byte, so PSS parameters with or without
 * the (default) trailer field both verify.
 *
 * Verification returns a result; it throws only for a method this code does
 * not implement.
 */
import { constants, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { AuthMethod, HashAlgorithmId } from '../constants.ts';
import { bytesToHex, concatBytes, hexToBytes, toUint8Array } from './bytes.ts';
import { CryptoError } from './errors.ts';

export type SignatureHash = 'sha256' | 'sha384' | 'sha512';
export type SignatureScheme = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';

/** One RFC 7427 signature algorithm and the AlgorithmIdentifier this code sends for it. */
export interface DigitalSignatureAlgorithm {
  readonly name: string;
  readonly scheme: SignatureScheme;
  readonly hash: SignatureHash;
  /** Hash number for N(SIGNATURE_HASH_ALGORITHMS) (RFC 7427 §4). */
  readonly hashAlgorithmId: HashAlgorithmId;
  /** DER AlgorithmIdentifier sent in method-14 AUTH data. */
  readonly algorithmIdentifier: Uint8Array;
}

const HASH_OID: Record<SignatureHash, string> = {
  sha256: '608648016503040201',
  sha384: '608648016503040202',
  sha512: '608648016503040203',
};
const HASH_LENGTH: Record<SignatureHash, number> = { sha256: 32, sha384: 48, sha512: 64 };
const HASH_ID: Record<SignatureHash, HashAlgorithmId> = {
  sha256: HashAlgorithmId.SHA2_256,
  sha384: HashAlgorithmId.SHA2_384,
  sha512: HashAlgorithmId.SHA2_512,
};
const RSA_PKCS1_OID: Record<SignatureHash, string> = {
  sha256: '2a864886f70d01010b',
  sha384: '2a864886f70d01010c',
  sha512: '2a864886f70d01010d',
};
const ECDSA_OID: Record<SignatureHash, string> = {
  sha256: '2a8648ce3d040302',
  sha384: '2a8648ce3d040303',
  sha512: '2a8648ce3d040304',
};
const RSASSA_PSS_OID = '2a864886f70d01010a';
const MGF1_OID = '2a864886f70d010108';

// --- minimal DER encoding ----------------------------------------------------

function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length < 0x100) return Uint8Array.of(0x81, length);
  return Uint8Array.of(0x82, length >> 8, length & 0xff);
}

function der(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  const body = concatBytes(...content);
  return concatBytes(Uint8Array.of(tag), derLength(body.length), body);
}

const oid = (hex: string): Uint8Array => der(0x06, hexToBytes(hex));
const NULL = Uint8Array.of(0x05, 0x00);

function hashAlgorithmIdentifier(hash: SignatureHash): Uint8Array {
  return der(0x30, oid(HASH_OID[hash]), NULL);
}

/** RSASSA-PSS AlgorithmIdentifier (RFC 4055 §3.1) with MGF1(hash) and salt = hash length; trailer field omitted (DER default). */
function pssAlgorithmIdentifier(hash: SignatureHash): Uint8Array {
  const params = der(
    0x30,
    der(0xa0, hashAlgorithmIdentifier(hash)),
    der(0xa1, der(0x30, oid(MGF1_OID), hashAlgorithmIdentifier(hash))),
    der(0xa2, der(0x02, Uint8Array.of(HASH_LENGTH[hash]))),
  );
  return der(0x30, oid(RSASSA_PSS_OID), params);
}

/**
 * AlgorithmIdentifier byte tables of RFC 7427 Appendix A, as printed there:
 * A.1 (RSA PKCS#1 v1.5), A.3 (ECDSA) and A.4.3 (RSASSA-PSS with SHA-256,
 * which includes the trailer field). Accepted on receipt like any DER.
 */
export const RFC7427_APPENDIX_A = {
  sha256WithRSAEncryption: hexToBytes('300d06092a864886f70d01010b0500'),
  sha384WithRSAEncryption: hexToBytes('300d06092a864886f70d01010c0500'),
  sha512WithRSAEncryption: hexToBytes('300d06092a864886f70d01010d0500'),
  ecdsaWithSha256: hexToBytes('300a06082a8648ce3d040302'),
  ecdsaWithSha384: hexToBytes('300a06082a8648ce3d040303'),
  ecdsaWithSha512: hexToBytes('300a06082a8648ce3d040304'),
  rsassaPssWithSha256: hexToBytes(
    '304606092a864886f70d01010a3039a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120a303020101',
  ),
} as const;

const HASHES: readonly SignatureHash[] = ['sha256', 'sha384', 'sha512'];

/** The method-14 algorithms this code signs with, and the AlgorithmIdentifier it sends for each. */
export const DIGITAL_SIGNATURE_ALGORITHMS: readonly DigitalSignatureAlgorithm[] = [
  ...HASHES.map((hash) => ({
    name: `${hash}WithRSAEncryption`,
    scheme: 'rsa-pkcs1' as const,
    hash,
    hashAlgorithmId: HASH_ID[hash],
    algorithmIdentifier: der(0x30, oid(RSA_PKCS1_OID[hash]), NULL),
  })),
  ...HASHES.map((hash) => ({
    name: `rsassa-pss-${hash}`,
    scheme: 'rsa-pss' as const,
    hash,
    hashAlgorithmId: HASH_ID[hash],
    algorithmIdentifier: pssAlgorithmIdentifier(hash),
  })),
  ...HASHES.map((hash) => ({
    name: `ecdsa-with-${hash}`,
    scheme: 'ecdsa' as const,
    hash,
    hashAlgorithmId: HASH_ID[hash],
    algorithmIdentifier: der(0x30, oid(ECDSA_OID[hash])),
  })),
];

/** Hash algorithms to announce in N(SIGNATURE_HASH_ALGORITHMS) (RFC 7427 §4). */
export const SUPPORTED_SIGNATURE_HASH_ALGORITHMS: readonly HashAlgorithmId[] = HASHES.map((hash) => HASH_ID[hash]);

// --- minimal DER decoding (for AlgorithmIdentifiers) ---------------------------

interface DerElement {
  readonly tag: number;
  readonly content: Uint8Array;
  /** The whole tag-length-value encoding. */
  readonly raw: Uint8Array;
  /** Offset just past the element in the buffer it was read from. */
  readonly end: number;
}

function readDer(bytes: Uint8Array, offset: number): DerElement | undefined {
  const tag = bytes[offset];
  let lengthByte = bytes[offset + 1];
  if (tag === undefined || lengthByte === undefined) return undefined;
  let position = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 2) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) {
      lengthByte = bytes[position++];
      if (lengthByte === undefined) return undefined;
      length = (length << 8) | lengthByte;
    }
  }
  if (position + length > bytes.length) return undefined;
  return { tag, content: bytes.subarray(position, position + length), raw: bytes.subarray(offset, position + length), end: position + length };
}

/** The elements of a constructed value's content, or undefined if they do not tile it exactly. */
function readSequence(content: Uint8Array): DerElement[] | undefined {
  const elements: DerElement[] = [];
  let offset = 0;
  while (offset < content.length) {
    const element = readDer(content, offset);
    if (!element) return undefined;
    elements.push(element);
    offset = element.end;
  }
  return elements;
}

/** The hash of a `SEQUENCE { OID hash [, NULL] }`, or undefined. */
function parseHashAlgorithm(bytes: Uint8Array): SignatureHash | undefined {
  const outer = readDer(bytes, 0);
  if (!outer || outer.tag !== 0x30 || outer.end !== bytes.length) return undefined;
  const parts = readSequence(outer.content);
  const first = parts?.[0];
  if (!parts || !first || first.tag !== 0x06 || parts.length > 2) return undefined;
  if (parts.length === 2 && (parts[1]?.tag !== 0x05 || parts[1].content.length !== 0)) return undefined;
  const hex = bytesToHex(first.content);
  return HASHES.find((hash) => HASH_OID[hash] === hex);
}

export interface ParsedSignatureAlgorithm {
  readonly scheme: SignatureScheme;
  readonly hash: SignatureHash;
  /** RSASSA-PSS salt length. */
  readonly saltLength?: number;
}

export type SignatureAlgorithmParse = { ok: true; algorithm: ParsedSignatureAlgorithm } | { ok: false; reason: 'malformed' | 'unsupported_algorithm'; detail: string };

/** Parses an RFC 7427 AlgorithmIdentifier (DER). */
export function parseSignatureAlgorithmIdentifier(bytes: Uint8Array): SignatureAlgorithmParse {
  const outer = readDer(bytes, 0);
  if (!outer || outer.tag !== 0x30 || outer.end !== bytes.length) return { ok: false, reason: 'malformed', detail: 'AlgorithmIdentifier is not one DER SEQUENCE' };
  const parts = readSequence(outer.content);
  const algorithmOid = parts?.[0];
  if (!parts || !algorithmOid || algorithmOid.tag !== 0x06 || parts.length > 2) {
    return { ok: false, reason: 'malformed', detail: 'AlgorithmIdentifier lacks an OBJECT IDENTIFIER' };
  }
  const oidHex = bytesToHex(algorithmOid.content);
  const params = parts[1];
  const paramsAbsentOrNull = params === undefined || (params.tag === 0x05 && params.content.length === 0);
  for (const hash of HASHES) {
    if (oidHex === RSA_PKCS1_OID[hash] && paramsAbsentOrNull) return { ok: true, algorithm: { scheme: 'rsa-pkcs1', hash } };
    if (oidHex === ECDSA_OID[hash] && paramsAbsentOrNull) return { ok: true, algorithm: { scheme: 'ecdsa', hash } };
  }
  if (oidHex === RSASSA_PSS_OID && params?.tag === 0x30) return parsePssParams(params.content);
  return { ok: false, reason: 'unsupported_algorithm', detail: `signature algorithm OID ${oidHex} is not supported` };
}

function parsePssParams(content: Uint8Array): SignatureAlgorithmParse {
  const fields = readSequence(content);
  if (!fields) return { ok: false, reason: 'malformed', detail: 'RSASSA-PSS parameters are not DER' };
  let hash: SignatureHash | undefined;
  let mgfHash: SignatureHash | undefined;
  let saltLength = 20;
  let sawHash = false;
  let sawMgf = false;
  for (const field of fields) {
    if (field.tag === 0xa0) {
      sawHash = true;
      hash = parseHashAlgorithm(field.content);
    } else if (field.tag === 0xa1) {
      sawMgf = true;
      const mgf = readDer(field.content, 0);
      const mgfParts = mgf && mgf.tag === 0x30 && mgf.end === field.content.length ? readSequence(mgf.content) : undefined;
      const mgfOid = mgfParts?.[0];
      const mgfParams = mgfParts?.[1];
      if (mgfOid?.tag === 0x06 && bytesToHex(mgfOid.content) === MGF1_OID && mgfParams) {
        mgfHash = parseHashAlgorithm(mgfParams.raw);
      }
    } else if (field.tag === 0xa2) {
      const integer = readDer(field.content, 0);
      if (!integer || integer.tag !== 0x02 || integer.content.length === 0 || integer.content.length > 2) {
        return { ok: false, reason: 'malformed', detail: 'RSASSA-PSS saltLength is not a small INTEGER' };
      }
      saltLength = integer.content.reduce((value, byte) => (value << 8) | byte, 0);
    } else if (field.tag === 0xa3) {
      const integer = readDer(field.content, 0);
      if (!integer || integer.tag !== 0x02 || integer.content.length !== 1 || integer.content[0] !== 1) {
        return { ok: false, reason: 'unsupported_algorithm', detail: 'RSASSA-PSS trailerField other than 1' };
      }
    } else {
      return { ok: false, reason: 'malformed', detail: `unexpected RSASSA-PSS parameter tag 0x${field.tag.toString(16)}` };
    }
  }
  if (!sawHash || !sawMgf || !hash || !mgfHash) {
    return { ok: false, reason: 'unsupported_algorithm', detail: 'RSASSA-PSS with SHA-1 (default) or an unsupported hash/MGF' };
  }
  if (hash !== mgfHash) return { ok: false, reason: 'unsupported_algorithm', detail: `RSASSA-PSS with ${hash} but MGF1 with ${mgfHash}` };
  return { ok: true, algorithm: { scheme: 'rsa-pss', hash, saltLength } };
}

// --- sign / verify ---------------------------------------------------------------

export interface SignAuthParams {
  /** AuthMethod 1, 9, 10, 11 or 14. */
  readonly method: number;
  readonly privateKey: KeyObject;
  readonly signedOctets: Uint8Array;
  /** Method 14 only: hash to use (default sha256). */
  readonly hash?: SignatureHash;
  /** Method 14 with an RSA key: PKCS#1 v1.5 (default) or PSS. */
  readonly rsaPadding?: 'pkcs1' | 'pss';
}

export interface VerifyAuthParams {
  readonly method: number;
  readonly publicKey: KeyObject;
  readonly signedOctets: Uint8Array;
  /** Authentication Data of the received AUTH payload. */
  readonly authData: Uint8Array;
}

export type VerifyAuthResult =
  | { ok: true; scheme: SignatureScheme; hash: SignatureHash | 'sha1' }
  | { ok: false; reason: 'signature' | 'malformed' | 'unsupported_algorithm' | 'key_mismatch'; detail: string };

const ECDSA_METHODS: Record<number, { hash: SignatureHash; curve: string; size: number }> = {
  [AuthMethod.ECDSA_SHA256_P256]: { hash: 'sha256', curve: 'prime256v1', size: 32 },
  [AuthMethod.ECDSA_SHA384_P384]: { hash: 'sha384', curve: 'secp384r1', size: 48 },
  [AuthMethod.ECDSA_SHA512_P521]: { hash: 'sha512', curve: 'secp521r1', size: 66 },
};

function isRsa(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss';
}

function checkEcdsaKey(method: number, key: KeyObject): void {
  const expected = ECDSA_METHODS[method];
  if (expected && (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== expected.curve)) {
    throw new CryptoError('auth_key_mismatch', `AUTH method ${method} needs an EC key on ${expected.curve}`);
  }
}

/** Authentication Data for a signature AUTH method. */
export function signAuth(params: SignAuthParams): Uint8Array {
  const { method, privateKey, signedOctets } = params;
  if (method === AuthMethod.RSA_SIGNATURE) {
    if (privateKey.asymmetricKeyType !== 'rsa') throw new CryptoError('auth_key_mismatch', 'AUTH method 1 needs an RSA (PKCS#1) key');
    return toUint8Array(sign('sha1', signedOctets, { key: privateKey, padding: constants.RSA_PKCS1_PADDING }));
  }
  const ecdsa = ECDSA_METHODS[method];
  if (ecdsa) {
    checkEcdsaKey(method, privateKey);
    return toUint8Array(sign(ecdsa.hash, signedOctets, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
  }
  if (method === AuthMethod.DIGITAL_SIGNATURE) {
    const hash = params.hash ?? 'sha256';
    let scheme: SignatureScheme;
    if (isRsa(privateKey)) scheme = params.rsaPadding === 'pss' || privateKey.asymmetricKeyType === 'rsa-pss' ? 'rsa-pss' : 'rsa-pkcs1';
    else if (privateKey.asymmetricKeyType === 'ec') scheme = 'ecdsa';
    else throw new CryptoError('auth_unsupported_method', `Digital Signature with a ${privateKey.asymmetricKeyType ?? 'unknown'} key is not implemented`);
    const algorithm = DIGITAL_SIGNATURE_ALGORITHMS.find((a) => a.scheme === scheme && a.hash === hash);
    if (!algorithm) throw new CryptoError('auth_unsupported_method', `Digital Signature ${scheme} with ${hash} is not implemented`);
    const signature = signWith(algorithm.scheme, hash, privateKey, signedOctets, HASH_LENGTH[hash]);
    return concatBytes(Uint8Array.of(algorithm.algorithmIdentifier.length), algorithm.algorithmIdentifier, signature);
  }
  throw new CryptoError('auth_unsupported_method', `AUTH method ${method} is not a signature method implemented here`);
}

function signWith(scheme: SignatureScheme, hash: SignatureHash, key: KeyObject, data: Uint8Array, saltLength: number): Uint8Array {
  switch (scheme) {
    case 'rsa-pkcs1':
      return toUint8Array(sign(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }));
    case 'rsa-pss':
      return toUint8Array(sign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }));
    case 'ecdsa':
      return toUint8Array(sign(hash, data, { key, dsaEncoding: 'der' }));
  }
}

function verifyWith(scheme: SignatureScheme, hash: SignatureHash, key: KeyObject, data: Uint8Array, signature: Uint8Array, saltLength: number): boolean {
  try {
    switch (scheme) {
      case 'rsa-pkcs1':
        return verify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
      case 'rsa-pss':
        return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
      case 'ecdsa':
        return verify(hash, data, { key, dsaEncoding: 'der' }, signature);
    }
  } catch {
    return false;
  }
}

/** Verifies the Authentication Data of a signature AUTH payload. */
export function verifySignatureAuth(params: VerifyAuthParams): VerifyAuthResult {
  const { method, publicKey, signedOctets, authData } = params;
  if (method === AuthMethod.RSA_SIGNATURE) {
    if (publicKey.asymmetricKeyType !== 'rsa') return { ok: false, reason: 'key_mismatch', detail: 'AUTH method 1 needs an RSA (PKCS#1) public key' };
    let valid = false;
    try {
      valid = verify('sha1', signedOctets, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, authData);
    } catch {
      valid = false;
    }
    return valid ? { ok: true, scheme: 'rsa-pkcs1', hash: 'sha1' } : { ok: false, reason: 'signature', detail: 'RSA (SHA-1) signature does not verify' };
  }
  const ecdsa = ECDSA_METHODS[method];
  if (ecdsa) {
    if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== ecdsa.curve) {
      return { ok: false, reason: 'key_mismatch', detail: `AUTH method ${method} needs an EC public key on ${ecdsa.curve}` };
    }
    if (authData.length !== 2 * ecdsa.size) {
      return { ok: false, reason: 'malformed', detail: `ECDSA signature must be ${2 * ecdsa.size} bytes (r | s), got ${authData.length}` };
    }
    let valid = false;
    try {
      valid = verify(ecdsa.hash, signedOctets, { key: publicKey, dsaEncoding: 'ieee-p1363' }, authData);
    } catch {
      valid = false;
    }
    return valid ? { ok: true, scheme: 'ecdsa', hash: ecdsa.hash } : { ok: false, reason: 'signature', detail: `ECDSA ${ecdsa.hash} signature does not verify` };
  }
  if (method === AuthMethod.DIGITAL_SIGNATURE) {
    const idLength = authData[0];
    if (idLength === undefined || idLength === 0 || 1 + idLength >= authData.length) {
      return { ok: false, reason: 'malformed', detail: 'Digital Signature data lacks an AlgorithmIdentifier length or signature' };
    }
    const parsed = parseSignatureAlgorithmIdentifier(authData.subarray(1, 1 + idLength));
    if (!parsed.ok) return parsed;
    const { scheme, hash } = parsed.algorithm;
    const keyFits = scheme === 'ecdsa' ? publicKey.asymmetricKeyType === 'ec' : isRsa(publicKey);
    if (!keyFits) return { ok: false, reason: 'key_mismatch', detail: `${scheme} signature but a ${publicKey.asymmetricKeyType ?? 'unknown'} public key` };
    const signature = authData.subarray(1 + idLength);
    const valid = verifyWith(scheme, hash, publicKey, signedOctets, signature, parsed.algorithm.saltLength ?? HASH_LENGTH[hash]);
    return valid ? { ok: true, scheme, hash } : { ok: false, reason: 'signature', detail: `${scheme} ${hash} signature does not verify` };
  }
  throw new CryptoError('auth_unsupported_method', `AUTH method ${method} is not a signature method implemented here`);
}
