/**
 * Nonce payload Ni/Nr (RFC 7296 §3.9).
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                            Nonce Data                         ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * "The size of the Nonce Data MUST be between 16 and 256 octets."
 */
import { PayloadType } from '../constants.ts';
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';

export const NONCE_MIN_LENGTH = 16;
export const NONCE_MAX_LENGTH = 256;

export interface NoncePayload {
  readonly type: typeof PayloadType.NONCE;
  readonly critical?: boolean;
  readonly data: Uint8Array;
}

export function decode(reader: IkeReader): NoncePayload {
  const start = reader.offset;
  const data = reader.rest();
  reader.check(
    data.length >= NONCE_MIN_LENGTH && data.length <= NONCE_MAX_LENGTH,
    'nonce_length',
    () => `nonce of ${data.length} octets`,
    start,
  );
  return { type: PayloadType.NONCE, data };
}

export function encode(payload: NoncePayload, writer: IkeWriter): void {
  writer.bytes(payload.data);
}

export function encodingLength(payload: NoncePayload): number {
  return payload.data.length;
}
