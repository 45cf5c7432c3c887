/**
 * Which payloads each IKEv2 exchange may carry, per direction, as data: the
 * shape of strongSwan's message rules (payload type, min, max, encrypted,
 * sufficient), written from RFC 7296 §1-§2 and RFC 7383 / RFC 9242 / RFC
 * 9370 for the newer exchanges. Diagnosis reads the same table to explain
 * "payload X is not allowed here".
 *
 * Semantics, enforced by `verifyMessageRules` on decode:
 * - a known payload type absent from the table is not allowed;
 * - counts are per type over clear and decrypted payloads together;
 * - `encrypted` payloads must travel inside SK (an INFORMATIONAL made only
 *   of notifies may be unprotected: RFC 7296 §1.5 answers to messages that
 *   match no IKE SA);
 * - if any payload whose rule is `sufficient` is present, minimums are
 *   waived: that is how an error response (only N(NO_PROPOSAL_CHOSEN),
 *   N(INVALID_KE_PAYLOAD), N(COOKIE), N(AUTH_FAILED) ...) is accepted;
 * - minimums are only checked when the content is visible (not for an SK
 *   that could not be opened, nor for a single SKF fragment);
 * - unknown non-critical payloads are ignored (RFC 7296 §2.5).
 */
import { ExchangeType, PayloadType } from './constants.ts';
import type { IkeVerifyErrorCode } from './errors.ts';
import { payloadTypeOf, type Payload } from './payloads/payload-chain.ts';

export const MAX_NOTIFY_PAYLOADS = 20;
export const MAX_DELETE_PAYLOADS = 20;
export const MAX_CERT_PAYLOADS = 8;
export const MAX_CERTREQ_PAYLOADS = 20;
export const MAX_VENDOR_ID_PAYLOADS = 20;

export interface PayloadRule {
  readonly payloadType: number;
  readonly min: number;
  readonly max: number;
  /** Must be inside SK. */
  readonly encrypted: boolean;
  /** Its presence waives the other rules' minimums (error answers, EAP/AUTH rounds). */
  readonly sufficient: boolean;
}

export interface MessageRule {
  readonly exchangeType: number;
  readonly response: boolean;
  /** The message content travels in SK (so an SK/SKF payload is allowed). */
  readonly encrypted: boolean;
  /** An unprotected message made only of Notify payloads is accepted. */
  readonly unprotectedNotifies: boolean;
  readonly payloads: readonly PayloadRule[];
}

function rule(payloadType: number, min: number, max: number, encrypted: boolean, sufficient = false): PayloadRule {
  return { payloadType, min, max, encrypted, sufficient };
}

const N = PayloadType.NOTIFY;
const V = PayloadType.VENDOR_ID;

