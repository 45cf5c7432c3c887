/**
 * A deliberately small, independent IKEv2 reader for checking other code
 * against real traffic: header, payload chain, and decryption of the SK
 * payload (RFC 7296 section 3.14) with node:crypto, given keys charon logged.
 * It is NOT the product codec (that is @tunnelscope/ike); it exists so the
 * fixture recorder and interop tests have a second opinion written from the
 * RFC alone.
 *
 *   IKE header (28 bytes)           SK payload
 *   +-----------------------+      +--------+--------+-----------------+
 *   | SPIi (8) | SPIr (8)   |      | next   | C|rsvd | payload length  |
 *   | next | ver | exch | flags |  +--------+--------+-----------------+
 *   | message id            |      | IV | ciphertext (+pad, padlen) | ICV |
 *   | length                |      +-----------------------------------+
 */
import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

export const PAYLOAD_SA = 33;
export const PAYLOAD_KE = 34;
export const PAYLOAD_NONCE = 40;
export const PAYLOAD_NOTIFY = 41;
export const PAYLOAD_DELETE = 42;
export const PAYLOAD_SK = 46;
export const PAYLOAD_SKF = 53;

export const EXCHANGE_NAMES: Readonly<Record<number, string>> = {
  34: 'IKE_SA_INIT',
  35: 'IKE_AUTH',
  36: 'CREATE_CHILD_SA',
  37: 'INFORMATIONAL',
};

