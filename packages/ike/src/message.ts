/**
 * Whole IKEv2 messages: the IKE header (RFC 7296 §3.1), the clear payload
 * chain, and the Encrypted (SK, §3.14) or Encrypted Fragment (SKF, RFC 7383)
 * payload that ends it.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Initiator's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Responder's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Message ID                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Length                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   Flags: |X|X|R|V|I|X|X|X|  R = response, V = higher version, I = initiator.
 *
 * Decode flow: header -> clear chain (payload-chain.ts) -> if SK/SKF ends
 * it: open with the given keys (crypto/sk.ts). A failed integrity check is a
 * state of the result (`encrypted.state === 'integrity_failed'`), not an
 * exception: the engine counts it and drops the message (RFC 7296 §2.21).
 * Then the exchange's rule table (message-rules.ts) is checked.
 *
 * Encode flow: header and clear chain written with final lengths, then the
 * SK/SKF generic header; those bytes are the AAD the body is sealed with.
 * The SK Next Payload is the first inner payload's type (§3.14).
 */
import { HeaderFlag, IKE_HEADER_LENGTH, IKE_MAJOR_VERSION, PayloadType } from './constants.ts';
import { openSk, sealSk, skBodyLength, type SkKeys, type SkSuite } from './crypto/index.ts';
import { IkeEncodeError, IkeVerifyError } from './errors.ts';
import { verifyMessageRules, type RuleViolation } from './message-rules.ts';
import { SKF_FIXED_LENGTH } from './payloads/encrypted-fragment-payload.ts';
import {
  chainEncodingLength,
  decodePayloadChain,
  encodePayloadChain,
  firstPayloadType,
  type Payload,
} from './payloads/payload-chain.ts';
import { IkeReader } from './reader.ts';
import { IkeWriter } from './writer.ts';

export const IKE_SPI_LENGTH = 8;
const SK_HEADER_LENGTH = 4;
const SKF_HEADER_LENGTH = 4 + SKF_FIXED_LENGTH;

export interface IkeHeader {
  /** 8 bytes. */
  readonly initiatorSpi: Uint8Array;
  /** 8 bytes; zero in the first IKE_SA_INIT request. */
  readonly responderSpi: Uint8Array;
  readonly exchangeType: number;
  readonly messageId: number;
  /** I flag: sent by the original initiator of the IKE SA. */
  readonly initiator: boolean;
  /** R flag. */
  readonly response: boolean;
  /** V flag: the sender can speak a higher major version. */
  readonly higherVersion?: boolean;
  /** Minor version, 0 for RFC 7296. */
  readonly minorVersion?: number;
}

/** Why an SK/SKF body is not decrypted. */
export type SealedState = 'no_keys' | 'integrity_failed' | 'undecryptable';

export type EncryptedSection =
  | {
      readonly kind: 'sk';
      readonly state: 'decrypted';
      /** Decrypted inner chain, wire order. Encoding seals it with `options.sk`. */
      readonly payloads: readonly Payload[];
    }
  | {
      readonly kind: 'sk';
      readonly state: SealedState;
      /** Next Payload of the SK header (first inner payload type). */
      readonly firstPayload: number;
      /** IV || ciphertext || ICV as received; encoded back unchanged. */
      readonly body: Uint8Array;
      readonly detail?: string;
    }
  | {
      readonly kind: 'skf';
      readonly state: 'decrypted';
      readonly fragmentNumber: number;
      readonly totalFragments: number;
      /** First inner payload type; 0 in fragments other than the first. */
      readonly firstPayload: number;
      /** This fragment's piece of the inner chain (see fragments.ts to reassemble). */
      readonly plaintext: Uint8Array;
    }
  | {
      readonly kind: 'skf';
      readonly state: SealedState;
      readonly fragmentNumber: number;
      readonly totalFragments: number;
      readonly firstPayload: number;
      readonly body: Uint8Array;
      readonly detail?: string;
    };

export interface IkeMessage {
  readonly header: IkeHeader;
  /** Payloads outside SK/SKF, wire order (none in IKE_AUTH and later exchanges). */
  readonly payloads: readonly Payload[];
  /** The SK or SKF payload, always last on the wire. */
  readonly encrypted?: EncryptedSection;
}

