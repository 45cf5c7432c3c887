/**
 * Authentication payload AUTH (RFC 7296 §3.8), with the RFC 7427 §3
 * Digital Signature (method 14) authentication data layout.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Auth Method   |                RESERVED                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                      Authentication Data                      ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Digital Signature authentication data (RFC 7427 §3):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | ASN.1 Length  | AlgorithmIdentifier ASN.1 object              |
 * +-+-+-+-+-+-+-+-+                                               +
 * ~        AlgorithmIdentifier ASN.1 object continuing            ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                         Signature Value                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   ASN.1 Length: octets of the DER AlgorithmIdentifier that follows.
 */
import { AuthMethod, PayloadType } from '../constants.ts';
import { IkeEncodeError } from '../errors.ts';
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';

export interface AuthPayload {
  readonly type: typeof PayloadType.AUTH;
  readonly critical?: boolean;
  readonly method: number;
  readonly data: Uint8Array;
}

export interface DigitalSignatureAuthData {
  /** The DER AlgorithmIdentifier (SEQUENCE, tag included). */
  readonly algorithmIdentifier: Uint8Array;
  readonly signature: Uint8Array;
}

/** Splits method-14 auth data; undefined when the length prefix is not a DER SEQUENCE that fits. */
export function splitDigitalSignature(data: Uint8Array): DigitalSignatureAuthData | undefined {
  if (data.length < 1) return undefined;
  const algorithmLength = data[0]!;
  if (algorithmLength < 2 || 1 + algorithmLength > data.length) return undefined;
  const algorithmIdentifier = data.slice(1, 1 + algorithmLength);
  // The prefix must frame exactly one short-form DER SEQUENCE (AlgorithmIdentifiers are < 128 octets).
  if (algorithmIdentifier[0] !== 0x30 || algorithmIdentifier[1] !== algorithmLength - 2) return undefined;
  return { algorithmIdentifier, signature: data.slice(1 + algorithmLength) };
}

export function joinDigitalSignature(parts: DigitalSignatureAuthData): Uint8Array {
  const algorithmLength = parts.algorithmIdentifier.length;
  if (algorithmLength > 0xff) {
    throw new IkeEncodeError('value_out_of_range', `AlgorithmIdentifier of ${algorithmLength} octets`);
  }
  const out = new Uint8Array(1 + algorithmLength + parts.signature.length);
  out[0] = algorithmLength;
  out.set(parts.algorithmIdentifier, 1);
  out.set(parts.signature, 1 + algorithmLength);
  return out;
}

export function decode(reader: IkeReader): AuthPayload {
  const start = reader.offset;
  const method = reader.u8();
  reader.skip(3);
  const data = reader.rest();
  if (method === AuthMethod.DIGITAL_SIGNATURE) {
    reader.check(splitDigitalSignature(data) !== undefined, 'auth_data', () => 'bad ASN.1 length prefix', start);
  }
  return { type: PayloadType.AUTH, method, data };
}

export function encode(payload: AuthPayload, writer: IkeWriter): void {
  writer.u8(payload.method, 'auth method');
  writer.zeros(3);
  writer.bytes(payload.data);
}

export function encodingLength(payload: AuthPayload): number {
  return 4 + payload.data.length;
}
