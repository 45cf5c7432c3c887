/**
 * Notify payload N (RFC 7296 §3.10) and typed views of the notification
 * data of the common types.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Protocol ID  |   SPI Size    |      Notify Message Type      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                Security Parameter Index (SPI)                 ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       Notification Data                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Verification follows the data lengths RFC 7296 and its extensions fix
 * (the same set strongSwan's notify verify checks, plus SET_WINDOW_SIZE and
 * the SPI of REKEY_SA / INVALID_SELECTORS / CHILD_SA_NOT_FOUND).
 */
import { NotifyType, PayloadType, ProtocolId } from '../constants.ts';
import type { IkeReader } from '../reader.ts';
import type { IkeWriter } from '../writer.ts';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './ip-address.ts';
import { IkeEncodeError } from '../errors.ts';

export const NAT_DETECTION_HASH_LENGTH = 20;
export const COOKIE_MAX_LENGTH = 64;

export interface NotifyPayload {
  readonly type: typeof PayloadType.NOTIFY;
  readonly critical?: boolean;
  /** 0 when no SPI is carried, else IKE/AH/ESP. */
  readonly protocol: number;
  readonly spi: Uint8Array;
  readonly notifyType: number;
  readonly data: Uint8Array;
}

/** Allowed data lengths per notify type: exact length, or [min, max], or 'even'. */
const DATA_LENGTH_RULES: ReadonlyMap<number, number | readonly [number, number] | 'even'> = new Map<
  number,
  number | readonly [number, number] | 'even'
>([
  [NotifyType.INVALID_KE_PAYLOAD, 2],
  [NotifyType.NAT_DETECTION_SOURCE_IP, NAT_DETECTION_HASH_LENGTH],
  [NotifyType.NAT_DETECTION_DESTINATION_IP, NAT_DETECTION_HASH_LENGTH],
  [NotifyType.INVALID_SYNTAX, 0],
  [NotifyType.INVALID_MAJOR_VERSION, 0],
  [NotifyType.NO_PROPOSAL_CHOSEN, 0],
  [NotifyType.COOKIE, [1, COOKIE_MAX_LENGTH]],
  [NotifyType.ADDITIONAL_IP4_ADDRESS, 4],
  [NotifyType.ADDITIONAL_IP6_ADDRESS, 16],
  [NotifyType.SIGNATURE_HASH_ALGORITHMS, 'even'],
  [NotifyType.AUTH_LIFETIME, 4],
  [NotifyType.IPCOMP_SUPPORTED, 3],
  [NotifyType.SET_WINDOW_SIZE, 4],
]);

/** Notify types that name a Child SA by its SPI (RFC 7296 §3.10). */
const CHILD_SPI_NOTIFIES: ReadonlySet<number> = new Set([
  NotifyType.REKEY_SA,
  NotifyType.INVALID_SELECTORS,
  NotifyType.CHILD_SA_NOT_FOUND,
]);

function dataLengthOk(notifyType: number, length: number): boolean {
  const rule = DATA_LENGTH_RULES.get(notifyType);
  if (rule === undefined) return true;
  if (rule === 'even') return length % 2 === 0;
  if (typeof rule === 'number') return length === rule;
  return length >= rule[0] && length <= rule[1];
}

export function decode(reader: IkeReader): NotifyPayload {
  const start = reader.offset;
  const protocol = reader.u8();
  const spiSize = reader.u8();
  const notifyType = reader.u16();
  const spi = reader.bytes(spiSize);
  const data = reader.rest();
  reader.check(protocol <= ProtocolId.ESP, 'notify_spi', () => `protocol ${protocol}`, start);
  if (CHILD_SPI_NOTIFIES.has(notifyType)) {
    reader.check(
      (protocol === ProtocolId.AH || protocol === ProtocolId.ESP) && spiSize === 4,
      'notify_spi',
      () => `notify ${notifyType} needs an AH/ESP SPI of 4 octets (protocol ${protocol}, SPI size ${spiSize})`,
      start,
    );
  }
  reader.check(
    dataLengthOk(notifyType, data.length),
    'notify_data_length',
    () => `notify ${notifyType} with ${data.length} octets of data`,
    start,
  );
  return { type: PayloadType.NOTIFY, protocol, spi, notifyType, data };
}

export function encode(payload: NotifyPayload, writer: IkeWriter): void {
  writer.u8(payload.protocol, 'protocol id');
  writer.u8(payload.spi.length, 'SPI size');
  writer.u16(payload.notifyType, 'notify type');
  writer.bytes(payload.spi);
  writer.bytes(payload.data);
}

export function encodingLength(payload: NotifyPayload): number {
  return 4 + payload.spi.length + payload.data.length;
}

// --- typed views -----------------------------------------------------------

