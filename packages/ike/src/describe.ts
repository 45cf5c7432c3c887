/**
 * The full decode behind `ike -snoop -full`: a JSON-able tree of every
 * payload with human names (`describeMessage`), and its text rendering
 * (`renderDescription`).
 *
 * What is shown and what is not: proposals with their transforms and key
 * lengths, KE group and length, identities rendered (addresses, FQDN, DN),
 * traffic selectors, notify names with typed data, AUTH method and length,
 * nonce length, certificate encoding, length and subject. Never key
 * material; and no AUTH, KE, nonce, EAP or certificate bytes either: they
 * are noise to an operator and some (EAP responses) carry credentials.
 * Opaque data (unknown notifies, vendor IDs, unknown payloads) is shown as
 * hex, cut at 64 octets.
 */
import { AuthMethod, CertEncoding, NotifyType, PayloadType, ProtocolId } from './constants.ts';
import type { IkeMessage } from './message.ts';
import {
  AUTH_METHOD_NAMES,
  CERT_ENCODING_NAMES,
  CFG_TYPE_NAMES,
  CP_ATTRIBUTE_NAMES,
  EAP_CODE_SHORT_NAMES,
  EAP_TYPE_SHORT_NAMES,
  EXCHANGE_TYPE_NAMES,
  HASH_ALGORITHM_NAMES,
  ID_TYPE_NAMES,
  NOTIFY_NAMES,
  PAYLOAD_NAMES,
  PAYLOAD_SHORT_NAMES,
  PROTOCOL_NAMES,
  TS_TYPE_NAMES,
  dhGroupName,
  enumName,
  nameOr,
  transformName,
} from './names.ts';
import { splitDigitalSignature } from './payloads/authentication-payload.ts';
import { caKeyHashes } from './payloads/certificate-request-payload.ts';
import type { CpAttribute } from './payloads/configuration-payload.ts';
import {
  SIGNATURE_ALGORITHM_NAMES,
  algorithmIdentifierOid,
  certificateNames,
  formatDistinguishedName,
} from './payloads/der-name.ts';
import { viewEap } from './payloads/eap-payload.ts';
import { viewIdentification } from './payloads/identification-payload.ts';
import { formatIpv4, formatIpv6 } from './payloads/ip-address.ts';
import { viewNotify } from './payloads/notify-payload.ts';
import type { Payload } from './payloads/payload-chain.ts';
import { transformKeyLength, type Proposal } from './payloads/security-association-payload.ts';
import type { TrafficSelector } from './payloads/traffic-selector-payload.ts';
import { summarize } from './summarize.ts';

export type DescribeValue = string | number | boolean;

/** One line of the tree: a label, named values, and nested lines. */
export interface DescribeNode {
  readonly label: string;
  readonly fields?: Readonly<Record<string, DescribeValue>>;
  readonly children?: readonly DescribeNode[];
}

export interface MessageDescription {
  readonly summary: string;
  readonly header: {
    readonly initiatorSpi: string;
    readonly responderSpi: string;
    readonly exchangeType: number;
    readonly exchange: string;
    readonly messageId: number;
    readonly response: boolean;
    readonly flags: string;
  };
  readonly payloads: readonly DescribeNode[];
  readonly encrypted?: DescribeNode;
}

const HEX_LIMIT = 64;

export function hex(bytes: Uint8Array, limit = HEX_LIMIT): string {
  const shown = bytes.length > limit ? bytes.subarray(0, limit) : bytes;
  let out = '';
  for (const byte of shown) out += byte.toString(16).padStart(2, '0');
  return bytes.length > limit ? `${out}... (${bytes.length} bytes)` : out;
}

function spiText(spi: Uint8Array): string {
  return spi.length === 0 ? 'none' : `0x${hex(spi)}`;
}

