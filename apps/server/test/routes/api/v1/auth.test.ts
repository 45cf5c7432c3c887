import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, sessionCookie, startTestServer, type TestServer } from '../../../support/harness.ts';
import { sampleConfig } from '../../../support/fake-gateway.ts';

describe('auth and roles', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: sampleConfig() });
  });
  afterAll(async () => t.close());

  it('refuses every API route, /docs, /metrics and the stream without credentials', async () => {
    for (const [method, route] of [
      ['GET', '/api/v1/config'],
      ['GET', '/api/v1/health'],
      ['GET', '/api/v1/sas/ike'],
      ['GET', '/api/v1/stats'],
      ['GET', '/api/v1/snoop/history'],
      ['GET', '/api/v1/events'],
      ['POST', '/api/v1/cli'],
      ['GET', '/api/v1/nonexistent'],
      ['GET', '/docs/json'],
      ['GET', '/metrics'],
    ] as const) {
      const r = await t.request(method, route);
      expect(r.status, `${method} ${route}`).toBe(401);
      expect(r.json.error.code).toBe('unauthenticated');
    }
    await expect(t.connect()).rejects.toThrow(/401/);
  });

  it('cannot be bypassed with encoded or doubled paths', async () => {
    for (const route of ['/%61pi/v1/config', '//api/v1/config', '/api//v1/config', '/API/v1/config', '/api/v1/config/', '/api/v1/%63onfig']) {
      const r = await t.request('GET', route);
      expect(r.text, route).not.toContain('tunnels');
      expect([401, 404], route).toContain(r.status);
    }
  });

  it('rejects a wrong bearer token', async () => {
    const r = await t.request('GET', '/api/v1/config', { token: 'tsk_nope' });
    expect(r.status).toBe(401);
  });

  it('setup is single use', async () => {
    const r = await t.request('POST', '/api/v1/auth/setup', { body: { token: t.server.setupToken, username: 'evil', password: 'another-password' } });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('setup_unavailable');
    expect((await t.request('GET', '/api/v1/auth/setup')).json).toEqual({ needed: false });
  });

  it('logs in with a password, sets an httpOnly SameSite cookie, logs out', async () => {
    const bad = await t.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'wrong-password' } });
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe('invalid_credentials');
    const ok = await t.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    expect(ok.status).toBe(200);
    const setCookie = ok.headers.getSetCookie().join(';');
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = sessionCookie(ok.headers);
    const me = await t.request('GET', '/api/v1/auth/me', { cookie });
    expect(me.json).toMatchObject({ kind: 'user', name: 'admin', role: 'admin' });
    await t.request('POST', '/api/v1/auth/logout', { cookie });
    expect((await t.request('GET', '/api/v1/auth/me', { cookie })).status).toBe(401);
  });

  it('refuses cookie-authenticated mutations from another origin', async () => {
    const r = await t.request('PUT', '/api/v1/snoop', { cookie: t.adminCookie, body: { mode: 'brief' }, headers: { origin: 'http://evil.example' } });
    expect(r.status).toBe(403);
    await expect(t.connect({ cookie: t.adminCookie, origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('viewers can read but not change config, snoop mode, SAs or caches', async () => {
    const v = t.tokens.viewer;
    expect((await t.request('GET', '/api/v1/config', { token: v })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/sas/ike', { token: v })).status).toBe(200);
    const cfg = (await t.request('GET', '/api/v1/config', { token: v })).json.config;
    const mutations: Array<[string, string, unknown?]> = [
      ['PUT', '/api/v1/config', { config: cfg }],
      ['POST', '/api/v1/config/versions/1/rollback', {}],
      ['PUT', '/api/v1/snoop', { mode: 'brief' }],
      ['POST', '/api/v1/tunnels/branch-a/initiate'],
      ['POST', '/api/v1/sas/ike/1/rekey'],
      ['DELETE', '/api/v1/sas/ike/1'],
      ['POST', '/api/v1/sas/child/1.1/rekey'],
      ['DELETE', '/api/v1/sas/child/1.1'],
      ['POST', '/api/v1/cli', { command: 'ike -certflush' }],
      ['POST', '/api/v1/cli', { command: 'ike -snoop -brief' }],
      ['POST', '/api/v1/diagnose/test-psk', { tunnel: 'branch-a', psk: { kind: 'passphrase', value: 'guess-guess' } }],
      ['GET', '/api/v1/users'],
      ['POST', '/api/v1/tokens', { name: 'x', role: 'admin' }],
      ['GET', '/api/v1/audit'],
      ['GET', '/api/v1/keys/captures'],
      ['PUT', '/api/v1/alerts/config', {}],
    ];
    for (const [method, route, body] of mutations) {
      const r = await t.request(method, route, { token: v, body });
      expect(r.status, `${method} ${route}`).toBe(403);
      expect(r.json.error.code).toBe('forbidden');
    }
    expect((await t.request('POST', '/api/v1/cli', { token: v, body: { command: 'ike -stat' } })).status).toBe(200);
    expect(t.gateway.getSnoopMode().mode).toBe('off');
  });

  it('operators change SAs and snoop mode but cannot manage users or tokens', async () => {
    const o = t.tokens.operator;
    expect((await t.request('PUT', '/api/v1/snoop', { token: o, body: { mode: 'brief' } })).status).toBe(200);
    expect((await t.request('PUT', '/api/v1/snoop', { token: o, body: { mode: 'off' } })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/users', { token: o })).status).toBe(403);
    expect((await t.request('POST', '/api/v1/tokens', { token: o, body: { name: 'x', role: 'admin' } })).status).toBe(403);
  });

  it('admins manage users and tokens; tokens are stored hashed and can be revoked', async () => {
    const a = t.tokens.admin;
    const created = await t.request('POST', '/api/v1/users', { token: a, body: { username: 'noc1', password: 'noc1-password', role: 'viewer' } });
    expect(created.status).toBe(201);
    const dup = await t.request('POST', '/api/v1/users', { token: a, body: { username: 'noc1', password: 'noc1-password', role: 'viewer' } });
    expect(dup.status).toBe(409);
    const login = await t.request('POST', '/api/v1/auth/login', { body: { username: 'noc1', password: 'noc1-password' } });
    const cookie = sessionCookie(login.headers);
    const promoted = await t.request('PATCH', `/api/v1/users/${created.json.id}`, { token: a, body: { role: 'operator' } });
    expect(promoted.json.role).toBe('operator');
    // A role change ends the user's sessions.
    expect((await t.request('GET', '/api/v1/auth/me', { cookie })).status).toBe(401);

    const tok = await t.request('POST', '/api/v1/tokens', { token: a, body: { name: 'ci', role: 'viewer' } });
    expect(tok.json.token).toMatch(/^tsk_/);
    const rows = t.server.services.store.db.prepare('SELECT token_hash FROM tokens').all() as Array<{ token_hash: string }>;
    expect(rows.some((r) => r.token_hash.includes(tok.json.token))).toBe(false);
    const pw = t.server.services.store.db.prepare("SELECT password_hash FROM users WHERE username = 'noc1'").get() as { password_hash: string };
    expect(pw.password_hash).toMatch(/^scrypt\$/);
    expect(pw.password_hash).not.toContain('noc1-password');
    const list = await t.request('GET', '/api/v1/tokens', { token: a });
    expect(JSON.stringify(list.json)).not.toContain(tok.json.token);
    expect((await t.request('GET', '/api/v1/health', { token: tok.json.token })).status).toBe(200);
    expect((await t.request('DELETE', `/api/v1/tokens/${tok.json.id}`, { token: a })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/health', { token: tok.json.token })).status).toBe(401);
    expect((await t.request('DELETE', '/api/v1/users/1', { token: a })).status).toBe(409);
  });

  it('rejects bad login bodies naming the field', async () => {
    const r = await t.request('POST', '/api/v1/auth/login', { body: { username: 'admin' } });
    expect(r.status).toBe(400);
    expect(r.json.error.fields).toContainEqual(expect.objectContaining({ path: 'body.password' }));
  });
});
