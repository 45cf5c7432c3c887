/**
 * Where the daemon core gets its randomness: nonces, SPIs, IVs, cookie
 * secrets, rekey jitter and (where the crypto allows) DH private keys. The
 * core never calls `Math.random()` or `crypto.randomBytes` itself, so a test
 * that injects `seededEntropy('...')` replays a negotiation byte for byte.
 *
 * Contract: `bytes(n)` returns `n` fresh bytes; the caller owns the array.
 * No two calls ever share bytes.
 */
import { createHash, randomFillSync } from 'node:crypto';

export interface Entropy {
  bytes(length: number): Uint8Array;
}

/** Bytes drawn from the OS per refill of a pooled system entropy source. */
export const SYSTEM_ENTROPY_POOL_SIZE = 8192;

/**
 * Cryptographically secure randomness drawn in pooled chunks: one
 * `randomFillSync` per `poolSize` bytes instead of one OpenSSL call per
 * nonce, SPI or jitter draw (~7% of a responder handshake, bench/README.md).
 * Each request is copied out of the pool and the bytes handed out are
 * zeroed there, so no two callers ever get the same bytes and none of them
 * lingers in the pool. Requests larger than the pool bypass it.
 */
export function pooledSystemEntropy(poolSize = SYSTEM_ENTROPY_POOL_SIZE): Entropy {
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new RangeError(`entropy pool size must be a positive integer, not ${poolSize}`);
  const pool = new Uint8Array(poolSize);
  let offset = poolSize; // empty: the first request fills it
  return {
    bytes(length) {
      if (length > poolSize) return randomFillSync(new Uint8Array(length));
      const out = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        if (offset === poolSize) {
          randomFillSync(pool);
          offset = 0;
        }
        const take = Math.min(poolSize - offset, length - filled);
        out.set(pool.subarray(offset, offset + take), filled);
        pool.fill(0, offset, offset + take);
        offset += take;
        filled += take;
      }
      return out;
    },
  };
}

/** Cryptographically secure randomness for production (pooled, one per process). */
export const systemEntropy: Entropy = pooledSystemEntropy();

/**
 * Deterministic byte stream for tests: SHA-256(seed || counter) blocks.
 * Not for production: anyone knowing the seed knows every nonce and key.
 */
export function seededEntropy(seed: string): Entropy {
  let counter = 0;
  let pool = new Uint8Array(0);
  return {
    bytes(length) {
      const out = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        if (pool.length === 0) {
          pool = new Uint8Array(createHash('sha256').update(seed).update(String(counter++)).digest());
        }
        const take = Math.min(pool.length, length - filled);
        out.set(pool.subarray(0, take), filled);
        pool = pool.subarray(take);
        filled += take;
      }
      return out;
    },
  };
}

/** A uniformly distributed integer in [0, bound) drawn from `entropy` (bound <= 2^32). */
export function randomBelow(entropy: Entropy, bound: number): number {
  if (bound <= 1) return 0;
  const limit = Math.floor(0x1_0000_0000 / bound) * bound;
  for (;;) {
    const b = entropy.bytes(4);
    const value = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (value < limit) return value % bound;
  }
}

/** A non-zero 32-bit value (CHILD_SA SPI), never below 0x100 (RFC 4303 reserves 1..255). */
export function randomSpi32(entropy: Entropy): number {
  for (;;) {
    const b = entropy.bytes(4);
    const value = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    if (value >= 0x100) return value;
  }
}

/** A non-zero 64-bit IKE SPI. */
export function randomIkeSpi(entropy: Entropy): Uint8Array {
  for (;;) {
    const spi = entropy.bytes(8);
    if (spi.some((byte) => byte !== 0)) return spi;
  }
}
