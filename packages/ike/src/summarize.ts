/**
 * The brief snoop notation, exactly as strongSwan's charon logs a message
 * (message.c get_string):
 *
 *   IKE_AUTH request 1 [ IDi AUTH SA TSi TSr N(INIT_CONTACT) ]
 *
 * "<exchange> <request|response> <message id> [", then for each payload in
 * wire order " <short name>" with these decorations, then " ]":
 * - Notify: N(<notify short name>); N(MS_STATUS(<code>)) for a 4-byte
 *   MS_NOTIFY_STATUS; an unnamed type prints as N((<number>)) because
 *   strongSwan's enum hook renders unknown values as "(<number>)".
 * - EAP: EAP/<code>[/<method>], e.g. EAP/REQ/ID, EAP/SUCC; vendor methods
 *   as /<type>-<vendor>.
 * - CP: CP<RQ|RP|S|A>(<attribute short names>) when it has attributes.
 * - SKF: EF(<number>/<total>).
 * - A payload of a type not decoded: UNKN(<type>).
 * - An SK payload that was not decrypted: E. Once decrypted, the inner
 *   payloads are listed instead, as charon's "parsed" line does.
 */
import { PayloadType } from './constants.ts';
import type { IkeMessage } from './message.ts';
import {
  CFG_TYPE_SUMMARY_PREFIX,
  CP_ATTRIBUTE_SHORT_NAMES,
  EAP_CODE_SHORT_NAMES,
  EAP_TYPE_SHORT_NAMES,
  EXCHANGE_NAMES,
  NOTIFY_SHORT_NAMES,
  PAYLOAD_SHORT_NAMES,
  StrongswanNotifyType,
  UNKNOWN_PAYLOAD_SHORT_NAME,
  enumName,
} from './names.ts';
import { viewEap } from './payloads/eap-payload.ts';
import type { Payload } from './payloads/payload-chain.ts';

function u32At(data: Uint8Array, at: number): number {
  return ((data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!) >>> 0;
}

/** One payload as strongSwan prints it. */
export function summarizePayload(payload: Payload): string {
  if (payload.type === 'unknown') return `${UNKNOWN_PAYLOAD_SHORT_NAME}(${payload.payloadType})`;
  const name = enumName(PAYLOAD_SHORT_NAMES, payload.type);
  switch (payload.type) {
    case PayloadType.NOTIFY: {
      const notifyName = enumName(NOTIFY_SHORT_NAMES, payload.notifyType);
      if (payload.notifyType === StrongswanNotifyType.MS_NOTIFY_STATUS && payload.data.length === 4) {
        // strongSwan prints the status with %d, i.e. as a signed 32-bit value.
        return `${name}(${notifyName}(${u32At(payload.data, 0) | 0}))`;
      }
      return `${name}(${notifyName})`;
    }
    case PayloadType.EAP: {
      const eap = viewEap(payload.message);
      let method = '';
      if (eap.eapType !== 0) {
        method = eap.vendor !== 0 ? `/${eap.eapType | 0}-${eap.vendor}` : `/${enumName(EAP_TYPE_SHORT_NAMES, eap.eapType)}`;
      }
      return `${name}/${enumName(EAP_CODE_SHORT_NAMES, eap.code)}${method}`;
    }
    case PayloadType.CP: {
      if (payload.attributes.length === 0) return name;
      const prefix = CFG_TYPE_SUMMARY_PREFIX.get(payload.cfgType) ?? '(';
      const attributes = payload.attributes.map((a) => enumName(CP_ATTRIBUTE_SHORT_NAMES, a.type)).join(' ');
      return `${name}${prefix}${attributes})`;
    }
    default:
      return name;
  }
}

/** Tokens of the bracketed payload list, in wire order. */
export function summaryTokens(message: IkeMessage): string[] {
  const tokens = message.payloads.map(summarizePayload);
  const encrypted = message.encrypted;
  if (encrypted?.kind === 'sk') {
    if (encrypted.state === 'decrypted') tokens.push(...encrypted.payloads.map(summarizePayload));
    else tokens.push(enumName(PAYLOAD_SHORT_NAMES, PayloadType.SK));
  } else if (encrypted?.kind === 'skf') {
    tokens.push(`${enumName(PAYLOAD_SHORT_NAMES, PayloadType.SKF)}(${encrypted.fragmentNumber}/${encrypted.totalFragments})`);
  }
  return tokens;
}

/** `IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]` */
export function summarize(message: IkeMessage): string {
  const { header } = message;
  const tokens = summaryTokens(message);
  const list = tokens.length > 0 ? ` ${tokens.join(' ')}` : '';
  return `${enumName(EXCHANGE_NAMES, header.exchangeType)} ${header.response ? 'response' : 'request'} ${header.messageId} [${list} ]`;
}
