/**
 * ESP packet layout (RFC 4303 §2; RFC 4106 §3 / RFC 7634 §3 for the 8-byte
 * AEAD IV), as it appears on the wire or, with UDP encapsulation (RFC 3948),
 * as the UDP payload on the NAT-T port:
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |               Security Parameters Index (SPI)                 |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                      Sequence Number                          |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                 IV (16 bytes CBC, 8 bytes AEAD)               |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  ---
 *    ~        Payload Data (inner IP packet | TFC padding)           ~   ^
 *    +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   | encrypted
 *    |               |     Padding (1, 2, 3, ...; 0-255 bytes)       |   |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   |
 *    |                               |  Pad Length   | Next Header   |   v
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  ---
 *    ~            Integrity Check Value (ICV), variable              ~
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * This file holds the byte-level pieces: the header, the trailer (padding,
 * Pad Length, Next Header) and the AEAD associated data. The crypto is in
 * `esp-transform.ts`.
 */
import { concatBytes, uint32Bytes } from '../crypto/bytes.ts';

export const ESP_HEADER_LENGTH = 8;
/** Pad Length and Next Header. */
export const ESP_TRAILER_LENGTH = 2;
/** RFC 4303 §2.4: the ciphertext ends on a 4-byte boundary even for stream-like ciphers. */
export const ESP_MIN_ALIGNMENT = 4;

/** Next Header values the data plane meets (IANA protocol numbers). */
export const EspNextHeader = {
  IPV4: 4,
  IPV6: 41,
  /** RFC 4303 §2.6: a dummy packet, to be discarded. */
  NO_NEXT_HEADER: 59,
} as const;

export interface EspHeader {
  readonly spi: number;
  /** The 32-bit Sequence Number field (the low half with ESN). */
  readonly sequenceLow: number;
}

/** SPI and Sequence Number of an ESP packet, or null when fewer than 8 bytes. */
export function readEspHeader(packet: Uint8Array): EspHeader | null {
  if (packet.length < ESP_HEADER_LENGTH) return null;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  return { spi: view.getUint32(0), sequenceLow: view.getUint32(4) };
}

export function encodeEspHeader(spi: number, sequence: bigint): Uint8Array {
  return concatBytes(uint32Bytes(spi), uint32Bytes(Number(sequence & 0xffff_ffffn)));
}

/** High 32 bits of a 64-bit sequence number, big-endian (the ESN part never sent). */
export function sequenceHighBytes(sequence: bigint): Uint8Array {
  return uint32Bytes(Number((sequence >> 32n) & 0xffff_ffffn));
}

/**
 * AEAD associated data (RFC 4106 §5, RFC 7634 §4): SPI | Sequence Number,
 * or with ESN SPI | high 32 bits | low 32 bits.
 */
export function espAssociatedData(spi: number, sequence: bigint, esn: boolean): Uint8Array {
  const low = uint32Bytes(Number(sequence & 0xffff_ffffn));
  return esn ? concatBytes(uint32Bytes(spi), sequenceHighBytes(sequence), low) : concatBytes(uint32Bytes(spi), low);
}

/** Padding bytes so that payload | padding | 2-byte trailer is a multiple of `alignment`. */
export function espPaddingLength(alignment: number, payloadLength: number): number {
  return (alignment - ((payloadLength + ESP_TRAILER_LENGTH) % alignment)) % alignment;
}

/** payload | 1, 2, 3, ... | Pad Length | Next Header (RFC 4303 §2.4 default padding). */
export function encodeEspTrailer(payload: Uint8Array, nextHeader: number, alignment: number): Uint8Array {
  const padLength = espPaddingLength(alignment, payload.length);
  const out = new Uint8Array(payload.length + padLength + ESP_TRAILER_LENGTH);
  out.set(payload, 0);
  for (let i = 0; i < padLength; i++) out[payload.length + i] = i + 1;
  out[out.length - 2] = padLength;
  out[out.length - 1] = nextHeader;
  return out;
}

export type EspTrailerDecode =
  | { readonly ok: true; readonly payload: Uint8Array; readonly nextHeader: number; readonly padLength: number }
  | { readonly ok: false; readonly detail: string };

/**
 * Splits decrypted bytes into payload, Pad Length and Next Header, checking
 * the padding is the monotonic 1, 2, 3, ... of RFC 4303 §2.4 (the receiver
 * SHOULD check it when the default padding is used).
 */
export function decodeEspTrailer(plaintext: Uint8Array): EspTrailerDecode {
  if (plaintext.length < ESP_TRAILER_LENGTH) {
    return { ok: false, detail: `${plaintext.length} decrypted bytes cannot hold Pad Length and Next Header` };
  }
  const padLength = plaintext[plaintext.length - 2] ?? 0;
  const nextHeader = plaintext[plaintext.length - 1] ?? 0;
  const payloadLength = plaintext.length - ESP_TRAILER_LENGTH - padLength;
  if (payloadLength < 0) {
    return { ok: false, detail: `Pad Length ${padLength} exceeds the ${plaintext.length - ESP_TRAILER_LENGTH} bytes before it` };
  }
  for (let i = 0; i < padLength; i++) {
    const byte = plaintext[payloadLength + i];
    if (byte !== i + 1) return { ok: false, detail: `padding byte ${i + 1} of ${padLength} is ${byte} (expected ${i + 1})` };
  }
  return { ok: true, payload: plaintext.subarray(0, payloadLength), nextHeader, padLength };
}

/**
 * Bytes of the inner IP packet at the start of `payload` by its own length
 * field (IPv4 Total Length, IPv6 40 + Payload Length), so that TFC padding
 * (RFC 4303 §2.7) after it can be dropped. Null when the payload is not a
 * well-formed IP packet of that version or the length overruns it.
 */
export function innerPacketLength(nextHeader: number, payload: Uint8Array): number | null {
  if (nextHeader === EspNextHeader.IPV4) {
    if (payload.length < 20 || (payload[0] ?? 0) >> 4 !== 4) return null;
    const total = (payload[2]! << 8) | payload[3]!;
    return total >= 20 && total <= payload.length ? total : null;
  }
  if (nextHeader === EspNextHeader.IPV6) {
    if (payload.length < 40 || (payload[0] ?? 0) >> 4 !== 6) return null;
    const total = 40 + ((payload[4]! << 8) | payload[5]!);
    return total <= payload.length ? total : null;
  }
  return null;
}
