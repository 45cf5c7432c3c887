/**
 * Public face of the IKEv2 message codec (the package entry re-exports it).
 *
 *   decodeMessage(bytes, { sk?, verify? }) -> IkeMessage      (throws IkeParseError / IkeVerifyError)
 *   encodeMessage(message, { sk? })        -> Uint8Array      (throws IkeEncodeError)
 *   summarize(message)                     -> "IKE_AUTH request 1 [ IDi AUTH ... ]"
 *   describeMessage(message)               -> JSON tree for -full snoop
 *   encodeFragments / reassembleFragments  -> RFC 7383
 *   MESSAGE_RULES                          -> payloads allowed per exchange
 *
 * Payload modules are also exported as namespaces (`saPayloadCodec`, ...)
 * with the uniform `decode(reader)` / `encode(value, writer)` /
 * `encodingLength(value)` face, for tests and tools.
 */
export {
  IKE_ERROR_CODES,
  IkeCodecError,
  IkeEncodeError,
  IkeParseError,
  IkeVerifyError,
  isIkeCodecError,
} from './errors.ts';
export type {
  IkeEncodeErrorCode,
  IkeErrorCode,
  IkeErrorLocation,
  IkeErrorTier,
  IkeParseErrorCode,
  IkeVerifyErrorCode,
} from './errors.ts';

export { IkeReader } from './reader.ts';
export type { ReaderContext } from './reader.ts';
export { IkeWriter, encodeToBytes } from './writer.ts';

export {
  IKE_SPI_LENGTH,
  allPayloads,
  decodeHeader,
  decodeInnerPayloads,
  decodeMessage,
  encodeInnerPayloads,
  encodeMessage,
  encodingLength,
  encodingLength as messageEncodingLength,
  verifyMessage,
} from './message.ts';
export type {
  DecodeOptions,
  EncodeOptions,
  EncryptedSection,
  IkeHeader,
  IkeMessage,
  SealedState,
  SkContext,
} from './message.ts';

export {
  MAX_CERTREQ_PAYLOADS,
  MAX_CERT_PAYLOADS,
  MAX_DELETE_PAYLOADS,
  MAX_NOTIFY_PAYLOADS,
  MAX_VENDOR_ID_PAYLOADS,
  MESSAGE_RULES,
  findMessageRule,
  verifyMessageRules,
} from './message-rules.ts';
export type { MessageRule, PayloadRule, RuleCheckInput, RuleViolation } from './message-rules.ts';

export {
  PAYLOAD_CODECS,
  chainEncodingLength,
  decodePayloadChain,
  encodePayloadChain,
  payloadTypeOf,
} from './payloads/payload-chain.ts';
export type {
  AuthPayload,
  CertPayload,
  CertReqPayload,
  CpPayload,
  DeletePayload,
  EapPayload,
  IdPayload,
  KePayload,
  NoncePayload,
  NotifyPayload,
  Payload,
  PayloadBodyCodec,
  SaPayload,
  TsPayload,
  UnknownPayload,
  VendorIdPayload,
} from './payloads/payload-chain.ts';

