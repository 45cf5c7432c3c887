/**
 * Encrypted and Authenticated payload SK (RFC 7296 §3.14), body only.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Initialization Vector                     |
 * |         (length is block size for encryption algorithm)       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                    Encrypted IKE Payloads                     ~
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               |             Padding (0-255 octets)            |
 * +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
 * |                                               |  Pad Length   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                    Integrity Checksum Data                    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The Next Payload field holds the type of the first inner payload; the
 * payload chain handles it. Here the body (IV || ciphertext || ICV) is one
 * opaque value: its split depends on the negotiated suite, which only
 * crypto/sk.ts knows.
 */
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';

export interface SkBody {
  /** IV || ciphertext (padded plaintext and pad length) || ICV. */
  readonly body: Uint8Array;
}

export function decode(reader: IkeReader): SkBody {
  return { body: reader.rest() };
}

export function encode(value: SkBody, writer: IkeWriter): void {
  writer.bytes(value.body);
}

export function encodingLength(value: SkBody): number {
  return value.body.length;
}
