import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../support/harness.ts';
import { REDACTED, sampleConfig } from '../../../support/fake-gateway.ts';

const PSK = 'initial-psk-value-1';

describe('/api/v1/config', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: sampleConfig(PSK) });
  });
  afterAll(async () => t.close());

  const versionCount = () => (t.server.services.store.db.prepare('SELECT count(*) AS n FROM config_versions').get() as { n: number }).n;

  it('reads the config with secrets redacted and its version', async () => {
    const r = await t.request('GET', '/api/v1/config', { token: t.tokens.viewer });
    expect(r.status).toBe(200);
    expect(r.json.version).toMatchObject({ id: 1, source: 'file', author: 'system' });
    expect(r.json.config.tunnels[0].auth.psk.value).toBe(REDACTED);
    expect(r.text).not.toContain(PSK);
  });

  it('validates without applying and names each field', async () => {
    const bad = { tunnels: [{ name: '', auth: { psk: { kind: 'passphrase', value: 'short' } } }] };
    const r = await t.request('POST', '/api/v1/config/validate', { token: t.tokens.viewer, body: { config: bad } });
    expect(r.status).toBe(200);
    expect(r.json.valid).toBe(false);
    expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual(['tunnels.0.name', 'tunnels.0.remoteEndpoint', 'tunnels.0.auth.psk.value']);
    const good = await t.request('POST', '/api/v1/config/validate', { token: t.tokens.viewer, body: { config: sampleConfig() } });
    expect(good.json).toEqual({ valid: true, errors: [] });
  });

  it('refuses a body without config (400 naming the field), nothing saved', async () => {
    const before = versionCount();
    const r = await t.request('PUT', '/api/v1/config', { token: t.tokens.operator, body: { comment: 'x' } });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('bad_request');
    expect(r.json.error.fields).toContainEqual(expect.objectContaining({ path: 'body.config' }));
    const notJson = await t.request('PUT', '/api/v1/config', { token: t.tokens.operator, rawBody: '{"config": ' });
    expect(notJson.status).toBe(400);
    expect(versionCount()).toBe(before);
  });

  it('refuses an invalid config with the engine’s field errors; engine and store unchanged', async () => {
    const before = versionCount();
    const engineBefore = JSON.stringify(t.gateway.getConfig());
    const candidate = sampleConfig();
    (candidate['tunnels'] as Array<Record<string, unknown>>).push({ name: 'branch-a', auth: {} });
    const r = await t.request('PUT', '/api/v1/config', { token: t.tokens.operator, body: { config: candidate } });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('config_invalid');
    expect(r.json.error.fields).toEqual([
      { path: 'tunnels.1.name', message: 'duplicate tunnel name branch-a' },
      { path: 'tunnels.1.remoteEndpoint', message: 'is required (an address or none)' },
    ]);
    expect(versionCount()).toBe(before);
    expect(JSON.stringify(t.gateway.getConfig())).toBe(engineBefore);
  });

  it('replaces the config; a redacted secret sent back keeps the stored key', async () => {
    const current = (await t.request('GET', '/api/v1/config', { token: t.tokens.operator })).json;
    const next = structuredClone(current.config);
    next.tunnels[0].remoteNetwork = '10.20.0.0/16';
    const r = await t.request('PUT', '/api/v1/config', { token: t.tokens.operator, body: { config: next, comment: 'widen', baseVersion: current.version.id } });
    expect(r.status).toBe(200);
    expect(r.json.version).toMatchObject({ id: 2, source: 'api', author: 'token:operator-token', comment: 'widen' });
    const engine = t.gateway.getConfig() as { tunnels: Array<{ auth: { psk: { value: string } }; remoteNetwork: string }> };
    expect(engine.tunnels[0]!.auth.psk.value).toBe(PSK);
    expect(engine.tunnels[0]!.remoteNetwork).toBe('10.20.0.0/16');
    const stale = await t.request('PUT', '/api/v1/config', { token: t.tokens.operator, body: { config: next, baseVersion: 1 } });
    expect(stale.status).toBe(409);
  });

  it('lists, shows and compares versions', async () => {
    const list = await t.request('GET', '/api/v1/config/versions', { token: t.tokens.viewer });
    expect(list.json.total).toBe(2);
    expect(list.json.current).toBe(2);
    expect(list.json.items.map((v: { id: number }) => v.id)).toEqual([2, 1]);
    const v1 = await t.request('GET', '/api/v1/config/versions/1', { token: t.tokens.viewer });
    expect(v1.json.config.tunnels[0].remoteNetwork).toBe('10.10.10.0/24');
    expect(v1.text).not.toContain(PSK);
    const diff = await t.request('GET', '/api/v1/config/versions/2/diff', { token: t.tokens.viewer });
    expect(diff.json).toEqual({ from: 1, to: 2, changes: [{ path: 'tunnels.0.remoteNetwork', kind: 'changed', before: '10.10.10.0/24', after: '10.20.0.0/16' }] });
    expect((await t.request('GET', '/api/v1/config/versions/99', { token: t.tokens.viewer })).status).toBe(404);
  });

  it('rolls back to an earlier version as a new version', async () => {
    const r = await t.request('POST', '/api/v1/config/versions/1/rollback', { token: t.tokens.operator, body: { comment: 'undo' } });
    expect(r.status).toBe(200);
    expect(r.json.version).toMatchObject({ id: 3, source: 'rollback', comment: 'undo' });
    expect((t.gateway.getConfig() as { tunnels: Array<{ remoteNetwork: string }> }).tunnels[0]!.remoteNetwork).toBe('10.10.10.0/24');
    const audit = await t.request('GET', '/api/v1/audit?action=config.rollback', { token: t.tokens.admin });
    expect(audit.json.items[0]).toMatchObject({ actor: 'token:operator-token', action: 'config.rollback', target: 'config:3' });
    expect(audit.json.items[0].detail.changedPaths).toEqual(['tunnels.0.remoteNetwork']);
  });

  it('saves nothing when the engine cannot apply, and shows no details (502)', async () => {
    const before = versionCount();
    t.gateway.applyFails = true;
    try {
      const cfg = sampleConfig('another-psk-value');
      const r = await t.request('PUT', '/api/v1/config', { token: t.tokens.operator, body: { config: cfg } });
      expect(r.status).toBe(502);
      expect(r.json.error).toEqual({ code: 'gateway_error', message: 'the engine could not apply the config' });
    } finally {
      t.gateway.applyFails = false;
    }
    expect(versionCount()).toBe(before);
  });

  it('publishes config changes on the config topic', async () => {
    const events = await t.request('GET', '/api/v1/events?topic=config', { token: t.tokens.viewer });
    expect(events.json.items.map((e: { type: string }) => e.type)).toContain('config.changed');
  });
});