export type NotifyView =
  | { readonly kind: 'cookie'; readonly cookie: Uint8Array }
  | { readonly kind: 'nat_detection'; readonly direction: 'source' | 'destination'; readonly hash: Uint8Array }
  | { readonly kind: 'invalid_ke_payload'; readonly group: number }
  | { readonly kind: 'rekey_sa'; readonly protocol: number; readonly spi: Uint8Array }
  | { readonly kind: 'signature_hash_algorithms'; readonly algorithms: readonly number[] }
  | { readonly kind: 'auth_lifetime'; readonly seconds: number }
  | { readonly kind: 'additional_address'; readonly family: 4 | 6; readonly address: string }
  | { readonly kind: 'set_window_size'; readonly windowSize: number }
  /** Known to carry no data, or data without a typed reading (see `data`). */
  | { readonly kind: 'data'; readonly data: Uint8Array }
  /** The data length does not fit the notify type (only seen with verify off). */
  | { readonly kind: 'malformed'; readonly data: Uint8Array };

function u16At(data: Uint8Array, at: number): number {
  return (data[at]! << 8) | data[at + 1]!;
}

function u32At(data: Uint8Array, at: number): number {
  return ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
}

export function viewNotify(notify: NotifyPayload): NotifyView {
  const { data, notifyType } = notify;
  if (!dataLengthOk(notifyType, data.length)) return { kind: 'malformed', data };
  switch (notifyType) {
    case NotifyType.COOKIE:
      return { kind: 'cookie', cookie: data };
    case NotifyType.NAT_DETECTION_SOURCE_IP:
      return { kind: 'nat_detection', direction: 'source', hash: data };
    case NotifyType.NAT_DETECTION_DESTINATION_IP:
      return { kind: 'nat_detection', direction: 'destination', hash: data };
    case NotifyType.INVALID_KE_PAYLOAD:
      return { kind: 'invalid_ke_payload', group: u16At(data, 0) };
    case NotifyType.REKEY_SA:
      return { kind: 'rekey_sa', protocol: notify.protocol, spi: notify.spi };
    case NotifyType.SIGNATURE_HASH_ALGORITHMS: {
      const algorithms: number[] = [];
      for (let i = 0; i < data.length; i += 2) algorithms.push(u16At(data, i));
      return { kind: 'signature_hash_algorithms', algorithms };
    }
    case NotifyType.AUTH_LIFETIME:
      return { kind: 'auth_lifetime', seconds: u32At(data, 0) };
    case NotifyType.ADDITIONAL_IP4_ADDRESS:
      return { kind: 'additional_address', family: 4, address: formatIpv4(data) };
    case NotifyType.ADDITIONAL_IP6_ADDRESS:
      return { kind: 'additional_address', family: 6, address: formatIpv6(data) };
    case NotifyType.SET_WINDOW_SIZE:
      return { kind: 'set_window_size', windowSize: u32At(data, 0) };
    default:
      return { kind: 'data', data };
  }
}

// --- builders ---------------------------------------------------------------

const EMPTY = new Uint8Array(0);

/** A notify without SPI. */
export function notify(notifyType: number, data: Uint8Array = EMPTY): NotifyPayload {
  return { type: PayloadType.NOTIFY, protocol: 0, spi: EMPTY, notifyType, data };
}

function u16Bytes(value: number): Uint8Array {
  return Uint8Array.of(value >>> 8, value & 0xff);
}

function u32Bytes(value: number): Uint8Array {
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

export const notifyData = {
  cookie: (cookie: Uint8Array): NotifyPayload => notify(NotifyType.COOKIE, cookie),
  natDetection: (direction: 'source' | 'destination', hash: Uint8Array): NotifyPayload =>
    notify(direction === 'source' ? NotifyType.NAT_DETECTION_SOURCE_IP : NotifyType.NAT_DETECTION_DESTINATION_IP, hash),
  invalidKePayload: (group: number): NotifyPayload => notify(NotifyType.INVALID_KE_PAYLOAD, u16Bytes(group)),
  rekeySa: (protocol: number, spi: Uint8Array): NotifyPayload => ({
    type: PayloadType.NOTIFY,
    protocol,
    spi,
    notifyType: NotifyType.REKEY_SA,
    data: EMPTY,
  }),
  signatureHashAlgorithms: (algorithms: readonly number[]): NotifyPayload => {
    const data = new Uint8Array(algorithms.length * 2);
    algorithms.forEach((algorithm, i) => data.set(u16Bytes(algorithm), 2 * i));
    return notify(NotifyType.SIGNATURE_HASH_ALGORITHMS, data);
  },
  authLifetime: (seconds: number): NotifyPayload => notify(NotifyType.AUTH_LIFETIME, u32Bytes(seconds)),
  additionalAddress: (address: string): NotifyPayload => {
    const v4 = parseIpv4(address);
    if (v4) return notify(NotifyType.ADDITIONAL_IP4_ADDRESS, v4);
    const v6 = parseIpv6(address);
    if (v6) return notify(NotifyType.ADDITIONAL_IP6_ADDRESS, v6);
    throw new IkeEncodeError('invalid_value', `not an IP address: ${address}`);
  },
  setWindowSize: (windowSize: number): NotifyPayload => notify(NotifyType.SET_WINDOW_SIZE, u32Bytes(windowSize)),
};
