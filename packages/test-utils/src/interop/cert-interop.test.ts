/**
 * Certificate authentication against a real strongSwan 5.9.8 (issue 7,
 * "Proof required"), both directions, in the lab's namespace:
 *
 *   charon (127.0.0.1, swanctl x509/ x509ca/ private/) <-- IKE --> our engine (127.0.0.2,
 *   certificate directory name.cer + name.key, ca/name.cer)
 *
 * Both toolchains' certificates are proven: strongSwan's `pki` makes
 * charon's RSA certificate our engine verifies and our ECDSA certificate
 * charon verifies; the test PKI (@peculiar/x509) makes our RSA certificate
 * charon verifies and charon's ECDSA certificate we verify. Then each cause
 * of "No public key found" that charon can produce on the wire: an expired
 * certificate, one from another CA, one revoked in a CRL our engine fetches
 * over HTTP from a server inside the namespace, none sent at all; and our
 * own expired certificate, which charon refuses.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { validateConfig } from '@tunnelscope/engine';
import {
  certGatewayConf,
  installCharonCa,
  installCharonCredential,
  pkiCreateCa,
  pkiIssue,
  pkiSignCrl,
  type CertGatewayOptions,
  type PkiCredential,
} from '../cert-gateway-conf.ts';
import { parseIkeMessages } from '../charon-log.ts';
import { createCa, issueCertificate, privateKeyPem, type TestCa, type TestCertificate } from '../pki/test-pki.ts';
import type { Netns } from '../netns.ts';
import { describeInterop } from '../require-tool.ts';
import { stopProcess } from '../run-command.ts';
import { renderConf } from '../strongswan-conf.ts';
import type { GatewayConfig } from './engine-host-protocol.ts';
import { CHARON, OURS, settledSnoopPair, startInteropLab, type InteropLab, type LabCase } from './interop-lab.ts';

const DAY = 86_400_000;
const CHARON_DN = 'C=SE, O=strongSwan Interop, CN=side-b';
const OUR_DN = 'C=SE, O=Tunnelscope Interop, CN=side-a';
/** Name of the trust anchor in our certificate directory (ca/trusted-ca.cer). */
const OUR_ANCHOR = 'trusted-ca';

/** What our side of a case holds: its certificate, its key (PEM) and the CA it trusts. */
interface OurSide {
  certificatePem: string | Buffer;
  keyPem: string | Buffer;
  trustedCaPem: string | Buffer;
  crlChecking?: boolean;
}

/** What charon holds: its certificate and key (PEM), the CA it trusts, and connection options. */
interface CharonSide {
  certificatePem: string | Buffer;
  keyPem: string | Buffer;
  trustedCaPem: string | Buffer;
  conf?: Partial<CertGatewayOptions>;
}

/**
 * Our snoop lines against charon's for the same messages, where the two are
 * comparable: IKE_AUTH carrying certificates is fragmented (RFC 7383), and
 * the two logs place fragments differently (charon logs a message it sends
 * before its EF(i/n) fragments, one it receives after them; our snoop shows
 * the fragments it receives and only the whole message it sends). So whole
 * messages are compared in order, and the fragments of charon's messages
 * separately: each EF(i/n) charon generated is one our snoop received.
 */
async function comparableSnoop(engine: InteropLab['engine'], c: LabCase): Promise<{ ours: string[]; charon: string[]; oursFragmentsIn: string[]; charonFragmentsOut: string[] }> {
  const isFragment = (line: string): boolean => /\[ EF\(\d+\/\d+\) \]$/.test(line);
  const deadline = Date.now() + 3000;
  for (;;) {
    const pair = await settledSnoopPair(engine, c, 500);
    const result = {
      ours: pair.ours.filter((line) => !isFragment(line)),
      charon: pair.charon.filter((line) => !isFragment(line)),
      oursFragmentsIn: pair.ours.filter((line) => isFragment(line) && line.startsWith('charon: ')),
      charonFragmentsOut: pair.charon.filter((line) => isFragment(line) && line.startsWith('charon: ')),
    };
    const same = JSON.stringify(result.ours) === JSON.stringify(result.charon) && JSON.stringify(result.oursFragmentsIn) === JSON.stringify(result.charonFragmentsOut);
    if (same || Date.now() > deadline) return result;
  }
}

