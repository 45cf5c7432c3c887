/**
 * Identities and certificates: what IKE_AUTH needs from an X.509
 * certificate's DER besides its key, and the translations between ID
 * payload content and the config's spelling of identities.
 *
 *   our certificate  --subject Name DER-->  IDi/IDr of type DER_ASN1_DN (localId "any")
 *   configured "dn"  --DN text encoder-->   DER_ASN1_DN (when it is not the certificate's subject)
 *   peer's ID        --config spelling-->   PeerCertificateInput.peerIdentity ({type:'dn', value:'C=SE, ...'})
 *   peer's CERT      --subjectAltName-->    identities it may be selected by (fqdn/email/ipv4/ipv6)
 *
 * Display-grade DER walking only (bounds-checked, undefined on malformed
 * input); the certificate subsystem (certs/) validates certificates.
 */
import { X509Certificate } from 'node:crypto';
import { IdType, derChildren, formatDistinguishedName, readDerTlv } from '@tunnelscope/ike';
import type { TunnelIdentity } from '@tunnelscope/api';
import { formatIpAddress } from '../config/ip-address.ts';
import { splitDistinguishedName, type PeerIdentity } from '../selection/identity-matcher.ts';

/** DER of the subject Name of an X.509 certificate (RFC 5280 §4.1.2.6), or undefined. */
export function certificateSubjectDer(certificate: Uint8Array): Uint8Array | undefined {
  const outer = readDerTlv(certificate, 0, certificate.length);
  if (!outer || outer.tag !== 0x30) return undefined;
  const tbs = derChildren(certificate, outer)?.[0];
  if (!tbs || tbs.tag !== 0x30) return undefined;
  const fields = derChildren(certificate, tbs);
  if (!fields) return undefined;
  // [0] version (optional), serialNumber, signature, issuer, validity, subject
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[offset + 4];
  return subject && subject.tag === 0x30 ? certificate.slice(subject.start, subject.end) : undefined;
}

const OID_OF_ATTRIBUTE: Record<string, number[]> = {
  CN: [2, 5, 4, 3],
  SN: [2, 5, 4, 4],
  SERIALNUMBER: [2, 5, 4, 5],
  C: [2, 5, 4, 6],
  L: [2, 5, 4, 7],
  ST: [2, 5, 4, 8],
  STREET: [2, 5, 4, 9],
  O: [2, 5, 4, 10],
  OU: [2, 5, 4, 11],
  T: [2, 5, 4, 12],
  G: [2, 5, 4, 42],
  DC: [0, 9, 2342, 19200300, 100, 1, 25],
  E: [1, 2, 840, 113549, 1, 9, 1],
  EMAIL: [1, 2, 840, 113549, 1, 9, 1],
  UID: [0, 9, 2342, 19200300, 100, 1, 1],
};

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  if (length < 0x100) return [0x81, length];
  return [0x82, length >> 8, length & 0xff];
}

function tlv(tag: number, content: number[]): number[] {
  return [tag, ...derLength(content.length), ...content];
}

function oidContent(arcs: number[]): number[] {
  const out = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const septets: number[] = [];
    let value = arc;
    do {
      septets.unshift(value & 0x7f);
      value = Math.floor(value / 128);
    } while (value > 0);
    for (let i = 0; i < septets.length - 1; i++) septets[i]! |= 0x80;
    out.push(...septets);
  }
  return out;
}

/**
 * DER of a DN written as text: one RDN per attribute, in the order written
 * (strongSwan's reading); C as PrintableString, DC and E as IA5String, the
 * rest UTF8String. Undefined for an unknown attribute name.
 */
export function encodeDistinguishedName(text: string): Uint8Array | undefined {
  const pairs = splitDistinguishedName(text);
  if (!pairs) return undefined;
  const rdns: number[] = [];
  for (const [type, value] of pairs) {
    const arcs = OID_OF_ATTRIBUTE[type.toUpperCase()];
    if (!arcs) return undefined;
    const upper = type.toUpperCase();
    const stringTag = upper === 'C' ? 0x13 : upper === 'DC' || upper === 'E' || upper === 'EMAIL' ? 0x16 : 0x0c;
    const attribute = tlv(0x30, [...tlv(0x06, oidContent(arcs)), ...tlv(stringTag, [...new TextEncoder().encode(value)])]);
    rdns.push(...tlv(0x31, attribute));
  }
  return Uint8Array.from(tlv(0x30, rdns));
}

function bytesToBigint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** A received ID payload in the config's spelling (what the certificate subsystem compares). */
export function peerIdentityAsConfig(identity: PeerIdentity): TunnelIdentity {
  const text = new TextDecoder().decode(identity.data);
  switch (identity.idType) {
    case IdType.IPV4_ADDR:
      return { type: 'ipv4', value: identity.data.length === 4 ? formatIpAddress({ family: 4, value: bytesToBigint(identity.data) }) : '' };
    case IdType.IPV6_ADDR:
      return { type: 'ipv6', value: identity.data.length === 16 ? formatIpAddress({ family: 6, value: bytesToBigint(identity.data) }) : '' };
    case IdType.FQDN:
      return { type: 'fqdn', value: text };
    case IdType.RFC822_ADDR:
      return { type: 'email', value: text };
    case IdType.DER_ASN1_DN:
      return { type: 'dn', value: formatDistinguishedName(identity.data) ?? '' };
    default:
      return { type: 'keyid', value: Array.from(identity.data, (b) => b.toString(16).padStart(2, '0')).join('') };
  }
}

/**
 * The subjectAltName entries of a certificate as identities (DNS -> fqdn,
 * email -> email, IP Address -> ipv4/ipv6); [] for no extension or DER that
 * does not parse.
 */
export function certificateSubjectAltNames(certificate: Uint8Array): TunnelIdentity[] {
  let text: string | undefined;
  try {
    text = new X509Certificate(certificate).subjectAltName;
  } catch {
    return [];
  }
  if (!text) return [];
  const identities: TunnelIdentity[] = [];
  for (const entry of text.split(/,\s*/)) {
    const colon = entry.indexOf(':');
    if (colon < 0) continue;
    const kind = entry.slice(0, colon).trim();
    const value = entry.slice(colon + 1).trim().replace(/^"|"$/g, '');
    if (kind === 'DNS') identities.push({ type: 'fqdn', value });
    else if (kind === 'email') identities.push({ type: 'email', value });
    else if (kind === 'IP Address') identities.push({ type: value.includes(':') ? 'ipv6' : 'ipv4', value });
  }
  return identities;
}
