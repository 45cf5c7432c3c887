/**
 * X.509 certificates (RFC 5280) as the certificate subsystem uses them:
 * PEM or DER in, one `ParsedCertificate` out with the names in the seed's
 * spelling (issuer/subject in certificate order, via @tunnelscope/ike's
 * der-name), serial, validity, subjectAltName entries in IKE identity
 * spelling, basicConstraints, keyUsage, extendedKeyUsage,
 * cRLDistributionPoints, key type and size, fingerprints, and a
 * human-readable view of every extension. node:crypto's X509Certificate
 * supplies the public key and signature checks; @peculiar/x509 the
 * extensions. Parse failures throw CertificateParseError saying what failed.
 */
import { X509Certificate as NodeX509Certificate, createHash, type KeyObject } from 'node:crypto';
import { certificateNames } from '@tunnelscope/ike';
import type { CertificateExtensionView } from '@tunnelscope/api';
import { formatIpAddress, parseIpAddress } from '../config/ip-address.ts';
import { x509 } from './x509.ts';

export class CertificateParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateParseError';
  }
}

export type SubjectAltNameType = 'fqdn' | 'email' | 'ipv4' | 'ipv6' | 'uri' | 'dn';
export interface SubjectAltName {
  readonly type: SubjectAltNameType;
  readonly value: string;
}

/** keyUsage bit names (RFC 5280 4.2.1.3) in bit order. */
export const KEY_USAGE_NAMES: readonly (readonly [number, string])[] = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
  [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

/** extendedKeyUsage purposes by OID (RFC 5280 4.2.1.12, RFC 4945 5.1.3.12). */
export const EXTENDED_KEY_USAGE_NAMES: ReadonlyMap<string, string> = new Map([
  ['2.5.29.37.0', 'anyExtendedKeyUsage'],
  ['1.3.6.1.5.5.7.3.1', 'serverAuth'],
  ['1.3.6.1.5.5.7.3.2', 'clientAuth'],
  ['1.3.6.1.5.5.7.3.3', 'codeSigning'],
  ['1.3.6.1.5.5.7.3.4', 'emailProtection'],
  ['1.3.6.1.5.5.7.3.5', 'ipsecEndSystem'],
  ['1.3.6.1.5.5.7.3.6', 'ipsecTunnel'],
  ['1.3.6.1.5.5.7.3.7', 'ipsecUser'],
  ['1.3.6.1.5.5.7.3.8', 'timeStamping'],
  ['1.3.6.1.5.5.7.3.9', 'OCSPSigning'],
  ['1.3.6.1.5.5.7.3.17', 'ipsecIKE'],
]);

const EXTENSION_NAMES: ReadonlyMap<string, string> = new Map([
  ['2.5.29.19', 'basicConstraints'],
  ['2.5.29.15', 'keyUsage'],
  ['2.5.29.37', 'extendedKeyUsage'],
  ['2.5.29.17', 'subjectAltName'],
  ['2.5.29.18', 'issuerAltName'],
  ['2.5.29.31', 'cRLDistributionPoints'],
  ['2.5.29.14', 'subjectKeyIdentifier'],
  ['2.5.29.35', 'authorityKeyIdentifier'],
  ['2.5.29.32', 'certificatePolicies'],
  ['1.3.6.1.5.5.7.1.1', 'authorityInfoAccess'],
]);

export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly node: NodeX509Certificate;
  readonly subject: string;
  readonly issuer: string;
  /** Lower-case hex, as the certificate encodes it. */
  readonly serialNumber: string;
  readonly notBefore: number;
  readonly notAfter: number;
  /** basicConstraints present. */
  readonly hasBasicConstraints: boolean;
  readonly isCa: boolean;
  /** keyUsage bit names, undefined when the extension is absent. */
  readonly keyUsage: readonly string[] | undefined;
  /** extendedKeyUsage OIDs, undefined when the extension is absent. */
  readonly extendedKeyUsage: readonly string[] | undefined;
  readonly subjectAltNames: readonly SubjectAltName[];
  readonly crlDistributionPoints: readonly string[];
  readonly keyType: string;
  readonly publicKey: KeyObject;
  readonly fingerprintSha256: string;
  readonly fingerprintSha1: string;
  readonly extensions: readonly CertificateExtensionView[];
  readonly selfIssued: boolean;
  readonly pem: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** PEM blocks of a text, each as { label, der }. */
export function pemBlocks(text: string): { label: string; der: Uint8Array }[] {
  const blocks: { label: string; der: Uint8Array }[] = [];
  for (const match of text.matchAll(PEM_BLOCK)) {
    const body = match[2]!.replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw new CertificateParseError(`PEM block "${match[1]}" is not valid base64`);
    blocks.push({ label: match[1]!, der: new Uint8Array(Buffer.from(body, 'base64')) });
  }
  return blocks;
}

export function looksLikePem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, Math.min(bytes.length, 4096))).toString('latin1').includes('-----BEGIN ');
}

