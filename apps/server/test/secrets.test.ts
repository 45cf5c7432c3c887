/**
 * Pre-shared keys and private keys are write-only. Known secrets go in
 * through config (accepted, refused, failing to apply), a PSK test, and
 * even a careless engine event or snoop line; then every REST response,
 * stream frame, log line and the database file are grepped for them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/harness.ts';
import { sampleConfig } from './support/fake-gateway.ts';

const PSK_1 = 'S3cr3t-PSK-alpha-ONE';
const PSK_2 = 'second-psk-BRAVO-2';
const PSK_REFUSED = 'refused-psk-CHARLIE-3';
const PSK_FAILING = 'failing-psk-DELTA-4';
const PSK_CANDIDATE = 'candidate-psk-ECHO-5';
const PRIVATE_KEY_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj';
const PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----\n${PRIVATE_KEY_BODY}\n-----END PRIVATE KEY-----\n`;
const SECRETS = [PSK_1, PSK_2, PSK_REFUSED, PSK_FAILING, PSK_CANDIDATE, PRIVATE_KEY_BODY];

describe('secrets never leave', () => {
  let t: TestServer;
  beforeAll(async () => {
    const config = sampleConfig(PSK_1);
    (config['tunnels'] as Array<Record<string, unknown>>).push({
      name: 'cert-tunnel',
      remoteEndpoint: '127.0.1.5',
      localNetwork: '192.168.20.0/24',
      remoteNetwork: '10.20.20.0/24',
      auth: { privateKey: PRIVATE_KEY },
    });
    t = await startTestServer({ config });
  });
  afterAll(async () => t.close());

  it('greps every response, frame, log line and the database for the secrets', async () => {
    const stream = await t.connect({ token: t.tokens.admin });
    for (const topic of ['snoop', 'sa', 'log', 'config', 'alert']) stream.send({ type: 'subscribe', id: topic, topic });
    await stream.waitFor((f) => f.type === 'subscribed' && f.id === 'alert');

    const read = await t.request('GET', '/api/v1/config', { token: t.tokens.operator });
    const next = structuredClone(read.json.config);
    next.tunnels.push({ name: 'branch-b', remoteEndpoint: '127.0.1.3', localNetwork: '192.168.30.0/24', remoteNetwork: '10.30.0.0/24', auth: { psk: { kind: 'passphrase', value: PSK_2 } } });
    expect((await t.request('PUT', '/api/v1/config', { token: t.tokens.operator, body: { config: next } })).status).toBe(200);

    const refused = structuredClone(next);
    refused.tunnels.push({ name: 'branch-c', auth: { psk: { kind: 'passphrase', value: PSK_REFUSED } } });
    expect((await t.request('PUT', '/api/v1/config', { token: t.tokens.operator, body: { config: refused } })).status).toBe(400);
    expect((await t.request('POST', '/api/v1/config/validate', { token: t.tokens.operator, body: { config: refused } })).status).toBe(200);

    t.gateway.applyFails = true;
    const failing = structuredClone(next);
    failing.tunnels[2].auth.psk.value = PSK_FAILING;
    expect((await t.request('PUT', '/api/v1/config', { token: t.tokens.operator, body: { config: failing } })).status).toBe(502);
    t.gateway.applyFails = false;

    const psk = await t.request('POST', '/api/v1/diagnose/test-psk', {
      token: t.tokens.operator,
      body: { tunnel: 'branch-a', psk: { kind: 'passphrase', value: PSK_CANDIDATE } },
    });
    expect(psk.json.result).toBe('mismatch');
    const right = await t.request('POST', '/api/v1/diagnose/test-psk', { token: t.tokens.operator, body: { tunnel: 'branch-a', psk: { kind: 'passphrase', value: PSK_1 } } });
    expect(right.json.result).toBe('match');

    // A careless engine: a secret in an event text, in evidence, and in a snoop line.
    t.gateway.emitEvent({ topic: 'log', type: 'log.event', code: 'incorrect_psk', text: `psk was ${PSK_1}`, event: { type: 'log.event', evidence: { psk: PSK_2, key: PRIVATE_KEY } } });
    t.gateway.emitEvent({ topic: 'snoop', type: 'snoop.message', text: `IKE_AUTH ${PSK_2}` });
    t.gateway.emitDatagram({ exchange: 'IKE_AUTH', brief: `IKE_AUTH request 1 [ IDi AUTH ] ${PSK_1}` });
    await stream.waitFor((f) => f.type === 'event' && f.data.topic === 'snoop');

    // Read everything back every way.
    const reads = [
      '/api/v1/config',
      '/api/v1/config/versions',
      '/api/v1/config/versions/1',
      '/api/v1/config/versions/2',
      '/api/v1/config/versions/2/diff',
      '/api/v1/events?limit=1000',
      '/api/v1/snoop/history?limit=1000',
      '/api/v1/snoop/history?limit=1000&format=full',
      '/api/v1/audit?limit=1000',
      '/api/v1/tunnels',
      '/api/v1/health',
      '/metrics',
      '/docs/json',
    ];
    for (const r of reads) expect((await t.request('GET', r, { token: t.tokens.admin })).status, r).toBe(200);
    expect((await t.request('POST', '/api/v1/cli', { token: t.tokens.admin, body: { command: 'ike -stat' } })).status).toBe(200);
    stream.send({ type: 'resume', afterId: 0 });
    await stream.waitFor((f) => f.type === 'replay_done');
    await stream.close();
    t.server.services.recorder.flush();

    const evidence = t.seen.join('\n') + '\n' + t.logs.join('');
    expect(t.seen.length).toBeGreaterThan(30);
    expect(t.logs.length).toBeGreaterThan(10);
    for (const secret of SECRETS) expect(evidence.includes(secret), `leaked ${secret}`).toBe(false);
    expect(evidence).toContain('[redacted]');

    const dbFiles = readdirSync(t.dataDir).filter((f) => f.startsWith('tunnelscope.db'));
    expect(dbFiles.length).toBeGreaterThan(0);
    const raw = dbFiles.map((f) => readFileSync(path.join(t.dataDir, f)).toString('latin1')).join('');
    for (const secret of SECRETS) expect(raw.includes(secret), `stored in clear: ${secret}`).toBe(false);
  });
});
