import { createPublicKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CertificateEvent, TunnelIdentity } from '@tunnelscope/api';
import {
  ManualClock,
  certificatePem,
  createCa,
  createCrl,
  issueCertificate,
  privateKeyPem,
  startCrlServer,
  startDnsResponder,
  writeCertificateDirectory,
  type CrlServer,
  type TestCa,
  type TestCertificate,
} from '@tunnelscope/test-utils';
import { CertificateService } from './certificate-service.ts';
import type { PeerCertificateInput } from './contract.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const DN_TTG = 'C=SE, O=Clavister, OU=R&D, CN=TTG';

let directory: string;
let clock: ManualClock;
let ca: TestCa;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'h3-certs-'));
  clock = new ManualClock(NOW);
  ca = await createCa({ subject: 'DC=local, DC=lab, CN=labsrv' });
});

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
  await rm(directory, { recursive: true, force: true });
});

async function serviceWith(options: { dnsServers?: string[]; timeZone?: string; extraCas?: { name: string; certificate: TestCertificate }[] } = {}) {
  await writeCertificateDirectory(directory, { cas: [{ name: 'labsrv', certificate: ca }, ...(options.extraCas ?? [])] });
  const service = new CertificateService({
    directory,
    clock,
    timeZone: options.timeZone ?? 'UTC',
    dnsServers: options.dnsServers ?? [],
    crlTimeoutMs: 1_000,
  });
  const events: CertificateEvent[] = [];
  service.subscribe((event) => events.push(event));
  await service.load();
  return { service, events };
}

function peerInput(certificates: TestCertificate[], overrides: Partial<PeerCertificateInput> = {}): PeerCertificateInput {
  const dn: TunnelIdentity = { type: 'dn', value: certificates[0]?.subject ?? DN_TTG };
  return {
    tunnel: 'lab',
    certificates: certificates.map((certificate) => certificate.der),
    rootCertificates: ['labsrv'],
    expectedIdentity: dn,
    peerIdentity: dn,
    crlChecking: false,
    peerAddress: '127.0.0.2',
    ...overrides,
  };
}

async function crlServer(): Promise<CrlServer> {
  const server = await startCrlServer();
  cleanups.push(() => server.close());
  return server;
}

