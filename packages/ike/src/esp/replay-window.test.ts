import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptSequence, checkReplay, createReplayWindow, inferSequence, maxSequence } from './replay-window.ts';
import type { ReplayWindow } from './replay-window.ts';

function acceptAll(window: ReplayWindow, sequences: readonly bigint[]): ReplayWindow {
  let current = window;
  for (const sequence of sequences) {
    expect(checkReplay(current, sequence)).toEqual({ ok: true });
    current = acceptSequence(current, sequence);
  }
  return current;
}

describe('replay window (RFC 4303 §3.4.3)', () => {
  it('defaults to 128 packets, no ESN, nothing received', () => {
    const window = createReplayWindow();
    expect(window.size).toBe(128);
    expect(window.esn).toBe(false);
    expect(window.highest).toBe(0n);
  });

  it('rejects sizes that are not a multiple of 32 or below 32, and starts outside the space', () => {
    expect(() => createReplayWindow({ size: 0 })).toThrow(RangeError);
    expect(() => createReplayWindow({ size: 48 })).toThrow(RangeError);
    expect(() => createReplayWindow({ size: 16 })).toThrow(RangeError);
    expect(() => createReplayWindow({ highest: 1n << 32n })).toThrow(RangeError);
    expect(createReplayWindow({ size: 1024 }).words.length).toBe(33);
  });

  it('rejects sequence number 0', () => {
    expect(checkReplay(createReplayWindow(), 0n)).toMatchObject({ ok: false, kind: 'zero' });
  });

  it('rejects a duplicate', () => {
    const window = acceptAll(createReplayWindow(), [1n, 2n, 3n]);
    expect(checkReplay(window, 2n)).toMatchObject({ ok: false, kind: 'duplicate' });
    expect(checkReplay(window, 3n)).toMatchObject({ ok: false, kind: 'duplicate' });
    expect(checkReplay(window, 4n)).toEqual({ ok: true });
  });

  it('accepts out-of-order packets inside the window, once each', () => {
    const window = acceptAll(createReplayWindow({ size: 64 }), [10n, 5n, 9n, 1n, 64n]);
    expect(checkReplay(window, 7n)).toEqual({ ok: true });
    expect(checkReplay(window, 5n)).toMatchObject({ ok: false, kind: 'duplicate' });
    expect(checkReplay(window, 1n)).toMatchObject({ ok: false, kind: 'duplicate' });
  });

  it('slides: what falls behind the window is too old, the left edge is still inside', () => {
    const window = acceptAll(createReplayWindow({ size: 32 }), [1n, 100n]);
    expect(window.highest).toBe(100n);
    expect(checkReplay(window, 68n)).toMatchObject({ ok: false, kind: 'too_old' });
    expect(checkReplay(window, 69n)).toEqual({ ok: true });
    expect(checkReplay(window, 1n)).toMatchObject({ ok: false, kind: 'too_old' });
    expect(checkReplay(window, 100n)).toMatchObject({ ok: false, kind: 'duplicate' });
  });

  it('a slide clears the bits it moves over (no stale duplicates after a jump)', () => {
    // 160-bit ring: 224 and 64 share ring position 64; accepting 225 must clear 64's word.
    const window = acceptAll(createReplayWindow(), [64n, 100n, 225n]);
    expect(checkReplay(window, 224n)).toEqual({ ok: true });
    expect(checkReplay(window, 100n)).toMatchObject({ ok: false, kind: 'duplicate' });
    const far = acceptAll(createReplayWindow(), [5n, 5n + 10_000n]);
    expect(checkReplay(far, 5n + 10_000n - 1n)).toEqual({ ok: true });
  });

  it('checking never changes the window; accepting returns a new one', () => {
    const window = acceptAll(createReplayWindow(), [1n]);
    const before = window.words.slice();
    checkReplay(window, 2n);
    const next = acceptSequence(window, 2n);
    expect(window.words).toEqual(before);
    expect(window.highest).toBe(1n);
    expect(next.highest).toBe(2n);
  });

  it('matches a set-based model for any arrival order (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(32, 64, 128, 256), fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 300 }), (size, arrivals) => {
        let window = createReplayWindow({ size });
        const seen = new Set<number>();
        let highest = 0;
        for (const n of arrivals) {
          const expected = n === 0 ? 'zero' : n > highest ? 'ok' : highest - n >= size ? 'too_old' : seen.has(n) ? 'duplicate' : 'ok';
          const check = checkReplay(window, BigInt(n));
          expect(check.ok ? 'ok' : check.kind).toBe(expected);
          if (check.ok) {
            window = acceptSequence(window, BigInt(n));
            seen.add(n);
            highest = Math.max(highest, n);
          }
        }
      }),
    );
  });
});

describe('ESN high-order bits (RFC 4303 Appendix A2.2)', () => {
  const high = (n: bigint): bigint => n >> 32n;

  it('without ESN the packet field is the sequence number', () => {
    expect(inferSequence(createReplayWindow(), 0xffff_ffff)).toBe(0xffff_ffffn);
    expect(maxSequence(false)).toBe(0xffff_ffffn);
    expect(maxSequence(true)).toBe((1n << 64n) - 1n);
  });

  it('case A (window inside one subspace): behind stays, wrapped low moves to the next subspace', () => {
    const window = createReplayWindow({ esn: true, highest: (7n << 32n) | 1000n });
    expect(inferSequence(window, 1000 - 127)).toBe((7n << 32n) | 873n);
    expect(inferSequence(window, 5000)).toBe((7n << 32n) | 5000n);
    expect(high(inferSequence(window, 1000 - 128) ?? 0n)).toBe(8n);
  });

  it('case B (window spans two subspaces): high low values belong to the previous subspace', () => {
    const window = createReplayWindow({ esn: true, highest: (7n << 32n) | 10n });
    expect(inferSequence(window, 0xffff_fff0)).toBe((6n << 32n) | 0xffff_fff0n);
    expect(inferSequence(window, 3)).toBe((7n << 32n) | 3n);
    expect(inferSequence(window, 200)).toBe((7n << 32n) | 200n);
  });

  it('crossing 2^32: packets after the wrap and late ones before it are told apart', () => {
    let window = createReplayWindow({ esn: true, highest: 0xffff_fffen });
    window = acceptSequence(window, inferSequence(window, 0xffff_ffff) ?? 0n);
    const afterWrap = inferSequence(window, 0);
    expect(afterWrap).toBe(1n << 32n);
    window = acceptSequence(window, afterWrap ?? 0n);
    expect(inferSequence(window, 0xffff_fffd)).toBe(0xffff_fffdn);
    expect(checkReplay(window, 0xffff_ffffn)).toMatchObject({ ok: false, kind: 'duplicate' });
  });

  it('a fresh ESN window reads a low value near 2^32 as before the space (null)', () => {
    expect(inferSequence(createReplayWindow({ esn: true }), 0xffff_ffff)).toBeNull();
    expect(inferSequence(createReplayWindow({ esn: true, highest: maxSequence(true) }), 0)).toBeNull();
  });
});