function describeProposal(proposal: Proposal): DescribeNode {
  return {
    label: `proposal #${proposal.number} ${nameOr(PROTOCOL_NAMES, proposal.protocol, 'protocol')}`,
    fields: { spi: spiText(proposal.spi) },
    children: proposal.transforms.map((transform) => {
      const keyLength = transformKeyLength(transform);
      const others = transform.attributes.filter((a) => !(a.format === 'tv' && a.type === 14));
      return {
        label: transformName(transform.transformType, transform.transformId, keyLength),
        ...(others.length > 0
          ? {
              children: others.map((a) => ({
                label: `attribute ${a.type}`,
                fields: { value: a.format === 'tv' ? a.value : hex(a.value) },
              })),
            }
          : {}),
      };
    }),
  };
}

function describeSelector(selector: TrafficSelector): DescribeNode {
  if (selector.kind === 'opaque') {
    return { label: nameOr(TS_TYPE_NAMES, selector.tsType, 'TS type'), fields: { data: hex(selector.data) } };
  }
  return {
    label: `${selector.startAddress}-${selector.endAddress} proto ${selector.ipProtocol} ports ${selector.startPort}-${selector.endPort}`,
  };
}

function identityText(idType: number, data: Uint8Array): string {
  const view = viewIdentification({ idType, data });
  switch (view.kind) {
    case 'ipv4':
    case 'ipv6':
      return view.address;
    case 'fqdn':
    case 'rfc822':
      return view.name;
    case 'der_dn':
      return formatDistinguishedName(view.der) ?? hex(view.der);
    case 'der_gn':
      return hex(view.der);
    case 'key_id':
      return hex(view.keyId);
    case 'null':
      return '(null)';
    case 'opaque':
      return hex(view.data);
  }
}

function describeCpAttribute(attribute: CpAttribute): DescribeNode {
  const name = nameOr(CP_ATTRIBUTE_NAMES, attribute.type, 'attribute');
  const v = attribute.value;
  if (v.length === 0) return { label: name, fields: { value: '(requested)' } };
  let value: string;
  if (v.length === 4 && [1, 2, 3, 4, 6, 20].includes(attribute.type)) value = formatIpv4(v);
  else if (v.length === 8 && attribute.type === 13) value = `${formatIpv4(v)}/${formatIpv4(v.subarray(4))}`;
  else if (v.length === 16 && [10, 12, 21].includes(attribute.type)) value = formatIpv6(v);
  else if (v.length === 17 && [8, 15].includes(attribute.type)) value = `${formatIpv6(v)}/${v[16]}`;
  else value = hex(v);
  return { label: name, fields: { value } };
}

function describeNotifyData(payload: Extract<Payload, { type: typeof PayloadType.NOTIFY }>): Record<string, DescribeValue> {
  const view = viewNotify(payload);
  switch (view.kind) {
    case 'cookie':
      return { cookieLength: view.cookie.length };
    case 'nat_detection':
      return { hash: hex(view.hash) };
    case 'invalid_ke_payload':
      return { group: groupText(view.group) };
    case 'rekey_sa':
      return { rekeySpi: spiText(view.spi) };
    case 'signature_hash_algorithms':
      return { algorithms: view.algorithms.map((a) => nameOr(HASH_ALGORITHM_NAMES, a, 'hash')).join(', ') };
    case 'auth_lifetime':
      return { seconds: view.seconds };
    case 'additional_address':
      return { address: view.address };
    case 'set_window_size':
      return { windowSize: view.windowSize };
    case 'malformed':
      return { malformedData: hex(view.data) };
    case 'data':
      return view.data.length > 0 ? { data: hex(view.data) } : {};
  }
}

