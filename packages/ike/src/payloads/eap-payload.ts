/**
 * Extensible Authentication payload EAP (RFC 7296 §3.16), carrying one EAP
 * message (RFC 3748 §4) opaquely.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       EAP Message                             ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * EAP message:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Code      | Identifier    |           Length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      | Type_Data...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-
 *   Type only for Request (1) and Response (2); Success (3) and
 *   Failure (4) are exactly 4 octets.
 */
import { PayloadType } from '../constants.ts';
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';

/** EAP codes (RFC 3748 §4). */
export const EapCode = {
  REQUEST: 1,
  RESPONSE: 2,
  SUCCESS: 3,
  FAILURE: 4,
} as const;

/** EAP Type for the expanded (vendor) form (RFC 3748 §5.7). */
export const EAP_TYPE_EXPANDED = 254;

export interface EapPayload {
  readonly type: typeof PayloadType.EAP;
  readonly critical?: boolean;
  readonly message: Uint8Array;
}

export interface EapView {
  readonly code: number;
  readonly identifier: number;
  /** 0 when the message carries no type (Success, Failure, or too short). */
  readonly eapType: number;
  /** Vendor-Id of an expanded type, else 0. */
  readonly vendor: number;
}

/** Code, identifier and method of an EAP message, as strongSwan reads them. */
export function viewEap(message: Uint8Array): EapView {
  const code = message.length > 0 ? message[0]! : 0;
  const identifier = message.length > 1 ? message[1]! : 0;
  let eapType = 0;
  let vendor = 0;
  if (message.length > 4) {
    eapType = message[4]!;
    if (eapType === EAP_TYPE_EXPANDED) {
      if (message.length >= 12) {
        vendor = (message[5]! << 16) | (message[6]! << 8) | message[7]!;
        eapType = ((message[8]! << 24) | (message[9]! << 16) | (message[10]! << 8) | message[11]!) >>> 0;
      } else {
        eapType = 0;
      }
    }
  }
  return { code, identifier, eapType, vendor };
}

export function decode(reader: IkeReader): EapPayload {
  const start = reader.offset;
  const message = reader.rest();
  const code = message[0];
  const length = message.length >= 4 ? (message[2]! << 8) | message[3]! : -1;
  const codeOk = code === EapCode.REQUEST || code === EapCode.RESPONSE
    ? message.length >= 5
    : (code === EapCode.SUCCESS || code === EapCode.FAILURE) && message.length === 4;
  reader.check(
    codeOk && length === message.length,
    'eap_message',
    () => `EAP code ${code ?? 'none'}, EAP length ${length}, payload data ${message.length}`,
    start,
  );
  return { type: PayloadType.EAP, message };
}

export function encode(payload: EapPayload, writer: IkeWriter): void {
  writer.bytes(payload.message);
}

export function encodingLength(payload: EapPayload): number {
  return payload.message.length;
}
