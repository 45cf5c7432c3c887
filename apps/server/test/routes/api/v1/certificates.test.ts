/**
 * Certificate routes over the real engine adapter and the engine's
 * CertificateService: a test PKI made with openssl at test time (a CA and a
 * gateway certificate that expires in 10 days), uploaded over HTTP; store,
 * cache, detail, flush (operator, audited), CRLs, the console's
 * `ike -certshow` / `ike -certflush`, upload validation naming the field,
 * the 14-day expiry alert, and the private key never leaving: not in any
 * response, stream frame, log line or the server's database files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateService } from '../../../../src/engine-api.ts';
import { EngineGateway } from '../../../../src/plugins/app/engine-gateway.ts';
import { startTestServer, type StreamClientHandle, type TestServer } from '../../../support/harness.ts';
import { loopbackTunnelConfig } from '../../../support/loopback-tunnel-config.ts';

const A = '127.0.1.41';
const B = '127.0.1.42';
const IKE_PORT = 18600 + (process.pid % 200);

interface Pki {
  caCert: string;
  caKey: string;
  gwCert: string;
  gwKey: string;
}

function makePki(dir: string): Pki {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.cer', '-days', '365',
    '-subj', '/C=SE/O=Tunnelscope Test/CN=Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'gw.key', '-out', 'gw.csr', '-subj', '/C=SE/O=Tunnelscope Test/CN=gw.example']);
  writeFileSync(path.join(dir, 'gw.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:gw.example\n');
  run(['x509', '-req', '-in', 'gw.csr', '-CA', 'ca.cer', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '10', '-out', 'gw.cer', '-extfile', 'gw.ext']);
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  return { caCert: read('ca.cer'), caKey: read('ca.key'), gwCert: read('gw.cer'), gwKey: read('gw.key') };
}

/** Substantial lines of a PEM body (how a leak would show up in JSON or logs). */
function keyLines(pem: string): string[] {
  return pem.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('certificate routes (real engine adapter, CertificateService)', () => {
  let t: TestServer;
  let stream: StreamClientHandle;
  let pkiDir: string;
  let gatewayDir: string;
  let pki: Pki;

  beforeAll(async () => {
    pkiDir = mkdtempSync(path.join(tmpdir(), 'tunnelscope-pki-'));
    gatewayDir = mkdtempSync(path.join(tmpdir(), 'tunnelscope-gw-'));
    pki = makePki(pkiDir);
    const gateway = new EngineGateway({ dataDir: gatewayDir, createCertificates: createCertificateService });
    t = await startTestServer({
      gateway: gateway as never,
      config: loopbackTunnelConfig({ ikePort: IKE_PORT, natTPort: IKE_PORT + 1000, psk: 'cert-route-test-psk' }, A, B, ['192.168.40.0/24'], ['10.40.0.0/24']),
    });
    stream = await t.connect({ token: t.tokens.admin });
    for (const topic of ['cert', 'alert']) stream.send({ type: 'subscribe', id: topic, topic });
    await stream.waitFor((f) => f.type === 'subscribed' && f.id === 'alert');
  });
  afterAll(async () => {
    await stream?.close();
    await t?.close();
    rmSync(pkiDir, { recursive: true, force: true });
    rmSync(gatewayDir, { recursive: true, force: true });
  });

  it('the store starts empty in <data dir>/certificates', async () => {
    const r = await t.request('GET', '/api/v1/certificates/store', { token: t.tokens.viewer });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ directory: path.join(gatewayDir, 'certificates'), local: [], authorities: [] });
  });

  it('uploads are admin only; validation errors name the field; a CA carries no key', async () => {
    const forbidden = await t.request('POST', '/api/v1/certificates', { token: t.tokens.operator, body: { kind: 'ca', name: 'test-ca', certificate: pki.caCert } });
    expect(forbidden.status).toBe(403);

    const garbage = await t.request('POST', '/api/v1/certificates', { token: t.tokens.admin, body: { kind: 'ca', name: 'test-ca', certificate: '!!! not a certificate' } });
    expect(garbage.status).toBe(400);
    expect(garbage.json.error.fields).toEqual([{ path: 'body.certificate', message: expect.any(String) }]);

    const badName = await t.request('POST', '/api/v1/certificates', { token: t.tokens.admin, body: { kind: 'ca', name: '../etc', certificate: pki.caCert } });
    expect(badName.status).toBe(400);
    expect(badName.json.error.fields[0].path).toBe('body.name');

    const caWithKey = await t.request('POST', '/api/v1/certificates', { token: t.tokens.admin, body: { kind: 'ca', name: 'test-ca', certificate: pki.caCert, privateKey: pki.caKey } });
    expect(caWithKey.status).toBe(400);
    expect(caWithKey.json.error.fields[0].path).toBe('body.privateKey');

    const notCa = await t.request('POST', '/api/v1/certificates', { token: t.tokens.admin, body: { kind: 'ca', name: 'test-ca', certificate: pki.gwCert } });
    expect(notCa.status).toBe(400);
    expect(notCa.json.error.fields[0]).toMatchObject({ path: 'body.certificate', message: expect.stringContaining('not a CA certificate') });

    const wrongKey = await t.request('POST', '/api/v1/certificates', { token: t.tokens.admin, body: { kind: 'local', name: 'gw', certificate: pki.gwCert, privateKey: pki.caKey } });
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.json.error.fields[0]).toMatchObject({ path: 'body.privateKey', message: expect.stringContaining('CN=gw.example') });
    expect(wrongKey.text).not.toContain(keyLines(pki.caKey)[0]);
  });

  it('uploads the CA and the gateway certificate; the store lists them, the key only as hasKey', async () => {
    const ca = await t.request('POST', '/api/v1/certificates', { token: t.tokens.admin, body: { kind: 'ca', name: 'test-ca', certificate: pki.caCert } });
    expect(ca.status).toBe(201);
    expect(ca.json.authorities).toHaveLength(1);
    expect(ca.json.authorities[0]).toMatchObject({ subject: expect.stringContaining('CN=Test CA'), isCa: true, source: 'ca' });

    const der = Buffer.from(keyLines(pki.gwCert).join(''), 'base64').toString('base64');
    const local = await t.request('POST', '/api/v1/certificates', { token: t.tokens.admin, body: { kind: 'local', name: 'gw', certificate: der, privateKey: pki.gwKey } });
    expect(local.status).toBe(201);
    const gw = local.json.local.find((l: { name: string }) => l.name === 'gw');
    expect(gw).toMatchObject({ name: 'gw', hasKey: true, certificate: { subject: expect.stringContaining('CN=gw.example'), isCa: false } });
    expect(gw.certificate.validTo - gw.certificate.validFrom).toBe(10 * 86_400_000);
    expect(JSON.stringify(local.json)).not.toMatch(/PRIVATE KEY/);

    const audit = await t.request('GET', '/api/v1/audit', { token: t.tokens.admin });
    const uploads = audit.json.items.filter((e: { action: string }) => e.action === 'certificates.upload');
    expect(uploads.map((e: { target: string; detail: unknown }) => [e.target, e.detail])).toEqual([
      ['certificate:gw', { kind: 'local', hasKey: true }],
      ['certificate:test-ca', { kind: 'ca', hasKey: false }],
    ]);
  });

  it('raises a certificate_expiry alert for the gateway certificate that expires within 14 days, once', async () => {
    await t.server.services.certificateExpiry.check();
    const alert = await stream.waitFor((f) => f.type === 'event' && f.data.type === 'alert.certificate_expiry');
    expect(alert.data.text).toMatch(/^local certificate ".*CN=gw\.example.*" expires in (9|10) days, at \d{4}-/);
    expect(await t.server.services.certificateExpiry.check()).toEqual([]);
    expect(stream.frames.filter((f) => f.type === 'event' && f.data.type === 'alert.certificate_expiry')).toHaveLength(1);
  });

  it('reads the cache, its CRLs and details; unknown ids are 404', async () => {
    const cache = await t.request('GET', '/api/v1/certificates/cache', { token: t.tokens.viewer });
    expect(cache.status).toBe(200);
    expect(cache.json).toMatchObject({ timeZone: 'UTC', certificates: expect.any(Array), crls: expect.any(Array), text: expect.any(String) });
    const crls = await t.request('GET', '/api/v1/certificates/crls', { token: t.tokens.viewer });
    expect(crls.json).toEqual({ time: expect.any(Number), items: cache.json.crls });
    const missing = await t.request('GET', `/api/v1/certificates/cache/${'ab'.repeat(32)}`, { token: t.tokens.viewer });
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('not_found');
  });

  it('flushes the cache for operators only, audited; the console runs ike -certshow and ike -certflush for real', async () => {
    expect((await t.request('POST', '/api/v1/certificates/cache/flush', { token: t.tokens.viewer })).status).toBe(403);
    const flushed = await t.request('POST', '/api/v1/certificates/cache/flush', { token: t.tokens.operator });
    expect(flushed.status).toBe(200);
    expect(flushed.json).toEqual({ flushedCertificates: expect.any(Number), flushedCrls: expect.any(Number) });
    const audit = await t.request('GET', '/api/v1/audit', { token: t.tokens.admin });
    expect(audit.json.items.find((e: { action: string }) => e.action === 'certificates.flush')).toMatchObject({ actor: 'token:operator-token', target: 'certificate_cache' });

    const show = await t.request('POST', '/api/v1/cli', { token: t.tokens.viewer, body: { command: 'ike -certshow -verbose' } });
    expect(show.json.exitCode).toBe(0);
    expect(show.json.output).not.toMatch(/not available/);
    expect((await t.request('POST', '/api/v1/cli', { token: t.tokens.viewer, body: { command: 'ike -certflush' } })).status).toBe(403);
    const flush = await t.request('POST', '/api/v1/cli', { token: t.tokens.operator, body: { command: 'ike -certflush' } });
    expect(flush.json).toMatchObject({ exitCode: 0, output: 'IKE certificate cache flushed (0 certificates removed)\n' });
  });

  it('never shows the uploaded private keys: responses, stream frames, logs, database files', async () => {
    t.server.services.recorder.flush();
    const lines = [...keyLines(pki.gwKey), ...keyLines(pki.caKey)];
    expect(lines.length).toBeGreaterThan(1);
    const evidence = t.seen.join('\n') + '\n' + t.logs.join('');
    const database = filesUnder(t.dataDir)
      .map((f) => readFileSync(f).toString('latin1'))
      .join('\n');
    for (const line of lines) {
      expect(evidence.includes(line)).toBe(false);
      expect(database.includes(line)).toBe(false);
    }
    // The key went where it belongs: the certificate directory, readable by the owner only.
    const keyFile = path.join(gatewayDir, 'certificates', 'gw.key');
    expect(statSync(keyFile).mode & 0o077).toBe(0);
  });
});
