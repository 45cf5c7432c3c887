import { X509Certificate, createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CertificateEvent } from '@tunnelscope/api';
import { ManualClock, createCa, createCrl, issueCertificate, startCrlServer, writeCertificateDirectory, type TestCa } from '@tunnelscope/test-utils';
import { CertificateService } from './certificate-service.ts';
import { distinguishedNamesEqual } from './distinguished-name.ts';
import { likelyZoneOffsetHours } from './validity.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
let directory: string;
let clock: ManualClock;
let ca: TestCa;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'h3-views-'));
  clock = new ManualClock(NOW);
  ca = await createCa({ subject: 'DC=local, DC=lab, CN=labsrv' });
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('cache, detail and store views', () => {
  it('the cache lists peer certificates with where and when they came from, CRLs with their update times, and -certshow -verbose text', async () => {
    const server = await startCrlServer();
    try {
      const url = server.url('/labsrv.crl');
      const crl = await createCrl({ ca, thisUpdate: new Date(NOW - 60_000), nextUpdate: new Date(NOW + 86_400_000) });
      server.setCrl('/labsrv.crl', crl.der);
      const peer = await issueCertificate({ ca, subject: 'CN=gw', sans: ['fqdn:gw.lab.local'], crlUrl: url, eku: ['ipsecIKE'] });
      await writeCertificateDirectory(directory, { cas: [{ name: 'labsrv', certificate: ca }] });
      const service = new CertificateService({ directory, clock, timeZone: 'UTC+01:00' });
      await service.load();
      clock.advance(5_000);
      const identity = { type: 'dn' as const, value: 'CN=gw' };
      const result = await service.verifyPeer({
        tunnel: 't',
        certificates: [peer.der],
        rootCertificates: ['labsrv'],
        expectedIdentity: identity,
        peerIdentity: identity,
        crlChecking: true,
        peerAddress: '127.0.0.5',
      });
      expect(result.ok).toBe(true);
      const view = service.cache();
      expect(view.time).toBe(NOW + 5_000);
      expect(view.timeZone).toBe('UTC+01:00');
      expect(view.certificates.map((entry) => [entry.subject, entry.source, entry.receivedFrom, entry.cachedAt, entry.status])).toEqual([
        ['CN=gw', 'peer', '127.0.0.5', NOW + 5_000, 'Valid'],
        ['DC=local, DC=lab, CN=labsrv', 'ca', undefined, NOW + 5_000, 'Valid'],
      ]);
      expect(view.crls).toEqual([
        { issuer: 'DC=local, DC=lab, CN=labsrv', url, state: 'valid', thisUpdate: NOW - 60_000, nextUpdate: NOW + 86_400_000, fetchedAt: NOW + 5_000, revokedCount: 0 },
      ]);
      expect(view.text.split('\n')[4]).toBe('1  CN=gw            DC=local,       2025-12-01     2028-01-01    Valid');
      clock.advance(86_400_000);
      expect(service.cache().crls[0]?.state).toBe('stale');

      const detail = service.detail(view.certificates[0]!.id);
      expect(detail?.chain.map((link) => link.subject)).toEqual(['CN=gw', 'DC=local, DC=lab, CN=labsrv']);
      expect(detail?.chainError).toBeUndefined();
      expect(detail?.subjectAltNames).toEqual(['fqdn:gw.lab.local']);
      expect(detail?.crlDistributionPoints).toEqual([url]);
      expect(detail?.fingerprintSha1).toBe(createHash('sha1').update(peer.der).digest('hex'));
      expect(detail?.pem.startsWith('-----BEGIN CERTIFICATE-----\n')).toBe(true);
      expect(detail?.extensions.filter((extension) => ['basicConstraints', 'keyUsage', 'extendedKeyUsage', 'subjectAltName', 'cRLDistributionPoints'].includes(extension.name))).toEqual([
        { oid: '2.5.29.19', name: 'basicConstraints', critical: true, value: 'CA:FALSE' },
        { oid: '2.5.29.15', name: 'keyUsage', critical: true, value: 'digitalSignature' },
        { oid: '2.5.29.37', name: 'extendedKeyUsage', critical: false, value: 'ipsecIKE' },
        { oid: '2.5.29.17', name: 'subjectAltName', critical: false, value: 'fqdn:gw.lab.local' },
        { oid: '2.5.29.31', name: 'cRLDistributionPoints', critical: false, value: url },
      ]);
      expect(service.detail('00')).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('a certificate that did not chain is cached as Untrusted; an expired one shows Expired', async () => {
    const other = await createCa({ subject: 'CN=Other' });
    const untrusted = await issueCertificate({ ca: other, subject: 'CN=stranger' });
    const expiring = await issueCertificate({ ca, subject: 'CN=short', validity: { notBefore: new Date(NOW - 86_400_000), notAfter: new Date(NOW + 60_000) } });
    await writeCertificateDirectory(directory, { cas: [{ name: 'labsrv', certificate: ca }] });
    const service = new CertificateService({ directory, clock });
    await service.load();
    const input = (der: Uint8Array, subject: string) => ({
      tunnel: 't',
      certificates: [der],
      rootCertificates: ['labsrv'],
      expectedIdentity: { type: 'dn' as const, value: subject },
      peerIdentity: { type: 'dn' as const, value: subject },
      crlChecking: false,
      peerAddress: '127.0.0.5',
    });
    expect((await service.verifyPeer(input(untrusted.der, 'CN=stranger'))).ok).toBe(false);
    expect((await service.verifyPeer(input(expiring.der, 'CN=short'))).ok).toBe(true);
    clock.advance(120_000);
    expect(service.certShowEntries().map((entry) => [entry.subject, entry.status])).toEqual([
      ['CN=stranger', 'Untrusted'],
      ['CN=short', 'Expired'],
      ['DC=local, DC=lab, CN=labsrv', 'Valid'],
    ]);
  });

  it('store problems for an expired local certificate; trust anchor key hashes for CERTREQ', async () => {
    const expired = await issueCertificate({ ca, subject: 'CN=old', validity: { notBefore: new Date(NOW - 2 * 86_400_000), notAfter: new Date(NOW - 86_400_000) } });
    await writeCertificateDirectory(directory, { local: [{ name: 'old', certificate: expired }], cas: [{ name: 'labsrv', certificate: ca }] });
    const service = new CertificateService({ directory, clock });
    const events: CertificateEvent[] = [];
    service.subscribe((event) => events.push(event));
    await service.load();
    expect(events).toEqual([expect.objectContaining({ type: 'cert.store.problem', name: 'old', code: 'expired' })]);
    const [hash] = service.trustAnchorKeyHashes(['labsrv', 'unknown']);
    const caKey = new X509Certificate(Buffer.from(ca.der)).publicKey.export({ format: 'der', type: 'spki' });
    expect(Buffer.from(hash!)).toEqual(createHash('sha1').update(caKey).digest());
    expect(service.trustAnchorKeyHashes(['unknown'])).toEqual([]);
  });
});

describe('pure helpers', () => {
  it('a zone-offset hint needs a gap within 5 minutes of 1..14 whole hours', () => {
    const hour = 3_600_000;
    expect(likelyZoneOffsetHours(2 * hour - 4 * 60_000)).toBe(2);
    expect(likelyZoneOffsetHours(2 * hour + 5 * 60_000)).toBe(2);
    expect(likelyZoneOffsetHours(2 * hour + 6 * 60_000)).toBeUndefined();
    expect(likelyZoneOffsetHours(30 * 60_000)).toBeUndefined();
    expect(likelyZoneOffsetHours(14 * hour)).toBe(14);
    expect(likelyZoneOffsetHours(15 * hour)).toBeUndefined();
    expect(likelyZoneOffsetHours(-hour)).toBeUndefined();
  });

  it('DNs compare attribute by attribute in order, ignoring case and blanks', () => {
    expect(distinguishedNamesEqual('C=SE, O=Clavister, CN=TTG', 'c=se,o=clavister,  cn=ttg')).toBe(true);
    expect(distinguishedNamesEqual('C=SE, O=Clavister, CN=TTG', 'CN=TTG, O=Clavister, C=SE')).toBe(false);
    expect(distinguishedNamesEqual('C=SE, CN=TTG', 'C=SE, CN=TTG2')).toBe(false);
    expect(distinguishedNamesEqual('CN=a\\, b', 'CN=a\\, b')).toBe(true);
    expect(distinguishedNamesEqual('emailAddress=a@b, CN=x', 'E=a@b, CN=x')).toBe(true);
  });
});
