/**
 * A test PKI generated at test time (nothing private is committed): CAs,
 * end-entity and intermediate certificates, CRLs, PEM/DER writers and a
 * writer for the engine's certificate directory layout
 * (name.cer + name.key, ca/name.cer). Built on @peculiar/x509 + WebCrypto.
 *
 *   const ca = await createCa({ subject: 'DC=local, DC=lab, CN=labsrv' });
 *   const gw = await issueCertificate({ ca, subject: 'C=SE, O=Clavister, OU=R&D, CN=TTG',
 *     sans: ['fqdn:gw.lab.local'], crlUrl: 'http://ca.lab.local/labsrv.crl' });
 *   const crl = await createCrl({ ca, revoked: [{ serial: gw.serialNumber, date }] });
 *   await writeCertificateDirectory(dir, { local: [{ name: 'gw', certificate: gw }], cas: [{ name: 'labsrv', certificate: ca }] });
 */
import { KeyObject, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { subtle, x509 } from './x509-provider.ts';

export type TestKeyType = 'ecdsa-p256' | 'ecdsa-p384' | 'rsa-2048' | 'rsa-pss-2048';

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign';

export type ExtendedKeyUsageName = 'serverAuth' | 'clientAuth' | 'ipsecIKE' | 'anyExtendedKeyUsage' | 'emailProtection' | 'codeSigning';

const EKU_OIDS: Readonly<Record<ExtendedKeyUsageName, string>> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  ipsecIKE: '1.3.6.1.5.5.7.3.17',
  anyExtendedKeyUsage: '2.5.29.37.0',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  codeSigning: '1.3.6.1.5.5.7.3.3',
};

export interface TestCertificate {
  readonly subject: string;
  readonly issuer: string;
  /** Lower-case hex. */
  readonly serialNumber: string;
  readonly der: Uint8Array;
  readonly pem: string;
  readonly keys: CryptoKeyPair;
  readonly keyType: TestKeyType;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A CA: a certificate whose key signs certificates and CRLs. */
export type TestCa = TestCertificate;

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

const DAY_MS = 86_400_000;
/** Default validity: 2026-01-01 .. 2028-01-01, around ManualClock's default start (2026-01-01 12:00 UTC). */
export const DEFAULT_VALIDITY: Validity = { notBefore: new Date(Date.UTC(2025, 11, 1)), notAfter: new Date(Date.UTC(2028, 0, 1)) };

function keyAlgorithm(keyType: TestKeyType): RsaHashedKeyGenParams | EcKeyGenParams {
  switch (keyType) {
    case 'ecdsa-p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ecdsa-p384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
    case 'rsa-2048':
      return { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    case 'rsa-pss-2048':
      return { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  }
}

/** The algorithm a key of `keyType` signs with (RSA PKCS#1 v1.5 / PSS with SHA-256, ECDSA with SHA-256/384). */
function signingAlgorithm(keyType: TestKeyType): Algorithm | EcdsaParams | RsaPssParams {
  switch (keyType) {
    case 'ecdsa-p256':
      return { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams;
    case 'ecdsa-p384':
      return { name: 'ECDSA', hash: 'SHA-384' } as EcdsaParams;
    case 'rsa-2048':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm;
    case 'rsa-pss-2048':
      return { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32 } as RsaPssParams;
  }
}

export async function generateKeys(keyType: TestKeyType = 'ecdsa-p256'): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(keyAlgorithm(keyType), true, ['sign', 'verify'])) as CryptoKeyPair;
}

function randomSerial(): string {
  const bytes = randomBytes(8);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01; // positive, no leading zero octet
  return bytes.toString('hex');
}

function toTestCertificate(certificate: x509.X509Certificate, keys: CryptoKeyPair, keyType: TestKeyType): TestCertificate {
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber.toLowerCase(),
    der: new Uint8Array(certificate.rawData),
    pem: `${certificate.toString('pem')}\n`,
    keys,
    keyType,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}

function keyUsageFlags(names: readonly KeyUsageName[]): number {
  return names.reduce((flags, name) => flags | x509.KeyUsageFlags[name], 0);
}

function subjectAltNameJson(sans: readonly string[]): x509.JsonGeneralName[] {
  return sans.map((text) => {
    const colon = text.indexOf(':');
    const type = text.slice(0, colon);
    const value = text.slice(colon + 1);
    switch (type) {
      case 'fqdn':
        return { type: 'dns', value };
      case 'email':
        return { type: 'email', value };
      case 'ipv4':
      case 'ipv6':
      case 'ip':
        return { type: 'ip', value };
      case 'uri':
        return { type: 'url', value };
      default:
        throw new Error(`subjectAltName "${text}": expected fqdn:, email:, ipv4:, ipv6: or uri:`);
    }
  });
}

export interface CreateCaOptions {
  readonly subject: string;
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  readonly keyType?: TestKeyType;
  /** Issue an intermediate CA under this CA instead of a self-signed root. */
  readonly issuer?: TestCa;
  readonly serialNumber?: string;
  readonly crlUrl?: string;
  /** keyUsage of the CA; default keyCertSign + cRLSign. null omits the extension. */
  readonly keyUsage?: readonly KeyUsageName[] | null;
}

/** A root CA (self-signed, CA:TRUE, keyCertSign + cRLSign) or, with `issuer`, an intermediate. */
export async function createCa(options: CreateCaOptions): Promise<TestCa> {
  const keyType = options.keyType ?? 'ecdsa-p256';
  if (options.issuer !== undefined) {
    return issueCertificate({
      ca: options.issuer,
      subject: options.subject,
      isCa: true,
      keyType,
      keyUsage: options.keyUsage === undefined ? ['keyCertSign', 'cRLSign'] : options.keyUsage,
      validity: { notBefore: options.notBefore ?? DEFAULT_VALIDITY.notBefore, notAfter: options.notAfter ?? DEFAULT_VALIDITY.notAfter },
      ...(options.serialNumber === undefined ? {} : { serialNumber: options.serialNumber }),
      ...(options.crlUrl === undefined ? {} : { crlUrl: options.crlUrl }),
    });
  }
  const keys = await generateKeys(keyType);
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(true, undefined, true)];
  const keyUsage = options.keyUsage === undefined ? (['keyCertSign', 'cRLSign'] as const) : options.keyUsage;
  if (keyUsage !== null) extensions.push(new x509.KeyUsagesExtension(keyUsageFlags(keyUsage), true));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: options.serialNumber ?? randomSerial(),
    name: options.subject,
    notBefore: options.notBefore ?? DEFAULT_VALIDITY.notBefore,
    notAfter: options.notAfter ?? DEFAULT_VALIDITY.notAfter,
    keys,
    signingAlgorithm: signingAlgorithm(keyType),
    extensions,
  });
  return toTestCertificate(certificate, keys, keyType);
}