describeInterop('interop with strongSwan 5.9.8: certificate authentication, both directions, and "No public key found"', ['charon', 'netns'], () => {
  let lab: InteropLab;
  let scratch: string;
  let caseNumber = 0;
  /** strongSwan pki: the CA of charon's certificates (and of our pki-made ECDSA one). */
  let pkiCa: PkiCredential;
  /** Test PKI (@peculiar/x509): the CA of our certificates (and of charon's test-PKI ECDSA one). */
  let testCa: TestCa;
  /** Our valid RSA certificate from the test PKI. */
  let ourRsa: TestCertificate;
  /** charon's valid RSA certificate from pki. */
  let charonRsa: PkiCredential;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'tsh-cert-interop-'));
    mkdirSync(join(scratch, 'pki'));
    lab = await startInteropLab('cert');
    const now = Date.now();
    pkiCa = await pkiCreateCa(join(scratch, 'pki'), 'pki-ca', { dn: 'C=SE, O=strongSwan Interop, CN=pki CA', keyType: 'rsa' });
    testCa = await createCa({ subject: 'C=SE, O=Tunnelscope Interop, CN=test CA', keyType: 'rsa-2048', notBefore: new Date(now - 30 * DAY), notAfter: new Date(now + 730 * DAY) });
    ourRsa = await issueCertificate({ ca: testCa, subject: OUR_DN, sans: ['fqdn:side-a'], keyType: 'rsa-2048', validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) } });
    charonRsa = await pkiIssue(join(scratch, 'pki'), 'charon-rsa', { ca: pkiCa, dn: CHARON_DN, sans: ['side-b'], keyType: 'rsa' });
  }, 120_000);

  afterAll(async () => {
    await lab?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** Our tunnel "gw" towards charon with certificate auth. */
  function ourConfig(directory: string, crlChecking: boolean): GatewayConfig {
    const result = validateConfig({
      tunnels: [
        {
          name: 'gw',
          localNetworks: [OURS.network],
          remoteNetworks: [CHARON.network],
          localEndpoint: OURS.address,
          remoteEndpoint: CHARON.address,
          remotePort: CHARON.ikePort,
          ikeProposals: ['aes128gcm16-prfsha256-x25519'],
          ipsecProposals: ['aes128gcm16'],
          localId: { type: 'dn', value: OUR_DN },
          remoteId: { type: 'dn', value: CHARON_DN },
          crlChecking,
          auth: { method: 'certificate', certificate: 'side-a', rootCertificates: [OUR_ANCHOR] },
        },
      ],
      engine: {
        ikePort: OURS.ikePort,
        natTPort: OURS.natTPort,
        listenAddresses: [OURS.address],
        retransmit: { initialTimeoutMs: 1000, backoff: 1.5, tries: 3 },
        certificateDirectory: directory,
      },
    });
    if (!result.ok) throw new Error(`cert interop: our config is invalid:\n${result.errors.map((e) => `${e.path}: ${e.message}`).join('\n')}`);
    return result.config;
  }

  /**
   * Puts both sides into a case: ends charon's IKE_SAs, gives charon fresh
   * credentials (swanctl dirs emptied first) and connection, writes our
   * certificate directory and starts a fresh gateway over it.
   */
  async function reset(ours: OurSide, charon: CharonSide): Promise<LabCase> {
    for (const sa of await lab.charonSas()) {
      await lab.charon.swanctl(['--terminate', '--ike-id', String(sa.uniqueId), '--force', '--timeout', '1'], { allowFailure: true });
    }
    caseNumber += 1;
    const swanctlDir = join(lab.charon.dir, 'swanctl');
    for (const sub of ['x509', 'x509ca', 'private']) {
      rmSync(join(swanctlDir, sub), { recursive: true, force: true });
      mkdirSync(join(swanctlDir, sub));
    }
    const { certs } = installCharonCredential(swanctlDir, 'charon', { certificatePem: charon.certificatePem, keyPem: charon.keyPem });
    const remoteCa = installCharonCa(swanctlDir, 'peer-ca', charon.trustedCaPem);
    const conf = certGatewayConf({
      localAddress: CHARON.address,
      remoteAddress: OURS.address,
      remotePort: OURS.ikePort,
      localCertificate: certs,
      remoteId: OUR_DN,
      remoteCa,
      proposals: 'aes128gcm16-prfsha256-x25519',
      espProposals: 'aes128gcm16',
      localTs: CHARON.network,
      remoteTs: OURS.network,
      connectionSettings: { rekey_time: 0 },
      childSettings: { rekey_time: 0 },
      ...charon.conf,
    });
    const swanctlConf = join(swanctlDir, 'swanctl.conf');
    writeFileSync(swanctlConf, renderConf(conf));

    const directory = join(scratch, `engine-${caseNumber}`);
    mkdirSync(join(directory, 'ca'), { recursive: true });
    writeFileSync(join(directory, 'side-a.cer'), ours.certificatePem);
    writeFileSync(join(directory, 'side-a.key'), ours.keyPem, { mode: 0o600 });
    writeFileSync(join(directory, 'ca', `${OUR_ANCHOR}.cer`), ours.trustedCaPem);

    const [loaded] = await Promise.all([
      lab.charon.swanctl(['--load-all', '--clear', '--noprompt', '--file', swanctlConf]),
      lab.engine.start(ourConfig(directory, ours.crlChecking ?? false)),
    ]);
    // swanctl names every credential it loaded: charon's certificate, its key and the CA.
    expect(loaded.stdout).toMatch(/loaded certificate from '.*x509\/charon\.pem'/);
    expect(loaded.stdout).toMatch(/loaded certificate from '.*x509ca\/peer-ca\.pem'/);
    expect(loaded.stdout).toMatch(/loaded private key from '.*private\/charon\.key'/);
    const mark = lab.charon.mark();
    return {
      charonLines: () => lab.charon.lines.slice(mark),
      charonMessages: () => parseIkeMessages(lab.charon.lines.slice(mark)),
      waitForCharon: (pattern, timeoutMs = 10_000) => lab.charon.waitForLog(pattern, timeoutMs, mark),
    };
  }

  const ourRsaSide = (): OurSide => ({ certificatePem: ourRsa.pem, keyPem: privateKeyPem(ourRsa), trustedCaPem: pkiCa.certificate.bytes });
  const charonRsaSide = (conf: Partial<CertGatewayOptions> = {}): CharonSide => ({
    certificatePem: charonRsa.certificate.bytes,
    keyPem: charonRsa.key.bytes,
    trustedCaPem: testCa.pem,
    conf,
  });

  /** charon initiates a case that must fail on our side: returns our failure event. */
  async function charonInitiatesAndWeRefuse(c: LabCase) {
    const result = await lab.charon.initiate({ child: 'net' }, { allowFailure: true });
    expect(result.code).not.toBe(0);
    const failed = await lab.engine.waitFor('ike.negotiation.failed');
    await c.waitForCharon(/received AUTHENTICATION_FAILED notify error/);
    expect(await lab.charonSas()).toEqual([]);
    expect(await lab.engine.call('listIkeSas')).toEqual([]);
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 0, ikeNegotiationsFailed: 1 });
    const snoop = await comparableSnoop(lab.engine, c);
    expect(snoop.ours).toEqual(snoop.charon);
    expect(snoop.oursFragmentsIn).toEqual(snoop.charonFragmentsOut);
    expect(snoop.ours.at(-1)).toBe('engine: IKE_AUTH response 1 [ N(AUTH_FAILED) ]');
    return failed;
  }

  it('charon initiates, RSA (pki-made on charon\'s side, test PKI on ours): IKE_SA and CHILD_SA, snoop equals charon\'s log', async () => {
    const c = await reset(ourRsaSide(), charonRsaSide());
    await lab.charon.initiate({ child: 'net' });
    await lab.engine.waitFor('child.sa.up');
    await c.waitForCharon(/CHILD_SA net\{\d+\} established/);
    // charon verified our test-PKI certificate against the CA it trusts.
    await c.waitForCharon(new RegExp(`authentication of '${OUR_DN}' with RSA_EMSA_PKCS1_SHA2_256 successful`));
    const [sa] = await lab.charonSas();
    expect(sa).toMatchObject({ state: 'ESTABLISHED', localId: CHARON_DN, remoteId: OUR_DN });
    expect(sa?.childSas[0]).toMatchObject({ state: 'INSTALLED' });
    // pki's certificate and our test-PKI key loaded without a problem on our side.
    expect(lab.engine.ofType('cert.store.problem')).toEqual([]);
    const [ours] = await lab.engine.call('listIkeSas');
    expect(ours).toMatchObject({ state: 'established', peerIdentity: `dn:${CHARON_DN}` });
    const authenticated = lab.engine.ofType('log.event').find((e) => e.code === 'certificate_authenticated');
    expect(authenticated?.evidence).toMatchObject({ subject: CHARON_DN, scheme: 'rsa-pkcs1' });
    expect(await lab.engine.call('stats')).toMatchObject({ ikeSasActive: 1, ikeNegotiationsDone: 1, ipsecSasActive: 1 });
    const snoop = await comparableSnoop(lab.engine, c);
    expect(snoop.ours).toEqual(snoop.charon);
    expect(snoop.oursFragmentsIn).toEqual(snoop.charonFragmentsOut);
    expect(snoop.ours[1]).toMatch(/^engine: IKE_SA_INIT response 0 \[ .*CERTREQ N\(HASH_ALG\)/);
    expect(snoop.ours[2]).toMatch(/^charon: IKE_AUTH request 1 \[ IDi CERT N\(INIT_CONTACT\) CERTREQ IDr AUTH SA TSi TSr /);
    expect(snoop.ours[3]).toMatch(/^engine: IKE_AUTH response 1 \[ IDr CERT AUTH SA TSi TSr /);
    // charon received our certificate-carrying response whole (reassembled from its fragments).
    await c.waitForCharon(/parsed IKE_AUTH response 1 \[ IDr CERT AUTH SA TSi TSr/);
  }, 60_000);

  it('we initiate, ECDSA (pki-made on our side, test PKI on charon\'s), RFC 7427: IKE_SA and CHILD_SA', async () => {
    const now = Date.now();
    const ourEcdsa = await pkiIssue(join(scratch, 'pki'), 'ours-ecdsa', { ca: pkiCa, dn: OUR_DN, sans: ['side-a'], keyType: 'ecdsa' });
    const charonEcdsa = await issueCertificate({
      ca: testCa,
      subject: CHARON_DN,
      sans: ['fqdn:side-b'],
      keyType: 'ecdsa-p256',
      validity: { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) },
    });
    const c = await reset(
      { certificatePem: ourEcdsa.certificate.bytes, keyPem: ourEcdsa.key.bytes, trustedCaPem: testCa.pem },
      { certificatePem: charonEcdsa.pem, keyPem: privateKeyPem(charonEcdsa, 'sec1'), trustedCaPem: pkiCa.certificate.bytes },
    );
    expect(await lab.engine.call('initiate', 'gw')).toMatchObject({ ok: true });
    await lab.engine.waitFor('child.sa.up');
    await c.waitForCharon(/CHILD_SA net\{\d+\} established/);
    // charon verified our pki-made ECDSA certificate with an RFC 7427 signature.
    await c.waitForCharon(new RegExp(`authentication of '${OUR_DN}' with ECDSA.*successful`));
    // Our pki-made certificate and its EC key (pki's "EC PRIVATE KEY" PEM) loaded without a problem.
    expect(lab.engine.ofType('cert.store.problem')).toEqual([]);
    const authenticated = lab.engine.ofType('log.event').find((e) => e.code === 'certificate_authenticated');
    expect(authenticated?.evidence).toMatchObject({ subject: CHARON_DN, scheme: 'ecdsa', authMethod: 14 });
    const [sa] = await lab.charonSas();
    expect(sa).toMatchObject({ state: 'ESTABLISHED', localId: CHARON_DN, remoteId: OUR_DN });
    const snoop = await comparableSnoop(lab.engine, c);
    expect(snoop.ours).toEqual(snoop.charon);
    expect(snoop.oursFragmentsIn).toEqual(snoop.charonFragmentsOut);
    expect(snoop.ours[0]).toMatch(/^engine: IKE_SA_INIT request 0 \[ .*N\(HASH_ALG\)/);
    expect(snoop.ours[2]).toMatch(/^engine: IKE_AUTH request 1 \[ IDi CERT N\(INIT_CONTACT\) CERTREQ AUTH SA TSi TSr /);
  }, 60_000);

  it('charon\'s certificate expired: we refuse with no_public_key_found, cause expired', async () => {
    const now = Date.now();
    const expired = await pkiIssue(join(scratch, 'pki'), 'charon-expired', {
      ca: pkiCa,
      dn: CHARON_DN,
      sans: ['side-b'],
      notBefore: new Date(now - 400 * DAY),
      notAfter: new Date(now - 2 * DAY),
    });
    const c = await reset(ourRsaSide(), { certificatePem: expired.certificate.bytes, keyPem: expired.key.bytes, trustedCaPem: testCa.pem });
    const failed = await charonInitiatesAndWeRefuse(c);
    expect(failed).toMatchObject({ code: 'no_public_key_found', evidence: { cause: 'expired' } });
    expect(failed.message).toMatch(/expired/);
  }, 60_000);

  it('charon\'s certificate from another CA: cause other_ca', async () => {
    const rogueDir = join(scratch, 'rogue');
    mkdirSync(rogueDir, { recursive: true });
    const rogueCa = await pkiCreateCa(rogueDir, 'rogue-ca', { dn: 'C=SE, O=Elsewhere, CN=rogue CA' });
    const fromRogue = await pkiIssue(rogueDir, 'charon-rogue', { ca: rogueCa, dn: CHARON_DN, sans: ['side-b'] });
    const c = await reset(ourRsaSide(), { certificatePem: fromRogue.certificate.bytes, keyPem: fromRogue.key.bytes, trustedCaPem: testCa.pem });
    const failed = await charonInitiatesAndWeRefuse(c);
    expect(failed).toMatchObject({ code: 'no_public_key_found', evidence: { cause: 'other_ca' } });
    expect(failed.message).toMatch(/another CA/);
  }, 60_000);

  it('charon\'s certificate revoked in the CRL we fetch over HTTP inside the namespace: cause revoked', async () => {
    const crlPath = join(scratch, 'pki', 'pki-ca.crl');
    const server = await startCrlServerInNamespace(lab.netns, crlPath);
    try {
      const url = `http://127.0.0.1:${server.port}/pki-ca.crl`;
      const revoked = await pkiIssue(join(scratch, 'pki'), 'charon-revoked', { ca: pkiCa, dn: CHARON_DN, sans: ['side-b'], crlUrl: url });
      await pkiSignCrl(crlPath, pkiCa, [revoked]);
      const c = await reset(
        { ...ourRsaSide(), crlChecking: true },
        { certificatePem: revoked.certificate.bytes, keyPem: revoked.key.bytes, trustedCaPem: testCa.pem },
      );
      const failed = await charonInitiatesAndWeRefuse(c);
      expect(failed, `${failed.message}\n${JSON.stringify(failed.evidence)}`).toMatchObject({ code: 'no_public_key_found', evidence: { cause: 'revoked' } });
      expect(failed.message).toMatch(/revoked/);
      // The CRL came from the namespace's server, parsed and verified with the key of pki's CA.
      expect(server.requests).toContain('/pki-ca.crl');
      expect(lab.engine.ofType('cert.crl.fetch')).toEqual([
        expect.objectContaining({ url, issuer: pkiCa.subject, ok: true, state: 'valid', revokedCount: 1 }),
      ]);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('charon with send_cert = never: cause no_certificate', async () => {
    const c = await reset(ourRsaSide(), charonRsaSide({ sendCert: 'never' }));
    const failed = await charonInitiatesAndWeRefuse(c);
    expect(failed).toMatchObject({ code: 'no_public_key_found', evidence: { cause: 'no_certificate' } });
    const authRequest = c.charonMessages().find((m) => m.direction === 'generating' && m.exchange === 'IKE_AUTH');
    expect(authRequest?.payloads).toMatch(/^IDi N\(INIT_CONTACT\) /);
    expect(authRequest?.payloadList).not.toContain('CERT');
    expect(failed.message).toMatch(/sent no certificate/);
  }, 60_000);

  it('we initiate with our own expired certificate: charon refuses, we report the peer\'s refusal', async () => {
    const now = Date.now();
    const ourExpired = await issueCertificate({
      ca: testCa,
      subject: OUR_DN,
      sans: ['fqdn:side-a'],
      keyType: 'rsa-2048',
      validity: { notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - 2 * DAY) },
    });
    const c = await reset({ certificatePem: ourExpired.pem, keyPem: privateKeyPem(ourExpired), trustedCaPem: pkiCa.certificate.bytes }, charonRsaSide());
    expect(await lab.engine.call('initiate', 'gw')).toMatchObject({ ok: true });
    const failed = await lab.engine.waitFor('ike.negotiation.failed');
    expect(failed).toMatchObject({ code: 'no_public_key_found', evidence: { condition: 'certificate_refused_by_peer', peerRefused: true } });
    // Our store flagged the certificate when it loaded it; we still send it (the operator sees why it fails).
    expect(lab.engine.ofType('cert.store.problem')).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'side-a', code: 'expired' })]));
    // charon's verdict: the certificate is outside its validity, so it has no trusted key for us.
    await c.waitForCharon(/subject certificate invalid \(valid from .* to .*\)/);
    await c.waitForCharon(new RegExp(`no trusted RSA public key found for '${OUR_DN}'`));
    await c.waitForCharon(/generating IKE_AUTH response 1 \[ N\(AUTH_FAILED\) \]/);
    expect(await lab.charonSas()).toEqual([]);
    expect(await lab.engine.call('listIkeSas')).toEqual([]);
    const snoop = await comparableSnoop(lab.engine, c);
    expect(snoop.ours).toEqual(snoop.charon);
    expect(snoop.ours.at(-1)).toBe('charon: IKE_AUTH response 1 [ N(AUTH_FAILED) ]');
  }, 60_000);
});

