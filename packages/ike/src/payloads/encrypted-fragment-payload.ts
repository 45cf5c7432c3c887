/**
 * Encrypted Fragment payload SKF (RFC 7383 §2.5), body only.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Fragment Number        |        Total Fragments        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Initialization Vector                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                      Encrypted content                        ~
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               |             Padding (0-255 octets)            |
 * +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
 * |                                               |  Pad Length   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                    Integrity Checksum Data                    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Next Payload is the first inner payload type in fragment 1 and 0 in the
 * others. Fragment numbers run 1..Total Fragments.
 */
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';

export const SKF_FIXED_LENGTH = 4;

export interface SkfBody {
  readonly fragmentNumber: number;
  readonly totalFragments: number;
  readonly body: Uint8Array;
}

export function decode(reader: IkeReader): SkfBody {
  const start = reader.offset;
  const fragmentNumber = reader.u16();
  const totalFragments = reader.u16();
  reader.check(
    fragmentNumber >= 1 && totalFragments >= 1 && fragmentNumber <= totalFragments,
    'fragment_number',
    () => `fragment ${fragmentNumber} of ${totalFragments}`,
    start,
  );
  return { fragmentNumber, totalFragments, body: reader.rest() };
}

export function encode(value: SkfBody, writer: IkeWriter): void {
  writer.u16(value.fragmentNumber, 'fragment number');
  writer.u16(value.totalFragments, 'total fragments');
  writer.bytes(value.body);
}

export function encodingLength(value: SkfBody): number {
  return SKF_FIXED_LENGTH + value.body.length;
}
