/**
 * /diagnose and /lab against the fake gateway: the PSK test, and what the
 * routes answer when diagnosis cannot read the config or no lab runs. The
 * real negotiations are in diagnose-lab.test.ts and lab.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabPort } from '../../../../src/plugins/app/lab-port.ts';
import { startTestServer, type TestServer } from '../../../support/harness.ts';
import { sampleConfig } from '../../../support/fake-gateway.ts';

describe('/api/v1/diagnose/test-psk', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: sampleConfig('the-right-key-1') });
  });
  afterAll(async () => t.close());

  it('tests a candidate key for operators, audited without the key', async () => {
    const r = await t.request('POST', '/api/v1/diagnose/test-psk', { token: t.tokens.operator, body: { tunnel: 'branch-a', psk: { kind: 'passphrase', value: 'the-right-key-1' } } });
    // The fake's config is not the engine's model: no findings to update.
    expect(r.json).toEqual({ tunnel: 'branch-a', result: 'match', detail: 'the key produces the AUTH the peer sent', findings: [] });
    const audit = await t.request('GET', '/api/v1/audit?action=diagnose.test_psk', { token: t.tokens.admin });
    expect(audit.json.items[0].detail).toEqual({ result: 'match' });
    expect((await t.request('POST', '/api/v1/diagnose/test-psk', { token: t.tokens.operator, body: { tunnel: 'x', psk: { kind: 'passphrase', value: 'abc' } } })).status).toBe(404);
    const bad = await t.request('POST', '/api/v1/diagnose/test-psk', { token: t.tokens.operator, body: { tunnel: 'branch-a', psk: { kind: 'base64', value: 'abc' } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields[0].path).toMatch(/^body\.psk\.kind/);
    expect((await t.request('POST', '/api/v1/diagnose/test-psk', { token: t.tokens.viewer, body: { tunnel: 'branch-a', psk: { kind: 'hex', value: 'abcd' } } })).status).toBe(403);
    expect(t.logs.join('')).not.toContain('troubleshooting task failed');
  });

  it('answers 503 unavailable for findings when the config is not the engine model, never a 500', async () => {
    const r = await t.request('GET', '/api/v1/diagnose/findings', { token: t.tokens.viewer });
    expect(r.status).toBe(503);
    expect(r.json.error.code).toBe('unavailable');
  });

  it('lists the wizards with their seed sections for viewers', async () => {
    const r = await t.request('GET', '/api/v1/diagnose/wizards', { token: t.tokens.viewer });
    expect(r.status).toBe(200);
    expect(r.json.items.map((w: { seedSection: string }) => w.seedSection)).toEqual(['13.6.1', '13.6.2', '13.6.4', '13.6.5', '13.6.6 #1', '13.6.6 #2', '13.6.6 #3', '13.6.6 #4', '13.6.6 #5', '13.6.7']);
    expect(r.json.forFinding.wrong_tunnel_selected).toBe('error-incorrect-psk');
    expect(r.json.items[0].steps[0]).toMatchObject({ id: 'addresses', action: { action: 'check-config', check: 'addresses' }, nextOnOk: 'tunnel-order' });
    expect((await t.request('POST', '/api/v1/diagnose/wizards/general-checks/runs', { token: t.tokens.viewer, body: { tunnel: 'branch-a' } })).status).toBe(403);
    expect((await t.request('POST', '/api/v1/diagnose/wizards/nope/runs', { token: t.tokens.operator, body: { tunnel: 'branch-a' } })).status).toBe(404);
    const noTunnel = await t.request('POST', '/api/v1/diagnose/wizards/general-checks/runs', { token: t.tokens.operator, body: {} });
    expect(noTunnel.status).toBe(400);
    expect(noTunnel.json.error.fields[0].path).toBe('body.tunnel');
    expect((await t.request('GET', '/api/v1/diagnose/wizards/runs/run-nope', { token: t.tokens.viewer })).status).toBe(404);
  });

  it('answers 404 with a clear message on /lab when the server runs without the lab', async () => {
    const r = await t.request('GET', '/api/v1/lab/scenarios', { token: t.tokens.viewer });
    expect(r.status).toBe(404);
    expect(r.json.error).toMatchObject({ code: 'not_found', message: expect.stringMatching(/without the demo lab/) });
    expect((await t.request('POST', '/api/v1/lab/stop-all', { token: t.tokens.operator })).status).toBe(404);
  });
});

describe('/api/v1/lab with a lab that only starts and stops', () => {
  it('is 404 too: the lab has no scenario control', async () => {
    const lab: LabPort = { start: async () => undefined, stop: async () => undefined, describe: () => [] };
    const t = await startTestServer({ server: { lab } });
    try {
      expect((await t.request('GET', '/api/v1/lab/scenarios', { token: t.tokens.viewer })).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
