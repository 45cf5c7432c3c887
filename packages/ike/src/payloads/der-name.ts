/**
 * Just enough DER (X.690) to render what `-full` snoop shows: an X.501
 * Name as "C=SE, O=Clavister, OU=R&D, CN=TTG" (the separator strongSwan
 * and the seed's `ike -certshow` use), the subject and issuer of an X.509
 * certificate, and the OID of an AlgorithmIdentifier. Every reader returns
 * undefined on malformed input instead of throwing: these are display
 * helpers, not validators.
 */

/** One DER tag-length-value: offsets into the bytes it was read from. */
export interface DerTlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

const TAG_SEQUENCE = 0x30;
const TAG_SET = 0x31;
const TAG_OID = 0x06;
const TAG_INTEGER = 0x02;
const TAG_CONTEXT_0 = 0xa0;

/** The TLV at `at`, within `limit`; undefined when it is malformed or runs past the limit (never throws). */
export function readDerTlv(bytes: Uint8Array, at: number, limit: number): DerTlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = bytes[at]!;
  if ((tag & 0x1f) === 0x1f) return undefined; // multi-byte tags never occur in names
  let length = bytes[at + 1]!;
  let contentStart = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 3 || contentStart + octets > limit) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = (length << 8) | bytes[contentStart + i]!;
    contentStart += octets;
  }
  const end = contentStart + length;
  if (end > limit) return undefined;
  return { tag, start: at, contentStart, end };
}

/** The TLVs inside a constructed TLV, or undefined when one of them is malformed. */
export function derChildren(bytes: Uint8Array, parent: DerTlv): DerTlv[] | undefined {
  const out: DerTlv[] = [];
  let at = parent.contentStart;
  while (at < parent.end) {
    const child = readDerTlv(bytes, at, parent.end);
    if (!child) return undefined;
    out.push(child);
    at = child.end;
  }
  return out;
}

/** Dotted text of a DER OID's content octets. */
export function decodeOid(content: Uint8Array): string | undefined {
  if (content.length === 0) return undefined;
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < content.length; i++) {
    const byte = content[i]!;
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) return undefined;
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    } else if (i === content.length - 1) {
      return undefined;
    }
  }
  return arcs.join('.');
}

/** Short attribute names as strongSwan prints DNs. */
const ATTRIBUTE_NAMES: ReadonlyMap<string, string> = new Map([
  ['2.5.4.3', 'CN'],
  ['2.5.4.4', 'SN'],
  ['2.5.4.5', 'serialNumber'],
  ['2.5.4.6', 'C'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.9', 'street'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.12', 'T'],
  ['2.5.4.42', 'G'],
  ['2.5.4.43', 'I'],
  ['2.5.4.46', 'dnQualifier'],
  ['0.9.2342.19200300.100.1.1', 'UID'],
  ['0.9.2342.19200300.100.1.25', 'DC'],
  ['1.2.840.113549.1.9.1', 'E'],
]);

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

function decodeString(bytes: Uint8Array, tlv: DerTlv): string {
  const content = bytes.subarray(tlv.contentStart, tlv.end);
  switch (tlv.tag) {
    case 0x0c: // UTF8String
      return utf8.decode(content);
    case 0x1e: {
      // BMPString: UTF-16BE
      let out = '';
      for (let i = 0; i + 1 < content.length; i += 2) out += String.fromCharCode((content[i]! << 8) | content[i + 1]!);
      return out;
    }
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x14: // T61String
      return latin1.decode(content);
    default:
      return `#${Array.from(bytes.subarray(tlv.start, tlv.end), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
}

function renderName(bytes: Uint8Array, name: DerTlv): string | undefined {
  if (name.tag !== TAG_SEQUENCE) return undefined;
  const rdns = derChildren(bytes, name);
  if (!rdns) return undefined;
  const parts: string[] = [];
  for (const rdn of rdns) {
    if (rdn.tag !== TAG_SET) return undefined;
    const attributes = derChildren(bytes, rdn);
    if (!attributes) return undefined;
    for (const attribute of attributes) {
      const fields = attribute.tag === TAG_SEQUENCE ? derChildren(bytes, attribute) : undefined;
      const oidTlv = fields?.[0];
      const valueTlv = fields?.[1];
      if (!oidTlv || !valueTlv || oidTlv.tag !== TAG_OID) return undefined;
      const oid = decodeOid(bytes.subarray(oidTlv.contentStart, oidTlv.end));
      if (!oid) return undefined;
      parts.push(`${ATTRIBUTE_NAMES.get(oid) ?? oid}=${decodeString(bytes, valueTlv)}`);
    }
  }
  return parts.join(', ');
}

/** "C=SE, O=Clavister, CN=TTG" from a DER Name, or undefined if it is not one. */
export function formatDistinguishedName(der: Uint8Array): string | undefined {
  const name = readDerTlv(der, 0, der.length);
  if (!name || name.end !== der.length) return undefined;
  return renderName(der, name);
}

/** Subject and issuer of a DER X.509 certificate. */
export function certificateNames(der: Uint8Array): { subject: string; issuer: string } | undefined {
  const certificate = readDerTlv(der, 0, der.length);
  if (!certificate || certificate.tag !== TAG_SEQUENCE) return undefined;
  const tbs = derChildren(der, certificate)?.[0];
  if (!tbs || tbs.tag !== TAG_SEQUENCE) return undefined;
  const fields = derChildren(der, tbs);
  if (!fields) return undefined;
  let i = fields[0]?.tag === TAG_CONTEXT_0 ? 1 : 0; // optional [0] version
  if (fields[i]?.tag !== TAG_INTEGER) return undefined;
  i += 2; // serialNumber, signature AlgorithmIdentifier
  const issuerTlv = fields[i];
  const subjectTlv = fields[i + 2]; // skip validity
  if (!issuerTlv || !subjectTlv) return undefined;
  const issuer = renderName(der, issuerTlv);
  const subject = renderName(der, subjectTlv);
  if (issuer === undefined || subject === undefined) return undefined;
  return { subject, issuer };
}

/** The algorithm OID of a DER AlgorithmIdentifier. */
export function algorithmIdentifierOid(der: Uint8Array): string | undefined {
  const sequence = readDerTlv(der, 0, der.length);
  if (!sequence || sequence.tag !== TAG_SEQUENCE) return undefined;
  const oid = derChildren(der, sequence)?.[0];
  if (!oid || oid.tag !== TAG_OID) return undefined;
  return decodeOid(der.subarray(oid.contentStart, oid.end));
}

/** Names of the signature algorithms RFC 7427 peers use. */
export const SIGNATURE_ALGORITHM_NAMES: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.1.1.5', 'sha1WithRSAEncryption'],
  ['1.2.840.113549.1.1.10', 'RSASSA-PSS'],
  ['1.2.840.113549.1.1.11', 'sha256WithRSAEncryption'],
  ['1.2.840.113549.1.1.12', 'sha384WithRSAEncryption'],
  ['1.2.840.113549.1.1.13', 'sha512WithRSAEncryption'],
  ['1.2.840.10045.4.1', 'ecdsa-with-SHA1'],
  ['1.2.840.10045.4.3.2', 'ecdsa-with-SHA256'],
  ['1.2.840.10045.4.3.3', 'ecdsa-with-SHA384'],
  ['1.2.840.10045.4.3.4', 'ecdsa-with-SHA512'],
  ['1.3.101.112', 'Ed25519'],
  ['1.3.101.113', 'Ed448'],
]);
