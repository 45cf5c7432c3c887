/**
 * fast-check arbitraries for every payload and for whole messages, shared
 * by the codec's property tests and by later tests (engine, diagnosis).
 *
 * Values are canonical (what decode returns): addresses in canonical text,
 * no `critical` key unless true, no undefined-valued keys. Payload
 * arbitraries produce values that also pass verify-tier checks; message
 * arbitraries come in two flavours: `arbRuleAbidingMessage` (passes the
 * rule table, round-trips with verification on) and `arbAnyMessage`
 * (any payload mix; round-trip with `verify: false`).
 */
import fc from 'fast-check';
import {
  AuthMethod,
  CfgType,
  EncrId,
  ExchangeType,
  IdType,
  NotifyType,
  PayloadType,
  ProtocolId,
  TransformAttributeType,
  TsType,
} from '../constants.ts';
import type { SkSuite } from '../crypto/index.ts';
import type { IkeHeader, IkeMessage } from '../message.ts';
import { MESSAGE_RULES, type MessageRule } from '../message-rules.ts';
import type { AuthPayload } from '../payloads/authentication-payload.ts';
import type { CertPayload } from '../payloads/certificate-payload.ts';
import type { CertReqPayload } from '../payloads/certificate-request-payload.ts';
import type { CpAttribute, CpPayload } from '../payloads/configuration-payload.ts';
import type { DeletePayload } from '../payloads/delete-payload.ts';
import type { EapPayload } from '../payloads/eap-payload.ts';
import type { IdPayload } from '../payloads/identification-payload.ts';
import { formatIpv4, formatIpv6 } from '../payloads/ip-address.ts';
import { KE_DATA_LENGTH, type KePayload } from '../payloads/key-exchange-payload.ts';
import type { NoncePayload } from '../payloads/nonce-payload.ts';
import { notify, notifyData, type NotifyPayload } from '../payloads/notify-payload.ts';
import { PAYLOAD_CODECS, type Payload, type UnknownPayload } from '../payloads/payload-chain.ts';
import type { Proposal, SaPayload, Transform, TransformAttribute } from '../payloads/security-association-payload.ts';
import type { TrafficSelector, TsPayload } from '../payloads/traffic-selector-payload.ts';
import type { VendorIdPayload } from '../payloads/vendor-id-payload.ts';

/** fc.record builds null-prototype objects; decoded values have Object's prototype. */
function record<T extends Record<string, unknown>>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model).map((value) => ({ ...value }) as T);
}

export const arbBytes = (minLength: number, maxLength: number): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength, maxLength });

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

// --- SA ----------------------------------------------------------------------

export const arbTransformAttribute: fc.Arbitrary<TransformAttribute> = fc.oneof(
  record({ format: fc.constant('tv' as const), type: fc.integer({ min: 0, max: 0x7fff }), value: u16 }),
  record({
    format: fc.constant('tlv' as const),
    type: fc.integer({ min: 0, max: 0x7fff }).filter((t) => t !== TransformAttributeType.KEY_LENGTH),
    value: arbBytes(0, 24),
  }),
);

export const arbTransform: fc.Arbitrary<Transform> = record({
  transformType: u8,
  transformId: u16,
  attributes: fc.array(arbTransformAttribute, { maxLength: 3 }),
});

const arbProposalBody = fc.oneof(
  record({ protocol: fc.constant<number>(ProtocolId.IKE), spi: fc.oneof(arbBytes(0, 0), arbBytes(8, 8)) }),
  record({ protocol: fc.constantFrom<number>(ProtocolId.AH, ProtocolId.ESP), spi: arbBytes(4, 4) }),
);

export const arbProposal = (number: number): fc.Arbitrary<Proposal> =>
  fc
    .tuple(arbProposalBody, fc.array(arbTransform, { maxLength: 6 }))
    .map(([body, transforms]) => ({ number, protocol: body.protocol, spi: body.spi, transforms }));

export const arbSaPayload: fc.Arbitrary<SaPayload> = fc.oneof(
  // An offer: proposals numbered 1..n.
  fc
    .integer({ min: 1, max: 4 })
    .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => arbProposal(i + 1))))
    .map((proposals) => ({ type: PayloadType.SA, proposals })),
  // An answer: one proposal keeping its offered number.
  fc
    .integer({ min: 1, max: 255 })
    .chain(arbProposal)
    .map((proposal) => ({ type: PayloadType.SA, proposals: [proposal] })),
);

