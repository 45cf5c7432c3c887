/**
 * A throw-away PKI for the certificate IKE_AUTH tests, generated at test
 * time with @peculiar/x509 (no private keys committed): CAs, end-entity
 * certificates (RSA or ECDSA, chosen validity, SANs, CRL distribution
 * point, purposes) and CRLs; written into a certificate directory laid out
 * by the seed's convention (name.cer + name.key, CAs under ca/).
 */
import { webcrypto } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x509 } from '../../certs/x509.ts';

export type KeyKind = 'rsa2048' | 'rsa4096' | 'p256' | 'p384';

const DAY = 86_400_000;

function algorithmOf(kind: KeyKind): RsaHashedKeyGenParams | EcKeyGenParams {
  if (kind === 'p256' || kind === 'p384') return { name: 'ECDSA', namedCurve: kind === 'p256' ? 'P-256' : 'P-384' } as EcKeyGenParams;
  return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: kind === 'rsa4096' ? 4096 : 2048 };
}

function signingAlgorithmOf(kind: KeyKind): Algorithm {
  return kind === 'p256' || kind === 'p384' ? ({ name: 'ECDSA', hash: kind === 'p256' ? 'SHA-256' : 'SHA-384' } as EcdsaParams) : { name: 'RSASSA-PKCS1-v1_5' };
}

async function keyPair(kind: KeyKind): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithmOf(kind) as never, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export interface TestCa {
  name: string;
  kind: KeyKind;
  certificate: x509.X509Certificate;
  keys: CryptoKeyPair;
  nextSerial: number;
}

export interface TestEndEntity {
  certificate: x509.X509Certificate;
  keys: CryptoKeyPair;
  serial: string;
}

export async function createCa(name: string, options: { kind?: KeyKind; now: number; subject?: string } ): Promise<TestCa> {
  const kind = options.kind ?? 'rsa2048';
  const keys = await keyPair(kind);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: options.subject ?? `C=SE, O=Tunnelscope Test, CN=${name}`,
    notBefore: new Date(options.now - 30 * DAY),
    notAfter: new Date(options.now + 3650 * DAY),
    signingAlgorithm: signingAlgorithmOf(kind),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { name, kind, certificate, keys, nextSerial: 2 };
}

export async function issue(
  ca: TestCa,
  options: {
    subject: string;
    kind?: KeyKind;
    notBefore: number;
    notAfter: number;
    dns?: string[];
    crlUrl?: string;
    /** false: keyUsage without digitalSignature (a wrong purpose). */
    digitalSignature?: boolean;
    isCa?: boolean;
  },
): Promise<TestEndEntity> {
  const keys = await keyPair(options.kind ?? 'rsa2048');
  const serial = (ca.nextSerial++).toString(16).padStart(2, '0');
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(options.isCa ?? false, undefined, true),
    new x509.KeyUsagesExtension(options.digitalSignature === false ? x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
  ];
  if (options.dns?.length) extensions.push(new x509.SubjectAlternativeNameExtension(options.dns.map((value) => ({ type: 'dns' as const, value }))));
  if (options.crlUrl) extensions.push(new x509.CRLDistributionPointsExtension([options.crlUrl]));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: options.subject,
    issuer: ca.certificate.subject,
    notBefore: new Date(options.notBefore),
    notAfter: new Date(options.notAfter),
    signingAlgorithm: signingAlgorithmOf(ca.kind),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions,
  });
  return { certificate, keys, serial };
}

/** A DER CRL of `ca` revoking the given serials, valid from now - 1 day to now + 7 days. */
export async function crl(ca: TestCa, revokedSerials: string[], now: number): Promise<Uint8Array> {
  const generated = await x509.X509CrlGenerator.create({
    issuer: ca.certificate.subject,
    thisUpdate: new Date(now - DAY),
    nextUpdate: new Date(now + 7 * DAY),
    entries: revokedSerials.map((serialNumber) => ({ serialNumber, revocationDate: new Date(now - DAY / 2) })),
    signingAlgorithm: signingAlgorithmOf(ca.kind),
    signingKey: ca.keys.privateKey,
  });
  return new Uint8Array(generated.rawData);
}

async function privateKeyPem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

/** A fresh certificate directory: own certificates as name.cer/name.key, CAs as ca/name.cer. */
export async function writeCertificateDirectory(entries: { local?: Record<string, TestEndEntity>; cas?: TestCa[] }): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'ts-cert-auth-'));
  await mkdir(join(directory, 'ca'));
  for (const [name, entity] of Object.entries(entries.local ?? {})) {
    await writeFile(join(directory, `${name}.cer`), entity.certificate.toString('pem'));
    await writeFile(join(directory, `${name}.key`), await privateKeyPem(entity.keys));
  }
  for (const ca of entries.cas ?? []) await writeFile(join(directory, 'ca', `${ca.name}.cer`), ca.certificate.toString('pem'));
  return directory;
}