export interface IkeHeaderView {
  spiI: string;
  spiR: string;
  nextPayload: number;
  version: number;
  exchangeType: number;
  flags: number;
  /** The I flag: sent by the original initiator of the IKE_SA. */
  fromInitiator: boolean;
  response: boolean;
  messageId: number;
  length: number;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Reads the 28-byte IKE header. Throws when `ike` is shorter than its length field says. */
export function readIkeHeader(ike: Uint8Array): IkeHeaderView {
  if (ike.length < 28) throw new Error(`IKE message of ${ike.length} bytes is shorter than the header`);
  const view = new DataView(ike.buffer, ike.byteOffset, ike.byteLength);
  const flags = ike[19] ?? 0;
  const header: IkeHeaderView = {
    spiI: hex(ike.subarray(0, 8)),
    spiR: hex(ike.subarray(8, 16)),
    nextPayload: ike[16] ?? 0,
    version: ike[17] ?? 0,
    exchangeType: ike[18] ?? 0,
    flags,
    fromInitiator: (flags & 0x08) !== 0,
    response: (flags & 0x20) !== 0,
    messageId: view.getUint32(20),
    length: view.getUint32(24),
  };
  if (header.length !== ike.length) throw new Error(`IKE length field ${header.length} but message has ${ike.length} bytes`);
  return header;
}

export interface RawPayload {
  type: number;
  critical: boolean;
  /** Offset of the generic payload header within the walked bytes. */
  offset: number;
  body: Uint8Array;
  /** For SK/SKF: the next-payload field, i.e. the first inner payload type. */
  nextPayload: number;
}

/**
 * Walks a payload chain starting with type `first` over `bytes`. Stops at
 * next-payload 0 or after an SK/SKF payload (always last). Throws on a
 * length that leaves the buffer.
 */
export function walkPayloads(first: number, bytes: Uint8Array, baseOffset = 0): RawPayload[] {
  const out: RawPayload[] = [];
  let type = first;
  let at = 0;
  while (type !== 0) {
    if (at + 4 > bytes.length) throw new Error(`payload ${type} header at ${baseOffset + at} runs past the message`);
    const next = bytes[at] ?? 0;
    const length = ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
    if (length < 4 || at + length > bytes.length) throw new Error(`payload ${type} at ${baseOffset + at} has bad length ${length}`);
    out.push({ type, critical: ((bytes[at + 1] ?? 0) & 0x80) !== 0, offset: baseOffset + at, body: bytes.subarray(at + 4, at + length), nextPayload: next });
    at += length;
    if (type === PAYLOAD_SK || type === PAYLOAD_SKF) break;
    type = next;
  }
  return out;
}

/** SK keys for one IKE_SA, as charon logs them (SK_e includes the salt for AEAD). */
export interface SkKeys {
  /** strongSwan encryption name without size: AES_CBC, AES_GCM_16, AES_GCM_12, AES_GCM_8, CHACHA20_POLY1305. */
  encr: string;
  keySize?: number;
  /** strongSwan integrity name for non-AEAD, e.g. HMAC_SHA2_256_128. */
  integ?: string;
  skEi: Uint8Array;
  skEr: Uint8Array;
  skAi?: Uint8Array;
  skAr?: Uint8Array;
}

export interface DecryptedMessage {
  header: IkeHeaderView;
  /** Type of the first inner payload (the SK payload's next-payload field). */
  firstPayload: number;
  /** Inner payloads, padding removed. */
  plaintext: Uint8Array;
  payloads: RawPayload[];
}

const INTEG: Record<string, { hash: string; length: number }> = {
  HMAC_SHA1_96: { hash: 'sha1', length: 12 },
  HMAC_SHA2_256_128: { hash: 'sha256', length: 16 },
  HMAC_SHA2_384_192: { hash: 'sha384', length: 24 },
  HMAC_SHA2_512_256: { hash: 'sha512', length: 32 },
};

/**
 * Authenticates and decrypts the SK payload of `ike` (no non-ESP marker).
 * Returns undefined when the ICV does not verify (wrong keys); throws for
 * unsupported algorithms or a message without an SK payload.
 */
export function decryptIkeMessage(ike: Uint8Array, keys: SkKeys): DecryptedMessage | undefined {
  const header = readIkeHeader(ike);
  const outer = walkPayloads(header.nextPayload, ike.subarray(28), 28);
  const sk = outer.find((p) => p.type === PAYLOAD_SK);
  if (!sk) throw new Error('message has no SK payload');
  const aad = ike.subarray(0, sk.offset + 4);
  const body = sk.body;
  const encryptionKey = header.fromInitiator ? keys.skEi : keys.skEr;
  let padded: Buffer;
  const aead = /^AES_GCM_(8|12|16)$/.exec(keys.encr) ?? (keys.encr === 'CHACHA20_POLY1305' ? ['', '16'] : null);
  if (aead) {
    const icvLength = Number(aead[1]);
    const key = encryptionKey.subarray(0, encryptionKey.length - 4);
    const salt = encryptionKey.subarray(encryptionKey.length - 4);
    if (body.length < 8 + icvLength) throw new Error('SK payload too short');
    const iv = body.subarray(0, 8);
    const cipherText = body.subarray(8, body.length - icvLength);
    const icv = body.subarray(body.length - icvLength);
    const algorithm = keys.encr === 'CHACHA20_POLY1305' ? 'chacha20-poly1305' : `aes-${key.length * 8}-gcm`;
    const decipher = createDecipheriv(algorithm as 'aes-128-gcm', key, Buffer.concat([salt, iv]), { authTagLength: icvLength });
    decipher.setAAD(aad);
    decipher.setAuthTag(icv);
    try {
      padded = Buffer.concat([decipher.update(cipherText), decipher.final()]);
    } catch {
      return undefined;
    }
  } else if (keys.encr === 'AES_CBC') {
    const integ = keys.integ ? INTEG[keys.integ] : undefined;
    const integrityKey = header.fromInitiator ? keys.skAi : keys.skAr;
    if (!integ || !integrityKey) throw new Error(`unsupported or missing integrity ${keys.integ}`);
    const icv = ike.subarray(ike.length - integ.length);
    const expected = createHmac(integ.hash, integrityKey).update(ike.subarray(0, ike.length - integ.length)).digest().subarray(0, integ.length);
    if (!timingSafeEqual(icv, expected)) return undefined;
    const iv = body.subarray(0, 16);
    const cipherText = body.subarray(16, body.length - integ.length);
    const decipher = createDecipheriv(`aes-${encryptionKey.length * 8}-cbc` as 'aes-128-cbc', encryptionKey, iv);
    decipher.setAutoPadding(false);
    padded = Buffer.concat([decipher.update(cipherText), decipher.final()]);
  } else {
    throw new Error(`unsupported encryption ${keys.encr}`);
  }
  const padLength = padded[padded.length - 1] ?? 0;
  if (padLength + 1 > padded.length) throw new Error('SK padding longer than the plaintext');
  const plaintext = new Uint8Array(padded.subarray(0, padded.length - padLength - 1));
  return { header, firstPayload: sk.nextPayload, plaintext, payloads: walkPayloads(sk.nextPayload, plaintext) };
}

/** The SPI of the first proposal in an SA payload body (empty when the SPI size is 0). */
export function firstProposalSpi(saBody: Uint8Array): Uint8Array {
  if (saBody.length < 8) throw new Error('SA payload too short for a proposal');
  const spiSize = saBody[6] ?? 0;
  return saBody.subarray(8, 8 + spiSize);
}

/** Notify message type of a Notify payload body. */
export function notifyType(body: Uint8Array): number {
  return ((body[2] ?? 0) << 8) | (body[3] ?? 0);
}