/**
 * Every certificate in a file or upload: PEM (one or more CERTIFICATE
 * blocks; the first is the end entity, the rest its chain) or one DER.
 */
export function parseCertificates(input: Uint8Array): ParsedCertificate[] {
  if (input.length === 0) throw new CertificateParseError('empty: no certificate');
  if (looksLikePem(input)) {
    const blocks = pemBlocks(Buffer.from(input).toString('latin1'));
    const certificates = blocks.filter((block) => block.label === 'CERTIFICATE' || block.label === 'X509 CERTIFICATE');
    if (certificates.length === 0) {
      const labels = blocks.map((block) => block.label).join(', ');
      throw new CertificateParseError(`no PEM CERTIFICATE block${labels === '' ? '' : ` (found ${labels})`}`);
    }
    return certificates.map((block, index) => parseCertificateDer(block.der, `PEM certificate #${index + 1}`));
  }
  return [parseCertificateDer(input, 'DER certificate')];
}

function keyTypeOf(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return `RSA-${details.modulusLength ?? '?'}`;
    case 'rsa-pss':
      return `RSA-PSS-${details.modulusLength ?? '?'}`;
    case 'ec': {
      const curve = details.namedCurve ?? '?';
      const names: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
      return `ECDSA ${names[curve] ?? curve}`;
    }
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      return key.asymmetricKeyType ?? 'unknown';
  }
}

function subjectAltNamesOf(certificate: x509.X509Certificate): SubjectAltName[] {
  const extension = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  if (!extension) return [];
  const names: SubjectAltName[] = [];
  for (const name of extension.names.items) {
    switch (name.type) {
      case 'dns':
        names.push({ type: 'fqdn', value: name.value });
        break;
      case 'email':
        names.push({ type: 'email', value: name.value });
        break;
      case 'ip': {
        const address = parseIpAddress(name.value);
        if (address === undefined) names.push({ type: 'ipv4', value: name.value });
        else {
          const text = formatIpAddress(address);
          names.push({ type: text.includes(':') ? 'ipv6' : 'ipv4', value: text });
        }
        break;
      }
      case 'url':
        names.push({ type: 'uri', value: name.value });
        break;
      case 'dn':
        names.push({ type: 'dn', value: name.value });
        break;
      default:
        break;
    }
  }
  return names;
}

function crlDistributionPointsOf(certificate: x509.X509Certificate): string[] {
  const extension = certificate.getExtension(x509.CRLDistributionPointsExtension);
  if (!extension) return [];
  const urls: string[] = [];
  for (const point of extension.distributionPoints) {
    for (const name of point.distributionPoint?.fullName ?? []) {
      if (name.uniformResourceIdentifier !== undefined) urls.push(name.uniformResourceIdentifier);
    }
  }
  return urls;
}

function keyUsageNames(flags: number): string[] {
  return KEY_USAGE_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}

