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
 * Both functions throw `CryptoError` for an unimplemented suite or keys of
 * the wrong length (caller bugs). `openEsp` never throws for bad bytes.
 */
import { randomBytes } from 'node:crypto';
import { requireEncryption, requireIntegrity } from '../crypto/algorithms.ts';
import type { EncryptionAlgorithm, IntegrityAlgorithm } from '../crypto/algorithms.ts';
import { concatBytes } from '../crypto/bytes.ts';
import { aeadOpen, aeadSeal, cbcDecrypt, cbcEncrypt } from '../crypto/encryption.ts';
import { CryptoError } from '../crypto/errors.ts';
import { computeIntegrity, verifyIntegrity } from '../crypto/integrity.ts';
import {
  ESP_HEADER_LENGTH,
  ESP_MIN_ALIGNMENT,
  ESP_TRAILER_LENGTH,
  decodeEspTrailer,
  encodeEspHeader,
  encodeEspTrailer,
  espAssociatedData,
  innerPacketLength,
  readEspHeader,
  sequenceHighBytes,
} from './esp-packet.ts';
import { acceptSequence, checkReplay, inferSequence, maxSequence } from './replay-window.ts';
import type { ReplayWindow } from './replay-window.ts';

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

interface ResolvedSuite {
  readonly encryption: EncryptionAlgorithm;
  readonly integrity: IntegrityAlgorithm;
  readonly icvSize: number;
  /** Alignment of the encrypted part: the block size, at least 4. */
  readonly alignment: number;
}

function resolveSuite(sa: EspSa): ResolvedSuite {
  const { suite } = sa;
  const encryption = requireEncryption(suite.encr, suite.encrKeyBits);
  const integrity = requireIntegrity(suite.integ);
  if (encryption.mode === 'aead' && integrity.hash !== null) {
    throw new CryptoError('unsupported_transform', `${encryption.name} is an AEAD: INTEG must be NONE (got ${integrity.name})`);
  }
  if (encryption.mode === 'cbc' && integrity.hash === null) {
    throw new CryptoError('unsupported_transform', `${encryption.name} in ESP needs an INTEG transform`);
  }
  const encLength = suite.encrKeyBits / 8 + encryption.saltBytes;
  if (sa.encKey.length !== encLength) {
    throw new CryptoError('key_length', `ESP encryption key for ${encryption.name}-${suite.encrKeyBits} must be ${encLength} bytes (got ${sa.encKey.length})`);
  }
  if (sa.integKey.length !== integrity.keyLength) {
    throw new CryptoError('key_length', `ESP integrity key for ${integrity.name} must be ${integrity.keyLength} bytes (got ${sa.integKey.length})`);
  }
  return {
    encryption,
    integrity,
    icvSize: encryption.mode === 'aead' ? encryption.icvSize : integrity.icvLength,
    alignment: Math.max(encryption.blockSize, ESP_MIN_ALIGNMENT),
  };
}

/** Bytes of the ESP packet `sealEsp` builds for a payload (with TFC padding) of n bytes. */
export function espPacketLength(sa: EspSa, payloadLength: number): number {
  const { encryption, icvSize, alignment } = resolveSuite(sa);
  const encrypted = payloadLength + ESP_TRAILER_LENGTH;
  return ESP_HEADER_LENGTH + encryption.ivSize + encrypted + ((alignment - (encrypted % alignment)) % alignment) + icvSize;
}

/**
 * Protects one packet with the SA's next sequence number. `iv` is for
 * known-answer tests; otherwise a random IV is drawn (RFC 4106 §3.1 and
 * RFC 7634 §2 need only uniqueness, which a random 64-bit IV gives per key
 * within the sequence space; CBC needs unpredictability).
 */
