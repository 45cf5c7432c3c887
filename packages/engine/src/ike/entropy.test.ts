import { describe, expect, it } from 'vitest';
import { SYSTEM_ENTROPY_POOL_SIZE, pooledSystemEntropy, seededEntropy, systemEntropy } from './entropy.ts';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

describe('pooled system entropy', () => {
  it('returns exactly the requested lengths across refills, including larger-than-pool requests', () => {
    const entropy = pooledSystemEntropy(64);
    for (const length of [0, 1, 4, 8, 32, 63, 64, 65, 200, 7, 64, 1]) {
      const out = entropy.bytes(length);
      expect(out).toBeInstanceOf(Uint8Array);
      expect(out.length).toBe(length);
    }
  });

  it('never hands out the same bytes twice across many refills', () => {
    // A small pool forces ~600 refills; 16-byte pieces that straddle pool boundaries included.
    const entropy = pooledSystemEntropy(48);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const piece = hex(entropy.bytes(16));
      expect(seen.has(piece)).toBe(false);
      seen.add(piece);
    }
  });

  it('gives the caller its own copy: changing one result does not change the next', () => {
    const entropy = pooledSystemEntropy(32);
    const first = entropy.bytes(8);
    const snapshot = hex(first);
    first.fill(0xaa);
    const second = entropy.bytes(8);
    expect(hex(second)).not.toBe('aa'.repeat(8));
    expect(hex(second)).not.toBe(snapshot);
    second.fill(0x55);
    expect(hex(first)).toBe('aa'.repeat(8));
  });

  it('backs systemEntropy with a pool and hands out distinct nonces', () => {
    const nonces = new Set<string>();
    const count = Math.ceil((3 * SYSTEM_ENTROPY_POOL_SIZE) / 32);
    for (let i = 0; i < count; i++) nonces.add(hex(systemEntropy.bytes(32)));
    expect(nonces.size).toBe(count);
  });

  it('rejects a pool size that is not a positive integer', () => {
    expect(() => pooledSystemEntropy(0)).toThrow(RangeError);
    expect(() => pooledSystemEntropy(1.5)).toThrow(RangeError);
  });
});

describe('seeded entropy', () => {
  it('stays byte-identical for the same seed whatever the request sizes', () => {
    const a = seededEntropy('replay');
    const b = seededEntropy('replay');
    const joinedA = hex(Uint8Array.from([...a.bytes(5), ...a.bytes(40), ...a.bytes(3)]));
    expect(hex(b.bytes(48))).toBe(joinedA);
    // The first block is SHA-256(seed || "0").
    expect(joinedA.slice(0, 10)).toBe(hex(seededEntropy('replay').bytes(5)));
  });
});