export interface IssueCertificateOptions {
  readonly ca: TestCa;
  readonly subject: string;
  /** "fqdn:gw.example", "email:a@b", "ipv4:10.0.0.1", "ipv6:2001:db8::1", "uri:..." */
  readonly sans?: readonly string[];
  /** Default digitalSignature (CA: keyCertSign + cRLSign); null omits the extension. */
  readonly keyUsage?: readonly KeyUsageName[] | null;
  /** extendedKeyUsage; omitted by default. */
  readonly eku?: readonly ExtendedKeyUsageName[];
  readonly isCa?: boolean;
  readonly crlUrl?: string;
  readonly validity?: Validity;
  readonly keyType?: TestKeyType;
  /** Hex; random by default. */
  readonly serialNumber?: string;
  /** Sign with this key instead of the CA's (a forged or broken signature). */
  readonly signingKey?: CryptoKey;
}

export async function issueCertificate(options: IssueCertificateOptions): Promise<TestCertificate> {
  const keyType = options.keyType ?? 'ecdsa-p256';
  const keys = await generateKeys(keyType);
  const isCa = options.isCa ?? false;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(isCa, undefined, true)];
  const keyUsage = options.keyUsage === undefined ? (isCa ? (['keyCertSign', 'cRLSign'] as const) : (['digitalSignature'] as const)) : options.keyUsage;
  if (keyUsage !== null) extensions.push(new x509.KeyUsagesExtension(keyUsageFlags(keyUsage), true));
  if (options.eku !== undefined) extensions.push(new x509.ExtendedKeyUsageExtension(options.eku.map((name) => EKU_OIDS[name])));
  if (options.sans !== undefined && options.sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(subjectAltNameJson(options.sans)));
  if (options.crlUrl !== undefined) extensions.push(new x509.CRLDistributionPointsExtension([options.crlUrl]));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  const caCertificate = new x509.X509Certificate(new Uint8Array(options.ca.der));
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(caCertificate));
  const validity = options.validity ?? DEFAULT_VALIDITY;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: options.serialNumber ?? randomSerial(),
    subject: options.subject,
    issuer: caCertificate.subjectName,
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    publicKey: keys.publicKey,
    signingKey: options.signingKey ?? options.ca.keys.privateKey,
    signingAlgorithm: signingAlgorithm(options.ca.keyType),
    extensions,
  });
  return toTestCertificate(certificate, keys, keyType);
}

export type CrlReasonName = keyof typeof x509.X509CrlReason;

export interface RevokedCertificateEntry {
  /** Hex serial (TestCertificate.serialNumber). */
  readonly serial: string;
  readonly date: Date;
  readonly reason?: CrlReasonName;
}

