/**
 * The payload union and the chain of generic payload headers (RFC 7296
 * §3.2) that links payloads: each header names the type of the NEXT
 * payload, so the decoder walks from the type named in the IKE header (or
 * in the SK payload for the inner chain) until Next Payload is 0.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   Payload Length includes these 4 octets.
 *
 * Flow: generic header -> bounds check -> body decoded by the payload's
 * module from a child reader over exactly its bytes -> `expectEnd`. An SK or
 * SKF payload ends the walk (it MUST be last, RFC 7296 §3.14); its body is
 * returned for message.ts to open. Types with no module become
 * `UnknownPayload`; with the critical bit set that is a verify error.
 */
import { GENERIC_PAYLOAD_HEADER_LENGTH, PayloadType } from '../constants.ts';
import { IkeParseError, IkeVerifyError } from '../errors.ts';
import { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';
import * as auth from './authentication-payload.ts';
import * as cert from './certificate-payload.ts';
import * as certreq from './certificate-request-payload.ts';
import * as cp from './configuration-payload.ts';
import * as del from './delete-payload.ts';
import * as eap from './eap-payload.ts';
import * as skf from './encrypted-fragment-payload.ts';
import * as id from './identification-payload.ts';
import * as ke from './key-exchange-payload.ts';
import * as nonce from './nonce-payload.ts';
import * as notify from './notify-payload.ts';
import * as sa from './security-association-payload.ts';
import * as ts from './traffic-selector-payload.ts';
import * as unknown from './unknown-payload.ts';
import * as vendor from './vendor-id-payload.ts';

export type { AuthPayload } from './authentication-payload.ts';
export type { CertPayload } from './certificate-payload.ts';
export type { CertReqPayload } from './certificate-request-payload.ts';
export type { CpPayload } from './configuration-payload.ts';
export type { DeletePayload } from './delete-payload.ts';
export type { EapPayload } from './eap-payload.ts';
export type { IdPayload } from './identification-payload.ts';
export type { KePayload } from './key-exchange-payload.ts';
export type { NoncePayload } from './nonce-payload.ts';
export type { NotifyPayload } from './notify-payload.ts';
export type { SaPayload } from './security-association-payload.ts';
export type { TsPayload } from './traffic-selector-payload.ts';
export type { UnknownPayload } from './unknown-payload.ts';
export type { VendorIdPayload } from './vendor-id-payload.ts';

/** Every payload the codec decodes, plus the opaque unknown one. SK/SKF live on the message. */
export type Payload =
  | sa.SaPayload
  | ke.KePayload
  | id.IdPayload
  | cert.CertPayload
  | certreq.CertReqPayload
  | auth.AuthPayload
  | nonce.NoncePayload
  | notify.NotifyPayload
  | del.DeletePayload
  | vendor.VendorIdPayload
  | ts.TsPayload
  | cp.CpPayload
  | eap.EapPayload
  | unknown.UnknownPayload;

/** The codec face every payload module exports (body only: the chain owns the generic header). */
export interface PayloadBodyCodec<T> {
  decode(reader: IkeReader): T;
  encode(value: T, writer: IkeWriter): void;
  encodingLength(value: T): number;
}

/** Module per payload type number. Types absent here decode as unknown. */
export const PAYLOAD_CODECS: ReadonlyMap<number, PayloadBodyCodec<Payload>> = new Map<number, PayloadBodyCodec<Payload>>([
  [PayloadType.SA, sa as PayloadBodyCodec<Payload>],
  [PayloadType.KE, ke as PayloadBodyCodec<Payload>],
  [PayloadType.IDi, id as PayloadBodyCodec<Payload>],
  [PayloadType.IDr, id as PayloadBodyCodec<Payload>],
  [PayloadType.CERT, cert as PayloadBodyCodec<Payload>],
  [PayloadType.CERTREQ, certreq as PayloadBodyCodec<Payload>],
  [PayloadType.AUTH, auth as PayloadBodyCodec<Payload>],
  [PayloadType.NONCE, nonce as PayloadBodyCodec<Payload>],
  [PayloadType.NOTIFY, notify as PayloadBodyCodec<Payload>],
  [PayloadType.DELETE, del as PayloadBodyCodec<Payload>],
  [PayloadType.VENDOR_ID, vendor as PayloadBodyCodec<Payload>],
  [PayloadType.TSi, ts as PayloadBodyCodec<Payload>],
  [PayloadType.TSr, ts as PayloadBodyCodec<Payload>],
  [PayloadType.CP, cp as PayloadBodyCodec<Payload>],
  [PayloadType.EAP, eap as PayloadBodyCodec<Payload>],
]);

/** Wire type number of a payload. */
export function payloadTypeOf(payload: Payload): number {
  return payload.type === 'unknown' ? payload.payloadType : payload.type;
}

/** The body codec for a payload value (unknown payloads use the opaque codec). */
export function bodyCodecOf(payload: Payload): PayloadBodyCodec<Payload> {
  if (payload.type === 'unknown') return unknown as PayloadBodyCodec<Payload>;
  return PAYLOAD_CODECS.get(payload.type)!;
}

const CRITICAL_FLAG = 0x80;

/** An SK or SKF payload met at the end of a chain, not yet opened. */
export interface EncryptedPayloadFound {
  readonly payloadType: typeof PayloadType.SK | typeof PayloadType.SKF;
  /** Next Payload of the SK/SKF header: the first inner payload type. */
  readonly firstPayload: number;
  readonly critical: boolean;
  /** Offset of the SK/SKF generic header. */
  readonly headerOffset: number;
  /** Offset of the IV (after the SKF fragment fields for SKF). */
  readonly bodyOffset: number;
  readonly fragmentNumber?: number;
  readonly totalFragments?: number;
  readonly body: Uint8Array;
}

export interface ChainDecodeResult {
  readonly payloads: Payload[];
  /** Offset of each payload's generic header, parallel to `payloads`. */
  readonly offsets: number[];
  readonly encrypted?: EncryptedPayloadFound;
}

export interface ChainContext {
  readonly inEncrypted: boolean;
  readonly verify: boolean;
}

/**
 * Decodes the chain starting with `firstType` over bytes[start, end). The
 * chain must end exactly at `end` (Next Payload 0, or an SK/SKF reaching it).
 */
export function decodePayloadChain(
  bytes: Uint8Array,
  start: number,
  end: number,
  firstType: number,
  context: ChainContext,
): ChainDecodeResult {
  const payloads: Payload[] = [];
  const offsets: number[] = [];
  const chain = new IkeReader(bytes, start, end, { inEncrypted: context.inEncrypted, verify: context.verify });
  let type = firstType;
  while (type !== PayloadType.NONE) {
    const headerOffset = chain.offset;
    if (chain.remaining < GENERIC_PAYLOAD_HEADER_LENGTH) {
      throw new IkeParseError('truncated', `payload type ${type} announced but only ${chain.remaining} bytes left`, {
        offset: headerOffset,
        payloadType: type,
        inEncrypted: context.inEncrypted,
      });
    }
    const nextType = chain.u8();
    const critical = (chain.u8() & CRITICAL_FLAG) !== 0;
    const length = chain.u16();
    if (length < GENERIC_PAYLOAD_HEADER_LENGTH || length - GENERIC_PAYLOAD_HEADER_LENGTH > chain.remaining) {
      throw new IkeParseError('bad_payload_length', `payload type ${type} length ${length}`, {
        offset: headerOffset,
        payloadType: type,
        inEncrypted: context.inEncrypted,
      });
    }
    const body = chain.child(length - GENERIC_PAYLOAD_HEADER_LENGTH, 'bad_payload_length', {
      payloadType: type,
      inEncrypted: context.inEncrypted,
      verify: context.verify,
    });
    if (type === PayloadType.SK || type === PayloadType.SKF) {
      if (context.inEncrypted) {
        body.fail('nested_encrypted', 'encrypted payload inside decrypted content', headerOffset);
      }
      if (!chain.atEnd) {
        body.fail('encrypted_not_last', `${chain.remaining} bytes follow the encrypted payload`, headerOffset);
      }
      if (type === PayloadType.SK) {
        const bodyOffset = body.offset;
        return {
          payloads,
          offsets,
          encrypted: { payloadType: type, firstPayload: nextType, critical, headerOffset, bodyOffset, body: body.rest() },
        };
      }
      const fragment = skf.decode(body);
      return {
        payloads,
        offsets,
        encrypted: {
          payloadType: type,
          firstPayload: nextType,
          critical,
          headerOffset,
          bodyOffset: headerOffset + GENERIC_PAYLOAD_HEADER_LENGTH + skf.SKF_FIXED_LENGTH,
          fragmentNumber: fragment.fragmentNumber,
          totalFragments: fragment.totalFragments,
          body: fragment.body,
        },
      };
    }
    offsets.push(headerOffset);
    const codec = PAYLOAD_CODECS.get(type);
    if (codec) {
      const decoded = codec.decode(body);
      body.expectEnd();
      payloads.push(critical ? { ...decoded, critical: true } : decoded);
    } else {
      if (critical && context.verify) {
        throw new IkeVerifyError('unsupported_critical_payload', `payload type ${type} is critical and not supported`, {
          offset: headerOffset,
          payloadType: type,
          inEncrypted: context.inEncrypted,
        });
      }
      payloads.push({ ...unknown.decode(body), critical });
    }
    type = nextType;
  }
  chain.expectEnd('trailing_bytes');
  return { payloads, offsets };
}

/** Octets of a payload on the wire, generic header included. */
export function payloadEncodingLength(payload: Payload): number {
  return GENERIC_PAYLOAD_HEADER_LENGTH + bodyCodecOf(payload).encodingLength(payload);
}

export function chainEncodingLength(payloads: readonly Payload[]): number {
  let length = 0;
  for (const payload of payloads) length += payloadEncodingLength(payload);
  return length;
}

/** Writes payloads with linked generic headers; the last one's Next Payload is `lastNext`. */
export function encodePayloadChain(payloads: readonly Payload[], writer: IkeWriter, lastNext: number): void {
  for (let i = 0; i < payloads.length; i++) {
    const payload = payloads[i]!;
    const next = i + 1 < payloads.length ? payloadTypeOf(payloads[i + 1]!) : lastNext;
    const codec = bodyCodecOf(payload);
    writer.u8(next, 'next payload');
    writer.u8(payload.critical ? CRITICAL_FLAG : 0);
    writer.u16(GENERIC_PAYLOAD_HEADER_LENGTH + codec.encodingLength(payload), 'payload length');
    codec.encode(payload, writer);
  }
}

/** The first payload type of a chain, or `fallback` when empty. */
export function firstPayloadType(payloads: readonly Payload[], fallback: number): number {
  return payloads.length > 0 ? payloadTypeOf(payloads[0]!) : fallback;
}
