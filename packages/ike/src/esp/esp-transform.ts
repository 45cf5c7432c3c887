/**
 * ESP outbound and inbound processing (RFC 4303 §3.3, §3.4), pure: the
 * sequence counter and the replay window are values handed in and handed
 * back, never mutated.
 *
 *   sealEsp: next sequence -> payload | TFC padding | padding | PadLen | NH
 *            -> encrypt -> SPI | Seq | IV | ciphertext | ICV
 *   openEsp: header -> SPI matches -> full sequence (ESN inference) ->
 *            replay check -> ICV -> decrypt -> trailer/padding check ->
 *            window accepted (returned)
 *
 * Suites: AES-GCM-16 (RFC 4106) and ChaCha20-Poly1305 (RFC 7634), AAD =
 * SPI | Seq (| with ESN: SPI | Seq high | Seq low), nonce = salt | IV; or
 * AES-CBC (RFC 3602) with an HMAC INTEG transform, ICV = HMAC(SPI | Seq | IV
 * | ciphertext [| Seq high with ESN, RFC 4303 §3.3.2.2]) truncated.
 *
 * Per packet, the suite, key views and cipher name come from the SA's
 * cached context (`esp-sa-context.ts`), and `sealEsp` builds the packet in
 * one buffer, encrypting the plaintext in place of itself.
 *
 * Both functions throw `CryptoError` for an unimplemented suite or keys of
 * the wrong length (caller bugs). `openEsp` never throws for bad bytes.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { CipherGCM, CipherGCMTypes, DecipherGCM } from 'node:crypto';
import { concatBytes } from '../crypto/bytes.ts';
import { cbcDecrypt, cbcEncrypt } from '../crypto/encryption.ts';
import { CryptoError } from '../crypto/errors.ts';
import { computeIntegrity, verifyIntegrity } from '../crypto/integrity.ts';
import { ESP_HEADER_LENGTH, ESP_TRAILER_LENGTH, decodeEspTrailer, espPaddingLength, innerPacketLength, sequenceHighBytes } from './esp-packet.ts';
import { aeadAssociatedData, aeadNonce, espSaContext, writeRandomIv, writeUint32 } from './esp-sa-context.ts';
import { acceptSequence, checkReplay, inferSequence, maxSequence } from './replay-window.ts';
import type { ReplayWindow } from './replay-window.ts';

const LOW_32 = 0xffff_ffffn;
const NO_ESN_HIGH = new Uint8Array(0);

export interface EspSuite {
  /** EncrId: AES_CBC, AES_GCM_16 or CHACHA20_POLY1305. */
  readonly encr: number;
  readonly encrKeyBits: number;
  /** IntegId; NONE with an AEAD. */
  readonly integ: number;
  /** Extended Sequence Numbers (ESN transform 1). */
  readonly esn: boolean;
}

/** One direction of a Child SA, as from `deriveChildSaKeys` (encKey includes the AEAD salt). */
export interface EspSa {
  /** The SPI the receiver chose, non-zero. */
  readonly spi: number;
  readonly suite: EspSuite;
  readonly encKey: Uint8Array;
  readonly integKey: Uint8Array;
}

export interface EspOutboundSa extends EspSa {
  /** Sequence number the next packet takes: 1n for a new SA. */
  readonly nextSequence: bigint;
}

export interface EspInboundSa extends EspSa {
  readonly replay: ReplayWindow;
}

export interface EspPlainPacket {
  /** IANA protocol of the payload: 4 (IPv4) or 41 (IPv6) in tunnel mode. */
  readonly nextHeader: number;
  /** The inner IP packet. */
  readonly payload: Uint8Array;
  /** RFC 4303 §2.7 traffic flow confidentiality padding: zero bytes appended to the payload. */
  readonly tfcPadding?: number | undefined;
}

export type SealEspResult =
  | {
      readonly ok: true;
      /** SPI | Seq | IV | ciphertext | ICV, as sent (the UDP payload with RFC 3948 encapsulation). */
      readonly packet: Uint8Array;
      readonly sequence: bigint;
      /** Counter to store for the next packet. */
      readonly nextSequence: bigint;
      /** Inner packet bytes (for per-SA counters). */
      readonly payloadBytes: number;
      readonly packetBytes: number;
    }
  | { readonly ok: false; readonly reason: 'sequence_exhausted'; readonly detail: string };

export type OpenEspFailure = 'truncated' | 'unknown_spi' | 'integrity' | 'replay' | 'padding' | 'length';

export type OpenEspResult =
  | {
      readonly ok: true;
      readonly spi: number;
      /** Full sequence number (64-bit with ESN). */
      readonly sequence: bigint;
      readonly nextHeader: number;
      /** Inner packet, without TFC padding when its IP header gives its length. */
      readonly payload: Uint8Array;
      /** Window with this packet accepted: store it in place of the SA's. */
      readonly replay: ReplayWindow;
      readonly packetBytes: number;
      readonly payloadBytes: number;
      readonly tfcPaddingBytes: number;
    }
  | { readonly ok: false; readonly reason: OpenEspFailure; readonly detail: string };

