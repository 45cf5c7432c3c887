/**
 * Vendor ID payload V (RFC 7296 §3.12).
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                        Vendor ID (VID)                        ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { PayloadType } from '../constants.ts';
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';

export interface VendorIdPayload {
  readonly type: typeof PayloadType.VENDOR_ID;
  readonly critical?: boolean;
  readonly data: Uint8Array;
}

export function decode(reader: IkeReader): VendorIdPayload {
  return { type: PayloadType.VENDOR_ID, data: reader.rest() };
}

export function encode(payload: VendorIdPayload, writer: IkeWriter): void {
  writer.bytes(payload.data);
}

export function encodingLength(payload: VendorIdPayload): number {
  return payload.data.length;
}
