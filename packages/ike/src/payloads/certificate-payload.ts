/**
 * Certificate payload CERT (RFC 7296 §3.6).
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Cert Encoding |                                               |
 * +-+-+-+-+-+-+-+-+                                               |
 * ~                       Certificate Data                        ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Certificate Data is kept as bytes (DER for X.509 Signature, encoding 4);
 * describe.ts reads the subject out of it for `-full` snoop.
 */
import { PayloadType } from '../constants.ts';
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';

export interface CertPayload {
  readonly type: typeof PayloadType.CERT;
  readonly critical?: boolean;
  readonly encoding: number;
  readonly data: Uint8Array;
}

export function decode(reader: IkeReader): CertPayload {
  const encoding = reader.u8();
  return { type: PayloadType.CERT, encoding, data: reader.rest() };
}

export function encode(payload: CertPayload, writer: IkeWriter): void {
  writer.u8(payload.encoding, 'cert encoding');
  writer.bytes(payload.data);
}

export function encodingLength(payload: CertPayload): number {
  return 1 + payload.data.length;
}
