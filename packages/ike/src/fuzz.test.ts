/**
 * Fuzzing the decoder: at least 200,000 inputs per run, made by mutating
 * valid encodings (clear, any-shape and AES-GCM sealed messages generated
 * by the shared arbitraries): bit flips, random bytes, truncation,
 * extension, generic-header and substructure length corruption, u16 fields
 * set to edge values, splicing two messages, duplicating a region. Most
 * mutants get their IKE header Length patched to the new size, so the
 * decoder is driven past the first check into the payloads.
 *
 * The contract: `decodeMessage` returns a message or throws IkeParseError /
 * IkeVerifyError: never another exception, never a hang (each decode is
 * timed). Whatever decodes must also summarize, describe, re-encode, and
 * decode again to the same value.
 *
 * Deterministic: FUZZ_SEED (default 0x1ce2) picks the run; FUZZ_ITERATIONS
 * overrides the count. A failure prints the input as hex.
 */
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeMessage } from './describe.ts';
import { IkeParseError, IkeVerifyError } from './errors.ts';
import { decodeMessage, encodeMessage, type DecodeOptions, type IkeMessage } from './message.ts';
import { summarize } from './summarize.ts';
import { SK_FIXTURES, arbAnyMessage, arbProtectedMessage, arbRuleAbidingMessage } from './test-support/arbitraries.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 0x1ce2);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 200_000);
const SLOW_DECODE_MS = 250;

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Seed {
  readonly bytes: Uint8Array;
  readonly sealed: boolean;
}

const sk = { suite: SK_FIXTURES[0]!.suite, keys: SK_FIXTURES[0]!.keys };

function buildCorpus(): Seed[] {
  const clear = fc.sample(fc.oneof(arbRuleAbidingMessage, arbAnyMessage), { seed: SEED, numRuns: 400 });
  const sealed = fc.sample(arbProtectedMessage, { seed: SEED + 1, numRuns: 200 });
  return [
    ...clear.map((m) => ({ bytes: encodeMessage(m), sealed: false })),
    ...sealed.map((m) => ({ bytes: encodeMessage(m, { sk: { ...sk, iv: new Uint8Array(8) } }), sealed: true })),
  ];
}

/** Offsets of generic payload headers along the clear chain (best effort on mutated bytes). */
function payloadHeaderOffsets(bytes: Uint8Array): number[] {
  const offsets: number[] = [];
  let next = bytes[16] ?? 0;
  let at = 28;
  while (next !== 0 && at + 4 <= bytes.length && offsets.length < 64) {
    offsets.push(at);
    next = bytes[at]!;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 4) break;
    at += length;
  }
  return offsets;
}

const EDGE_U16 = [0, 1, 2, 3, 4, 5, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff];