// --- KE, ID, CERT, CERTREQ, AUTH, Nonce -------------------------------------

const knownGroups = Object.keys(KE_DATA_LENGTH).map(Number);

export const arbKePayload: fc.Arbitrary<KePayload> = fc.oneof(
  fc.constantFrom(...knownGroups).chain((group) =>
    arbBytes(KE_DATA_LENGTH[group]!, KE_DATA_LENGTH[group]!).map((data) => ({ type: PayloadType.KE, group, data })),
  ),
  fc
    .tuple(fc.integer({ min: 33, max: 0xffff }), arbBytes(0, 64))
    .map(([group, data]) => ({ type: PayloadType.KE, group, data })),
);

const arbIdentification: fc.Arbitrary<{ idType: number; data: Uint8Array }> = fc.oneof(
  arbBytes(4, 4).map((data) => ({ idType: IdType.IPV4_ADDR, data })),
  arbBytes(16, 16).map((data) => ({ idType: IdType.IPV6_ADDR, data })),
  fc.constantFrom(IdType.FQDN, IdType.RFC822_ADDR).chain((idType) =>
    fc.string({ minLength: 1, maxLength: 30 }).map((text) => ({ idType, data: new TextEncoder().encode(text) })),
  ),
  fc
    .tuple(fc.constantFrom(IdType.DER_ASN1_DN, IdType.DER_ASN1_GN, IdType.KEY_ID, IdType.FC_NAME, 4, 77), arbBytes(1, 40))
    .map(([idType, data]) => ({ idType, data })),
  fc.constant({ idType: IdType.NULL_ID, data: new Uint8Array(0) }),
);

export const arbIdPayload = (type: typeof PayloadType.IDi | typeof PayloadType.IDr): fc.Arbitrary<IdPayload> =>
  arbIdentification.map((id) => ({ type, ...id }));

export const arbCertPayload: fc.Arbitrary<CertPayload> = fc
  .tuple(u8, arbBytes(0, 64))
  .map(([encoding, data]) => ({ type: PayloadType.CERT, encoding, data }));

export const arbCertReqPayload: fc.Arbitrary<CertReqPayload> = fc
  .tuple(u8, arbBytes(0, 60))
  .map(([encoding, authority]) => ({ type: PayloadType.CERTREQ, encoding, authority }));

/** DER AlgorithmIdentifier-shaped bytes: SEQUENCE with short-form length. */
const arbAlgorithmIdentifier = arbBytes(0, 30).map((content) => Uint8Array.of(0x30, content.length, ...content));

export const arbAuthPayload: fc.Arbitrary<AuthPayload> = fc.oneof(
  fc
    .tuple(u8.filter((m) => m !== AuthMethod.DIGITAL_SIGNATURE), arbBytes(0, 64))
    .map(([method, data]) => ({ type: PayloadType.AUTH, method, data })),
  fc.tuple(arbAlgorithmIdentifier, arbBytes(0, 64)).map(([algorithm, signature]) => ({
    type: PayloadType.AUTH,
    method: AuthMethod.DIGITAL_SIGNATURE,
    data: Uint8Array.of(algorithm.length, ...algorithm, ...signature),
  })),
);

export const arbNoncePayload: fc.Arbitrary<NoncePayload> = arbBytes(16, 256).map((data) => ({ type: PayloadType.NONCE, data }));

// --- Notify -------------------------------------------------------------------

/** Notify types with a data-length rule or an SPI rule; random notifies avoid them. */
const CONSTRAINED_NOTIFIES = new Set<number>([
  NotifyType.INVALID_KE_PAYLOAD,
  NotifyType.NAT_DETECTION_SOURCE_IP,
  NotifyType.NAT_DETECTION_DESTINATION_IP,
  NotifyType.INVALID_SYNTAX,
  NotifyType.INVALID_MAJOR_VERSION,
  NotifyType.NO_PROPOSAL_CHOSEN,
  NotifyType.COOKIE,
  NotifyType.ADDITIONAL_IP4_ADDRESS,
  NotifyType.ADDITIONAL_IP6_ADDRESS,
  NotifyType.SIGNATURE_HASH_ALGORITHMS,
  NotifyType.AUTH_LIFETIME,
  NotifyType.IPCOMP_SUPPORTED,
  NotifyType.SET_WINDOW_SIZE,
  NotifyType.REKEY_SA,
  NotifyType.INVALID_SELECTORS,
  NotifyType.CHILD_SA_NOT_FOUND,
]);

