import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../support/harness.ts';
import { FakeGateway, sampleConfig } from '../../../support/fake-gateway.ts';

const SK_EI = 'a1'.repeat(16);

describe('/api/v1/keys (session-key capture)', () => {
  let t: TestServer;
  beforeAll(async () => {
    const gateway = new FakeGateway();
    gateway.sessionKeys = (tunnel) =>
      tunnel === 'branch-a'
        ? [
            {
              spiInitiator: Buffer.from('0102030405060708', 'hex'),
              spiResponder: Buffer.from('1112131415161718', 'hex'),
              skEi: Buffer.from(SK_EI, 'hex'),
              skEr: Buffer.from('b2'.repeat(16), 'hex'),
              skAi: Buffer.from('c3'.repeat(32), 'hex'),
              skAr: Buffer.from('d4'.repeat(32), 'hex'),
              suite: { encr: 12, encrKeyBits: 128, integ: 12 },
            },
          ]
        : [];
    t = await startTestServer({ gateway, config: sampleConfig() });
  });
  afterAll(async () => t.close());

  it('is admin only', async () => {
    for (const token of [t.tokens.viewer, t.tokens.operator]) {
      expect((await t.request('GET', '/api/v1/keys/captures', { token })).status).toBe(403);
      expect((await t.request('POST', '/api/v1/keys/captures', { token, body: { tunnel: 'branch-a', durationS: 300 } })).status).toBe(403);
      expect((await t.request('GET', '/api/v1/keys/captures/branch-a/table', { token })).status).toBe(403);
    }
  });

  it('captures keys per tunnel for a limited time, sealed at rest, audited', async () => {
    const a = t.tokens.admin;
    expect((await t.request('GET', '/api/v1/keys/captures/branch-a/table', { token: a })).status).toBe(404);
    expect((await t.request('POST', '/api/v1/keys/captures', { token: a, body: { tunnel: 'nope', durationS: 300 } })).status).toBe(404);
    expect((await t.request('POST', '/api/v1/keys/captures', { token: a, body: { tunnel: 'branch-a', durationS: 5 } })).status).toBe(400);
    const created = await t.request('POST', '/api/v1/keys/captures', { token: a, body: { tunnel: 'branch-a', durationS: 300 } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ tunnel: 'branch-a', active: true, keysStored: 1, enabledBy: 'token:admin-token' });
    expect(created.json.until - created.json.since).toBe(300_000);
    const list = await t.request('GET', '/api/v1/keys/captures', { token: a });
    expect(list.json.engineSupportsKeyExport).toBe(true);

    const table = await t.request('GET', '/api/v1/keys/captures/branch-a/table', { token: a });
    expect(table.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(table.text).toBe(
      `0102030405060708,1112131415161718,${SK_EI},${'b2'.repeat(16)},"AES-CBC-128 [RFC3602]",${'c3'.repeat(32)},${'d4'.repeat(32)},"HMAC_SHA2_256_128 [RFC4868]"\n`,
    );
    const sealed = t.server.services.store.db.prepare('SELECT sealed FROM session_keys').all() as Array<{ sealed: Buffer }>;
    expect(sealed).toHaveLength(1);
    expect(sealed[0]!.sealed.toString('latin1')).not.toContain(SK_EI);

    const audit = await t.request('GET', '/api/v1/audit?limit=20', { token: a });
    const actions = audit.json.items.map((i: { action: string }) => i.action);
    expect(actions).toEqual(expect.arrayContaining(['keys.capture.enable', 'keys.export']));

    expect((await t.request('DELETE', '/api/v1/keys/captures/branch-a', { token: a })).status).toBe(200);
    expect(t.server.services.store.db.prepare('SELECT count(*) AS n FROM session_keys').get()).toEqual({ n: 0 });
    expect((await t.request('GET', '/api/v1/keys/captures/branch-a/table', { token: a })).status).toBe(404);
  });

  it('expires windows and deletes their keys', async () => {
    const a = t.tokens.admin;
    await t.request('POST', '/api/v1/keys/captures', { token: a, body: { tunnel: 'branch-a', durationS: 60 } });
    t.server.services.store.settings.expireKeyCaptures(Date.now() + 61_000);
    expect(t.server.services.store.db.prepare('SELECT count(*) AS n FROM session_keys').get()).toEqual({ n: 0 });
    expect((await t.request('GET', '/api/v1/keys/captures', { token: a })).json.items).toEqual([]);
  });
});