describe('verifyPeer', () => {
  it('accepts a certificate that chains to the tunnel\'s root and returns its public key', async () => {
    const { service } = await serviceWith();
    const peer = await issueCertificate({ ca, subject: DN_TTG, keyType: 'rsa-2048', eku: ['serverAuth', 'clientAuth'] });
    const result = await service.verifyPeer(peerInput([peer]));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.certificate.subject).toBe(DN_TTG);
    expect(result.certificate.keyType).toBe('RSA-2048');
    expect(result.chain.map((link) => link.subject)).toEqual([DN_TTG, 'DC=local, DC=lab, CN=labsrv']);
    expect(result.publicKey.export({ format: 'der', type: 'spki' })).toEqual(
      createPublicKey({ key: certificatePem(peer), format: 'pem' }).export({ format: 'der', type: 'spki' }),
    );
  });

  it('verifies RSA-PSS and ECDSA signatures through an intermediate the peer sends', async () => {
    const root = await createCa({ subject: 'CN=PSS Root', keyType: 'rsa-pss-2048' });
    const intermediate = await createCa({ subject: 'CN=Intermediate', issuer: root, keyType: 'ecdsa-p384' });
    const peer = await issueCertificate({ ca: intermediate, subject: 'CN=gw' });
    const { service } = await serviceWith({ extraCas: [{ name: 'pssroot', certificate: root }] });
    const result = await service.verifyPeer(peerInput([peer, intermediate], { rootCertificates: ['pssroot'] }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.chain.map((link) => link.subject)).toEqual(['CN=gw', 'CN=Intermediate', 'CN=PSS Root']);
  });

  it('no certificate received -> no_certificate', async () => {
    const { service } = await serviceWith();
    const result = await service.verifyPeer(peerInput([]));
    expect(result).toMatchObject({ ok: false, cause: 'no_certificate' });
  });

  it('another CA -> other_ca naming the issuer and the configured roots', async () => {
    const other = await createCa({ subject: 'CN=Other CA' });
    const { service } = await serviceWith();
    const peer = await issueCertificate({ ca: other, subject: DN_TTG });
    const result = await service.verifyPeer(peerInput([peer]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.cause).toBe('other_ca');
    expect(result.message).toContain('"CN=Other CA"');
    expect(result.message).toContain('labsrv ("DC=local, DC=lab, CN=labsrv")');
    expect(result.evidence).toMatchObject({ issuer: 'CN=Other CA', rootCertificates: ['labsrv'] });
  });

  it('a CA with the same name but another key -> other_ca', async () => {
    const impostor = await createCa({ subject: 'DC=local, DC=lab, CN=labsrv' });
    const { service } = await serviceWith();
    const peer = await issueCertificate({ ca: impostor, subject: DN_TTG });
    const result = await service.verifyPeer(peerInput([peer]));
    expect(result).toMatchObject({ ok: false, cause: 'other_ca' });
  });

  it('a broken signature from a received intermediate -> bad_signature', async () => {
    const intermediate = await createCa({ subject: 'CN=Intermediate', issuer: ca });
    const forger = await createCa({ subject: 'CN=Forger' });
    const peer = await issueCertificate({ ca: intermediate, subject: 'CN=gw', signingKey: forger.keys.privateKey });
    const { service } = await serviceWith();
    const result = await service.verifyPeer(peerInput([peer, intermediate]));
    expect(result).toMatchObject({ ok: false, cause: 'bad_signature' });
  });

  it('expired -> expired; not yet valid -> not_yet_valid, both judged in UTC', async () => {
    const { service } = await serviceWith({ timeZone: 'Europe/Stockholm' });
    const expired = await issueCertificate({
      ca,
      subject: DN_TTG,
      validity: { notBefore: new Date(Date.UTC(2025, 0, 1)), notAfter: new Date(NOW - 1000) },
    });
    const expiredResult = await service.verifyPeer(peerInput([expired]));
    expect(expiredResult).toMatchObject({ ok: false, cause: 'expired' });
    const future = await issueCertificate({
      ca,
      subject: DN_TTG,
      validity: { notBefore: new Date(NOW + 3 * 86_400_000), notAfter: new Date(Date.UTC(2027, 0, 1)) },
    });
    const futureResult = await service.verifyPeer(peerInput([future]));
    expect(futureResult.ok).toBe(false);
    if (futureResult.ok) return;
    expect(futureResult.cause).toBe('not_yet_valid');
    expect(futureResult.evidence).toMatchObject({ likelyTimeZoneError: false });
    // One second later than notAfter... and one second before: the boundary is exact, in UTC.
    clock.advanceTo(NOW + 3 * 86_400_000);
    expect((await service.verifyPeer(peerInput([future]))).ok).toBe(true);
  });

  it('notBefore a whole zone offset ahead -> not_yet_valid with the time-zone hint and both clocks side by side', async () => {
    const { service } = await serviceWith({ timeZone: 'Europe/Stockholm' });
    // Issued by a CA whose clock ran one hour ahead (CET entered as UTC), used two minutes later.
    const peer = await issueCertificate({
      ca,
      subject: DN_TTG,
      validity: { notBefore: new Date(NOW + 3_600_000 - 120_000), notAfter: new Date(Date.UTC(2027, 0, 1)) },
    });
    const result = await service.verifyPeer(peerInput([peer]));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.cause).toBe('not_yet_valid');
    expect(result.message).toContain('time-zone or clock error');
    expect(result.evidence).toMatchObject({
      likelyTimeZoneError: true,
      suspectedOffsetHours: 1,
      timeZone: 'Europe/Stockholm',
      gatewayClockUtc: '2026-01-01T12:00:00Z',
      gatewayClockLocal: '2026-01-01 13:00:00',
      notBeforeUtc: '2026-01-01T12:58:00Z',
      notBeforeLocal: '2026-01-01 13:58:00',
    });
  });

  it('identity: dn compares the subject in order; fqdn/email/ip use subjectAltName', async () => {
    const { service } = await serviceWith();
    const peer = await issueCertificate({ ca, subject: DN_TTG, sans: ['fqdn:ttg.lab.local', 'ipv4:192.0.2.7', 'email:ttg@lab.local'] });
    expect((await service.verifyPeer(peerInput([peer], { peerIdentity: { type: 'dn', value: 'c=SE,o=Clavister, ou=r&d, CN=ttg' } }))).ok).toBe(true);
    expect((await service.verifyPeer(peerInput([peer], { peerIdentity: { type: 'fqdn', value: 'TTG.lab.local' } }))).ok).toBe(true);
    expect((await service.verifyPeer(peerInput([peer], { peerIdentity: { type: 'ipv4', value: '192.0.2.7' } }))).ok).toBe(true);
    const reordered = await service.verifyPeer(peerInput([peer], { peerIdentity: { type: 'dn', value: 'CN=TTG, OU=R&D, O=Clavister, C=SE' } }));
    expect(reordered).toMatchObject({ ok: false, cause: 'identity_mismatch' });
    const wrongName = await service.verifyPeer(peerInput([peer], { peerIdentity: { type: 'fqdn', value: 'ggsn.lab.local' } }));
    expect(wrongName).toMatchObject({ ok: false, cause: 'identity_mismatch' });
    if (!wrongName.ok) expect(wrongName.message).toContain('fqdn:ttg.lab.local');
  });

  it('wrong purposes: a CA as end entity, no digitalSignature, an extendedKeyUsage without IKE use', async () => {
    const { service } = await serviceWith();
    const caAsPeer = await issueCertificate({ ca, subject: 'CN=Sub CA', isCa: true });
    const noSignature = await issueCertificate({ ca, subject: 'CN=enc', keyUsage: ['keyEncipherment'] });
    const mailOnly = await issueCertificate({ ca, subject: 'CN=mail', eku: ['emailProtection'] });
    const ikeOnly = await issueCertificate({ ca, subject: 'CN=ike', eku: ['ipsecIKE'] });
    for (const certificate of [caAsPeer, noSignature, mailOnly]) {
      const result = await service.verifyPeer(peerInput([certificate]));
      expect(result, certificate.subject).toMatchObject({ ok: false, cause: 'wrong_purpose' });
    }
    expect((await service.verifyPeer(peerInput([ikeOnly]))).ok).toBe(true);
  });

  it('a CA in the chain without keyCertSign -> wrong_purpose', async () => {
    const { service } = await serviceWith();
    const intermediate = await createCa({ subject: 'CN=CRL-only CA', issuer: ca, keyUsage: ['cRLSign'] });
    const peer = await issueCertificate({ ca: intermediate, subject: 'CN=gw' });
    const result = await service.verifyPeer(peerInput([peer, intermediate]));
    expect(result).toMatchObject({ ok: false, cause: 'wrong_purpose', evidence: { subject: 'CN=CRL-only CA', role: 'CA' } });
  });
});