export const MESSAGE_RULES: readonly MessageRule[] = [
  {
    exchangeType: ExchangeType.IKE_SA_INIT,
    response: false,
    encrypted: false,
    unprotectedNotifies: false,
    payloads: [
      rule(N, 0, MAX_NOTIFY_PAYLOADS, false),
      rule(PayloadType.SA, 1, 1, false),
      rule(PayloadType.KE, 1, 1, false),
      rule(PayloadType.NONCE, 1, 1, false),
      rule(V, 0, MAX_VENDOR_ID_PAYLOADS, false),
    ],
  },
  {
    exchangeType: ExchangeType.IKE_SA_INIT,
    response: true,
    encrypted: false,
    unprotectedNotifies: false,
    payloads: [
      rule(N, 0, MAX_NOTIFY_PAYLOADS, false, true),
      rule(PayloadType.SA, 1, 1, false),
      rule(PayloadType.KE, 1, 1, false),
      rule(PayloadType.NONCE, 1, 1, false),
      rule(PayloadType.CERTREQ, 0, MAX_CERTREQ_PAYLOADS, false),
      rule(V, 0, MAX_VENDOR_ID_PAYLOADS, false),
    ],
  },
  {
    exchangeType: ExchangeType.IKE_AUTH,
    response: false,
    encrypted: true,
    unprotectedNotifies: false,
    payloads: [
      rule(N, 0, MAX_NOTIFY_PAYLOADS, true),
      rule(PayloadType.EAP, 0, 1, true, true),
      rule(PayloadType.AUTH, 0, 1, true, true),
      rule(PayloadType.IDi, 0, 1, true),
      rule(PayloadType.CERT, 0, MAX_CERT_PAYLOADS, true),
      rule(PayloadType.CERTREQ, 0, MAX_CERTREQ_PAYLOADS, true),
      rule(PayloadType.IDr, 0, 1, true),
      rule(PayloadType.SA, 0, 1, true),
      rule(PayloadType.TSi, 0, 1, true),
      rule(PayloadType.TSr, 0, 1, true),
      rule(PayloadType.CP, 0, 1, true),
      rule(V, 0, MAX_VENDOR_ID_PAYLOADS, true),
    ],
  },
  {
    exchangeType: ExchangeType.IKE_AUTH,
    response: true,
    encrypted: true,
    unprotectedNotifies: false,
    payloads: [
      rule(N, 0, MAX_NOTIFY_PAYLOADS, true, true),
      rule(PayloadType.EAP, 0, 1, true, true),
      rule(PayloadType.AUTH, 0, 1, true, true),
      rule(PayloadType.CERT, 0, MAX_CERT_PAYLOADS, true),
      rule(PayloadType.IDr, 0, 1, true),
      rule(PayloadType.SA, 0, 1, true),
      rule(PayloadType.TSi, 0, 1, true),
      rule(PayloadType.TSr, 0, 1, true),
      rule(PayloadType.CP, 0, 1, true),
      rule(V, 0, MAX_VENDOR_ID_PAYLOADS, true),
    ],
  },
  ...[false, true].map((response): MessageRule => ({
    exchangeType: ExchangeType.CREATE_CHILD_SA,
    response,
    encrypted: true,
    unprotectedNotifies: false,
    payloads: [
      rule(N, 0, MAX_NOTIFY_PAYLOADS, true, response),
      rule(PayloadType.SA, 1, 1, true),
      rule(PayloadType.NONCE, 1, 1, true),
      rule(PayloadType.KE, 0, 1, true),
      rule(PayloadType.TSi, 0, 1, true),
      rule(PayloadType.TSr, 0, 1, true),
      rule(PayloadType.CP, 0, 1, true),
      rule(V, 0, MAX_VENDOR_ID_PAYLOADS, true),
    ],
  })),
  ...[false, true].map((response): MessageRule => ({
    exchangeType: ExchangeType.INFORMATIONAL,
    response,
    encrypted: true,
    unprotectedNotifies: true,
    payloads: [
      rule(N, 0, MAX_NOTIFY_PAYLOADS, true),
      rule(PayloadType.CP, 0, 1, true),
      rule(PayloadType.DELETE, 0, MAX_DELETE_PAYLOADS, true),
      rule(V, 0, MAX_VENDOR_ID_PAYLOADS, true),
    ],
  })),
  // RFC 9242: IKE_INTERMEDIATE carries notifies and (RFC 9370) an additional KE.
  ...[false, true].map((response): MessageRule => ({
    exchangeType: ExchangeType.IKE_INTERMEDIATE,
    response,
    encrypted: true,
    unprotectedNotifies: false,
    payloads: [rule(N, 0, MAX_NOTIFY_PAYLOADS, true, response), rule(PayloadType.KE, 0, 1, true)],
  })),
  // RFC 9370 §2.2.4: IKE_FOLLOWUP_KE carries one KE (and ADDITIONAL_KEY_EXCHANGE).
  ...[false, true].map((response): MessageRule => ({
    exchangeType: ExchangeType.IKE_FOLLOWUP_KE,
    response,
    encrypted: true,
    unprotectedNotifies: false,
    payloads: [rule(N, 0, MAX_NOTIFY_PAYLOADS, true, response), rule(PayloadType.KE, 1, 1, true)],
  })),
];

