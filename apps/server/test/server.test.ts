/** Server pieces outside the routes: start options, the shell's token helper, the lab hook, the web app, retention. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../src/tokens.ts';
import { DEFAULT_HTTP_PORT, resolveStartOptions } from '../src/start-options.ts';
import { Store } from '../src/store/store.ts';
import { EventRecorder } from '../src/services/event-recorder.ts';
import { SecretGuard } from '../src/services/secret-guard.ts';
import { startTestServer } from './support/harness.ts';
import type { LabPort } from '../src/plugins/app/lab-port.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'tunnelscope-srv-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('start options', () => {
  it('reads flags over environment over defaults', () => {
    expect(resolveStartOptions([], {}, '/srv')).toEqual({ configPath: undefined, dataDir: '/srv/data', httpPort: DEFAULT_HTTP_PORT, lab: true });
    const env = { TUNNELSCOPE_CONFIG: 'gw.yaml', TUNNELSCOPE_DATA_DIR: '/var/ts', TUNNELSCOPE_HTTP_PORT: '9000', TUNNELSCOPE_LAB: '0' };
    expect(resolveStartOptions([], env, '/srv')).toEqual({ configPath: '/srv/gw.yaml', dataDir: '/var/ts', httpPort: 9000, lab: false });
    expect(resolveStartOptions(['--config', 'x.json', '--data-dir=d', '--http-port', '0', '--no-lab'], env, '/srv')).toEqual({
      configPath: '/srv/x.json',
      dataDir: '/srv/d',
      httpPort: 0,
      lab: false,
    });
    expect(() => resolveStartOptions(['--http-port', 'http'], {}, '/')).toThrow(/not a port/);
    expect(() => resolveStartOptions(['--bind', '0.0.0.0'], {}, '/')).toThrow(/unknown option/);
    expect(() => resolveStartOptions(['--config'], {}, '/')).toThrow(/needs a value/);
  });
});

describe('tokens from the shell', () => {
  it('creates a token in a data dir that a running server accepts at once', async () => {
    const dataDir = tempDir();
    const t = await startTestServer({ dataDir });
    try {
      const created = createApiToken({ dataDir, role: 'operator', name: 'ci' });
      expect(created).toMatchObject({ name: 'ci', role: 'operator', createdBy: 'cli' });
      const me = await t.request('GET', '/api/v1/auth/me', { token: created.token });
      expect(me.json).toMatchObject({ kind: 'token', name: 'token:ci', role: 'operator' });
      const audit = await t.request('GET', '/api/v1/audit?action=token.create', { token: t.tokens.admin });
      expect(audit.json.items[0]).toMatchObject({ actor: 'cli', actorKind: 'system', target: 'token:ci' });
    } finally {
      await t.close();
    }
  });
});

describe('lab hook', () => {
  it('starts the lab with the server and stops it on close', async () => {
    const calls: string[] = [];
    const lab: LabPort = {
      start: async () => void calls.push('start'),
      stop: async () => void calls.push('stop'),
      describe: () => ['peer 127.0.1.2: wrong PSK'],
    };
    const t = await startTestServer({ server: { lab } });
    expect(calls).toEqual(['start']);
    expect((await t.request('GET', '/api/v1/health', { token: t.tokens.viewer })).json.lab).toEqual({ enabled: true });
    await t.close();
    expect(calls).toEqual(['start', 'stop']);
  });
});

describe('web app', () => {
  it('serves apps/web/dist with index.html for client-side routes, never for /api', async () => {
    const dist = tempDir();
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>tunnelscope dashboard</title>');
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
    const t = await startTestServer({ server: { webDist: dist } });
    try {
      expect((await t.request('GET', '/')).text).toContain('tunnelscope dashboard');
      expect((await t.request('GET', '/assets/app.js')).text).toBe('console.log(1)');
      expect((await t.request('GET', '/snoop')).text).toContain('tunnelscope dashboard');
      const api = await t.request('GET', '/api/v1/nope', { token: t.tokens.viewer });
      expect(api.status).toBe(404);
      expect(api.json.error.code).toBe('not_found');
    } finally {
      await t.close();
    }
  });
});

describe('OpenAPI document', () => {
  it('describes every REST route and the WebSocket feed with its frames', async () => {
    const t = await startTestServer({});
    try {
      const r = await t.request('GET', '/docs/json', { token: t.tokens.viewer });
      expect(r.status).toBe(200);
      const paths = r.json.paths as Record<string, Record<string, { responses: Record<string, unknown>; 'x-client-message'?: { anyOf: Array<{ properties: { type: { const: string } } }> } }>>;
      for (const route of ['/api/v1/flows', '/api/v1/dataplane/ping', '/api/v1/certificates/cache', '/api/v1/certificates/cache/flush', '/api/v1/sas/ike']) expect(paths, route).toHaveProperty([route]);
      const stream = paths['/api/v1/stream']?.['get'];
      expect(stream?.responses).toHaveProperty(['101']);
      expect(stream?.['x-client-message']?.anyOf.map((m) => m.properties.type.const)).toEqual(['subscribe', 'unsubscribe', 'resume', 'ping']);
    } finally {
      await t.close();
    }
  });
});

describe('history store', () => {
  it('prunes events, datagrams and samples beyond the retention limits', () => {
    const store = Store.open(':memory:');
    const recorder = new EventRecorder(store, new SecretGuard());
    const now = Date.now();
    for (let i = 0; i < 50; i++) recorder.ingestEvent({ topic: 'log', type: 'log.event', time: i < 10 ? now - 10 * 86_400_000 : now, event: { type: 'log.event' } });
    recorder.flush();
    const removed = store.events.prune({ eventsMaxRows: 30, eventsMaxAgeMs: 86_400_000, datagramsMaxRows: 10, datagramsMaxAgeMs: 1, statsMaxAgeMs: 1 }, now);
    expect(removed.events).toBe(20);
    expect(store.events.minEventId()).toBe(21);
    store.close();
  });

  it('reserves event ids in blocks so a crash never hands out an id twice', () => {
    const dir = tempDir();
    const a = Store.open(dir);
    const r1 = new EventRecorder(a, new SecretGuard(), { flushIntervalMs: 100, maxPending: 100, idBlock: 1000 });
    for (let i = 0; i < 5; i++) r1.ingestEvent({ topic: 'log', type: 'x', time: 1, event: { type: 'x' } });
    // No flush: as if killed now.
    a.close();
    const b = Store.open(dir);
    const r2 = new EventRecorder(b, new SecretGuard());
    expect(r2.ingestEvent({ topic: 'log', type: 'x', time: 1, event: { type: 'x' } })).toBeGreaterThan(5);
    b.close();
  });
});
