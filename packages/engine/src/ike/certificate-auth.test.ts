/**
 * Certificate IKE_AUTH between two in-memory gateways, each with a real
 * CertificateService over a certificate directory generated at test time:
 * RSA and ECDSA, both roles, RFC 7427; and one test per cause of "No public
 * key found", each checked on the event that reports it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfig, TunnelConfig } from '@tunnelscope/api';
import { ManualClock, MemoryNetwork, MemoryTransport } from '@tunnelscope/test-utils';
import { AuthMethod, HashAlgorithmId } from '@tunnelscope/ike';
import { generateKeyPairSync } from 'node:crypto';
import { CertificateService } from '../certs/certificate-service.ts';
import { IkeGateway } from '../gateway/ike-gateway.ts';
import { A_ADDRESS, B_ADDRESS, gatewayConfig, tunnel } from '../gateway/__tests__/two-gateways.ts';
import { seededEntropy } from './entropy.ts';
import type { GatewayEvent } from './core-io.ts';
import { chooseSignatureMethod, coreCertificatesOf } from './certificate-auth.ts';
import { X509Certificate, createHash } from 'node:crypto';
import { createCa, crl, issue, writeCertificateDirectory, type KeyKind, type TestCa, type TestEndEntity } from './__tests__/certificate-pki.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

interface CertBench {
  clock: ManualClock;
  network: MemoryNetwork;
  a: IkeGateway;
  b: IkeGateway;
  eventsA: GatewayEvent[];
  eventsB: GatewayEvent[];
  /** Delivers datagrams and lets certificate verifications answer until `done` or 10 s of real time. */
  until(done: () => boolean): Promise<void>;
}

const benches: CertBench[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const bench of benches.splice(0)) {
    await bench.a.stop();
    await bench.b.stop();
  }
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

function certTunnel(side: 'a' | 'b', overrides: Partial<TunnelConfig> = {}): TunnelConfig {
  const a = side === 'a';
  return tunnel({
    name: 'ab',
    localEndpoint: a ? A_ADDRESS : B_ADDRESS,
    remoteEndpoint: a ? B_ADDRESS : A_ADDRESS,
    localNetworks: a ? ['192.168.10.0/24'] : ['10.10.10.0/24'],
    remoteNetworks: a ? ['10.10.10.0/24'] : ['192.168.10.0/24'],
    localId: { type: 'any', value: '' },
    remoteId: { type: 'dn', value: `C=SE, O=Tunnelscope Test, CN=gw-${a ? 'b' : 'a'}` },
    auth: { method: 'certificate', certificate: `gw-${side}`, rootCertificates: ['root'] },
    ...overrides,
  });
}