export interface SkContext {
  readonly suite: SkSuite;
  readonly keys: SkKeys;
}

export interface DecodeOptions {
  /** Keys of the SK payloads this message is protected with (the sender's direction). */
  readonly sk?: SkContext;
  /** Verify-tier checks (payload semantics, rule table). Default true; snoop may turn them off. */
  readonly verify?: boolean;
}

export interface EncodeOptions {
  readonly sk?: SkContext & {
    /** Fixed IV for deterministic tests; random otherwise. */
    readonly iv?: Uint8Array;
  };
}

// --- header ------------------------------------------------------------------

/** The header and the first payload type; throws IkeParseError if the header is unusable. */
export function decodeHeader(bytes: Uint8Array): { header: IkeHeader; firstPayload: number; length: number } {
  const reader = new IkeReader(bytes);
  if (bytes.length < IKE_HEADER_LENGTH) reader.fail('truncated', `${bytes.length} bytes, an IKE header needs 28`, 0);
  const initiatorSpi = reader.bytes(IKE_SPI_LENGTH);
  const responderSpi = reader.bytes(IKE_SPI_LENGTH);
  const firstPayload = reader.u8();
  const version = reader.u8();
  const majorVersion = version >>> 4;
  if (majorVersion !== IKE_MAJOR_VERSION) {
    reader.fail('unsupported_major_version', `major version ${majorVersion}`, 17);
  }
  const exchangeType = reader.u8();
  const flags = reader.u8();
  const messageId = reader.u32();
  const length = reader.u32();
  if (length !== bytes.length) {
    reader.fail('message_length_mismatch', `header says ${length}, received ${bytes.length}`, 24);
  }
  const header: IkeHeader = {
    initiatorSpi,
    responderSpi,
    exchangeType,
    messageId,
    initiator: (flags & HeaderFlag.INITIATOR) !== 0,
    response: (flags & HeaderFlag.RESPONSE) !== 0,
    ...((flags & HeaderFlag.VERSION) !== 0 ? { higherVersion: true } : {}),
    ...((version & 0x0f) !== 0 ? { minorVersion: version & 0x0f } : {}),
  };
  return { header, firstPayload, length };
}

function encodeHeader(header: IkeHeader, firstPayload: number, length: number, writer: IkeWriter): void {
  if (header.initiatorSpi.length !== IKE_SPI_LENGTH || header.responderSpi.length !== IKE_SPI_LENGTH) {
    throw new IkeEncodeError('invalid_value', 'IKE SPIs must be 8 bytes');
  }
  const minor = header.minorVersion ?? 0;
  if (!Number.isInteger(minor) || minor < 0 || minor > 15) {
    throw new IkeEncodeError('value_out_of_range', `minor version ${minor}`);
  }
  writer.bytes(header.initiatorSpi);
  writer.bytes(header.responderSpi);
  writer.u8(firstPayload, 'next payload');
  writer.u8((IKE_MAJOR_VERSION << 4) | minor);
  writer.u8(header.exchangeType, 'exchange type');
  writer.u8(
    (header.initiator ? HeaderFlag.INITIATOR : 0) |
      (header.response ? HeaderFlag.RESPONSE : 0) |
      (header.higherVersion ? HeaderFlag.VERSION : 0),
  );
  writer.u32(header.messageId, 'message id');
  writer.u32(length, 'message length');
}

// --- decode --------------------------------------------------------------------

/** Decodes an inner payload chain from decrypted bytes (SK plaintext or a reassembled one). */
export function decodeInnerPayloads(
  plaintext: Uint8Array,
  firstPayload: number,
  options: { verify?: boolean } = {},
): { payloads: Payload[]; offsets: number[] } {
  const chain = decodePayloadChain(plaintext, 0, plaintext.length, firstPayload, {
    inEncrypted: true,
    verify: options.verify ?? true,
  });
  return { payloads: chain.payloads, offsets: chain.offsets };
}

