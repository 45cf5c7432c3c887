/**
 * Identification payloads IDi and IDr (RFC 7296 §3.5).
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   ID Type     |                 RESERVED                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                   Identification Data                         ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The payload keeps the raw bytes (AUTH signs exactly them: RFC 7296 §2.15
 * hashes the body from ID Type on); `viewIdentification` gives the typed
 * reading and `identification` builds the bytes from one. The role (IDi or
 * IDr) comes from the payload type the chain decodes for.
 */
import { IdType, PayloadType } from '../constants.ts';
import { IkeEncodeError } from '../errors.ts';
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './ip-address.ts';

export interface IdPayload {
  readonly type: typeof PayloadType.IDi | typeof PayloadType.IDr;
  readonly critical?: boolean;
  readonly idType: number;
  readonly data: Uint8Array;
}

export type IdentificationView =
  | { readonly kind: 'ipv4'; readonly address: string }
  | { readonly kind: 'ipv6'; readonly address: string }
  | { readonly kind: 'fqdn'; readonly name: string }
  | { readonly kind: 'rfc822'; readonly name: string }
  /** DER encoded X.501 Name, kept as bytes (describe.ts renders it). */
  | { readonly kind: 'der_dn'; readonly der: Uint8Array }
  | { readonly kind: 'der_gn'; readonly der: Uint8Array }
  | { readonly kind: 'key_id'; readonly keyId: Uint8Array }
  | { readonly kind: 'null' }
  /** An ID type without a typed reading, or an address of the wrong length. */
  | { readonly kind: 'opaque'; readonly idType: number; readonly data: Uint8Array };

const textDecoder = new TextDecoder('utf-8');
const textEncoder = new TextEncoder();

export function viewIdentification(id: { readonly idType: number; readonly data: Uint8Array }): IdentificationView {
  const { idType, data } = id;
  switch (idType) {
    case IdType.IPV4_ADDR:
      return data.length === 4 ? { kind: 'ipv4', address: formatIpv4(data) } : { kind: 'opaque', idType, data };
    case IdType.IPV6_ADDR:
      return data.length === 16 ? { kind: 'ipv6', address: formatIpv6(data) } : { kind: 'opaque', idType, data };
    case IdType.FQDN:
      return { kind: 'fqdn', name: textDecoder.decode(data) };
    case IdType.RFC822_ADDR:
      return { kind: 'rfc822', name: textDecoder.decode(data) };
    case IdType.DER_ASN1_DN:
      return { kind: 'der_dn', der: data };
    case IdType.DER_ASN1_GN:
      return { kind: 'der_gn', der: data };
    case IdType.KEY_ID:
      return { kind: 'key_id', keyId: data };
    case IdType.NULL_ID:
      return { kind: 'null' };
    default:
      return { kind: 'opaque', idType, data };
  }
}

/** ID Type and data for a typed identity. */
export function identification(view: IdentificationView): { idType: number; data: Uint8Array } {
  switch (view.kind) {
    case 'ipv4': {
      const data = parseIpv4(view.address);
      if (!data) throw new IkeEncodeError('invalid_value', `not an IPv4 address: ${view.address}`);
      return { idType: IdType.IPV4_ADDR, data };
    }
    case 'ipv6': {
      const data = parseIpv6(view.address);
      if (!data) throw new IkeEncodeError('invalid_value', `not an IPv6 address: ${view.address}`);
      return { idType: IdType.IPV6_ADDR, data };
    }
    case 'fqdn':
      return { idType: IdType.FQDN, data: textEncoder.encode(view.name) };
    case 'rfc822':
      return { idType: IdType.RFC822_ADDR, data: textEncoder.encode(view.name) };
    case 'der_dn':
      return { idType: IdType.DER_ASN1_DN, data: view.der };
    case 'der_gn':
      return { idType: IdType.DER_ASN1_GN, data: view.der };
    case 'key_id':
      return { idType: IdType.KEY_ID, data: view.keyId };
    case 'null':
      return { idType: IdType.NULL_ID, data: new Uint8Array(0) };
    case 'opaque':
      return { idType: view.idType, data: view.data };
  }
}

/** Bytes an address identity must have, if its type fixes it. */
const FIXED_ID_LENGTH: Readonly<Record<number, number>> = {
  [IdType.IPV4_ADDR]: 4,
  [IdType.IPV6_ADDR]: 16,
};

export function decode(reader: IkeReader): IdPayload {
  const start = reader.offset;
  const idType = reader.u8();
  reader.skip(3);
  const data = reader.rest();
  const fixed = FIXED_ID_LENGTH[idType];
  reader.check(
    fixed === undefined ? data.length > 0 || idType === IdType.NULL_ID : data.length === fixed,
    'id_length',
    () => `ID type ${idType} with ${data.length} octets`,
    start,
  );
  const type = reader.payloadType === PayloadType.IDr ? PayloadType.IDr : PayloadType.IDi;
  return { type, idType, data };
}

export function encode(payload: IdPayload, writer: IkeWriter): void {
  writer.u8(payload.idType, 'ID type');
  writer.zeros(3);
  writer.bytes(payload.data);
}

export function encodingLength(payload: IdPayload): number {
  return 4 + payload.data.length;
}