/** Bytes of the ESP packet `sealEsp` builds for a payload (with TFC padding) of n bytes. */
export function espPacketLength(sa: EspSa, payloadLength: number): number {
  const { encryption, icvSize, alignment } = espSaContext(sa);
  const encrypted = payloadLength + ESP_TRAILER_LENGTH;
  return ESP_HEADER_LENGTH + encryption.ivSize + encrypted + ((alignment - (encrypted % alignment)) % alignment) + icvSize;
}

/**
 * Protects one packet with the SA's next sequence number. `iv` is for
 * known-answer tests. Otherwise an AEAD IV is the 64-bit sequence number
 * (RFC 4106 §3.1 and RFC 7634 §2 need uniqueness per key, and the sequence
 * number never repeats within an SA, where random 64-bit IVs would risk a
 * collision after about 2^32 packets); a CBC IV is random (RFC 3602 needs
 * unpredictability).
 */
function writeSequenceIv(out: Uint8Array, offset: number, sequence: bigint): void {
  writeUint32(out, offset, Number(sequence >> 32n));
  writeUint32(out, offset + 4, Number(sequence & LOW_32));
}

export function sealEsp(sa: EspOutboundSa, packet: EspPlainPacket, iv?: Uint8Array): SealEspResult {
  const context = espSaContext(sa);
  const { encryption } = context;
  if (!Number.isInteger(sa.spi) || sa.spi < 1 || sa.spi > 0xffff_ffff) {
    // RFC 4303 §2.1: SPI 0 never goes on the wire; RFC 3948 relies on it to mark non-ESP.
    throw new RangeError(`ESP SPI must be 1..0xffffffff (got ${sa.spi})`);
  }
  const sequence = sa.nextSequence;
  const limit = maxSequence(sa.suite.esn);
  if (sequence < 1n || sequence > limit) {
    return {
      ok: false,
      reason: 'sequence_exhausted',
      detail: `sequence ${sequence} is outside 1..${limit}: the SA must be rekeyed (RFC 4303 §3.3.3 forbids cycling)`,
    };
  }
  if (iv !== undefined && iv.length !== encryption.ivSize) {
    throw new CryptoError('iv_length', `${encryption.name} needs a ${encryption.ivSize}-byte IV (got ${iv.length})`);
  }
  // One buffer, laid out as sent: SPI | Seq | IV | payload | TFC | padding | Pad Length | NH | ICV.
  // The plaintext is written in place, encrypted, and the ciphertext copied over it.
  const { payload } = packet;
  const bodyLength = payload.length + (packet.tfcPadding ?? 0);
  const padLength = espPaddingLength(context.alignment, bodyLength);
  const dataStart = ESP_HEADER_LENGTH + encryption.ivSize;
  const dataEnd = dataStart + bodyLength + padLength + ESP_TRAILER_LENGTH;
  const out = new Uint8Array(dataEnd + context.icvSize);
  const sequenceLow = Number(sequence & LOW_32);
  writeUint32(out, 0, sa.spi);
  writeUint32(out, 4, sequenceLow);
  if (iv !== undefined) out.set(iv, ESP_HEADER_LENGTH);
  else if (encryption.mode === 'cbc') writeRandomIv(out, ESP_HEADER_LENGTH, encryption.ivSize);
  else writeSequenceIv(out, ESP_HEADER_LENGTH, sequence);
  out.set(payload, dataStart);
  // TFC padding: the zero bytes the buffer was allocated with.
  const padStart = dataStart + bodyLength;
  for (let i = 0; i < padLength; i++) out[padStart + i] = i + 1;
  out[dataEnd - 2] = padLength;
  out[dataEnd - 1] = packet.nextHeader;
  // The encrypted part: plaintext until the cipher's output is copied over it.
  const encrypted = out.subarray(dataStart, dataEnd);
  if (encryption.mode === 'cbc') {
    const explicitIv = out.subarray(ESP_HEADER_LENGTH, dataStart);
    out.set(cbcEncrypt(sa.suite.encrKeyBits, context.cipherKey, explicitIv, encrypted), dataStart);
    const esnHigh = sa.suite.esn ? sequenceHighBytes(sequence) : NO_ESN_HIGH;
    out.set(computeIntegrity(sa.suite.integ, sa.integKey, out.subarray(0, ESP_HEADER_LENGTH), explicitIv, encrypted, esnHigh), dataEnd);
  } else {
    const nonce = aeadNonce(context.salt, out, ESP_HEADER_LENGTH, encryption.ivSize);
    const cipher = createCipheriv(context.cipherName as CipherGCMTypes, context.cipherKey, nonce, context.cipherOptions) as CipherGCM;
    cipher.setAAD(aeadAssociatedData(sa.spi, sa.suite.esn ? Number(sequence >> 32n) : 0, sequenceLow, sa.suite.esn));
    const body = cipher.update(encrypted);
    out.set(body, dataStart);
    const tail = cipher.final();
    if (tail.length > 0) out.set(tail, dataStart + body.length);
    out.set(cipher.getAuthTag(), dataEnd);
  }
  return { ok: true, packet: out, sequence, nextSequence: sequence + 1n, payloadBytes: payload.length, packetBytes: out.length };
}