function describeExtension(extension: x509.Extension, parsed: {
  isCa: boolean;
  pathLength: number | undefined;
  keyUsage: readonly string[] | undefined;
  extendedKeyUsage: readonly string[] | undefined;
  subjectAltNames: readonly SubjectAltName[];
  crlDistributionPoints: readonly string[];
}): CertificateExtensionView {
  const name = EXTENSION_NAMES.get(extension.type) ?? extension.type;
  let value: string;
  switch (name) {
    case 'basicConstraints':
      value = parsed.isCa ? `CA:TRUE${parsed.pathLength === undefined ? '' : `, pathlen:${parsed.pathLength}`}` : 'CA:FALSE';
      break;
    case 'keyUsage':
      value = (parsed.keyUsage ?? []).join(', ');
      break;
    case 'extendedKeyUsage':
      value = (parsed.extendedKeyUsage ?? []).map((oid) => EXTENDED_KEY_USAGE_NAMES.get(oid) ?? oid).join(', ');
      break;
    case 'subjectAltName':
      value = parsed.subjectAltNames.map((san) => `${san.type}:${san.value}`).join(', ');
      break;
    case 'cRLDistributionPoints':
      value = parsed.crlDistributionPoints.join(', ');
      break;
    default:
      value = Buffer.from(extension.value).toString('hex');
  }
  return { oid: extension.type, name, critical: extension.critical, value };
}

function toPem(der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** One DER certificate; `what` names it in errors ("DER certificate", "PEM certificate #2"). */
export function parseCertificateDer(der: Uint8Array, what = 'certificate'): ParsedCertificate {
  let node: NodeX509Certificate;
  let peculiar: x509.X509Certificate;
  try {
    node = new NodeX509Certificate(Buffer.from(der));
  } catch (error) {
    throw new CertificateParseError(`${what} is not an X.509 certificate (${(error as Error).message})`);
  }
  try {
    peculiar = new x509.X509Certificate(new Uint8Array(der));
  } catch (error) {
    throw new CertificateParseError(`${what}: cannot decode its extensions (${(error as Error).message})`);
  }
  const names = certificateNames(der);
  const subject = names?.subject ?? peculiar.subject;
  const issuer = names?.issuer ?? peculiar.issuer;
  const basic = peculiar.getExtension(x509.BasicConstraintsExtension);
  const usage = peculiar.getExtension(x509.KeyUsagesExtension);
  const extended = peculiar.getExtension(x509.ExtendedKeyUsageExtension);
  const keyUsage = usage ? keyUsageNames(usage.usages) : undefined;
  const extendedKeyUsage = extended ? extended.usages.map((oid) => String(oid)) : undefined;
  const subjectAltNames = subjectAltNamesOf(peculiar);
  const crlDistributionPoints = crlDistributionPointsOf(peculiar);
  const isCa = basic?.ca === true;
  const summary = { isCa, pathLength: basic?.pathLength, keyUsage, extendedKeyUsage, subjectAltNames, crlDistributionPoints };
  const publicKey = node.publicKey;
  return {
    der: new Uint8Array(der),
    node,
    subject,
    issuer,
    serialNumber: peculiar.serialNumber.toLowerCase(),
    notBefore: peculiar.notBefore.getTime(),
    notAfter: peculiar.notAfter.getTime(),
    hasBasicConstraints: basic !== null,
    isCa,
    keyUsage,
    extendedKeyUsage,
    subjectAltNames,
    crlDistributionPoints,
    keyType: keyTypeOf(publicKey),
    publicKey,
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
    fingerprintSha1: createHash('sha1').update(der).digest('hex'),
    extensions: peculiar.extensions.map((extension) => describeExtension(extension, summary)),
    selfIssued: subject === issuer,
    pem: toPem(der),
  };
}

/** Does `issuer`'s key verify `certificate`'s signature (RSA PKCS#1 v1.5 / PSS, ECDSA, EdDSA via OpenSSL)? */
export function signatureVerifies(certificate: ParsedCertificate, issuer: ParsedCertificate): boolean {
  try {
    return certificate.node.verify(issuer.publicKey);
  } catch {
    return false;
  }
}
