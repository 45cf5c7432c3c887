/**
 * ESP anti-replay window (RFC 4303 §3.4.3, Appendix A for Extended Sequence
 * Numbers), kept as an RFC 6479-style ring of 32-bit words so that sliding the
 * window clears whole words instead of shifting the bitmap.
 *
 *          too old          |<------------ size ------------>|  ahead
 *   ... ----------------------[ x x . x x x x . x x x x x x H ]-------->
 *                             lowest                    highest accepted
 *
 * The window is an immutable value: `checkReplay` only reads it and
 * `acceptSequence` returns a new window. The caller checks, verifies the ICV,
 * and only then accepts, so a forged packet can never move the window.
 *
 * Sequence numbers are `bigint`: with ESN they are 64 bits wide. Only the low
 * 32 bits travel in the packet; `inferSequence` recovers the high 32 bits from
 * the window (RFC 4303 Appendix A2.2).
 */

const WORD_BITS = 32;
const LOW_MASK = 0xffff_ffffn;

export const DEFAULT_REPLAY_WINDOW_SIZE = 128;

export interface ReplayWindow {
  /** Packets accepted behind the highest one (RFC 4303: at least 32; default 128). */
  readonly size: number;
  /** Extended (64-bit) Sequence Numbers negotiated for the SA. */
  readonly esn: boolean;
  /** Highest sequence number accepted so far; 0n before the first packet. */
  readonly highest: bigint;
  /** Ring of size/32 + 1 words; bit (seq mod ringBits) marks seq as received. */
  readonly words: Uint32Array;
}

export type ReplayCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: 'zero' | 'too_old' | 'duplicate'; readonly detail: string };

export interface ReplayWindowOptions {
  readonly size?: number | undefined;
  readonly esn?: boolean | undefined;
  /**
   * Resume a window whose highest accepted number is this (no bits set
   * behind it): for restoring state, and for tests that start mid-space.
   */
  readonly highest?: bigint | undefined;
}

/** A window of `size` packets (a multiple of 32, at least 32). Throws RangeError on a bad size: a configuration bug. */
export function createReplayWindow(options: ReplayWindowOptions = {}): ReplayWindow {
  const size = options.size ?? DEFAULT_REPLAY_WINDOW_SIZE;
  if (!Number.isInteger(size) || size < WORD_BITS || size % WORD_BITS !== 0) {
    throw new RangeError(`replay window size must be a multiple of 32, at least 32 (got ${size})`);
  }
  const esn = options.esn ?? false;
  const highest = options.highest ?? 0n;
  if (highest < 0n || highest > maxSequence(esn)) {
    throw new RangeError(`replay window start ${highest} is outside the ${esn ? 64 : 32}-bit sequence space`);
  }
  return { size, esn, highest, words: new Uint32Array(size / WORD_BITS + 1) };
}

/** Largest sequence number of the space: 2^32-1, or 2^64-1 with ESN. */
export function maxSequence(esn: boolean): bigint {
  return esn ? (1n << 64n) - 1n : LOW_MASK;
}

/**
 * The full sequence number of a packet carrying `low` (its 32-bit Sequence
 * Number field). Without ESN that is `low` itself. With ESN, RFC 4303
 * Appendix A2.2: choose the high half that puts the number in or ahead of the
 * window. Returns null when that would leave the 64-bit space.
 */
export function inferSequence(window: ReplayWindow, low: number): bigint | null {
  const seqLow = BigInt(low >>> 0);
  if (!window.esn) return seqLow;
  const w = BigInt(window.size);
  const th = window.highest >> 32n;
  const tl = window.highest & LOW_MASK;
  let seqHigh: bigint;
  if (tl >= w - 1n) {
    // Case A: the window lies within one 2^32 subspace.
    seqHigh = seqLow >= tl - w + 1n ? th : th + 1n;
  } else {
    // Case B: the window spans two subspaces.
    seqHigh = seqLow >= tl - w + 1n + (1n << 32n) ? th - 1n : th;
  }
  if (seqHigh < 0n || seqHigh > LOW_MASK) return null;
  return (seqHigh << 32n) | seqLow;
}

function ringBits(window: ReplayWindow): bigint {
  return BigInt(window.words.length * WORD_BITS);
}

function bitPosition(window: ReplayWindow, sequence: bigint): { word: number; mask: number } {
  const index = Number(sequence % ringBits(window));
  return { word: index >>> 5, mask: (1 << (index & 31)) >>> 0 };
}

/** Whether `sequence` may be accepted: not zero, not behind the window, not seen. Reads only. */
export function checkReplay(window: ReplayWindow, sequence: bigint): ReplayCheck {
  if (sequence <= 0n) return { ok: false, kind: 'zero', detail: 'sequence number 0 is never sent (counters start at 1)' };
  if (sequence > window.highest) return { ok: true };
  if (window.highest - sequence >= BigInt(window.size)) {
    return { ok: false, kind: 'too_old', detail: `sequence ${sequence} is behind the ${window.size}-packet window ending at ${window.highest}` };
  }
  const { word, mask } = bitPosition(window, sequence);
  if (((window.words[word] ?? 0) & mask) !== 0) {
    return { ok: false, kind: 'duplicate', detail: `sequence ${sequence} was already received` };
  }
  return { ok: true };
}

/**
 * The window after accepting `sequence`, which must have passed
 * `checkReplay` and the integrity check. Slides the window when the number is
 * ahead, clearing the words it moves over.
 */
export function acceptSequence(window: ReplayWindow, sequence: bigint): ReplayWindow {
  const words = window.words.slice();
  let highest = window.highest;
  if (sequence > highest) {
    const ringWords = BigInt(words.length);
    const fromWord = highest / 32n;
    const toWord = sequence / 32n;
    const advance = toWord - fromWord;
    if (advance >= ringWords) {
      words.fill(0);
    } else {
      for (let step = 1n; step <= advance; step++) words[Number((fromWord + step) % ringWords)] = 0;
    }
    highest = sequence;
  }
  const { word, mask } = bitPosition(window, sequence);
  words[word] = ((words[word] ?? 0) | mask) >>> 0;
  return { size: window.size, esn: window.esn, highest, words };
}