export const arbNotifyPayload: fc.Arbitrary<NotifyPayload> = fc.oneof(
  arbBytes(1, 64).map(notifyData.cookie),
  fc.tuple(fc.constantFrom('source' as const, 'destination' as const), arbBytes(20, 20)).map(([d, h]) => notifyData.natDetection(d, h)),
  u16.map(notifyData.invalidKePayload),
  fc.tuple(fc.constantFrom<number>(ProtocolId.AH, ProtocolId.ESP), arbBytes(4, 4)).map(([p, spi]) => notifyData.rekeySa(p, spi)),
  fc.array(u16, { maxLength: 6 }).map(notifyData.signatureHashAlgorithms),
  u32.map(notifyData.authLifetime),
  arbBytes(4, 4).map((b) => notifyData.additionalAddress(formatIpv4(b))),
  arbBytes(16, 16).map((b) => notifyData.additionalAddress(formatIpv6(b))),
  u32.map(notifyData.setWindowSize),
  fc.constantFrom(NotifyType.NO_PROPOSAL_CHOSEN, NotifyType.INVALID_SYNTAX).map((t) => notify(t)),
  fc
    .tuple(
      u16.filter((t) => !CONSTRAINED_NOTIFIES.has(t)),
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom(0, 4, 8),
      arbBytes(0, 40),
    )
    .chain(([notifyType, protocol, spiSize, data]) =>
      arbBytes(spiSize, spiSize).map((spi): NotifyPayload => ({ type: PayloadType.NOTIFY, protocol, spi, notifyType, data })),
    ),
);

// --- Delete, V, TS, CP, EAP, unknown ------------------------------------------

export const arbDeletePayload: fc.Arbitrary<DeletePayload> = fc.oneof(
  fc.constant<DeletePayload>({ type: PayloadType.DELETE, protocol: ProtocolId.IKE, spiSize: 0, spis: [] }),
  fc
    .tuple(fc.constantFrom<number>(ProtocolId.AH, ProtocolId.ESP), fc.array(arbBytes(4, 4), { maxLength: 6 }))
    .map(([protocol, spis]) => ({ type: PayloadType.DELETE, protocol, spiSize: 4, spis })),
);

export const arbVendorIdPayload: fc.Arbitrary<VendorIdPayload> = arbBytes(0, 32).map((data) => ({
  type: PayloadType.VENDOR_ID,
  data,
}));

export const arbTrafficSelector: fc.Arbitrary<TrafficSelector> = fc.oneof(
  fc.tuple(u8, u16, u16, arbBytes(4, 4), arbBytes(4, 4)).map(([ipProtocol, startPort, endPort, a, b]) => ({
    kind: 'ipv4' as const,
    ipProtocol,
    startPort,
    endPort,
    startAddress: formatIpv4(a),
    endAddress: formatIpv4(b),
  })),
  fc.tuple(u8, u16, u16, arbBytes(16, 16), arbBytes(16, 16)).map(([ipProtocol, startPort, endPort, a, b]) => ({
    kind: 'ipv6' as const,
    ipProtocol,
    startPort,
    endPort,
    startAddress: formatIpv6(a),
    endAddress: formatIpv6(b),
  })),
  fc
    .tuple(u8.filter((t) => t !== TsType.IPV4_ADDR_RANGE && t !== TsType.IPV6_ADDR_RANGE), u8, arbBytes(0, 24))
    .map(([tsType, ipProtocol, data]) => ({ kind: 'opaque' as const, tsType, ipProtocol, data })),
);

export const arbTsPayload = (type: typeof PayloadType.TSi | typeof PayloadType.TSr): fc.Arbitrary<TsPayload> =>
  fc.array(arbTrafficSelector, { maxLength: 4 }).map((selectors) => ({ type, selectors }));