export interface CreateCrlOptions {
  readonly ca: TestCa;
  readonly revoked?: readonly RevokedCertificateEntry[];
  readonly thisUpdate?: Date;
  /** Default thisUpdate + 7 days. */
  readonly nextUpdate?: Date;
}

export interface TestCrl {
  readonly der: Uint8Array;
  readonly pem: string;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

export async function createCrl(options: CreateCrlOptions): Promise<TestCrl> {
  const thisUpdate = options.thisUpdate ?? DEFAULT_VALIDITY.notBefore;
  const nextUpdate = options.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * DAY_MS);
  const caCertificate = new x509.X509Certificate(new Uint8Array(options.ca.der));
  const crl = await x509.X509CrlGenerator.create({
    issuer: caCertificate.subjectName,
    thisUpdate,
    nextUpdate,
    signingKey: options.ca.keys.privateKey,
    signingAlgorithm: signingAlgorithm(options.ca.keyType),
    entries: (options.revoked ?? []).map((entry) => ({
      serialNumber: entry.serial,
      revocationDate: entry.date,
      ...(entry.reason === undefined ? {} : { reason: x509.X509CrlReason[entry.reason] }),
    })),
  });
  return { der: new Uint8Array(crl.rawData), pem: `${crl.toString('pem')}\n`, thisUpdate, nextUpdate };
}

// ---------------------------------------------------------------------------
// Writers

function pemWrap(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`;
}

export function certificatePem(certificate: TestCertificate): string {
  return pemWrap('CERTIFICATE', certificate.der);
}

export type PrivateKeyEncoding = 'pkcs8' | 'pkcs1' | 'sec1';

/** The certificate's private key as DER; pkcs1 is RSA only, sec1 EC only. */
export function privateKeyDer(certificate: TestCertificate, encoding: PrivateKeyEncoding = 'pkcs8'): Uint8Array {
  const key = KeyObject.from(certificate.keys.privateKey);
  return new Uint8Array(key.export({ format: 'der', type: encoding }) as Buffer);
}

export function privateKeyPem(certificate: TestCertificate, encoding: PrivateKeyEncoding = 'pkcs8'): string {
  const labels: Record<PrivateKeyEncoding, string> = { pkcs8: 'PRIVATE KEY', pkcs1: 'RSA PRIVATE KEY', sec1: 'EC PRIVATE KEY' };
  return pemWrap(labels[encoding], privateKeyDer(certificate, encoding));
}

export interface LocalCertificateFile {
  /** name.cer */
  readonly name: string;
  readonly certificate: TestCertificate;
  /** name of the .key file stem; default `name` (a different one makes a name-mismatch case). false: no key file. */
  readonly keyName?: string | false;
  /** Write this certificate's key instead (a key-mismatch case). */
  readonly keyOf?: TestCertificate;
  readonly encoding?: 'pem' | 'der';
  readonly keyEncoding?: PrivateKeyEncoding;
  /** Intermediates appended to name.cer (PEM only). */
  readonly chain?: readonly TestCertificate[];
}

export interface CaCertificateFile {
  readonly name: string;
  readonly certificate: TestCertificate;
  /** true (default): ca/name.cer; false: name.cer at the top (recognised by CA:TRUE). */
  readonly inCaSubdirectory?: boolean;
  readonly encoding?: 'pem' | 'der';
}

/** Writes the engine's certificate directory layout; returns the paths written (relative). */
export async function writeCertificateDirectory(
  directory: string,
  contents: { local?: readonly LocalCertificateFile[]; cas?: readonly CaCertificateFile[] },
): Promise<string[]> {
  const written: string[] = [];
  const put = async (relative: string, data: string | Uint8Array, mode = 0o644) => {
    const path = join(directory, relative);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, data, { mode });
    written.push(relative);
  };
  for (const local of contents.local ?? []) {
    const encoding = local.encoding ?? 'pem';
    const certificateData =
      encoding === 'der' ? local.certificate.der : [local.certificate, ...(local.chain ?? [])].map(certificatePem).join('');
    await put(`${local.name}.cer`, certificateData);
    if (local.keyName !== false) {
      const keySource = local.keyOf ?? local.certificate;
      const keyEncoding = local.keyEncoding ?? 'pkcs8';
      await put(`${local.keyName ?? local.name}.key`, encoding === 'der' ? privateKeyDer(keySource, keyEncoding) : privateKeyPem(keySource, keyEncoding), 0o600);
    }
  }
  for (const ca of contents.cas ?? []) {
    const relative = ca.inCaSubdirectory === false ? `${ca.name}.cer` : `ca/${ca.name}.cer`;
    await put(relative, ca.encoding === 'der' ? ca.certificate.der : certificatePem(ca.certificate));
  }
  return written;
}
