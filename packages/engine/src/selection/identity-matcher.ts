/**
 * One identity matcher for tunnel selection and authentication: does the
 * identity a peer sent (IDi/IDr as received: ID Type + data) match the
 * identity configured for a tunnel?
 *
 * Rules, as strongSwan applies them:
 *  - `any` matches every identity.
 *  - ipv4 / ipv6: the same address.
 *  - fqdn / email (RFC822): case-insensitive equality; a configured value
 *    starting with "*" matches any received value ending with the rest
 *    ("*.example.com", "*@example.com"); "*" alone matches any value of
 *    that type.
 *  - keyid: the same bytes.
 *  - dn: attribute by attribute in order, values ignoring case, "*" a
 *    wildcard value (matchDistinguishedName; replaceable through
 *    `createIdentityMatcher({ dn })`).
 *  - identities carried by a certificate (subjectAltName): IKE_AUTH builds
 *    a matcher with `createIdentityMatcher({ subjectAltName })` from the
 *    peer's CERT (certificate-auth.ts); selection takes the matcher as a
 *    parameter.
 * The type must agree: an fqdn never matches an email or an address.
 */
import { IdType, formatDistinguishedName } from '@tunnelscope/ike';
import type { IdentityType, TunnelIdentity } from '@tunnelscope/api';
import { formatIpAddress, parseIpAddress } from '../config/ip-address.ts';

/** An identity as received in an ID payload. */
export interface PeerIdentity {
  readonly idType: number;
  readonly data: Uint8Array;
}

/** perfect > wildcard > any: how specific the configured identity that matched is. */
export type IdentityMatchQuality = 'perfect' | 'wildcard' | 'any' | 'none';

export interface IdentityMatch {
  readonly matched: boolean;
  readonly quality: IdentityMatchQuality;
  /** One phrase for the selection trace. */
  readonly reason: string;
}

export type IdentityMatcher = (configured: TunnelIdentity, received: PeerIdentity) => IdentityMatch;

export interface IdentityMatcherExtensions {
  /** Compare a configured DN ("C=SE, O=Example, CN=gw") with a received DER_ASN1_DN. */
  readonly dn?: (configuredDn: string, receivedDer: Uint8Array) => IdentityMatch;
  /**
   * Consulted when the types differ or no built-in rule matched (e.g. an
   * fqdn configured, a DN received with a certificate whose subjectAltName
   * carries the fqdn). Return undefined to leave the verdict unchanged.
   */
  readonly subjectAltName?: (configured: TunnelIdentity, received: PeerIdentity) => IdentityMatch | undefined;
}

/** The wire ID type of each configured identity type. */
export const ID_TYPE_OF_IDENTITY: Readonly<Record<Exclude<IdentityType, 'any'>, number>> = {
  ipv4: IdType.IPV4_ADDR,
  ipv6: IdType.IPV6_ADDR,
  fqdn: IdType.FQDN,
  email: IdType.RFC822_ADDR,
  keyid: IdType.KEY_ID,
  dn: IdType.DER_ASN1_DN,
};

const textDecoder = new TextDecoder('utf-8');
const textEncoder = new TextEncoder();

function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function bytesToBigint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** "fqdn:vpn.example.com", "ipv4:10.0.0.1", "keyid:0a0b", "dn:C=SE, O=Example, CN=gw" ("dn:<DER, 87 bytes>" if it does not decode) */
export function describePeerIdentity(identity: PeerIdentity): string {
  switch (identity.idType) {
    case IdType.IPV4_ADDR:
      return identity.data.length === 4
        ? `ipv4:${formatIpAddress({ family: 4, value: bytesToBigint(identity.data) })}`
        : `ipv4:<${identity.data.length} bytes>`;
    case IdType.IPV6_ADDR:
      return identity.data.length === 16
        ? `ipv6:${formatIpAddress({ family: 6, value: bytesToBigint(identity.data) })}`
        : `ipv6:<${identity.data.length} bytes>`;
    case IdType.FQDN:
      return `fqdn:${textDecoder.decode(identity.data)}`;
    case IdType.RFC822_ADDR:
      return `email:${textDecoder.decode(identity.data)}`;
    case IdType.KEY_ID:
      return `keyid:${bytesToHex(identity.data)}`;
    case IdType.DER_ASN1_DN:
      return `dn:${formatDistinguishedName(identity.data) || `<DER, ${identity.data.length} bytes>`}`;
    default:
      return `id-type-${identity.idType}:<${identity.data.length} bytes>`;
  }
}

export function describeTunnelIdentity(identity: TunnelIdentity): string {
  return identity.type === 'any' ? 'any' : `${identity.type}:${identity.value}`;
}

/**
 * The ID payload content a configured identity is sent as (our IDi/IDr).
 * Undefined for `any` and `dn` (a DN needs the certificate module's DER
 * encoder) and for values that do not parse.
 */
