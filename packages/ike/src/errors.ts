/**
 * The codec's errors, in three tiers (the strongSwan split of PARSE_ERROR vs
 * VERIFY_ERROR, plus one for encoding):
 *
 * - `IkeParseError`: the bytes do not have the structure RFC 7296 describes
 *   (truncated, a length field that lies, a chain that does not end). Nothing
 *   more can be read from the message.
 * - `IkeVerifyError`: the structure parsed, but a rule of meaning is broken
 *   (nonce length, payload counts for the exchange, KE length for the group,
 *   an unknown critical payload). `decodeMessage(bytes, { verify: false })`
 *   skips this tier so snoop can still show what arrived.
 * - `IkeEncodeError`: a value handed to an encoder cannot be put on the wire.
 *
 * Every code lives in `IKE_ERROR_CODES` with its tier and a description; a
 * test checks each is documented and used. Codes are stable: the engine and
 * diagnosis key on them. They are for the operator: what a peer is told is
 * only the RFC notify the engine picks.
 */
import { PayloadType } from './constants.ts';

export type IkeErrorTier = 'parse' | 'verify' | 'encode';

interface ErrorCodeEntry {
  readonly tier: IkeErrorTier;
  readonly description: string;
}

export const IKE_ERROR_CODES = {
  // --- parse tier: structure ---------------------------------------------
  truncated: {
    tier: 'parse',
    description: 'A field or structure runs past the end of the bytes that contain it.',
  },
  message_length_mismatch: {
    tier: 'parse',
    description: 'The IKE header Length field differs from the number of bytes received (or is below 28).',
  },
  unsupported_major_version: {
    tier: 'parse',
    description: 'The IKE header major version is not 2; the payload layout cannot be trusted (the engine may answer INVALID_MAJOR_VERSION).',
  },
  bad_payload_length: {
    tier: 'parse',
    description: 'A generic payload header Length is below 4 or reaches past the end of the message or decrypted data.',
  },
  trailing_bytes: {
    tier: 'parse',
    description: 'Bytes remain after the last payload of a chain, or after the structures inside a payload body.',
  },
  encrypted_not_last: {
    tier: 'parse',
    description: 'An Encrypted (SK) or Encrypted Fragment (SKF) payload is not the last payload of the message (RFC 7296 §3.14).',
  },
  nested_encrypted: {
    tier: 'parse',
    description: 'An SK or SKF payload appears inside decrypted content.',
  },
  bad_substructure_length: {
    tier: 'parse',
    description: 'A proposal, transform, attribute or traffic selector length field is too small, or does not fit its container.',
  },
  bad_last_substructure: {
    tier: 'parse',
    description: 'A proposal or transform "Last Substruc" field is not 0 or the expected "more" value, or disagrees with the bytes that follow.',
  },
  transform_count_mismatch: {
    tier: 'parse',
    description: 'A proposal "Num Transforms" field differs from the number of transforms it contains.',
  },
  ts_count_mismatch: {
    tier: 'parse',
    description: 'A TS payload "Number of TSs" field differs from the number of selectors it contains.',
  },
  spi_count_mismatch: {
    tier: 'parse',
    description: 'A Delete payload "Num of SPIs" times "SPI Size" differs from the bytes that follow.',
  },
  // --- verify tier: meaning ----------------------------------------------
  unsupported_critical_payload: {
    tier: 'verify',
    description: 'A payload of a type this codec does not know has the critical bit set (RFC 7296 §2.5); the engine answers UNSUPPORTED_CRITICAL_PAYLOAD with this payloadType.',
  },
  unsupported_exchange: {
    tier: 'verify',
    description: 'The exchange type has no rule table (not an IKEv2 exchange this codec verifies).',
  },
  payload_not_allowed: {
    tier: 'verify',
    description: 'A known payload type is not allowed in this exchange and direction by the rule table in message-rules.ts.',
  },
  payload_count: {
    tier: 'verify',
    description: 'A payload type occurs fewer or more times than the rule table allows for this exchange and direction.',
  },
  payload_not_encrypted: {
    tier: 'verify',
    description: 'A payload the rule table requires inside SK was sent in the clear.',
  },
  nonce_length: {
    tier: 'verify',
    description: 'A Nonce is shorter than 16 or longer than 256 octets (RFC 7296 §3.9).',
  },
  ke_length: {
    tier: 'verify',
    description: 'The KE data length is not the public value length of its Diffie-Hellman group.',
  },
  id_length: {
    tier: 'verify',
    description: 'An ID_IPV4_ADDR identification is not 4 octets, an ID_IPV6_ADDR not 16, or an identification is empty.',
  },
  notify_data_length: {
    tier: 'verify',
    description: 'Notification data has the wrong length for its notify type (e.g. NAT_DETECTION_* not 20 octets, INVALID_KE_PAYLOAD not 2).',
  },
  notify_spi: {
    tier: 'verify',
    description: 'A Notify has an unknown Protocol ID, or an SPI size that does not fit its protocol or notify type.',
  },
  proposal_numbering: {
    tier: 'verify',
    description: 'Proposals of an SA payload do not start at 1 and count up by one (RFC 7296 §3.3.1).',
  },
  proposal_protocol: {
    tier: 'verify',
    description: 'A proposal Protocol ID is not IKE, AH or ESP.',
  },
  proposal_spi_size: {
    tier: 'verify',
    description: 'A proposal SPI size does not fit its protocol (IKE: 0 or 8, AH/ESP: 4).',
  },
  attribute_format: {
    tier: 'verify',
    description: 'A transform attribute uses the wrong format (Key Length must be TV, RFC 7296 §3.3.5).',
  },
  delete_spi_size: {
    tier: 'verify',
    description: 'A Delete payload SPI size does not fit its protocol (IKE: 0 with no SPIs, AH/ESP: 4).',
  },
  auth_data: {
    tier: 'verify',
    description: 'Digital Signature (method 14) authentication data lacks a well-formed ASN.1 AlgorithmIdentifier length prefix (RFC 7427 §3).',
  },
  cp_type: {
    tier: 'verify',
    description: 'A Configuration payload CFG Type is not REQUEST, REPLY, SET or ACK.',
  },
  eap_message: {
    tier: 'verify',
    description: 'An EAP payload message has an unknown code or its EAP Length field differs from the payload data length.',
  },
  fragment_number: {
    tier: 'verify',
    description: 'An SKF payload has fragment number 0, total 0, or a number above the total (RFC 7383 §2.5).',
  },
  crypto_error: {
    tier: 'verify',
    description: 'The SK crypto provider threw while opening an encrypted payload (unsupported suite or bad key length).',
  },
  // --- encode tier: values handed to encoders ----------------------------
  buffer_too_small: {
    tier: 'encode',
    description: 'The output buffer is too small for the encoding.',
  },
  value_out_of_range: {
    tier: 'encode',
    description: 'A number does not fit its wire field (u8, u16, u32, 15-bit attribute type).',
  },
  invalid_value: {
    tier: 'encode',
    description: 'A value cannot be encoded (unparseable address, SPI of the wrong size, malformed header field).',
  },
  missing_keys: {
    tier: 'encode',
    description: 'A message with decrypted SK content was encoded without SK suite and keys.',
  },
  fragment_too_small: {
    tier: 'encode',
    description: 'The maximum datagram size leaves no room for fragment content.',
  },
} as const satisfies Record<string, ErrorCodeEntry>;

