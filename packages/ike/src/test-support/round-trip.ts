/**
 * The one round-trip check every codec gets (as dns-packet's tests do):
 *
 * 1. `encodingLength(value)` equals the bytes `encode` writes;
 * 2. `decode` of those bytes gives the value back (deep strict equality)
 *    and consumes every byte;
 * 3. encoding at an odd offset inside a larger buffer writes the same bytes
 *    there and nothing outside them, and decodes back from that offset.
 *
 * Framework-free (node:assert), so any test runner can use it.
 */
import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import { IkeReader, type ReaderContext } from '../reader.ts';
import { IkeWriter } from '../writer.ts';
import {
  decodeMessage,
  encodeMessage,
  encodingLength,
  type DecodeOptions,
  type EncodeOptions,
  type IkeMessage,
} from '../message.ts';

export interface Codec<T> {
  decode(reader: IkeReader): T;
  encode(value: T, writer: IkeWriter): void;
  encodingLength(value: T): number;
}

const GUARD = 0xa5;

/** Runs the three checks; returns the encoding. */
export function expectRoundTrip<T>(codec: Codec<T>, value: T, context: ReaderContext = {}): Uint8Array {
  const length = codec.encodingLength(value);
  const bytes = new Uint8Array(length);
  const writer = new IkeWriter(bytes);
  codec.encode(value, writer);
  strictEqual(writer.position, length, 'encodingLength differs from the bytes written');

  const reader = new IkeReader(bytes, 0, length, context);
  const decoded = codec.decode(reader);
  strictEqual(reader.remaining, 0, 'decode left bytes unread');
  deepStrictEqual(decoded, value);

  const offset = 3 + (length % 5);
  const padded = new Uint8Array(offset + length + 7).fill(GUARD);
  const offsetWriter = new IkeWriter(padded, offset);
  codec.encode(value, offsetWriter);
  strictEqual(offsetWriter.position, offset + length, 'encoding at an offset wrote a different length');
  deepStrictEqual(padded.subarray(offset, offset + length), bytes, 'encoding at an offset wrote different bytes');
  for (let i = 0; i < padded.length; i++) {
    if (i < offset || i >= offset + length) strictEqual(padded[i], GUARD, `byte ${i} outside the encoding was touched`);
  }
  const offsetReader = new IkeReader(padded, offset, offset + length, context);
  deepStrictEqual(codec.decode(offsetReader), value);
  strictEqual(offsetReader.remaining, 0);
  return bytes;
}

/** Message-level round trip: encode, length, decode back (same options). */
export function expectMessageRoundTrip(
  message: IkeMessage,
  options: { encode?: EncodeOptions; decode?: DecodeOptions } = {},
): Uint8Array {
  const bytes = encodeMessage(message, options.encode);
  strictEqual(bytes.length, encodingLength(message, options.encode), 'message encodingLength differs');
  deepStrictEqual(decodeMessage(bytes, options.decode), message);
  return bytes;
}