export function identityToWire(identity: TunnelIdentity): PeerIdentity | undefined {
  switch (identity.type) {
    case 'ipv4':
    case 'ipv6': {
      const bytes = identity.type === 'ipv4' ? 4 : 16;
      const address = parseAddressForIdentity(identity.value, identity.type === 'ipv4' ? 4 : 6);
      if (address === undefined) return undefined;
      const data = new Uint8Array(bytes);
      let value = address;
      for (let i = bytes - 1; i >= 0; i--) {
        data[i] = Number(value & 0xffn);
        value >>= 8n;
      }
      return { idType: ID_TYPE_OF_IDENTITY[identity.type], data };
    }
    case 'fqdn':
    case 'email':
      return { idType: ID_TYPE_OF_IDENTITY[identity.type], data: textEncoder.encode(identity.value) };
    case 'keyid': {
      if (!/^([0-9a-fA-F]{2})+$/.test(identity.value)) return undefined;
      const data = Uint8Array.from(identity.value.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
      return { idType: IdType.KEY_ID, data };
    }
    case 'dn':
    case 'any':
      return undefined;
  }
}

function parseAddressForIdentity(text: string, family: 4 | 6): bigint | undefined {
  const parsed = parseIpAddress(text);
  return parsed !== undefined && parsed.family === family ? parsed.value : undefined;
}

const NO_MATCH = (reason: string): IdentityMatch => ({ matched: false, quality: 'none', reason });

export /** "C=SE, O=Example, CN=gw" split into [type, value] pairs (`\,` escapes a comma). */
function splitDistinguishedName(text: string): Array<[string, string]> | undefined {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
    } else if (ch === ',' || ch === '/') {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  const pairs: Array<[string, string]> = [];
  for (const part of parts) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    pairs.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
  }
  return pairs.length > 0 ? pairs : undefined;
}

/**
 * A configured DN against a received DER_ASN1_DN, as strongSwan compares
 * them: the same attributes in the same order, values equal ignoring case
 * and surrounding blanks; a configured value "*" matches any value of its
 * attribute (a wildcard match).
 */
export function matchDistinguishedName(configuredDn: string, receivedDer: Uint8Array): IdentityMatch {
  const receivedText = formatDistinguishedName(receivedDer);
  if (receivedText === undefined) return NO_MATCH(`received DN does not decode (${receivedDer.length} bytes)`);
  const configured = splitDistinguishedName(configuredDn);
  const received = splitDistinguishedName(receivedText);
  if (!configured || !received) return NO_MATCH(`configured DN "${configuredDn}" does not parse`);
  const equal = configured.length === received.length && configured.every(([type, value], i) => {
    const [rType, rValue] = received[i]!;
    return type.toUpperCase() === rType.toUpperCase() && (value === '*' || value.toLowerCase() === rValue.toLowerCase());
  });
  if (!equal) return NO_MATCH(`dn "${receivedText}" is not "${configuredDn}"`);
  const wildcard = configured.some(([, value]) => value === '*');
  return { matched: true, quality: wildcard ? 'wildcard' : 'perfect', reason: wildcard ? `dn "${receivedText}" matches "${configuredDn}"` : `dn "${receivedText}" equals the configured one` };
}

function matchString(configured: string, received: string, typeName: string): IdentityMatch {
  if (configured.toLowerCase() === received.toLowerCase()) {
    return { matched: true, quality: 'perfect', reason: `${typeName} "${received}" equals the configured one` };
  }
  if (configured.startsWith('*')) {
    const suffix = configured.slice(1).toLowerCase();
    if (suffix === '') return { matched: true, quality: 'any', reason: `"*" matches every ${typeName}` };
    if (received.length >= suffix.length && received.toLowerCase().endsWith(suffix)) {
      return { matched: true, quality: 'wildcard', reason: `${typeName} "${received}" matches "${configured}"` };
    }
  }
  return NO_MATCH(`${typeName} "${received}" is not "${configured}"`);
}

export function createIdentityMatcher(extensions: IdentityMatcherExtensions = {}): IdentityMatcher {
  const builtIn = (configured: TunnelIdentity, received: PeerIdentity): IdentityMatch => {
    if (configured.type === 'any') {
      return { matched: true, quality: 'any', reason: `remote identity "any" matches ${describePeerIdentity(received)}` };
    }
    const expectedType = ID_TYPE_OF_IDENTITY[configured.type];
    if (received.idType !== expectedType) {
      return NO_MATCH(`received ${describePeerIdentity(received)}, configured ${describeTunnelIdentity(configured)}`);
    }
    switch (configured.type) {
      case 'ipv4':
      case 'ipv6': {
        const expected = identityToWire(configured);
        const same =
          expected !== undefined &&
          expected.data.length === received.data.length &&
          expected.data.every((byte, i) => byte === received.data[i]);
        return same
          ? { matched: true, quality: 'perfect', reason: `${describePeerIdentity(received)} equals the configured address` }
          : NO_MATCH(`received ${describePeerIdentity(received)}, configured ${describeTunnelIdentity(configured)}`);
      }
      case 'fqdn':
        return matchString(configured.value, textDecoder.decode(received.data), 'fqdn');
      case 'email':
        return matchString(configured.value, textDecoder.decode(received.data), 'email');
      case 'keyid': {
        const receivedHex = bytesToHex(received.data);
        return receivedHex === configured.value.toLowerCase()
          ? { matched: true, quality: 'perfect', reason: `keyid ${receivedHex} equals the configured one` }
          : NO_MATCH(`keyid ${receivedHex} is not ${configured.value.toLowerCase()}`);
      }
      case 'dn':
        return (extensions.dn ?? matchDistinguishedName)(configured.value, received.data);
    }
  };
  return (configured, received) => {
    const verdict = builtIn(configured, received);
    if (verdict.matched || extensions.subjectAltName === undefined) return verdict;
    return extensions.subjectAltName(configured, received) ?? verdict;
  };
}

/** The matcher with the built-in rules (DNs compared by matchDistinguishedName; no certificate subjectAltNames). */
export const matchIdentity: IdentityMatcher = createIdentityMatcher();
