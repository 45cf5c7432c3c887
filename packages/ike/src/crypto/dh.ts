/**
 * Diffie-Hellman / key exchange for the KE payload (RFC 7296 §1.2, §3.4).
 *
 *   group   KE payload data                        g^ir fed to SKEYSEED
 *   14-16   g^x mod p, zero-padded to len(p)       g^xy mod p, zero-padded to len(p)
 *   19-21   x | y, each padded to the field size   x coordinate (RFC 5903 §7, §9)
 *           (no 0x04 prefix, RFC 5903 §7)
 *   31      32-byte little-endian u (RFC 8031 §3)  X25519 output (RFC 8031 §2.1)
 *
 * Peer values are checked before use (RFC 6989): exact length for the group;
 * MODP 2 <= y <= p-2 (enough for the RFC 3526 safe primes, RFC 6989 §2.2);
 * ECP point on the curve (OpenSSL's check in ECDH); X25519 all-zero output
 * rejected (RFC 8031 §2.2, RFC 7748 §6.1). Failures are `KeyExchangeError`s.
 *
 * MODP private exponents are 512 random bits, above twice the strength
 * RFC 3526 §8 estimates for groups 14-16 (at most 240 bits), which keeps
 * 4096-bit exchanges fast. The RFC 3526 primes come from node:crypto's
 * built-in modp14/15/16 groups (RFC 3526 §3, §4, §5), generator 2.
 *
 * A `privateKey` may be handed in for known-answer tests: the big-endian
 * exponent (MODP), the big-endian scalar (ECP) or the 32-byte X25519 scalar.
 */
import {
  createDiffieHellman,
  createECDH,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  getDiffieHellman,
  randomBytes,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { dhGroup } from './algorithms.ts';
import type { DhGroup } from './algorithms.ts';
import { bytesToBigInt, concatBytes, leftPad, toUint8Array } from './bytes.ts';
import { KeyExchangeError } from './errors.ts';

export interface KeyExchange {
  readonly group: number;
  /** The Key Exchange Data of our KE payload. */
  readonly publicValue: Uint8Array;
  /** g^ir from the peer's Key Exchange Data; throws `KeyExchangeError` for an invalid value. */
  computeSharedSecret(peerPublic: Uint8Array): Uint8Array;
}

/**
 * Length of the KE payload Key Exchange Data for a group, or undefined when
 * the group is not implemented here (the codec then cannot check it).
 */
export function keyExchangeLength(group: number): number | undefined {
  return dhGroup(group)?.publicValueLength;
}

/** Starts a key exchange for `group` (random private key unless one is given). */
export function createKeyExchange(group: number, privateKey?: Uint8Array): KeyExchange {
  const definition = dhGroup(group);
  if (!definition) throw new KeyExchangeError('ke_unsupported_group', group, 'not implemented (14, 15, 16, 19, 20, 21, 31 are)');
  switch (definition.kind) {
    case 'modp':
      return createModpExchange(definition, privateKey);
    case 'ecp':
      return createEcpExchange(definition, privateKey);
    case 'x25519':
      return createX25519Exchange(definition, privateKey);
  }
}

/**
 * Checks a peer's Key Exchange Data without computing anything secret:
 * length for every group, range for MODP. (Curve membership is checked when
 * the shared secret is computed.)
 */
export function checkPeerPublicValue(group: number, peerPublic: Uint8Array): void {
  const definition = dhGroup(group);
  if (!definition) throw new KeyExchangeError('ke_unsupported_group', group, 'not implemented');
  if (peerPublic.length !== definition.publicValueLength) {
    throw new KeyExchangeError('ke_length', group, `Key Exchange Data must be ${definition.publicValueLength} bytes (got ${peerPublic.length})`);
  }
  if (definition.kind === 'modp') {
    const p = modpPrime(definition).value;
    const y = bytesToBigInt(peerPublic);
    if (y < 2n || y > p - 2n) throw new KeyExchangeError('ke_invalid_value', group, 'public value is outside 2..p-2');
  }
}

// --- MODP ----------------------------------------------------------------------

interface ModpPrime {
  readonly bytes: Uint8Array;
  readonly value: bigint;
}

const modpPrimes = new Map<number, ModpPrime>();

function modpPrime(definition: DhGroup): ModpPrime {
  let prime = modpPrimes.get(definition.id);
  if (!prime) {
    const bytes = toUint8Array(getDiffieHellman(definition.nodeName).getPrime());
    prime = { bytes, value: bytesToBigInt(bytes) };
    modpPrimes.set(definition.id, prime);
  }
  return prime;
}

function createModpExchange(definition: DhGroup, privateKey: Uint8Array | undefined): KeyExchange {
  const prime = modpPrime(definition);
  const exponent = privateKey ?? randomBytes(definition.privateKeyLength);
  if (exponent.length === 0 || exponent.length > prime.bytes.length) {
    throw new KeyExchangeError('ke_length', definition.id, `private exponent must be 1..${prime.bytes.length} bytes (got ${exponent.length})`);
  }
  const x = bytesToBigInt(exponent);
  if (x < 2n || x > prime.value - 2n) throw new KeyExchangeError('ke_invalid_value', definition.id, 'private exponent is outside 2..p-2');
  const dh = createDiffieHellman(prime.bytes, 2);
  dh.setPrivateKey(exponent);
  const publicValue = leftPad(dh.generateKeys(), prime.bytes.length);
  return {
    group: definition.id,
    publicValue,
    computeSharedSecret(peerPublic) {
      checkPeerPublicValue(definition.id, peerPublic);
      return leftPad(dh.computeSecret(peerPublic), definition.sharedSecretLength);
    },
  };
}

// --- ECP -----------------------------------------------------------------------

function createEcpExchange(definition: DhGroup, privateKey: Uint8Array | undefined): KeyExchange {
  const ecdh = createECDH(definition.nodeName);
  if (privateKey) {
    if (privateKey.length !== definition.privateKeyLength) {
      throw new KeyExchangeError('ke_length', definition.id, `private key must be ${definition.privateKeyLength} bytes (got ${privateKey.length})`);
    }
    try {
      ecdh.setPrivateKey(privateKey);
    } catch {
      throw new KeyExchangeError('ke_invalid_value', definition.id, 'private key is not a valid scalar for the curve');
    }
  } else {
    ecdh.generateKeys();
  }
  // Uncompressed SEC1 point 0x04 | x | y; the KE payload carries x | y (RFC 5903 §7).
  const publicValue = toUint8Array(ecdh.getPublicKey()).subarray(1);
  return {
    group: definition.id,
    publicValue,
    computeSharedSecret(peerPublic) {
      checkPeerPublicValue(definition.id, peerPublic);
      let secret: Uint8Array;
      try {
        secret = ecdh.computeSecret(concatBytes(Uint8Array.of(0x04), peerPublic));
      } catch {
        throw new KeyExchangeError('ke_invalid_point', definition.id, 'public value is not a point on the curve');
      }
      return leftPad(secret, definition.sharedSecretLength);
    },
  };
}

// --- Curve25519 ------------------------------------------------------------------

/*
 * Public values travel as JWK (RFC 8037 "OKP" keys, x = base64url of the
 * 32-byte u): node imports and exports JWK several times faster than DER.
 */
function x25519PublicKeyObject(u: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(u).toString('base64url') }, format: 'jwk' });
}