function mutate(input: Uint8Array, other: Uint8Array, random: () => number): Uint8Array {
  let bytes = input.slice();
  const pick = (n: number) => Math.floor(random() * n);
  const rounds = 1 + pick(3);
  for (let round = 0; round < rounds; round++) {
    switch (pick(9)) {
      case 0: // bit flips
        for (let i = 1 + pick(4); i > 0 && bytes.length > 0; i--) bytes[pick(bytes.length)]! ^= 1 << pick(8);
        break;
      case 1: // random byte
        if (bytes.length > 0) bytes[pick(bytes.length)] = pick(256);
        break;
      case 2: // truncate
        bytes = bytes.slice(0, pick(bytes.length + 1));
        break;
      case 3: {
        // extend with random bytes
        const extra = Uint8Array.from({ length: 1 + pick(16) }, () => pick(256));
        const out = new Uint8Array(bytes.length + extra.length);
        out.set(bytes);
        out.set(extra, bytes.length);
        bytes = out;
        break;
      }
      case 4: {
        // corrupt a generic payload header length (or its next payload)
        const offsets = payloadHeaderOffsets(bytes);
        if (offsets.length === 0) break;
        const at = offsets[pick(offsets.length)]!;
        if (random() < 0.75) {
          const current = (bytes[at + 2]! << 8) | bytes[at + 3]!;
          const value = random() < 0.5 ? EDGE_U16[pick(EDGE_U16.length)]! : Math.max(0, Math.min(0xffff, current + pick(17) - 8));
          bytes[at + 2] = value >>> 8;
          bytes[at + 3] = value & 0xff;
        } else {
          bytes[at] = random() < 0.5 ? 33 + pick(21) : pick(256);
        }
        break;
      }
      case 5: {
        // u16 field anywhere past the header set to an edge value (substructure lengths, counts)
        if (bytes.length < 30) break;
        const at = 28 + pick(bytes.length - 29);
        const value = EDGE_U16[pick(EDGE_U16.length)]!;
        bytes[at] = value >>> 8;
        bytes[at + 1] = value & 0xff;
        break;
      }
      case 6: {
        // splice: prefix of this one, suffix of another
        const cut = pick(bytes.length + 1);
        const from = pick(other.length + 1);
        const out = new Uint8Array(cut + other.length - from);
        out.set(bytes.subarray(0, cut));
        out.set(other.subarray(from), cut);
        bytes = out;
        break;
      }
      case 7: {
        // duplicate a region
        if (bytes.length < 2) break;
        const start = pick(bytes.length);
        const end = Math.min(bytes.length, start + 1 + pick(40));
        const region = bytes.slice(start, end);
        const at = pick(bytes.length + 1);
        const out = new Uint8Array(bytes.length + region.length);
        out.set(bytes.subarray(0, at));
        out.set(region, at);
        out.set(bytes.subarray(at), at + region.length);
        bytes = out;
        break;
      }
      default: {
        // a header field: exchange type, flags, first payload, version
        if (bytes.length < 28) break;
        const field = [16, 17, 18, 19][pick(4)]!;
        bytes[field] = random() < 0.5 ? pick(256) : [0, 33, 34, 35, 36, 37, 43, 44, 46, 53, 0x20, 0x28][pick(12)]!;
      }
    }
  }
  if (bytes.length >= 28 && random() < 0.85) {
    const length = bytes.length;
    bytes[24] = length >>> 24;
    bytes[25] = (length >>> 16) & 0xff;
    bytes[26] = (length >>> 8) & 0xff;
    bytes[27] = length & 0xff;
  }
  return bytes;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

interface Stats {
  decoded: number;
  parseErrors: number;
  verifyErrors: number;
}

/** The message as a decoder without keys would return it. */
function asUnopened(message: IkeMessage): IkeMessage {
  const encrypted = message.encrypted;
  if (!encrypted || encrypted.state === 'decrypted') return message;
  const { detail: _detail, ...rest } = encrypted;
  return { ...message, encrypted: { ...rest, state: 'no_keys' } };
}

/** Decodes one input under the contract; returns a failure description or undefined. */
function check(bytes: Uint8Array, options: DecodeOptions, stats: Stats): string | undefined {
  const started = performance.now();
  let message: IkeMessage;
  try {
    message = decodeMessage(bytes, options);
  } catch (error) {
    if (error instanceof IkeParseError) stats.parseErrors++;
    else if (error instanceof IkeVerifyError) stats.verifyErrors++;
    else return `decode threw ${String(error)} for ${hex(bytes)}`;
    return performance.now() - started > SLOW_DECODE_MS ? `slow decode for ${hex(bytes)}` : undefined;
  }
  if (performance.now() - started > SLOW_DECODE_MS) return `slow decode for ${hex(bytes)}`;
  stats.decoded++;
  try {
    summarize(message);
    describeMessage(message);
    const again = encodeMessage(message, options.sk ? { sk: options.sk } : {});
    // A body that did not open is re-encoded as received and compared unopened: re-encoding
    // normalises reserved header bits, which can make a mutant's AAD valid again.
    const sealed = message.encrypted !== undefined && message.encrypted.state !== 'decrypted';
    const redecoded = decodeMessage(again, sealed ? { verify: false } : { ...options, verify: false });
    if (!isDeepStrictEqual(redecoded, sealed ? asUnopened(message) : message)) {
      return `re-encode changed the message for ${hex(bytes)}`;
    }
  } catch (error) {
    return `post-decode step threw ${String(error)} for ${hex(bytes)}`;
  }
  return undefined;
}

describe('decoder fuzzing', () => {
  it(`${ITERATIONS} mutated messages decode or fail with IkeParseError/IkeVerifyError`, () => {
    const corpus = buildCorpus();
    const random = prng(SEED);
    const stats: Stats = { decoded: 0, parseErrors: 0, verifyErrors: 0 };
    const failures: string[] = [];
    const started = performance.now();
    for (const seed of corpus) {
      const failure = check(seed.bytes, seed.sealed ? { sk } : {}, stats);
      if (failure) failures.push(`seed: ${failure}`);
    }
    for (let i = 0; i < ITERATIONS && failures.length < 5; i++) {
      const seed = corpus[Math.floor(random() * corpus.length)]!;
      const other = corpus[Math.floor(random() * corpus.length)]!;
      const mutant = mutate(seed.bytes, other.bytes, random);
      const roll = random();
      const options: DecodeOptions = roll < 0.15 ? { verify: false } : seed.sealed && roll < 0.3 ? { sk } : {};
      const failure = check(mutant, options, stats);
      if (failure) failures.push(failure);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `fuzz: ${ITERATIONS} mutants + ${corpus.length} seeds in ${seconds.toFixed(1)} s ` +
        `(decoded ${stats.decoded}, parse errors ${stats.parseErrors}, verify errors ${stats.verifyErrors}, seed ${SEED})`,
    );
    expect(failures).toEqual([]);
    // The mutants must exercise all three outcomes, or the fuzzer is not reaching the decoder.
    expect(stats.decoded).toBeGreaterThan(ITERATIONS / 50);
    expect(stats.parseErrors).toBeGreaterThan(ITERATIONS / 10);
    expect(stats.verifyErrors).toBeGreaterThan(ITERATIONS / 50);
  }, 120_000);
});
