/**
 * Certificate Request payload CERTREQ (RFC 7296 §3.7).
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Cert Encoding |                                               |
 * +-+-+-+-+-+-+-+-+                                               |
 * ~                    Certification Authority                    ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * For X.509 Signature (4) the authority field is a concatenation of SHA-1
 * hashes of trusted CA public keys (20 octets each); `caKeyHashes` splits it.
 */
import { CertEncoding, PayloadType } from '../constants.ts';
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';

export const CA_KEY_HASH_LENGTH = 20;

export interface CertReqPayload {
  readonly type: typeof PayloadType.CERTREQ;
  readonly critical?: boolean;
  readonly encoding: number;
  readonly authority: Uint8Array;
}

/** SHA-1 CA key hashes of an X.509 CERTREQ, or undefined if the field is not a list of them. */
export function caKeyHashes(payload: CertReqPayload): Uint8Array[] | undefined {
  if (payload.encoding !== CertEncoding.X509_SIGNATURE || payload.authority.length % CA_KEY_HASH_LENGTH !== 0) {
    return undefined;
  }
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < payload.authority.length; i += CA_KEY_HASH_LENGTH) {
    hashes.push(payload.authority.slice(i, i + CA_KEY_HASH_LENGTH));
  }
  return hashes;
}

export function decode(reader: IkeReader): CertReqPayload {
  const encoding = reader.u8();
  return { type: PayloadType.CERTREQ, encoding, authority: reader.rest() };
}

export function encode(payload: CertReqPayload, writer: IkeWriter): void {
  writer.u8(payload.encoding, 'cert encoding');
  writer.bytes(payload.authority);
}

export function encodingLength(payload: CertReqPayload): number {
  return 1 + payload.authority.length;
}