/** One payload as a tree node. */
export function describePayload(payload: Payload): DescribeNode {
  if (payload.type === 'unknown') {
    return {
      label: `UNKN(${payload.payloadType})`,
      fields: { critical: payload.critical, length: payload.data.length, data: hex(payload.data) },
    };
  }
  const label = enumName(PAYLOAD_SHORT_NAMES, payload.type);
  const critical: Record<string, DescribeValue> = payload.critical ? { critical: true } : {};
  switch (payload.type) {
    case PayloadType.SA:
      return { label, fields: critical, children: payload.proposals.map(describeProposal) };
    case PayloadType.KE:
      return { label, fields: { ...critical, group: groupText(payload.group), length: payload.data.length } };
    case PayloadType.IDi:
    case PayloadType.IDr:
      return {
        label,
        fields: { ...critical, type: nameOr(ID_TYPE_NAMES, payload.idType, 'ID type'), value: identityText(payload.idType, payload.data) },
      };
    case PayloadType.CERT: {
      const names = payload.encoding === CertEncoding.X509_SIGNATURE ? certificateNames(payload.data) : undefined;
      return {
        label,
        fields: {
          ...critical,
          encoding: nameOr(CERT_ENCODING_NAMES, payload.encoding, 'encoding'),
          length: payload.data.length,
          ...(names ? { subject: names.subject, issuer: names.issuer } : {}),
        },
      };
    }
    case PayloadType.CERTREQ: {
      const hashes = caKeyHashes(payload);
      return {
        label,
        fields: { ...critical, encoding: nameOr(CERT_ENCODING_NAMES, payload.encoding, 'encoding'), length: payload.authority.length },
        ...(hashes ? { children: hashes.map((h) => ({ label: 'CA key hash', fields: { sha1: hex(h) } })) } : {}),
      };
    }
    case PayloadType.AUTH: {
      const fields: Record<string, DescribeValue> = {
        ...critical,
        method: nameOr(AUTH_METHOD_NAMES, payload.method, 'method'),
        length: payload.data.length,
      };
      if (payload.method === AuthMethod.DIGITAL_SIGNATURE) {
        const parts = splitDigitalSignature(payload.data);
        const oid = parts ? algorithmIdentifierOid(parts.algorithmIdentifier) : undefined;
        if (oid) fields.signatureAlgorithm = SIGNATURE_ALGORITHM_NAMES.get(oid) ?? oid;
      }
      return { label, fields };
    }
    case PayloadType.NONCE:
      return { label, fields: { ...critical, length: payload.data.length } };
    case PayloadType.NOTIFY:
      return {
        label: `N(${nameOr(NOTIFY_NAMES, payload.notifyType, 'notify')})`,
        fields: {
          ...critical,
          type: payload.notifyType,
          ...(payload.protocol !== 0 ? { protocol: nameOr(PROTOCOL_NAMES, payload.protocol, 'protocol') } : {}),
          ...(payload.spi.length > 0 && payload.notifyType !== NotifyType.REKEY_SA ? { spi: spiText(payload.spi) } : {}),
          ...describeNotifyData(payload),
        },
      };
    case PayloadType.DELETE:
      return {
        label,
        fields: {
          ...critical,
          protocol: nameOr(PROTOCOL_NAMES, payload.protocol, 'protocol'),
          ...(payload.protocol === ProtocolId.IKE ? {} : { spis: payload.spis.map(spiText).join(', ') }),
        },
      };
    case PayloadType.VENDOR_ID:
      return { label, fields: { ...critical, data: hex(payload.data) } };
    case PayloadType.TSi:
    case PayloadType.TSr:
      return { label, fields: critical, children: payload.selectors.map(describeSelector) };
    case PayloadType.CP:
      return {
        label,
        fields: { ...critical, type: nameOr(CFG_TYPE_NAMES, payload.cfgType, 'CFG type') },
        children: payload.attributes.map(describeCpAttribute),
      };
    case PayloadType.EAP: {
      const eap = viewEap(payload.message);
      return {
        label,
        fields: {
          ...critical,
          code: enumName(EAP_CODE_SHORT_NAMES, eap.code),
          identifier: eap.identifier,
          ...(eap.eapType !== 0
            ? { method: eap.vendor !== 0 ? `${eap.eapType}-${eap.vendor}` : enumName(EAP_TYPE_SHORT_NAMES, eap.eapType) }
            : {}),
          length: payload.message.length,
        },
      };
    }
  }
}

