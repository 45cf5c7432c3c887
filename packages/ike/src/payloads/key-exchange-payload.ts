/**
 * Key Exchange payload (RFC 7296 §3.4).
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Diffie-Hellman Group Num    |           RESERVED            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       Key Exchange Data                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * (The generic header is handled by the payload chain; this module codes
 * the body.) The data length is fixed by the group: MODP groups send the
 * prime's length, ECP groups x||y (RFC 5903), Curve25519/448 their u
 * coordinate (RFC 8031). A mismatch is a verify error (the engine answers
 * INVALID_SYNTAX); unknown groups are not checked.
 */
import { DhGroupId, PayloadType } from '../constants.ts';
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';

/** Public value length in octets per group, as it travels in KE. */
export const KE_DATA_LENGTH: Readonly<Record<number, number>> = {
  [DhGroupId.MODP_768]: 96,
  [DhGroupId.MODP_1024]: 128,
  [DhGroupId.MODP_1536]: 192,
  [DhGroupId.MODP_2048]: 256,
  [DhGroupId.MODP_3072]: 384,
  [DhGroupId.MODP_4096]: 512,
  [DhGroupId.MODP_6144]: 768,
  [DhGroupId.MODP_8192]: 1024,
  [DhGroupId.ECP_256]: 64,
  [DhGroupId.ECP_384]: 96,
  [DhGroupId.ECP_521]: 132,
  [DhGroupId.MODP_1024_160]: 128,
  [DhGroupId.MODP_2048_224]: 256,
  [DhGroupId.MODP_2048_256]: 256,
  [DhGroupId.ECP_192]: 48,
  [DhGroupId.ECP_224]: 56,
  [DhGroupId.BRAINPOOL_P224]: 56,
  [DhGroupId.BRAINPOOL_P256]: 64,
  [DhGroupId.BRAINPOOL_P384]: 96,
  [DhGroupId.BRAINPOOL_P512]: 128,
  [DhGroupId.CURVE_25519]: 32,
  [DhGroupId.CURVE_448]: 56,
};

export interface KePayload {
  readonly type: typeof PayloadType.KE;
  readonly critical?: boolean;
  readonly group: number;
  readonly data: Uint8Array;
}

export function decode(reader: IkeReader): KePayload {
  const start = reader.offset;
  const group = reader.u16();
  reader.skip(2);
  const data = reader.rest();
  const expected = KE_DATA_LENGTH[group];
  reader.check(
    expected === undefined || expected === data.length,
    'ke_length',
    () => `group ${group} needs ${expected} octets, got ${data.length}`,
    start,
  );
  return { type: PayloadType.KE, group, data };
}

export function encode(payload: KePayload, writer: IkeWriter): void {
  writer.u16(payload.group, 'DH group');
  writer.u16(0);
  writer.bytes(payload.data);
}

export function encodingLength(payload: KePayload): number {
  return 4 + payload.data.length;
}