/** Throws the rule table's verdict for a decoded message, if any. */
export function verifyMessage(
  message: IkeMessage,
  offsets: { clear?: readonly number[]; inner?: readonly number[] } = {},
): void {
  const encrypted = message.encrypted;
  const violation = verifyMessageRules({
    exchangeType: message.header.exchangeType,
    response: message.header.response,
    clear: message.payloads,
    inner: encrypted?.kind === 'sk' && encrypted.state === 'decrypted' ? encrypted.payloads : undefined,
    encryptedKind: encrypted ? encrypted.kind : 'none',
  });
  if (violation) throw ruleError(violation, offsets);
}

function ruleError(violation: RuleViolation, offsets: { clear?: readonly number[]; inner?: readonly number[] }): IkeVerifyError {
  const at = violation.at;
  const list = at ? (at.list === 'clear' ? offsets.clear : offsets.inner) : undefined;
  return new IkeVerifyError(violation.code, violation.detail, {
    offset: (at && list?.[at.index]) ?? 0,
    payloadType: violation.payloadType,
    inEncrypted: at?.list === 'inner',
  });
}

/** Opens an SK/SKF body; crypto exceptions (caller bugs: bad suite, key size) become `crypto_error`. */
function open(sk: SkContext, aad: Uint8Array, body: Uint8Array, offset: number): ReturnType<typeof openSk> {
  try {
    return openSk(sk.suite, sk.keys, aad, body);
  } catch (error) {
    throw new IkeVerifyError('crypto_error', error instanceof Error ? error.message : String(error), {
      offset,
      payloadType: PayloadType.SK,
    });
  }
}

function sealedState(result: { reason: 'integrity' | 'length' | 'padding' }): SealedState {
  return result.reason === 'integrity' ? 'integrity_failed' : 'undecryptable';
}

/**
 * Decodes one IKEv2 message (without the non-ESP marker). Throws
 * IkeParseError / IkeVerifyError; an SK that fails its integrity check is
 * returned with `encrypted.state === 'integrity_failed'`.
 */
export function decodeMessage(bytes: Uint8Array, options: DecodeOptions = {}): IkeMessage {
  const verify = options.verify ?? true;
  const { header, firstPayload, length } = decodeHeader(bytes);
  const chain = decodePayloadChain(bytes, IKE_HEADER_LENGTH, length, firstPayload, { inEncrypted: false, verify });
  const found = chain.encrypted;
  let encrypted: EncryptedSection | undefined;
  let innerOffsets: number[] | undefined;
  if (found) {
    const aad = bytes.subarray(0, found.bodyOffset);
    const opened = options.sk ? open(options.sk, aad, found.body, found.headerOffset) : undefined;
    if (found.payloadType === PayloadType.SK) {
      if (!opened) {
        encrypted = { kind: 'sk', state: 'no_keys', firstPayload: found.firstPayload, body: found.body };
      } else if (!opened.ok) {
        encrypted = { kind: 'sk', state: sealedState(opened), firstPayload: found.firstPayload, body: found.body, detail: opened.detail };
      } else {
        const inner = decodeInnerPayloads(opened.plaintext, found.firstPayload, { verify });
        innerOffsets = inner.offsets;
        encrypted = { kind: 'sk', state: 'decrypted', payloads: inner.payloads };
      }
    } else {
      const fragment = {
        kind: 'skf' as const,
        fragmentNumber: found.fragmentNumber ?? 0,
        totalFragments: found.totalFragments ?? 0,
        firstPayload: found.firstPayload,
      };
      if (!opened) {
        encrypted = { ...fragment, state: 'no_keys', body: found.body };
      } else if (!opened.ok) {
        encrypted = { ...fragment, state: sealedState(opened), body: found.body, detail: opened.detail };
      } else {
        encrypted = { ...fragment, state: 'decrypted', plaintext: opened.plaintext };
      }
    }
  }
  const message: IkeMessage = encrypted ? { header, payloads: chain.payloads, encrypted } : { header, payloads: chain.payloads };
  if (verify) {
    verifyMessage(message, { clear: chain.offsets, ...(innerOffsets ? { inner: innerOffsets } : {}) });
  }
  return message;
}

// --- encode --------------------------------------------------------------------

function requireSk(options: EncodeOptions): NonNullable<EncodeOptions['sk']> {
  if (!options.sk) throw new IkeEncodeError('missing_keys', 'decrypted SK content needs options.sk to be sealed');
  return options.sk;
}