function flagsText(message: IkeMessage): string {
  const { header } = message;
  const flags = [header.initiator ? 'I' : '', header.response ? 'R' : '', header.higherVersion ? 'V' : ''].filter(Boolean);
  return flags.length > 0 ? flags.join('') : '-';
}

function describeEncrypted(message: IkeMessage): DescribeNode | undefined {
  const encrypted = message.encrypted;
  if (!encrypted) return undefined;
  const name = encrypted.kind === 'sk' ? PayloadType.SK : PayloadType.SKF;
  const fragment: Record<string, DescribeValue> =
    encrypted.kind === 'skf' ? { fragment: `${encrypted.fragmentNumber}/${encrypted.totalFragments}` } : {};
  if (encrypted.state === 'decrypted') {
    if (encrypted.kind === 'sk') {
      return { label: PAYLOAD_NAMES.get(name)!, fields: { state: 'decrypted' }, children: encrypted.payloads.map(describePayload) };
    }
    return { label: PAYLOAD_NAMES.get(name)!, fields: { ...fragment, state: 'decrypted', plaintextLength: encrypted.plaintext.length } };
  }
  return {
    label: PAYLOAD_NAMES.get(name)!,
    fields: {
      ...fragment,
      state: encrypted.state,
      length: encrypted.body.length,
      ...(encrypted.firstPayload !== 0 ? { firstPayload: enumName(PAYLOAD_SHORT_NAMES, encrypted.firstPayload) } : {}),
      ...(encrypted.detail ? { detail: encrypted.detail } : {}),
    },
  };
}

/** "31 (curve25519)": rendered after the field name, so "group 31 (curve25519)". */
function groupText(group: number): string {
  return dhGroupName(group).replace(/^DH group /, '');
}

/** The JSON-able full decode of a message. */
export function describeMessage(message: IkeMessage): MessageDescription {
  const { header } = message;
  const encrypted = describeEncrypted(message);
  return {
    summary: summarize(message),
    header: {
      initiatorSpi: hex(header.initiatorSpi),
      responderSpi: hex(header.responderSpi),
      exchangeType: header.exchangeType,
      exchange: nameOr(EXCHANGE_TYPE_NAMES, header.exchangeType, 'exchange'),
      messageId: header.messageId,
      response: header.response,
      flags: flagsText(message),
    },
    payloads: message.payloads.map(describePayload),
    ...(encrypted ? { encrypted } : {}),
  };
}

function renderNode(node: DescribeNode, depth: number, lines: string[]): void {
  const entries = Object.entries(node.fields ?? {}).map(([key, value]) => `${key} ${String(value)}`);
  lines.push(`${'  '.repeat(depth)}${node.label}${entries.length > 0 ? `: ${entries.join(', ')}` : ''}`);
  for (const child of node.children ?? []) renderNode(child, depth + 1, lines);
}

/**
 * Text of a description: the summary line (unless `withSummary` is false,
 * as under a snoop entry that already shows it), the header, then one
 * indented line per node.
 */
export function renderDescription(description: MessageDescription, options: { withSummary?: boolean } = {}): string {
  const { header } = description;
  const lines = [
    ...(options.withSummary === false ? [] : [description.summary]),
    `  header: SPIi ${header.initiatorSpi} SPIr ${header.responderSpi}, ${header.exchange}, message id ${header.messageId}, flags ${header.flags}`,
  ];
  for (const payload of description.payloads) renderNode(payload, 1, lines);
  if (description.encrypted) renderNode(description.encrypted, 1, lines);
  return lines.join('\n');
}

/** `-full` text of a message. */
export function describeMessageText(message: IkeMessage, options: { withSummary?: boolean } = {}): string {
  return renderDescription(describeMessage(message), options);
}