describe('CRL checking', () => {
  it('a revoked certificate -> revoked, with the date and reason; crlChecking off skips it', async () => {
    const server = await crlServer();
    const url = server.url('/labsrv.crl');
    const peer = await issueCertificate({ ca, subject: DN_TTG, crlUrl: url });
    const revokedAt = new Date(NOW - 86_400_000);
    server.setCrl('/labsrv.crl', (await createCrl({ ca, revoked: [{ serial: peer.serialNumber, date: revokedAt, reason: 'keyCompromise' }], thisUpdate: new Date(NOW - 3_600_000) })).der);
    const { service, events } = await serviceWith();
    const result = await service.verifyPeer(peerInput([peer], { crlChecking: true }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.cause).toBe('revoked');
    expect(result.evidence).toMatchObject({ revocationDate: '2025-12-31T12:00:00Z', reason: 'keyCompromise', crlUrl: url });
    expect(events.some((event) => event.type === 'cert.crl.fetch' && event.ok && event.revokedCount === 1)).toBe(true);
    expect((await service.verifyPeer(peerInput([peer], { crlChecking: false }))).ok).toBe(true);
    expect(service.certShowEntries()[0]?.status).toBe('Revoked');
  });

  it('a stale cached CRL keeps a revoked certificate accepted until flush; then it is refetched and rejected', async () => {
    const server = await crlServer();
    const url = server.url('/labsrv.crl');
    const peer = await issueCertificate({ ca, subject: DN_TTG, crlUrl: url });
    const empty = await createCrl({ ca, thisUpdate: new Date(NOW - 3_600_000), nextUpdate: new Date(NOW + 7 * 86_400_000) });
    server.setCrl('/labsrv.crl', empty.der);
    const { service, events } = await serviceWith();
    expect((await service.verifyPeer(peerInput([peer], { crlChecking: true }))).ok).toBe(true);
    expect(server.requests('/labsrv.crl')).toBe(1);

    // The CA revokes the certificate; its new CRL is on the server, but ours (nextUpdate a week ahead) is cached.
    clock.advance(600_000);
    const fresh = await createCrl({ ca, revoked: [{ serial: peer.serialNumber, date: new Date(NOW + 300_000) }], thisUpdate: new Date(NOW + 300_000) });
    server.setCrl('/labsrv.crl', fresh.der);
    expect((await service.verifyPeer(peerInput([peer], { crlChecking: true }))).ok).toBe(true);
    expect(server.requests('/labsrv.crl')).toBe(1);

    expect(service.flush()).toEqual({ flushedCertificates: 2, flushedCrls: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'cert.cache.changed', reason: 'flushed', certificates: 0, crls: 0 });
    const afterFlush = await service.verifyPeer(peerInput([peer], { crlChecking: true }));
    expect(afterFlush).toMatchObject({ ok: false, cause: 'revoked' });
    expect(server.requests('/labsrv.crl')).toBe(2);
  });

  it('a stale cached CRL that lists a reinstated certificate keeps it failing until flush', async () => {
    const server = await crlServer();
    const peer = await issueCertificate({ ca, subject: DN_TTG, crlUrl: server.url('/labsrv.crl') });
    const revokedByMistake = await createCrl({ ca, revoked: [{ serial: peer.serialNumber, date: new Date(NOW - 60_000), reason: 'certificateHold' }], thisUpdate: new Date(NOW - 60_000) });
    server.setCrl('/labsrv.crl', revokedByMistake.der);
    const { service } = await serviceWith();
    expect(await service.verifyPeer(peerInput([peer], { crlChecking: true }))).toMatchObject({ ok: false, cause: 'revoked', evidence: { reason: 'certificateHold' } });
    server.setCrl('/labsrv.crl', (await createCrl({ ca, thisUpdate: new Date(NOW) })).der);
    clock.advance(60_000);
    expect(await service.verifyPeer(peerInput([peer], { crlChecking: true }))).toMatchObject({ ok: false, cause: 'revoked' });
    service.flush();
    expect((await service.verifyPeer(peerInput([peer], { crlChecking: true }))).ok).toBe(true);
  });

  it('concurrent verifications share one CRL fetch', async () => {
    const server = await crlServer();
    const peer = await issueCertificate({ ca, subject: DN_TTG, crlUrl: server.url('/labsrv.crl') });
    server.setCrl('/labsrv.crl', (await createCrl({ ca, thisUpdate: new Date(NOW - 60_000) })).der);
    const { service } = await serviceWith();
    const results = await Promise.all([1, 2, 3].map(() => service.verifyPeer(peerInput([peer], { crlChecking: true }))));
    expect(results.map((result) => result.ok)).toEqual([true, true, true]);
    expect(server.requests('/labsrv.crl')).toBe(1);
  });

  it('a cached CRL past its nextUpdate is refetched', async () => {
    const server = await crlServer();
    const peer = await issueCertificate({ ca, subject: DN_TTG, crlUrl: server.url('/labsrv.crl') });
    server.setCrl('/labsrv.crl', (await createCrl({ ca, thisUpdate: new Date(NOW - 60_000), nextUpdate: new Date(NOW + 3_600_000) })).der);
    const { service } = await serviceWith();
    expect((await service.verifyPeer(peerInput([peer], { crlChecking: true }))).ok).toBe(true);
    server.setCrl('/labsrv.crl', (await createCrl({ ca, revoked: [{ serial: peer.serialNumber, date: new Date(NOW) }], thisUpdate: new Date(NOW + 60_000) })).der);
    clock.advance(3_600_000);
    expect(await service.verifyPeer(peerInput([peer], { crlChecking: true }))).toMatchObject({ ok: false, cause: 'revoked' });
    expect(server.requests('/labsrv.crl')).toBe(2);
  });

  it('announces each cached entry crossing its own time on the gateway clock: expiry, a CRL going stale, validity starting', async () => {
    const server = await crlServer();
    const url = server.url('/labsrv.crl');
    const peer = await issueCertificate({ ca, subject: DN_TTG, crlUrl: url, validity: { notBefore: new Date(NOW - 86_400_000), notAfter: new Date(NOW + 2 * 3_600_000) } });
    server.setCrl('/labsrv.crl', (await createCrl({ ca, thisUpdate: new Date(NOW - 60_000), nextUpdate: new Date(NOW + 3_600_000) })).der);
    const { service, events } = await serviceWith();
    expect((await service.verifyPeer(peerInput([peer], { crlChecking: true }))).ok).toBe(true);
    const crossings = () => events.filter((event) => event.type === 'cert.cache.changed' && !['added', 'crl_fetched', 'flushed'].includes(event.reason));
    expect(crossings()).toEqual([]);

    clock.advance(3_600_000 - 1);
    expect(crossings()).toEqual([]);
    clock.advance(1);
    expect(crossings()).toEqual([{ type: 'cert.cache.changed', time: NOW + 3_600_000, reason: 'crl_stale', certificates: 2, crls: 1, subject: 'DC=local, DC=lab, CN=labsrv' }]);
    expect(service.cache().crls[0]?.state).toBe('stale');

    // Valid through notAfter itself; expired one millisecond later, announced then and never again.
    clock.advance(3_600_000);
    expect(crossings()).toHaveLength(1);
    expect(service.certShowEntries()[0]?.status).toBe('Valid');
    clock.advance(1);
    expect(crossings().at(-1)).toMatchObject({ time: NOW + 2 * 3_600_000 + 1, reason: 'expired', subject: DN_TTG });
    expect(service.certShowEntries()[0]?.status).toBe('Expired');
    clock.advance(2 * 366 * 86_400_000);
    // The test CA's own notAfter (2028-01-01) passes too: it is cached as the chain's root.
    expect(crossings().map((event) => event.type === 'cert.cache.changed' && event.reason)).toEqual(['crl_stale', 'expired', 'expired']);
    expect(crossings().at(-1)).toMatchObject({ time: Date.UTC(2028, 0, 1) + 1, subject: 'DC=local, DC=lab, CN=labsrv' });
  });

  it('announces a cached certificate becoming valid at its notBefore; close() stops the announcements', async () => {
    const { service, events } = await serviceWith();
    const crossings = () => events.filter((event) => event.type === 'cert.cache.changed' && !['added', 'crl_fetched', 'flushed'].includes(event.reason));
    const early = await issueCertificate({ ca, subject: DN_TTG, validity: { notBefore: new Date(NOW + 60_000), notAfter: new Date(NOW + 86_400_000) } });
    expect(await service.verifyPeer(peerInput([early]))).toMatchObject({ ok: false, cause: 'not_yet_valid' });
    expect(service.certShowEntries()[0]?.status).toBe('Not yet valid');
    clock.advance(60_000);
    expect(crossings()).toEqual([expect.objectContaining({ reason: 'now_valid', subject: DN_TTG, time: NOW + 60_000 })]);
    expect(service.certShowEntries()[0]?.status).toBe('Valid');
    service.close();
    clock.advance(2 * 86_400_000);
    expect(crossings()).toHaveLength(1);
  });

  it('a CRL signed by another key -> crl_invalid', async () => {
    const server = await crlServer();
    const impostor = await createCa({ subject: 'DC=local, DC=lab, CN=labsrv' });
    const peer = await issueCertificate({ ca, subject: DN_TTG, crlUrl: server.url('/labsrv.crl') });
    server.setCrl('/labsrv.crl', (await createCrl({ ca: impostor, thisUpdate: new Date(NOW - 60_000) })).der);
    const { service } = await serviceWith();
    const result = await service.verifyPeer(peerInput([peer], { crlChecking: true }));
    expect(result).toMatchObject({ ok: false, cause: 'crl_invalid' });
    server.setCrl('/labsrv.crl', new Uint8Array([1, 2, 3]));
    expect(await service.verifyPeer(peerInput([peer], { crlChecking: true }))).toMatchObject({ ok: false, cause: 'crl_invalid' });
  });

  it('the CA server not listening -> crl_unreachable with the URL and the error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/labsrv.crl`;
    const peer = await issueCertificate({ ca, subject: DN_TTG, crlUrl: url });
    const { service } = await serviceWith();
    const result = await service.verifyPeer(peerInput([peer], { crlChecking: true }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.cause).toBe('crl_unreachable');
    expect(result.message).toContain(url);
    expect(result.evidence).toMatchObject({ crlUrl: url, errorCode: 'ECONNREFUSED' });
    expect(service.cache().crls).toEqual([expect.objectContaining({ url, state: 'unreachable' })]);
  });

  it('an HTTP error -> crl_unreachable', async () => {
    const server = await crlServer();
    const peer = await issueCertificate({ ca, subject: DN_TTG, crlUrl: server.url('/missing.crl') });
    const { service } = await serviceWith();
    expect(await service.verifyPeer(peerInput([peer], { crlChecking: true }))).toMatchObject({
      ok: false,
      cause: 'crl_unreachable',
      evidence: { errorCode: 'HTTP_404' },
    });
  });

  it('a CRL host name and no DNS servers -> no_dns_servers', async () => {
    const peer = await issueCertificate({ ca, subject: DN_TTG, crlUrl: 'http://ca.lab.local/labsrv.crl' });
    const { service } = await serviceWith({ dnsServers: [] });
    expect(await service.verifyPeer(peerInput([peer], { crlChecking: true }))).toMatchObject({ ok: false, cause: 'no_dns_servers' });
  });

  it('a name the DNS server does not know -> crl_dns_failure naming the servers and the code; a known one resolves', async () => {
    const dns = await startDnsResponder({ records: {} });
    cleanups.push(() => dns.close());
    const server = await crlServer();
    server.setCrl('/labsrv.crl', (await createCrl({ ca, thisUpdate: new Date(NOW - 60_000) })).der);
    const url = server.url('/labsrv.crl', 'ca.lab.local');
    const peer = await issueCertificate({ ca, subject: DN_TTG, crlUrl: url });
    const { service, events } = await serviceWith({ dnsServers: [dns.server] });
    const result = await service.verifyPeer(peerInput([peer], { crlChecking: true }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.cause).toBe('crl_dns_failure');
    expect(result.evidence).toMatchObject({ dnsServers: [dns.server], errorCode: 'ENOTFOUND' });
    expect(result.message).toContain(dns.server);
    expect(dns.queries[0]).toMatchObject({ name: 'ca.lab.local', rcode: 3 });

    dns.setRecord('ca.lab.local', '127.0.0.1');
    expect((await service.verifyPeer(peerInput([peer], { crlChecking: true }))).ok).toBe(true);
    expect(events.find((event) => event.type === 'cert.crl.fetch' && event.ok)).toMatchObject({ resolvedAddress: '127.0.0.1', dnsServers: [dns.server] });
  });
});

describe('the certificate directory', () => {
  it('loads name.cer + name.key pairs (PEM PKCS#8, DER SEC1, PEM PKCS#1 RSA) as local credentials', async () => {
    const ec = await issueCertificate({ ca, subject: 'CN=ec', sans: ['fqdn:ec.lab.local'] });
    const ecDer = await issueCertificate({ ca, subject: 'CN=ecder' });
    const rsa = await issueCertificate({ ca, subject: 'CN=rsa', keyType: 'rsa-2048' });
    await writeCertificateDirectory(directory, {
      local: [
        { name: 'ec', certificate: ec },
        { name: 'ecder', certificate: ecDer, encoding: 'der', keyEncoding: 'sec1' },
        { name: 'rsa', certificate: rsa, keyEncoding: 'pkcs1' },
      ],
      cas: [{ name: 'labsrv', certificate: ca }],
    });
    const service = new CertificateService({ directory, clock });
    await service.load();
    for (const name of ['ec', 'ecder', 'rsa']) {
      const result = service.localCredential(name);
      expect(result.ok, name).toBe(true);
    }
    const ecResult = service.localCredential('ec');
    if (ecResult.ok) {
      expect(ecResult.credential.subject).toBe('CN=ec');
      expect(ecResult.credential.subjectAltNames).toEqual(['ec.lab.local']);
      expect(Buffer.from(ecResult.credential.certificate)).toEqual(Buffer.from(ec.der));
    }
    const view = service.store();
    expect(view.local.map((entry) => [entry.name, entry.hasKey, entry.keyMatches, entry.problems])).toEqual([
      ['ec', true, true, []],
      ['ecder', true, true, []],
      ['rsa', true, true, []],
    ]);
    expect(view.authorities.map((authority) => authority.subject)).toEqual(['DC=local, DC=lab, CN=labsrv']);
    expect(JSON.stringify(view)).not.toMatch(/PRIVATE KEY/);
  });

  it('a local credential carries its intermediates (from name.cer or ca/), never the root', async () => {
    const intermediate = await createCa({ subject: 'CN=Issuing CA', issuer: ca });
    const gw = await issueCertificate({ ca: intermediate, subject: 'CN=gw' });
    await writeCertificateDirectory(directory, {
      local: [{ name: 'gw', certificate: gw }, { name: 'bundled', certificate: gw, chain: [intermediate] }],
      cas: [{ name: 'labsrv', certificate: ca }, { name: 'issuing', certificate: intermediate }],
    });
    const service = new CertificateService({ directory, clock });
    await service.load();
    for (const name of ['gw', 'bundled']) {
      const result = service.localCredential(name);
      expect(result.ok, name).toBe(true);
      if (result.ok) expect(result.credential.chain.map((der) => Buffer.from(der))).toEqual([Buffer.from(intermediate.der)]);
    }
    expect(service.localCredential('issuing')).toMatchObject({ ok: false, message: expect.stringContaining('is a CA certificate (ca/issuing.cer) without a private key') });
  });

  it('reports name mismatches, key mismatches, missing halves and unparsable files by name', async () => {
    const one = await issueCertificate({ ca, subject: 'CN=one' });
    const two = await issueCertificate({ ca, subject: 'CN=two' });
    const three = await issueCertificate({ ca, subject: 'CN=three' });
    const lonely = await issueCertificate({ ca, subject: 'CN=lonely' });
    await writeCertificateDirectory(directory, {
      local: [
        { name: 'my_cert', certificate: one, keyName: 'my-cert' },
        { name: 'other', certificate: two, keyName: 'Other' },
        { name: 'swapped', certificate: three, keyOf: one },
        { name: 'lonely', certificate: lonely, keyName: false },
      ],
      cas: [{ name: 'toplevel-ca', certificate: ca, inCaSubdirectory: false }],
    });
    await writeFile(join(directory, 'orphan.key'), privateKeyPem(two));
    await writeFile(join(directory, 'garbage.cer'), 'not a certificate');
    await writeFile(join(directory, 'garbage.key'), privateKeyPem(three));
    const service = new CertificateService({ directory, clock });
    const events: CertificateEvent[] = [];
    service.subscribe((event) => events.push(event));
    await service.load();
    const problems = events.flatMap((event) => (event.type === 'cert.store.problem' ? [[event.name, event.code, event.message]] : []));
    expect(problems).toEqual(
      expect.arrayContaining([
        ['my_cert', 'name_mismatch', 'my_cert.cer has no my_cert.key (found my-cert.key): the .cer and .key files must have the same name'],
        ['other', 'name_mismatch', 'other.cer has no other.key (found Other.key): the .cer and .key files must have the same name'],
        ['swapped', 'key_mismatch', 'swapped.key is not the private key of swapped.cer ("CN=three", ECDSA P-256)'],
        ['lonely', 'missing_key', expect.stringContaining('lonely.cer has no lonely.key')],
        ['orphan', 'missing_certificate', 'orphan.key has no orphan.cer'],
        ['garbage', 'unparsable', expect.stringMatching(/^garbage\.cer: DER certificate is not an X\.509 certificate/)],
      ]),
    );
    expect(problems).toHaveLength(6);
    expect(service.localCredential('my_cert')).toEqual({ ok: false, cause: 'local_certificate', message: expect.stringContaining('found my-cert.key') });
    expect(service.localCredential('swapped')).toMatchObject({ ok: false, cause: 'local_certificate', message: expect.stringContaining('is not the private key') });
    expect(service.localCredential('nothere')).toMatchObject({ ok: false, message: expect.stringContaining(`no certificate "nothere" (nothere.cer + nothere.key) in ${directory}`) });
    expect(service.store().authorities.map((authority) => authority.subject)).toEqual(['DC=local, DC=lab, CN=labsrv']);
  });
});

describe('upload', () => {
  it('validates certificate and key, writes name.cer/name.key, and never returns the key', async () => {
    const { service } = await serviceWith();
    const gw = await issueCertificate({ ca, subject: 'CN=gw' });
    const other = await issueCertificate({ ca, subject: 'CN=other' });
    expect(await service.upload({ kind: 'local', name: 'gw', certificate: 'garbage!!', privateKey: privateKeyPem(gw) })).toMatchObject({ ok: false, field: 'certificate' });
    expect(await service.upload({ kind: 'local', name: 'gw', certificate: certificatePem(gw) })).toMatchObject({ ok: false, field: 'privateKey' });
    const mismatch = await service.upload({ kind: 'local', name: 'gw', certificate: certificatePem(gw), privateKey: privateKeyPem(other) });
    expect(mismatch).toMatchObject({ ok: false, field: 'privateKey', message: expect.stringContaining('not the key of "CN=gw"') });
    expect(JSON.stringify(mismatch)).not.toMatch(/PRIVATE KEY|BEGIN/);
    expect(await service.upload({ kind: 'ca', name: 'gwca', certificate: certificatePem(gw) })).toMatchObject({ ok: false, field: 'certificate' });
    expect(await service.upload({ kind: 'local', name: 'gw', certificate: Buffer.from(gw.der).toString('base64'), privateKey: privateKeyPem(gw) })).toEqual({ ok: true });
    expect(service.localCredential('gw').ok).toBe(true);
    expect(service.store().local.find((entry) => entry.name === 'gw')).toMatchObject({ hasKey: true, keyMatches: true });
  });
});