/** Bytes of the inner chain an SK payload will seal. */
export function encodeInnerPayloads(payloads: readonly Payload[]): Uint8Array {
  const out = new Uint8Array(chainEncodingLength(payloads));
  encodePayloadChain(payloads, new IkeWriter(out), PayloadType.NONE);
  return out;
}

interface EncryptedPlan {
  readonly payloadType: number;
  readonly length: number;
  readonly firstPayload: number;
  /** Plaintext to seal, or the body to copy. */
  readonly plaintext?: Uint8Array;
  readonly body?: Uint8Array;
  readonly fragment?: { readonly number: number; readonly total: number };
}

function planEncrypted(section: EncryptedSection, options: EncodeOptions): EncryptedPlan {
  const headerLength = section.kind === 'sk' ? SK_HEADER_LENGTH : SKF_HEADER_LENGTH;
  const payloadType = section.kind === 'sk' ? PayloadType.SK : PayloadType.SKF;
  const fragment = section.kind === 'skf' ? { number: section.fragmentNumber, total: section.totalFragments } : undefined;
  if (section.state === 'decrypted') {
    const sk = requireSk(options);
    const plaintext = section.kind === 'sk' ? encodeInnerPayloads(section.payloads) : section.plaintext;
    const firstPayload = section.kind === 'sk' ? firstPayloadType(section.payloads, PayloadType.NONE) : section.firstPayload;
    return {
      payloadType,
      length: headerLength + skBodyLength(sk.suite, plaintext.length),
      firstPayload,
      plaintext,
      ...(fragment ? { fragment } : {}),
    };
  }
  return {
    payloadType,
    length: headerLength + section.body.length,
    firstPayload: section.firstPayload,
    body: section.body,
    ...(fragment ? { fragment } : {}),
  };
}

/** Octets `encodeMessage` will produce (needs `options.sk` when SK content is decrypted). */
export function encodingLength(message: IkeMessage, options: EncodeOptions = {}): number {
  const encrypted = message.encrypted ? planEncrypted(message.encrypted, options).length : 0;
  return IKE_HEADER_LENGTH + chainEncodingLength(message.payloads) + encrypted;
}

/** Encodes a message; decrypted SK/SKF content is sealed with `options.sk`. */
export function encodeMessage(message: IkeMessage, options: EncodeOptions = {}): Uint8Array {
  const plan = message.encrypted ? planEncrypted(message.encrypted, options) : undefined;
  const total = IKE_HEADER_LENGTH + chainEncodingLength(message.payloads) + (plan?.length ?? 0);
  const out = new Uint8Array(total);
  const writer = new IkeWriter(out);
  const afterClear = plan?.payloadType ?? PayloadType.NONE;
  encodeHeader(message.header, firstPayloadType(message.payloads, afterClear), total, writer);
  encodePayloadChain(message.payloads, writer, afterClear);
  if (plan) {
    writer.u8(plan.firstPayload, 'next payload');
    writer.u8(0);
    writer.u16(plan.length, 'payload length');
    if (plan.fragment) {
      writer.u16(plan.fragment.number, 'fragment number');
      writer.u16(plan.fragment.total, 'total fragments');
    }
    if (plan.plaintext) {
      const sk = requireSk(options);
      const aad = out.subarray(0, writer.position);
      const body = sealSk(sk.suite, sk.keys, aad, plan.plaintext, sk.iv);
      if (writer.position + body.length !== total) {
        throw new IkeEncodeError('invalid_value', `sealed body of ${body.length} bytes does not match skBodyLength`);
      }
      writer.bytes(body);
    } else if (plan.body) {
      writer.bytes(plan.body);
    }
  }
  return out;
}

// --- helpers -----------------------------------------------------------------

/** Clear payloads followed by decrypted SK payloads: what the message says, in wire order. */
export function allPayloads(message: IkeMessage): readonly Payload[] {
  const encrypted = message.encrypted;
  if (encrypted?.kind === 'sk' && encrypted.state === 'decrypted') return [...message.payloads, ...encrypted.payloads];
  return message.payloads;
}