function x25519PublicValue(key: KeyObject): Uint8Array {
  const { x } = key.export({ format: 'jwk' });
  return toUint8Array(Buffer.from(x ?? '', 'base64url'));
}

function createX25519Exchange(definition: DhGroup, privateKey: Uint8Array | undefined): KeyExchange {
  let keyObject: KeyObject;
  let publicKey: KeyObject;
  if (privateKey) {
    if (privateKey.length !== 32) throw new KeyExchangeError('ke_length', definition.id, `private key must be 32 bytes (got ${privateKey.length})`);
    // JWK, not PKCS#8 DER: OpenSSL 3's DER decoder costs ~300 µs per key,
    // the JWK path ~25 µs (it hands the raw scalar to OpenSSL directly), and
    // seeded (deterministic) engines import a key on every exchange. Node
    // derives the public value from `d` and only checks that `x` is a
    // string, so x is left empty rather than computed twice.
    keyObject = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: Buffer.from(privateKey).toString('base64url'), x: '' }, format: 'jwk' });
    publicKey = createPublicKey(keyObject);
  } else {
    ({ privateKey: keyObject, publicKey } = generateKeyPairSync('x25519'));
  }
  const publicValue = x25519PublicValue(publicKey);
  return {
    group: definition.id,
    publicValue,
    computeSharedSecret(peerPublic) {
      checkPeerPublicValue(definition.id, peerPublic);
      let secret: Uint8Array;
      try {
        secret = toUint8Array(diffieHellman({ privateKey: keyObject, publicKey: x25519PublicKeyObject(peerPublic) }));
      } catch {
        // OpenSSL refuses the all-zero result of a low-order point.
        throw new KeyExchangeError('ke_invalid_point', definition.id, 'X25519 produced the all-zero value (low-order public value)');
      }
      if (secret.every((byte) => byte === 0)) {
        throw new KeyExchangeError('ke_invalid_point', definition.id, 'X25519 produced the all-zero value (low-order public value)');
      }
      return secret;
    },
  };
}
