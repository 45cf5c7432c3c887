import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificatePem, createCa, createCrl, issueCertificate, privateKeyDer, privateKeyPem, writeCertificateDirectory } from './test-pki.ts';
import { x509 } from './x509-provider.ts';

describe('test PKI', () => {
  it('issues a certificate with the requested names, extensions and validity, signed by its CA', async () => {
    const ca = await createCa({ subject: 'DC=local, DC=lab, CN=labsrv', keyType: 'rsa-2048' });
    const notBefore = new Date(Date.UTC(2024, 4, 9, 4, 37));
    const notAfter = new Date(Date.UTC(2026, 4, 9, 4, 47));
    const gw = await issueCertificate({
      ca,
      subject: 'C=SE, O=Clavister, OU=R&D, CN=TTG',
      sans: ['fqdn:ttg.lab.local', 'ipv4:192.0.2.1'],
      eku: ['ipsecIKE'],
      crlUrl: 'http://ca.lab.local/labsrv.crl',
      validity: { notBefore, notAfter },
      serialNumber: '1a2b',
    });
    const node = new X509Certificate(Buffer.from(gw.der));
    expect(node.subject).toBe('C=SE\nO=Clavister\nOU=R&D\nCN=TTG');
    expect(node.issuer).toBe('DC=local\nDC=lab\nCN=labsrv');
    expect(node.verify(new X509Certificate(Buffer.from(ca.der)).publicKey)).toBe(true);
    expect(node.subjectAltName).toBe('DNS:ttg.lab.local, IP Address:192.0.2.1');
    expect(node.ca).toBe(false);
    expect(new X509Certificate(Buffer.from(ca.der)).ca).toBe(true);
    expect(gw.serialNumber).toBe('1a2b');
    expect(gw.notBefore.toISOString()).toBe('2024-05-09T04:37:00.000Z');
    expect(new X509Certificate(certificatePem(gw)).fingerprint256).toBe(node.fingerprint256);
    const parsed = new x509.X509Certificate(new Uint8Array(gw.der));
    expect(parsed.getExtension(x509.CRLDistributionPointsExtension)?.distributionPoints[0]?.distributionPoint?.fullName?.[0]?.uniformResourceIdentifier).toBe(
      'http://ca.lab.local/labsrv.crl',
    );
    expect(node.checkPrivateKey(createPrivateKey({ key: privateKeyPem(gw), format: 'pem' }))).toBe(true);
    expect(node.checkPrivateKey(createPrivateKey({ key: Buffer.from(privateKeyDer(gw, 'sec1')), format: 'der', type: 'sec1' }))).toBe(true);
  });

  it('makes CRLs listing revoked serials with date and reason, signed by the CA', async () => {
    const ca = await createCa({ subject: 'CN=CA' });
    const crl = await createCrl({
      ca,
      revoked: [{ serial: '0a', date: new Date(Date.UTC(2026, 0, 2)), reason: 'keyCompromise' }],
      thisUpdate: new Date(Date.UTC(2026, 0, 1)),
    });
    const parsed = new x509.X509Crl(new Uint8Array(crl.der));
    expect(await parsed.verify({ publicKey: new x509.X509Certificate(new Uint8Array(ca.der)) })).toBe(true);
    expect(parsed.nextUpdate?.toISOString()).toBe('2026-01-08T00:00:00.000Z');
    expect(parsed.entries.map((entry) => [entry.serialNumber, entry.revocationDate.toISOString(), entry.reason])).toEqual([
      ['0a', '2026-01-02T00:00:00.000Z', x509.X509CrlReason.keyCompromise],
    ]);
  });

  it('writes the certificate directory layout, keys readable only by the owner', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'h3-pki-'));
    try {
      const ca = await createCa({ subject: 'CN=CA' });
      const gw = await issueCertificate({ ca, subject: 'CN=gw' });
      const written = await writeCertificateDirectory(directory, {
        local: [{ name: 'gw', certificate: gw, encoding: 'der' }],
        cas: [{ name: 'root', certificate: ca }],
      });
      expect(written).toEqual(['gw.cer', 'gw.key', 'ca/root.cer']);
      expect((await readdir(directory)).sort()).toEqual(['ca', 'gw.cer', 'gw.key']);
      expect(Buffer.from(await readFile(join(directory, 'gw.cer')))).toEqual(Buffer.from(gw.der));
      expect((await stat(join(directory, 'gw.key'))).mode & 0o777).toBe(0o600);
      expect((await readFile(join(directory, 'ca/root.cer'), 'utf8')).startsWith('-----BEGIN CERTIFICATE-----')).toBe(true);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