/**
 * A CA's CRL endpoint inside the lab's namespace: a node HTTP server on
 * 127.0.0.1 (port 0) in a child started with `ip netns exec`, serving the
 * file at `crlPath` (read per request, so it may be written after start)
 * and reporting each request path on stdout.
 */
async function startCrlServerInNamespace(netns: Netns, crlPath: string): Promise<{ port: number; requests: string[]; close(): Promise<void> }> {
  const script = [
    "const http = require('node:http'); const fs = require('node:fs');",
    'const file = process.argv[1];',
    'const server = http.createServer((req, res) => {',
    "  process.stdout.write('GET ' + req.url + '\\n');",
    '  let body; try { body = fs.readFileSync(file); } catch { res.writeHead(404).end(); return; }',
    "  res.writeHead(200, { 'content-type': 'application/pkix-crl', 'content-length': body.length }).end(body);",
    '});',
    "server.listen(0, '127.0.0.1', () => process.stdout.write('PORT ' + server.address().port + '\\n'));",
  ].join('\n');
  const child: ChildProcess = netns.spawn(process.execPath, ['--input-type=commonjs', '-e', script, crlPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const requests: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('CRL server in the namespace did not start within 10 s')), 10_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const portMatch = /^PORT (\d+)$/.exec(line);
      if (portMatch) {
        clearTimeout(timer);
        resolve(Number(portMatch[1]));
      }
      const get = /^GET (.*)$/.exec(line);
      if (get) requests.push(get[1]!);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`CRL server in the namespace exited (${code})`));
    });
  });
  return { port, requests, close: () => stopProcess(child, 'SIGTERM', 2000) };
}