export function findMessageRule(exchangeType: number, response: boolean): MessageRule | undefined {
  return MESSAGE_RULES.find((r) => r.exchangeType === exchangeType && r.response === response);
}

export interface RuleCheckInput {
  readonly exchangeType: number;
  readonly response: boolean;
  /** Payloads outside SK/SKF, wire order. */
  readonly clear: readonly Payload[];
  /** Decrypted SK content, or undefined when it is not visible. */
  readonly inner: readonly Payload[] | undefined;
  readonly encryptedKind: 'none' | 'sk' | 'skf';
}

export interface RuleViolation {
  readonly code: IkeVerifyErrorCode;
  readonly detail: string;
  readonly payloadType?: number;
  /** Where the offending payload is, if one is: which list and index. */
  readonly at?: { readonly list: 'clear' | 'inner'; readonly index: number };
}

/** The first rule the message breaks, or undefined. */
export function verifyMessageRules(input: RuleCheckInput): RuleViolation | undefined {
  const table = findMessageRule(input.exchangeType, input.response);
  const direction = input.response ? 'response' : 'request';
  if (!table) {
    return { code: 'unsupported_exchange', detail: `no rules for exchange ${input.exchangeType} ${direction}` };
  }
  if (input.encryptedKind !== 'none' && !table.encrypted) {
    const payloadType = input.encryptedKind === 'sk' ? PayloadType.SK : PayloadType.SKF;
    return { code: 'payload_not_allowed', detail: `encrypted payload in exchange ${input.exchangeType}`, payloadType };
  }
  const counts = new Map<number, number>();
  const lists: Array<['clear' | 'inner', readonly Payload[]]> = [['clear', input.clear]];
  if (input.inner) lists.push(['inner', input.inner]);
  const unprotected =
    table.unprotectedNotifies && input.encryptedKind === 'none' && input.clear.every((p) => p.type === PayloadType.NOTIFY || p.type === 'unknown');
  let sufficientSeen = false;
  for (const [list, payloads] of lists) {
    for (let index = 0; index < payloads.length; index++) {
      const payload = payloads[index]!;
      if (payload.type === 'unknown') continue;
      const payloadType = payloadTypeOf(payload);
      const payloadRule = table.payloads.find((r) => r.payloadType === payloadType);
      if (!payloadRule) {
        return {
          code: 'payload_not_allowed',
          detail: `payload ${payloadType} not allowed in exchange ${input.exchangeType} ${direction}`,
          payloadType,
          at: { list, index },
        };
      }
      if (list === 'clear' && payloadRule.encrypted && !unprotected) {
        return { code: 'payload_not_encrypted', detail: `payload ${payloadType} sent in the clear`, payloadType, at: { list, index } };
      }
      const count = (counts.get(payloadType) ?? 0) + 1;
      counts.set(payloadType, count);
      if (count > payloadRule.max) {
        return {
          code: 'payload_count',
          detail: `payload ${payloadType} occurs more than ${payloadRule.max} times`,
          payloadType,
          at: { list, index },
        };
      }
      if (payloadRule.sufficient) sufficientSeen = true;
    }
  }
  const contentVisible =
    input.encryptedKind === 'none' ? true : input.encryptedKind === 'sk' && input.inner !== undefined;
  if (contentVisible && !sufficientSeen) {
    for (const payloadRule of table.payloads) {
      const count = counts.get(payloadRule.payloadType) ?? 0;
      if (count < payloadRule.min) {
        return {
          code: 'payload_count',
          detail: `payload ${payloadRule.payloadType} occurs ${count} times, at least ${payloadRule.min} needed`,
          payloadType: payloadRule.payloadType,
        };
      }
    }
  }
  return undefined;
}