/**
 * Verifies and decrypts one ESP packet (starting at the SPI). The SA's
 * window is only read; on success the advanced window is returned.
 */
export function openEsp(sa: EspInboundSa, bytes: Uint8Array): OpenEspResult {
  const context = espSaContext(sa);
  const { encryption, icvSize, alignment } = context;
  if (bytes.length < ESP_HEADER_LENGTH) {
    return { ok: false, reason: 'truncated', detail: `${bytes.length} bytes cannot hold the 8-byte ESP header` };
  }
  const spi = readUint32(bytes, 0);
  const sequenceLow = readUint32(bytes, 4);
  if (spi !== sa.spi) {
    return { ok: false, reason: 'unknown_spi', detail: `SPI 0x${hex32(spi)} is not this SA's 0x${hex32(sa.spi)}` };
  }
  const minimum = ESP_HEADER_LENGTH + encryption.ivSize + alignment + icvSize;
  if (bytes.length < minimum) {
    return { ok: false, reason: 'truncated', detail: `${encryption.name} ESP packet must be at least ${minimum} bytes (got ${bytes.length})` };
  }
  const ivEnd = ESP_HEADER_LENGTH + encryption.ivSize;
  const ciphertextLength = bytes.length - ivEnd - icvSize;
  if (ciphertextLength % alignment !== 0) {
    return { ok: false, reason: 'length', detail: `ciphertext of ${ciphertextLength} bytes is not a multiple of ${alignment}` };
  }
  const sequence = inferSequence(sa.replay, sequenceLow);
  if (sequence === null) {
    return { ok: false, reason: 'replay', detail: `sequence ${sequenceLow} falls outside the 64-bit ESN space` };
  }
  const replay = checkReplay(sa.replay, sequence);
  if (!replay.ok) return { ok: false, reason: 'replay', detail: replay.detail };

  const ciphertext = bytes.subarray(ivEnd, ivEnd + ciphertextLength);
  const icv = bytes.subarray(ivEnd + ciphertextLength);
  let plaintext: Uint8Array;
  if (encryption.mode === 'cbc') {
    const iv = bytes.subarray(ESP_HEADER_LENGTH, ivEnd);
    const esnHigh = sa.suite.esn ? sequenceHighBytes(sequence) : NO_ESN_HIGH;
    if (!verifyIntegrity(sa.suite.integ, sa.integKey, icv, bytes.subarray(0, ESP_HEADER_LENGTH), iv, ciphertext, esnHigh)) {
      return { ok: false, reason: 'integrity', detail: `${context.integrity.name} ICV does not match` };
    }
    plaintext = cbcDecrypt(sa.suite.encrKeyBits, context.cipherKey, iv, ciphertext);
  } else {
    const nonce = aeadNonce(context.salt, bytes, ESP_HEADER_LENGTH, encryption.ivSize);
    const decipher = createDecipheriv(context.cipherName as CipherGCMTypes, context.cipherKey, nonce, context.cipherOptions) as DecipherGCM;
    decipher.setAAD(aeadAssociatedData(spi, sa.suite.esn ? Number(sequence >> 32n) : 0, sequenceLow, sa.suite.esn));
    decipher.setAuthTag(icv);
    const body = decipher.update(ciphertext);
    let tail: Buffer;
    try {
      tail = decipher.final();
    } catch {
      return { ok: false, reason: 'integrity', detail: `${encryption.name} ICV does not verify` };
    }
    // A plain Uint8Array view of node's output (no copy); concatenated only if the cipher held bytes back.
    plaintext = tail.length === 0 ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : concatBytes(body, tail);
  }
  const trailer = decodeEspTrailer(plaintext);
  if (!trailer.ok) return { ok: false, reason: 'padding', detail: trailer.detail };
  const innerLength = innerPacketLength(trailer.nextHeader, trailer.payload);
  const payload = innerLength === null ? trailer.payload : trailer.payload.subarray(0, innerLength);
  return {
    ok: true,
    spi,
    sequence,
    nextHeader: trailer.nextHeader,
    payload,
    replay: acceptSequence(sa.replay, sequence),
    packetBytes: bytes.length,
    payloadBytes: payload.length,
    tfcPaddingBytes: trailer.payload.length - payload.length,
  };
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