export function sealEsp(sa: EspOutboundSa, packet: EspPlainPacket, iv?: Uint8Array): SealEspResult {
  const resolved = resolveSuite(sa);
  const { encryption } = resolved;
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
  const explicitIv = iv ?? randomBytes(encryption.ivSize);
  if (explicitIv.length !== encryption.ivSize) {
    throw new CryptoError('iv_length', `${encryption.name} needs a ${encryption.ivSize}-byte IV (got ${explicitIv.length})`);
  }
  const tfc = packet.tfcPadding ?? 0;
  const body = tfc > 0 ? concatBytes(packet.payload, new Uint8Array(tfc)) : packet.payload;
  const plaintext = encodeEspTrailer(body, packet.nextHeader, resolved.alignment);
  const header = encodeEspHeader(sa.spi, sequence);
  let protectedPart: Uint8Array;
  if (encryption.mode === 'cbc') {
    const ciphertext = cbcEncrypt(sa.suite.encrKeyBits, sa.encKey, explicitIv, plaintext);
    const esnHigh = sa.suite.esn ? sequenceHighBytes(sequence) : new Uint8Array(0);
    const icv = computeIntegrity(sa.suite.integ, sa.integKey, header, explicitIv, ciphertext, esnHigh);
    protectedPart = concatBytes(ciphertext, icv);
  } else {
    const aad = espAssociatedData(sa.spi, sequence, sa.suite.esn);
    protectedPart = aeadSeal(sa.suite.encr, sa.suite.encrKeyBits, sa.encKey, explicitIv, aad, plaintext);
  }
  const out = concatBytes(header, explicitIv, protectedPart);
  return { ok: true, packet: out, sequence, nextSequence: sequence + 1n, payloadBytes: packet.payload.length, packetBytes: out.length };
}

/**
 * Verifies and decrypts one ESP packet (starting at the SPI). The SA's
 * window is only read; on success the advanced window is returned.
 */
export function openEsp(sa: EspInboundSa, bytes: Uint8Array): OpenEspResult {
  const resolved = resolveSuite(sa);
  const { encryption, icvSize, alignment } = resolved;
  const header = readEspHeader(bytes);
  if (!header) return { ok: false, reason: 'truncated', detail: `${bytes.length} bytes cannot hold the 8-byte ESP header` };
  if (header.spi !== sa.spi) {
    return { ok: false, reason: 'unknown_spi', detail: `SPI 0x${hex32(header.spi)} is not this SA's 0x${hex32(sa.spi)}` };
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
  const sequence = inferSequence(sa.replay, header.sequenceLow);
  if (sequence === null) {
    return { ok: false, reason: 'replay', detail: `sequence ${header.sequenceLow} falls outside the 64-bit ESN space` };
  }
  const replay = checkReplay(sa.replay, sequence);
  if (!replay.ok) return { ok: false, reason: 'replay', detail: replay.detail };

  const iv = bytes.subarray(ESP_HEADER_LENGTH, ivEnd);
  const ciphertext = bytes.subarray(ivEnd, ivEnd + ciphertextLength);
  let plaintext: Uint8Array;
  if (encryption.mode === 'cbc') {
    const esnHigh = sa.suite.esn ? sequenceHighBytes(sequence) : new Uint8Array(0);
    const icv = bytes.subarray(bytes.length - icvSize);
    if (!verifyIntegrity(sa.suite.integ, sa.integKey, icv, bytes.subarray(0, ESP_HEADER_LENGTH), iv, ciphertext, esnHigh)) {
      return { ok: false, reason: 'integrity', detail: `${resolved.integrity.name} ICV does not match` };
    }
    plaintext = cbcDecrypt(sa.suite.encrKeyBits, sa.encKey, iv, ciphertext);
  } else {
    const aad = espAssociatedData(sa.spi, sequence, sa.suite.esn);
    const opened = aeadOpen(sa.suite.encr, sa.suite.encrKeyBits, sa.encKey, iv, aad, bytes.subarray(ivEnd));
    if (!opened) return { ok: false, reason: 'integrity', detail: `${encryption.name} ICV does not verify` };
    plaintext = opened;
  }
  const trailer = decodeEspTrailer(plaintext);
  if (!trailer.ok) return { ok: false, reason: 'padding', detail: trailer.detail };
  const innerLength = innerPacketLength(trailer.nextHeader, trailer.payload);
  const payload = innerLength === null ? trailer.payload : trailer.payload.subarray(0, innerLength);
  return {
    ok: true,
    spi: header.spi,
    sequence,
    nextHeader: trailer.nextHeader,
    payload,
    replay: acceptSequence(sa.replay, sequence),
    packetBytes: bytes.length,
    payloadBytes: payload.length,
    tfcPaddingBytes: trailer.payload.length - payload.length,
  };
}

function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