export {
  makeTransform,
  transformKeyLength,
} from './payloads/security-association-payload.ts';
export type { Proposal, Transform, TransformAttribute } from './payloads/security-association-payload.ts';
export { KE_DATA_LENGTH } from './payloads/key-exchange-payload.ts';
export { identification, viewIdentification } from './payloads/identification-payload.ts';
export { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './payloads/ip-address.ts';
export type { IdentificationView } from './payloads/identification-payload.ts';
export { CA_KEY_HASH_LENGTH, caKeyHashes } from './payloads/certificate-request-payload.ts';
export { joinDigitalSignature, splitDigitalSignature } from './payloads/authentication-payload.ts';
export type { DigitalSignatureAuthData } from './payloads/authentication-payload.ts';
export { NONCE_MAX_LENGTH, NONCE_MIN_LENGTH } from './payloads/nonce-payload.ts';
export { COOKIE_MAX_LENGTH, NAT_DETECTION_HASH_LENGTH, notify, notifyData, viewNotify } from './payloads/notify-payload.ts';
export type { NotifyView } from './payloads/notify-payload.ts';
export { selectorForRange } from './payloads/traffic-selector-payload.ts';
export type { AddressRangeSelector, OpaqueSelector, TrafficSelector } from './payloads/traffic-selector-payload.ts';
export type { CpAttribute } from './payloads/configuration-payload.ts';
export { EAP_TYPE_EXPANDED, EapCode, viewEap } from './payloads/eap-payload.ts';
export type { EapView } from './payloads/eap-payload.ts';
export {
  SIGNATURE_ALGORITHM_NAMES,
  algorithmIdentifierOid,
  certificateNames,
  derChildren,
  formatDistinguishedName,
  readDerTlv,
} from './payloads/der-name.ts';
export type { DerTlv } from './payloads/der-name.ts';

export * as saPayloadCodec from './payloads/security-association-payload.ts';
export * as kePayloadCodec from './payloads/key-exchange-payload.ts';
export * as idPayloadCodec from './payloads/identification-payload.ts';
export * as certPayloadCodec from './payloads/certificate-payload.ts';
export * as certReqPayloadCodec from './payloads/certificate-request-payload.ts';
export * as authPayloadCodec from './payloads/authentication-payload.ts';
export * as noncePayloadCodec from './payloads/nonce-payload.ts';
export * as notifyPayloadCodec from './payloads/notify-payload.ts';
export * as deletePayloadCodec from './payloads/delete-payload.ts';
export * as vendorIdPayloadCodec from './payloads/vendor-id-payload.ts';
export * as tsPayloadCodec from './payloads/traffic-selector-payload.ts';
export * as cpPayloadCodec from './payloads/configuration-payload.ts';
export * as eapPayloadCodec from './payloads/eap-payload.ts';
export * as skPayloadCodec from './payloads/encrypted-payload.ts';
export * as skfPayloadCodec from './payloads/encrypted-fragment-payload.ts';
export * as unknownPayloadCodec from './payloads/unknown-payload.ts';

export {
  AUTH_METHOD_NAMES,
  CERT_ENCODING_NAMES,
  CFG_TYPE_NAMES,
  CFG_TYPE_SUMMARY_PREFIX,
  CP_ATTRIBUTE_NAMES,
  CP_ATTRIBUTE_SHORT_NAMES,
  DH_GROUP_SHORT_NAMES,
  EAP_CODE_SHORT_NAMES,
  EAP_TYPE_SHORT_NAMES,
  ENCR_NAMES,
  ESN_NAMES,
  EXCHANGE_NAMES,
  EXCHANGE_TYPE_NAMES,
  HASH_ALGORITHM_NAMES,
  ID_TYPE_NAMES,
  INTEG_NAMES,
  NOTIFY_NAMES,
  NOTIFY_SHORT_NAMES,
  PAYLOAD_NAMES,
  PAYLOAD_SHORT_NAMES,
  PRF_NAMES,
  PROTOCOL_NAMES,
  StrongswanNotifyType,
  TRANSFORM_TYPE_NAMES,
  TS_TYPE_NAMES,
  UNKNOWN_PAYLOAD_SHORT_NAME,
  dhGroupName,
  enumName,
  nameOr,
  transformName,
} from './names.ts';
export type { NameTable } from './names.ts';

export { summarize, summarizePayload, summaryTokens } from './summarize.ts';
export { describeMessage, describeMessageText, describePayload, renderDescription } from './describe.ts';
export type { DescribeNode, DescribeValue, MessageDescription } from './describe.ts';

export { decodeReassembledMessage, encodeFragments, reassembleFragments } from './fragments.ts';
export type {
  DecryptedFragment,
  FragmentOptions,
  ReassemblyLimits,
  ReassemblyOutcome,
  ReassemblyState,
} from './fragments.ts';