async function startCertBench(options: {
  a: { tunnel: TunnelConfig; local: Record<string, TestEndEntity>; cas: TestCa[]; engine?: Partial<GatewayConfig['engine']>; dnsServers?: string[] };
  b: { tunnel: TunnelConfig; local: Record<string, TestEndEntity>; cas: TestCa[]; dnsServers?: string[] };
  clock: ManualClock;
  crlTimeoutMs?: number;
}): Promise<CertBench> {
  const network = new MemoryNetwork();
  const make = async (side: 'a' | 'b', address: string) => {
    const spec = options[side];
    const directory = await writeCertificateDirectory({ local: spec.local, cas: spec.cas });
    const config: GatewayConfig = { ...gatewayConfig([spec.tunnel], { certificateDirectory: directory }), dnsServers: spec.dnsServers ?? [] };
    const certificates = new CertificateService({ directory, clock: options.clock, crlTimeoutMs: options.crlTimeoutMs ?? 1000 });
    certificates.applyConfig(config);
    await certificates.load();
    const gateway = new IkeGateway({
      config,
      transport: new MemoryTransport(network, [address], 500, 4500),
      clock: options.clock,
      entropy: seededEntropy(`cert-${side}`),
      certificates,
      core: { fragmentMtu: 1280 },
    });
    const events: GatewayEvent[] = [];
    gateway.subscribe((event) => events.push(event));
    gateway.snoop.setMode('brief');
    await gateway.start();
    return { gateway, events };
  };
  const a = await make('a', A_ADDRESS);
  const b = await make('b', B_ADDRESS);
  const bench: CertBench = {
    clock: options.clock,
    network,
    a: a.gateway,
    b: b.gateway,
    eventsA: a.events,
    eventsB: b.events,
    async until(done) {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        network.deliverAll();
        if (done()) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
  };
  benches.push(bench);
  return bench;
}

function ofType<T extends GatewayEvent['type']>(events: GatewayEvent[], type: T): Extract<GatewayEvent, { type: T }>[] {
  return events.filter((event): event is Extract<GatewayEvent, { type: T }> => event.type === type);
}

function summaries(events: GatewayEvent[]): string[] {
  return ofType(events, 'snoop.message').map((event) => event.summary);
}

const failedOrUp = (events: GatewayEvent[]) => () => events.some((e) => e.type === 'ike.negotiation.failed' || e.type === 'child.sa.up');

/** Root CA, two gateway certificates (gw-a, gw-b), both directories trusting the root. */
async function standardPki(clock: ManualClock, kind: KeyKind = 'rsa2048', overrides: { a?: Partial<Parameters<typeof issue>[1]> } = {}) {
  const now = clock.now();
  const root = await createCa('root', { now, kind });
  const gwA = await issue(root, { subject: 'C=SE, O=Tunnelscope Test, CN=gw-a', kind, notBefore: now - DAY, notAfter: now + 365 * DAY, dns: ['gw-a.example'], ...overrides.a });
  const gwB = await issue(root, { subject: 'C=SE, O=Tunnelscope Test, CN=gw-b', kind, notBefore: now - DAY, notAfter: now + 365 * DAY, dns: ['gw-b.example'] });
  return { root, gwA, gwB };
}

describe('certificate IKE_AUTH between two gateways', () => {
  it('RSA: IKE SA and CHILD_SA with CERT, CERTREQ and RFC 7427 signatures', async () => {
    const clock = new ManualClock();
    const { root, gwA, gwB } = await standardPki(clock);
    const bench = await startCertBench({
      clock,
      a: { tunnel: certTunnel('a'), local: { 'gw-a': gwA }, cas: [root] },
      b: { tunnel: certTunnel('b'), local: { 'gw-b': gwB }, cas: [root] },
    });
    expect(bench.a.initiate('ab')).toMatchObject({ ok: true });
    await bench.until(() => bench.a.listChildSas().some((c) => c.state === 'installed'));
    expect(bench.a.listIkeSas()[0]).toMatchObject({ state: 'established', peerIdentity: 'dn:C=SE, O=Tunnelscope Test, CN=gw-b', peerCertificate: 'C=SE, O=Tunnelscope Test, CN=gw-b' });
    expect(bench.b.listIkeSas()[0]).toMatchObject({ state: 'established', peerIdentity: 'dn:C=SE, O=Tunnelscope Test, CN=gw-a', peerCertificate: 'C=SE, O=Tunnelscope Test, CN=gw-a' });
    expect(bench.b.listChildSas()[0]?.state).toBe('installed');
    const sentByA = summaries(bench.eventsA);
    expect(sentByA).toContain('IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) ]');
    expect(sentByA.some((s) => /^IKE_SA_INIT response 0 \[ SA KE No N\(NATD_S_IP\) N\(NATD_D_IP\) N\(FRAG_SUP\) CERTREQ N\(HASH_ALG\)/.test(s))).toBe(true);
    expect(sentByA.some((s) => /^IKE_AUTH request 1 \[ IDi CERT N\(INIT_CONTACT\) CERTREQ AUTH SA TSi TSr/.test(s))).toBe(true);
    expect(sentByA.some((s) => /^IKE_AUTH response 1 \[ IDr CERT AUTH SA TSi TSr/.test(s))).toBe(true);
    const authenticated = ofType(bench.eventsB, 'log.event').find((e) => e.code === 'certificate_authenticated');
    expect(authenticated?.evidence).toMatchObject({ subject: 'C=SE, O=Tunnelscope Test, CN=gw-a', authMethod: AuthMethod.DIGITAL_SIGNATURE, scheme: 'rsa-pkcs1', hash: 'sha256' });
    // CERTREQ names the root by the SHA-1 of its subjectPublicKeyInfo (RFC 7296 §3.7).
    const certreq = bench.b.renderDatagram(ofType(bench.eventsB, 'snoop.message').find((e) => e.summary.startsWith('IKE_SA_INIT response'))!.datagramIds[0]!, 'full');
    const rootHash = createHash('sha1').update(new X509Certificate(root.certificate.toString('pem')).publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
    expect(JSON.stringify(certreq?.detail)).toContain(rootHash);
    expect(bench.b.certificates && coreCertificatesOf(bench.b.certificates).trustAnchorKeyHashes?.(['root']).map((h) => Buffer.from(h).toString('hex'))).toEqual([rootHash]);
    // The initiator verified the responder the same way.
    expect(ofType(bench.eventsA, 'log.event').find((e) => e.code === 'certificate_authenticated')?.evidence).toMatchObject({ subject: 'C=SE, O=Tunnelscope Test, CN=gw-b' });
  });

  it('ECDSA P-256, B initiates: both roles the other way round', async () => {
    const clock = new ManualClock();
    const { root, gwA, gwB } = await standardPki(clock, 'p256');
    const bench = await startCertBench({
      clock,
      a: { tunnel: certTunnel('a'), local: { 'gw-a': gwA }, cas: [root] },
      b: { tunnel: certTunnel('b'), local: { 'gw-b': gwB }, cas: [root] },
    });
    expect(bench.b.initiate('ab')).toMatchObject({ ok: true });
    await bench.until(() => bench.b.listChildSas().some((c) => c.state === 'installed'));
    expect(bench.a.listIkeSas()[0]?.state).toBe('established');
    expect(bench.b.listIkeSas()[0]?.state).toBe('established');
    const evidence = ofType(bench.eventsA, 'log.event').find((e) => e.code === 'certificate_authenticated')?.evidence;
    expect(evidence).toMatchObject({ subject: 'C=SE, O=Tunnelscope Test, CN=gw-b', scheme: 'ecdsa', hash: 'sha256' });
  });

  it('selects the tunnel by the subjectAltName of the CERT when the peer sends its DN', async () => {
    const clock = new ManualClock();
    const { root, gwA, gwB } = await standardPki(clock);
    const bench = await startCertBench({
      clock,
      a: { tunnel: certTunnel('a'), local: { 'gw-a': gwA }, cas: [root] },
      b: { tunnel: certTunnel('b', { remoteId: { type: 'fqdn', value: 'gw-a.example' } }), local: { 'gw-b': gwB }, cas: [root] },
    });
    bench.a.initiate('ab');
    await bench.until(() => bench.a.listChildSas().some((c) => c.state === 'installed'));
    expect(bench.b.listIkeSas()[0]?.state).toBe('established');
  });

  it('fragments IKE_AUTH carrying a 4096-bit RSA chain (RFC 7383)', async () => {
    const clock = new ManualClock();
    const now = clock.now();
    const root = await createCa('root', { now, kind: 'rsa4096' });
    const gwA = await issue(root, { subject: 'C=SE, O=Tunnelscope Test, CN=gw-a', kind: 'rsa4096', notBefore: now - DAY, notAfter: now + 365 * DAY });
    const gwB = await issue(root, { subject: 'C=SE, O=Tunnelscope Test, CN=gw-b', kind: 'rsa4096', notBefore: now - DAY, notAfter: now + 365 * DAY });
    const bench = await startCertBench({
      clock,
      a: { tunnel: certTunnel('a'), local: { 'gw-a': gwA }, cas: [root] },
      b: { tunnel: certTunnel('b'), local: { 'gw-b': gwB }, cas: [root] },
    });
    bench.a.initiate('ab');
    await bench.until(() => bench.a.listChildSas().some((c) => c.state === 'installed'));
    expect(bench.b.listIkeSas()[0]?.state).toBe('established');
    expect(summaries(bench.eventsB).some((s) => /^IKE_AUTH request 1 \[ EF\(1\/\d\) \]/.test(s))).toBe(true);
    expect(summaries(bench.eventsA).some((s) => /^IKE_AUTH response 1 \[ EF\(1\/\d\) \]/.test(s))).toBe(true);
  }, 60_000);
});

describe('"No public key found" with its precise cause', () => {
  async function failing(options: {
    a?: Partial<Parameters<typeof issue>[1]>;
    aTunnel?: Partial<TunnelConfig>;
    bTunnel?: Partial<TunnelConfig>;
    bCas?: (pki: Awaited<ReturnType<typeof standardPki>>) => Promise<TestCa[]>;
    bDnsServers?: string[];
  }) {
    const clock = new ManualClock();
    const pki = await standardPki(clock, 'rsa2048', { a: options.a ?? {} });
    const bench = await startCertBench({
      clock,
      a: { tunnel: certTunnel('a', options.aTunnel), local: { 'gw-a': pki.gwA }, cas: [pki.root] },
      b: { tunnel: certTunnel('b', options.bTunnel), local: { 'gw-b': pki.gwB }, cas: options.bCas ? await options.bCas(pki) : [pki.root], ...(options.bDnsServers ? { dnsServers: options.bDnsServers } : {}) },
    });
    bench.a.initiate('ab');
    await bench.until(failedOrUp(bench.eventsA));
    const failedB = ofType(bench.eventsB, 'ike.negotiation.failed')[0];
    const failedA = ofType(bench.eventsA, 'ike.negotiation.failed')[0];
    expect(failedB?.code).toBe('no_public_key_found');
    expect(bench.b.listIkeSas()).toHaveLength(0);
    // The initiator hears AUTHENTICATION_FAILED and reports the peer's refusal.
    expect(failedA).toMatchObject({ code: 'no_public_key_found', evidence: { condition: 'certificate_refused_by_peer', peerRefused: true } });
    expect(summaries(bench.eventsB)).toContain('IKE_AUTH response 1 [ N(AUTH_FAILED) ]');
    return { failed: failedB!, bench, pki };
  }

  it('expired', async () => {
    const clock = new ManualClock();
    const now = clock.now();
    const { failed } = await failing({ a: { notBefore: now - 400 * DAY, notAfter: now - 2 * DAY } });
    expect(failed.evidence).toMatchObject({ cause: 'expired', condition: 'peer_certificate_rejected' });
    expect(failed.message).toMatch(/No public key found .*the certificate has expired/);
  });

  it('not yet valid, with the time-zone hint', async () => {
    const clock = new ManualClock();
    const { failed } = await failing({ a: { notBefore: clock.now() + 2 * HOUR, notAfter: clock.now() + 365 * DAY } });
    expect(failed.evidence).toMatchObject({ cause: 'not_yet_valid' });
    expect(failed.message).toMatch(/not yet valid/);
    expect(JSON.stringify(failed.evidence)).toMatch(/zone|offset/i);
  });

  it('another CA', async () => {
    const { failed } = await failing({ bCas: async () => [await createCa('root', { now: new ManualClock().now(), subject: 'C=SE, O=Other, CN=Other CA' })] });
    expect(failed.evidence).toMatchObject({ cause: 'other_ca' });
    expect(failed.message).toMatch(/another CA/);
  });

  it('identity mismatch: the IDi is not in the certificate', async () => {
    const { failed } = await failing({ aTunnel: { localId: { type: 'fqdn', value: 'not-gw-a.example' } }, bTunnel: { remoteId: { type: 'any', value: '' } } });
    expect(failed.evidence).toMatchObject({ cause: 'identity_mismatch' });
  });

  it('identity mismatch as initiator: a valid certificate of the same CA for another gateway is refused', async () => {
    // A expects gw-c; B answers with its own valid certificate (gw-b) from the CA A trusts.
    const clock = new ManualClock();
    const pki = await standardPki(clock, 'p256');
    const bench = await startCertBench({
      clock,
      a: { tunnel: certTunnel('a', { remoteId: { type: 'dn', value: 'C=SE, O=Tunnelscope Test, CN=gw-c' } }), local: { 'gw-a': pki.gwA }, cas: [pki.root] },
      b: { tunnel: certTunnel('b'), local: { 'gw-b': pki.gwB }, cas: [pki.root] },
    });
    bench.a.initiate('ab');
    await bench.until(failedOrUp(bench.eventsA));
    const failed = ofType(bench.eventsA, 'ike.negotiation.failed')[0];
    expect(failed).toMatchObject({ code: 'no_public_key_found', evidence: { cause: 'identity_mismatch', condition: 'peer_certificate_rejected' } });
    expect(failed!.message).toMatch(/C=SE, O=Tunnelscope Test, CN=gw-b.*expects.*CN=gw-c/);
    expect(bench.a.listIkeSas()).toHaveLength(0);
    expect(ofType(bench.eventsA, 'ike.sa.up')).toEqual([]);
    // B answers our AUTHENTICATION_FAILED notice; that answer is expected, not "a tunnel up on the peer's side only".
    await bench.until(() => ofType(bench.eventsA, 'ike.datagram.dropped').length > 0);
    expect(ofType(bench.eventsA, 'ike.datagram.dropped').map((event) => event.reason)).toEqual(['closed_sa_answer']);
    expect(ofType(bench.eventsA, 'log.event').filter((event) => event.code === 'ike_invalid_cookie')).toEqual([]);
    expect(bench.b.listIkeSas()).toHaveLength(0);
  });

  it('identity mismatch as responder: selection keeps the tunnel by address, the certificate\'s name is not the one expected', async () => {
    // B expects gw-c from A's address; A sends its own valid certificate (gw-a) from the CA B trusts.
    const { failed } = await failing({ bTunnel: { remoteId: { type: 'dn', value: 'C=SE, O=Tunnelscope Test, CN=gw-c' } } });
    expect(failed.evidence).toMatchObject({ cause: 'identity_mismatch', selection: 'kept-without-identity-match', expectedIdentity: { type: 'dn', value: 'C=SE, O=Tunnelscope Test, CN=gw-c' } });
    expect(failed.message).toMatch(/CN=gw-a.*expects.*CN=gw-c/);
  });

  it('wrong purpose: no digitalSignature key usage', async () => {
    const { failed } = await failing({ a: { digitalSignature: false } });
    expect(failed.evidence).toMatchObject({ cause: 'wrong_purpose' });
  });

  it('revoked, from a CRL served over HTTP on loopback', async () => {
    let crlBody: Uint8Array = new Uint8Array(0);
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/pkix-crl' });
      response.end(crlBody);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/root.crl`;
    const { failed } = await failing({
      a: { crlUrl: url },
      bTunnel: { crlChecking: true },
      bCas: async (pki) => {
        crlBody = await crl(pki.root, [pki.gwA.serial], new ManualClock().now());
        return [pki.root];
      },
    });
    expect(failed.evidence).toMatchObject({ cause: 'revoked' });
    expect(failed.message).toMatch(/revoked/);
  });

  it('CRL unreachable (nothing listens at the distribution point)', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const { failed } = await failing({ a: { crlUrl: `http://127.0.0.1:${port}/root.crl` }, bTunnel: { crlChecking: true } });
    expect(failed.evidence).toMatchObject({ cause: 'crl_unreachable' });
  });

  it('no DNS servers for the CRL host name', async () => {
    const { failed } = await failing({ a: { crlUrl: 'http://ca.lab.example/root.crl' }, bTunnel: { crlChecking: true }, bDnsServers: [] });
    expect(failed.evidence).toMatchObject({ cause: 'no_dns_servers' });
  });

  it('our own certificate missing: local_certificate, IKE_AUTH not sent', async () => {
    const clock = new ManualClock();
    const { root, gwB } = await standardPki(clock);
    const bench = await startCertBench({
      clock,
      a: { tunnel: certTunnel('a'), local: {}, cas: [root] },
      b: { tunnel: certTunnel('b'), local: { 'gw-b': gwB }, cas: [root] },
    });
    bench.a.initiate('ab');
    await bench.until(failedOrUp(bench.eventsA));
    expect(ofType(bench.eventsA, 'ike.negotiation.failed')[0]).toMatchObject({ code: 'no_public_key_found', evidence: { cause: 'local_certificate' } });
    expect(summaries(bench.eventsA).some((s) => s.startsWith('IKE_AUTH request'))).toBe(false);
  });
});

describe('a parked IKE_AUTH', () => {
  it('ignores retransmissions while verifying and fails as crl_unreachable when the verification never answers', async () => {
    // A CA server that accepts the connection and never answers.
    const server = createServer(() => undefined);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const clock = new ManualClock();
    const pki = await standardPki(clock, 'p256', { a: { crlUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/root.crl` } });
    const bench = await startCertBench({
      clock,
      crlTimeoutMs: 60_000,
      a: { tunnel: certTunnel('a'), local: { 'gw-a': pki.gwA }, cas: [pki.root] },
      b: { tunnel: certTunnel('b', { crlChecking: true }), local: { 'gw-b': pki.gwB }, cas: [pki.root] },
    });
    bench.a.initiate('ab');
    await bench.until(() => ofType(bench.eventsB, 'log.event').some((e) => e.code === 'certificate_verification_started'));
    // A retransmits its IKE_AUTH (4 s): B drops it without a second verification.
    bench.clock.advance(4_500);
    bench.network.deliverAll();
    expect(summaries(bench.eventsB)).toContain('IKE_AUTH request 1 (retransmission, certificate verification in progress)');
    expect(ofType(bench.eventsB, 'log.event').filter((e) => e.code === 'certificate_verification_started')).toHaveLength(1);
    bench.clock.advance(6_000);
    bench.network.deliverAll();
    const failed = ofType(bench.eventsB, 'ike.negotiation.failed')[0];
    expect(failed).toMatchObject({ code: 'no_public_key_found', evidence: { cause: 'crl_unreachable', timeoutMs: 10_000 } });
    expect(failed?.message).toMatch(/did not finish in 10 s/);
    expect(bench.b.listIkeSas()).toHaveLength(0);
  });
});

describe('the AUTH method', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
  it('is RFC 7427 with a hash the peer announced, else the classic method of the key', () => {
    expect(chooseSignatureMethod(rsa, [HashAlgorithmId.SHA2_256, HashAlgorithmId.SHA2_384])).toEqual({ method: AuthMethod.DIGITAL_SIGNATURE, hash: 'sha256' });
    expect(chooseSignatureMethod(p384, [HashAlgorithmId.SHA2_256, HashAlgorithmId.SHA2_384])).toEqual({ method: AuthMethod.DIGITAL_SIGNATURE, hash: 'sha384' });
    expect(chooseSignatureMethod(rsa, [])).toEqual({ method: AuthMethod.RSA_SIGNATURE });
    expect(chooseSignatureMethod(p384, [])).toEqual({ method: AuthMethod.ECDSA_SHA384_P384 });
  });
});
