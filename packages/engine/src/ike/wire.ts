/**
 * The daemon's few helpers over the codec's payload model: finding payloads
 * and notifies in a decoded message, building the payloads the exchanges
 * send, and reading the header version before anything is decoded (an IKEv1
 * packet must be recognised, not reported as malformed).
 */
import {
  NotifyType,
  PayloadType,
  ProtocolId,
  type AuthPayload,
  type DeletePayload,
  type IdPayload,
  type KePayload,
  type NoncePayload,
  type NotifyPayload,
  type Payload,
  type SaPayload,
  type TsPayload,
  type VendorIdPayload,
} from '@tunnelscope/ike';

const EMPTY = new Uint8Array(0);

/** Major version nibble of a datagram that is long enough to have an IKE header, else undefined. */
export function headerMajorVersion(bytes: Uint8Array): number | undefined {
  return bytes.length > 17 ? bytes[17]! >>> 4 : undefined;
}

export function findSa(payloads: readonly Payload[]): SaPayload | undefined {
  return payloads.find((p): p is SaPayload => p.type === PayloadType.SA);
}
export function findKe(payloads: readonly Payload[]): KePayload | undefined {
  return payloads.find((p): p is KePayload => p.type === PayloadType.KE);
}
export function findNonce(payloads: readonly Payload[]): NoncePayload | undefined {
  return payloads.find((p): p is NoncePayload => p.type === PayloadType.NONCE);
}
export function findAuth(payloads: readonly Payload[]): AuthPayload | undefined {
  return payloads.find((p): p is AuthPayload => p.type === PayloadType.AUTH);
}
export function findId(payloads: readonly Payload[], which: 'i' | 'r'): IdPayload | undefined {
  const type = which === 'i' ? PayloadType.IDi : PayloadType.IDr;
  return payloads.find((p): p is IdPayload => p.type === type);
}
export function findTs(payloads: readonly Payload[], which: 'i' | 'r'): TsPayload | undefined {
  const type = which === 'i' ? PayloadType.TSi : PayloadType.TSr;
  return payloads.find((p): p is TsPayload => p.type === type);
}
export function notifiesOf(payloads: readonly Payload[]): NotifyPayload[] {
  return payloads.filter((p): p is NotifyPayload => p.type === PayloadType.NOTIFY);
}
export function findNotify(payloads: readonly Payload[], notifyType: number): NotifyPayload | undefined {
  return notifiesOf(payloads).find((n) => n.notifyType === notifyType);
}
export function hasNotify(payloads: readonly Payload[], notifyType: number): boolean {
  return findNotify(payloads, notifyType) !== undefined;
}
export function deletesOf(payloads: readonly Payload[]): DeletePayload[] {
  return payloads.filter((p): p is DeletePayload => p.type === PayloadType.DELETE);
}
export function vendorIdsOf(payloads: readonly Payload[]): VendorIdPayload[] {
  return payloads.filter((p): p is VendorIdPayload => p.type === PayloadType.VENDOR_ID);
}
/** The first error notify (type < 16384), if any. */
export function errorNotify(payloads: readonly Payload[]): NotifyPayload | undefined {
  return notifiesOf(payloads).find((n) => n.notifyType < 16384);
}

export function notifyPayload(notifyType: number, data: Uint8Array = EMPTY, protocol = 0, spi: Uint8Array = EMPTY): NotifyPayload {
  return { type: PayloadType.NOTIFY, protocol, spi, notifyType, data };
}

export function u32Bytes(value: number): Uint8Array {
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

export function u32Of(bytes: Uint8Array): number {
  return ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

export function deleteIkePayload(): DeletePayload {
  return { type: PayloadType.DELETE, protocol: ProtocolId.IKE, spiSize: 0, spis: [] };
}

export function deleteEspPayload(spis: number[]): DeletePayload {
  return { type: PayloadType.DELETE, protocol: ProtocolId.ESP, spiSize: 4, spis: spis.map(u32Bytes) };
}

export const NOTIFY_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(NotifyType).map(([name, value]) => [value, name]),
);

export function notifyName(notifyType: number): string {
  return NOTIFY_NAMES[notifyType] ?? `NOTIFY(${notifyType})`;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic comparison of nonces (RFC 7296 §2.8.1 "lowest nonce"). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