export type IkeErrorCode = keyof typeof IKE_ERROR_CODES;
type CodesOfTier<T extends IkeErrorTier> = {
  [K in IkeErrorCode]: (typeof IKE_ERROR_CODES)[K]['tier'] extends T ? K : never;
}[IkeErrorCode];
export type IkeParseErrorCode = CodesOfTier<'parse'>;
export type IkeVerifyErrorCode = CodesOfTier<'verify'>;
export type IkeEncodeErrorCode = CodesOfTier<'encode'>;

export interface IkeErrorLocation {
  /** Byte offset in the buffer being decoded (the datagram, or the decrypted SK plaintext when `inEncrypted`). */
  readonly offset: number;
  /** Payload type the error belongs to, when inside one. */
  readonly payloadType?: number | undefined;
  /** True when the offset is inside decrypted SK/SKF content. */
  readonly inEncrypted?: boolean | undefined;
}

const PAYLOAD_NAME_BY_NUMBER: ReadonlyMap<number, string> = new Map(
  Object.entries(PayloadType).map(([name, value]) => [value, name]),
);

/** Common base: `code`, `offset`, `payloadType`, `detail`; message prefixed `ike:`. */
export abstract class IkeCodecError extends Error {
  abstract readonly tier: IkeErrorTier;
  readonly code: IkeErrorCode;
  readonly offset: number;
  readonly payloadType: number | undefined;
  readonly inEncrypted: boolean;
  readonly detail: string;

  protected constructor(code: IkeErrorCode, detail: string, location: IkeErrorLocation) {
    const where = location.payloadType === undefined
      ? ''
      : ` in ${PAYLOAD_NAME_BY_NUMBER.get(location.payloadType) ?? `payload ${location.payloadType}`}`;
    const region = location.inEncrypted ? ' of decrypted content' : '';
    super(`ike: ${code} at offset ${location.offset}${region}${where}: ${detail}`);
    this.code = code;
    this.offset = location.offset;
    this.payloadType = location.payloadType;
    this.inEncrypted = location.inEncrypted ?? false;
    this.detail = detail;
  }
}

export class IkeParseError extends IkeCodecError {
  readonly tier = 'parse' as const;
  declare readonly code: IkeParseErrorCode;
  constructor(code: IkeParseErrorCode, detail: string, location: IkeErrorLocation) {
    super(code, detail, location);
    this.name = 'IkeParseError';
  }
}

export class IkeVerifyError extends IkeCodecError {
  readonly tier = 'verify' as const;
  declare readonly code: IkeVerifyErrorCode;
  constructor(code: IkeVerifyErrorCode, detail: string, location: IkeErrorLocation) {
    super(code, detail, location);
    this.name = 'IkeVerifyError';
  }
}

export class IkeEncodeError extends IkeCodecError {
  readonly tier = 'encode' as const;
  declare readonly code: IkeEncodeErrorCode;
  constructor(code: IkeEncodeErrorCode, detail: string, location: IkeErrorLocation = { offset: 0 }) {
    super(code, detail, location);
    this.name = 'IkeEncodeError';
  }
}

export function isIkeCodecError(error: unknown): error is IkeCodecError {
  return error instanceof IkeCodecError;
}
