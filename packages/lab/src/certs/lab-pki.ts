/**
 * The lab's PKI, generated when the lab's certificate infrastructure starts
 * (nothing private is ever committed): ECDSA P-256 CAs, gateway
 * certificates and CRLs, in PEM for the engine's certificate directory
 * (`name.cer` + `name.key`, CA certificates in `ca/name.cer`).
 *
 *   createLabCa(subject, validity)                      self-signed, CA:TRUE, keyCertSign + cRLSign
 *   issueGatewayCertificate(ca, { subject, validity, crlUrl })   end entity, digitalSignature
 *   createLabCrl(ca, { revoked, thisUpdate, nextUpdate })        X.509 v2 CRL (RFC 5280 5)
 */
import { KeyObject, randomBytes } from 'node:crypto';
import { subtle, x509 } from './x509.ts';

const SIGNING: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const KEY_ALGORITHM: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface LabCertificate {
  readonly subject: string;
  readonly issuer: string;
  /** Lower-case hex. */
  readonly serialNumber: string;
  readonly der: Uint8Array;
  readonly keys: CryptoKeyPair;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function randomSerial(): string {
  const bytes = randomBytes(8);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01; // positive, no leading zero octet
  return bytes.toString('hex');
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function toLabCertificate(certificate: x509.X509Certificate, keys: CryptoKeyPair): LabCertificate {
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber.toLowerCase(),
    der: new Uint8Array(certificate.rawData),
    keys,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}

/** A self-signed root CA (basicConstraints CA:TRUE, keyUsage keyCertSign + cRLSign). */
export async function createLabCa(subject: string, validity: Validity): Promise<LabCertificate> {
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: subject,
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    keys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return toLabCertificate(certificate, keys);
}

export interface GatewayCertificateSpec {
  readonly subject: string;
  readonly validity: Validity;
  /** cRLDistributionPoints (one HTTP URL); omitted when undefined. */
  readonly crlUrl?: string;
}

/** A gateway (end-entity) certificate: CA:FALSE, keyUsage digitalSignature, signed by `ca`. */
export async function issueGatewayCertificate(ca: LabCertificate, spec: GatewayCertificateSpec): Promise<LabCertificate> {
  const keys = await generateKeys();
  const caCertificate = new x509.X509Certificate(new Uint8Array(ca.der));
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(caCertificate),
  ];
  if (spec.crlUrl !== undefined) extensions.push(new x509.CRLDistributionPointsExtension([spec.crlUrl]));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: spec.subject,
    issuer: caCertificate.subjectName,
    notBefore: spec.validity.notBefore,
    notAfter: spec.validity.notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: SIGNING,
    extensions,
  });
  return toLabCertificate(certificate, keys);
}

export interface RevocationEntry {
  readonly serialNumber: string;
  readonly date: Date;
  readonly reason: 'keyCompromise' | 'certificateHold' | 'superseded';
}

/** A CRL of `ca` (RFC 5280 5.1) listing `revoked`. */
export async function createLabCrl(ca: LabCertificate, options: { revoked: readonly RevocationEntry[]; thisUpdate: Date; nextUpdate: Date }): Promise<Uint8Array> {
  const caCertificate = new x509.X509Certificate(new Uint8Array(ca.der));
  const crl = await x509.X509CrlGenerator.create({
    issuer: caCertificate.subjectName,
    thisUpdate: options.thisUpdate,
    nextUpdate: options.nextUpdate,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: SIGNING,
    entries: options.revoked.map((entry) => ({ serialNumber: entry.serialNumber, revocationDate: entry.date, reason: x509.X509CrlReason[entry.reason] })),
  });
  return new Uint8Array(crl.rawData);
}

function pemWrap(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`;
}

export function certificatePem(certificate: LabCertificate): string {
  return pemWrap('CERTIFICATE', certificate.der);
}

/** PKCS#8 PEM of the certificate's private key (written with mode 0600, never logged). */
export function privateKeyPem(certificate: LabCertificate): string {
  const der = KeyObject.from(certificate.keys.privateKey).export({ format: 'der', type: 'pkcs8' });
  return pemWrap('PRIVATE KEY', new Uint8Array(der));
}
