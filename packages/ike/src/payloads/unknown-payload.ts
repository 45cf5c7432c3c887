/**
 * A payload of a type this codec does not decode (RFC 7296 §3.2), kept as
 * bytes. strongSwan logs these as `UNKN(<type>)`.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       Data of any type                        ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * "If the critical bit is set and the recipient does not understand the
 * Payload Type code, it MUST reject the entire message" (§2.5): the chain
 * raises `unsupported_critical_payload`; without the bit the payload is
 * skipped by the engine but kept here so snoop shows it.
 */
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';

export interface UnknownPayload {
  /** Discriminates from the known payloads, whose `type` is their number. */
  readonly type: 'unknown';
  readonly payloadType: number;
  readonly critical: boolean;
  readonly data: Uint8Array;
}

export function decode(reader: IkeReader): UnknownPayload {
  return { type: 'unknown', payloadType: reader.payloadType ?? 0, critical: false, data: reader.rest() };
}

export function encode(payload: UnknownPayload, writer: IkeWriter): void {
  writer.bytes(payload.data);
}

export function encodingLength(payload: UnknownPayload): number {
  return payload.data.length;
}