export const arbCpAttribute: fc.Arbitrary<CpAttribute> = record({
  type: fc.integer({ min: 0, max: 0x7fff }),
  value: arbBytes(0, 20),
});

export const arbCpPayload: fc.Arbitrary<CpPayload> = fc
  .tuple(fc.integer({ min: CfgType.CFG_REQUEST, max: CfgType.CFG_ACK }), fc.array(arbCpAttribute, { maxLength: 5 }))
  .map(([cfgType, attributes]) => ({ type: PayloadType.CP, cfgType, attributes }));

export const arbEapPayload: fc.Arbitrary<EapPayload> = fc.oneof(
  fc.tuple(fc.constantFrom(1, 2), u8, u8, arbBytes(0, 40)).map(([code, identifier, eapType, data]) => {
    const length = 5 + data.length;
    return { type: PayloadType.EAP, message: Uint8Array.of(code, identifier, length >> 8, length & 0xff, eapType, ...data) };
  }),
  fc.tuple(fc.constantFrom(3, 4), u8).map(([code, identifier]) => ({
    type: PayloadType.EAP,
    message: Uint8Array.of(code, identifier, 0, 4),
  })),
);

/** Payload types the codec does not decode (GSPM, IDg, GSA, KD, PS and unassigned). */
export const arbUnknownPayloadType = u8.filter(
  (t) => t !== PayloadType.NONE && !PAYLOAD_CODECS.has(t) && t !== PayloadType.SK && t !== PayloadType.SKF,
);

export const arbUnknownPayload = (critical = false): fc.Arbitrary<UnknownPayload> =>
  fc.tuple(arbUnknownPayloadType, arbBytes(0, 32)).map(([payloadType, data]) => ({
    type: 'unknown' as const,
    payloadType,
    critical,
    data,
  }));

/** Generators per payload type number (for rule-driven message generation). */
export const PAYLOAD_ARBITRARIES: ReadonlyMap<number, fc.Arbitrary<Payload>> = new Map<number, fc.Arbitrary<Payload>>([
  [PayloadType.SA, arbSaPayload],
  [PayloadType.KE, arbKePayload],
  [PayloadType.IDi, arbIdPayload(PayloadType.IDi)],
  [PayloadType.IDr, arbIdPayload(PayloadType.IDr)],
  [PayloadType.CERT, arbCertPayload],
  [PayloadType.CERTREQ, arbCertReqPayload],
  [PayloadType.AUTH, arbAuthPayload],
  [PayloadType.NONCE, arbNoncePayload],
  [PayloadType.NOTIFY, arbNotifyPayload],
  [PayloadType.DELETE, arbDeletePayload],
  [PayloadType.VENDOR_ID, arbVendorIdPayload],
  [PayloadType.TSi, arbTsPayload(PayloadType.TSi)],
  [PayloadType.TSr, arbTsPayload(PayloadType.TSr)],
  [PayloadType.CP, arbCpPayload],
  [PayloadType.EAP, arbEapPayload],
]);

/** Any payload, a known one with the critical bit now and then, or a non-critical unknown one. */
export const arbPayload: fc.Arbitrary<Payload> = fc.oneof(
  ...[...PAYLOAD_ARBITRARIES.values()],
  arbUnknownPayload(false),
);

// --- header and messages --------------------------------------------------------

export const arbHeader = (exchangeType?: number, response?: boolean): fc.Arbitrary<IkeHeader> =>
  fc
    .record({
      initiatorSpi: arbBytes(8, 8),
      responderSpi: arbBytes(8, 8),
      exchangeType: exchangeType === undefined ? u8 : fc.constant(exchangeType),
      messageId: u32,
      initiator: fc.boolean(),
      response: response === undefined ? fc.boolean() : fc.constant(response),
      higherVersion: fc.boolean(),
    })
    .map(({ higherVersion, ...header }) => (higherVersion ? { ...header, higherVersion: true } : header));

/** Payloads that satisfy one rule table: each allowed type min..min(max, 2) times, shuffled. */
export function arbPayloadsFor(rule: MessageRule): fc.Arbitrary<Payload[]> {
  const parts = rule.payloads.map((payloadRule) => {
    const arbitrary = PAYLOAD_ARBITRARIES.get(payloadRule.payloadType)!;
    return fc.array(arbitrary, { minLength: payloadRule.min, maxLength: Math.min(payloadRule.max, Math.max(payloadRule.min, 2)) });
  });
  return fc
    .tuple(...parts)
    .map((lists) => lists.flat())
    .chain((payloads) => fc.shuffledSubarray(payloads, { minLength: payloads.length, maxLength: payloads.length }));
}

const CLEAR_RULES = MESSAGE_RULES.filter((r) => !r.encrypted);
const PROTECTED_RULES = MESSAGE_RULES.filter((r) => r.encrypted);

/** An unencrypted message that passes the rule table (IKE_SA_INIT, or an unprotected INFORMATIONAL). */
export const arbRuleAbidingMessage: fc.Arbitrary<IkeMessage> = fc.oneof(
  fc.constantFrom(...CLEAR_RULES).chain((rule) =>
    fc.tuple(arbHeader(rule.exchangeType, rule.response), arbPayloadsFor(rule)).map(([header, payloads]) => ({ header, payloads })),
  ),
  fc
    .tuple(arbHeader(ExchangeType.INFORMATIONAL), fc.array(arbNotifyPayload, { maxLength: 3 }))
    .map(([header, payloads]) => ({ header, payloads })),
);

/** A protected exchange's message with decrypted SK content that passes the rule table. */
export const arbProtectedMessage: fc.Arbitrary<IkeMessage> = fc.constantFrom(...PROTECTED_RULES).chain((rule) =>
  fc
    .tuple(arbHeader(rule.exchangeType, rule.response), arbPayloadsFor(rule))
    .map(([header, payloads]): IkeMessage => ({ header, payloads: [], encrypted: { kind: 'sk', state: 'decrypted', payloads } })),
);

/** Any mix of payloads, with or without an opaque SK/SKF: round-trips with verify off. */
export const arbAnyMessage: fc.Arbitrary<IkeMessage> = fc
  .tuple(
    arbHeader(),
    fc.array(fc.oneof(arbPayload, arbUnknownPayload(true)), { maxLength: 6 }),
    fc.oneof(
      fc.constant(undefined),
      fc.tuple(u8, arbBytes(0, 80)).map(([firstPayload, body]) => ({ kind: 'sk' as const, state: 'no_keys' as const, firstPayload, body })),
      fc.tuple(fc.integer({ min: 1, max: 0xffff }), u8, arbBytes(0, 80)).chain(([total, firstPayload, body]) =>
        fc.integer({ min: 1, max: total }).map((fragmentNumber) => ({
          kind: 'skf' as const,
          state: 'no_keys' as const,
          fragmentNumber,
          totalFragments: total,
          firstPayload,
          body,
        })),
      ),
    ),
  )
  .map(([header, payloads, encrypted]): IkeMessage => (encrypted ? { header, payloads, encrypted } : { header, payloads }));

// --- SK suites and keys for encrypted tests ----------------------------------------

export interface SkFixture {
  readonly name: string;
  readonly suite: SkSuite;
  readonly keys: { encKey: Uint8Array; integKey: Uint8Array };
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed + i * 7) & 0xff);
}

/** Fixed suites and keys the crypto layer supports (AEAD and CBC+HMAC). */
export const SK_FIXTURES: readonly SkFixture[] = [
  {
    name: 'aes128gcm16',
    suite: { encr: EncrId.AES_GCM_16, encrKeyBits: 128, integ: 0 },
    keys: { encKey: pattern(20, 1), integKey: new Uint8Array(0) },
  },
  {
    name: 'aes256gcm16',
    suite: { encr: EncrId.AES_GCM_16, encrKeyBits: 256, integ: 0 },
    keys: { encKey: pattern(36, 3), integKey: new Uint8Array(0) },
  },
  {
    name: 'aes128-sha256',
    suite: { encr: EncrId.AES_CBC, encrKeyBits: 128, integ: 12 },
    keys: { encKey: pattern(16, 5), integKey: pattern(32, 9) },
  },
  {
    name: 'chacha20poly1305',
    suite: { encr: EncrId.CHACHA20_POLY1305, encrKeyBits: 256, integ: 0 },
    keys: { encKey: pattern(36, 11), integKey: new Uint8Array(0) },
  },
];
