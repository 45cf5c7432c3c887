/**
 * Starts a real server (FakeGateway, SQLite in a temp dir or memory) on
 * 127.0.0.1 port 0 and drives it over real HTTP and WebSocket. Logs are
 * captured so tests can grep them too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { createServer, type ServerOptions, type TunnelscopeServer } from '../../src/app.ts';
import { FakeGateway } from './fake-gateway.ts';

export interface TestServer {
  server: TunnelscopeServer;
  gateway: FakeGateway;
  url: string;
  port: number;
  dataDir: string;
  logs: string[];
  tokens: { admin: string; operator: string; viewer: string };
  adminCookie: string;
  /** Every response body and stream frame the helpers saw (for the secrets grep). */
  seen: string[];
  request(method: string, route: string, opts?: RequestOptions): Promise<ApiResponse>;
  connect(opts?: { token?: string; cookie?: string; origin?: string }): Promise<StreamClientHandle>;
  close(): Promise<void>;
}

export interface RequestOptions {
  token?: string | undefined;
  cookie?: string | undefined;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  bytes: Buffer;
}

export const ADMIN_PASSWORD = 'admin-password-123';

export async function startTestServer(
  opts: { dataDir?: string; keepDir?: boolean; gateway?: FakeGateway; config?: Record<string, unknown>; server?: Partial<ServerOptions> } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'tunnelscope-test-'));
  const gateway = opts.gateway ?? new FakeGateway();
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const server = await createServer({
    gateway,
    dataDir,
    logLevel: 'info',
    logStream,
    fileConfig: opts.config ? { config: opts.config, path: 'test-config.json' } : undefined,
    statsIntervalMs: 1000,
    ...opts.server,
  });
  const { url, port } = await server.listen(0);
  const seen: string[] = [];

  const request = async (method: string, route: string, o: RequestOptions = {}): Promise<ApiResponse> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers['authorization'] = `Bearer ${o.token}`;
    if (o.cookie) headers['cookie'] = o.cookie;
    let body: string | undefined;
    if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const target = route.startsWith('/') ? url.replace(/\/$/, '') + route : new URL(route, url).toString();
    const res = await fetch(target, { method, headers, body });
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    seen.push(text, JSON.stringify([...res.headers.entries()]));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json, bytes };
  };

  const connect = (o: { token?: string; cookie?: string; origin?: string } = {}) => connectStream(url, o, seen);

  let tokens = { admin: '', operator: '', viewer: '' };
  let adminCookie = '';
  if (server.setupToken) {
    const setup = await request('POST', '/api/v1/auth/setup', { body: { token: server.setupToken, username: 'admin', password: ADMIN_PASSWORD } });
    if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${setup.text}`);
    adminCookie = sessionCookie(setup.headers);
    const mk = async (role: string) => {
      const r = await request('POST', '/api/v1/tokens', { cookie: adminCookie, body: { name: `${role}-token`, role } });
      if (r.status !== 201) throw new Error(`token create failed: ${r.status} ${r.text}`);
      return r.json.token as string;
    };
    tokens = { admin: await mk('admin'), operator: await mk('operator'), viewer: await mk('viewer') };
  }

  return {
    server,
    gateway,
    url,
    port,
    dataDir,
    logs,
    tokens,
    adminCookie,
    seen,
    request,
    connect,
    async close() {
      await server.close();
      if (!opts.keepDir && opts.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function sessionCookie(headers: Headers): string {
  const set = headers.getSetCookie().find((c) => c.startsWith('tunnelscope_session='));
  if (!set) throw new Error('no session cookie');
  return set.split(';')[0]!;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Frame = any;

export interface StreamClientHandle {
  ws: WebSocket;
  frames: Frame[];
  send(message: unknown): void;
  /** Resolves with the first frame (from the start) that matches, waiting up to timeoutMs. */
  waitFor(pred: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  close(): Promise<void>;
}

export function connectStream(baseUrl: string, o: { token?: string; cookie?: string; origin?: string }, seen: string[] = []): Promise<StreamClientHandle> {
  const headers: Record<string, string> = {};
  if (o.token) headers['authorization'] = `Bearer ${o.token}`;
  if (o.cookie) headers['cookie'] = o.cookie;
  if (o.origin) headers['origin'] = o.origin;
  const ws = new WebSocket(new URL('/api/v1/stream', baseUrl.replace(/^http/, 'ws')), { headers });
  const frames: Frame[] = [];
  const waiters: Array<{ pred: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  ws.on('message', (data) => {
    const text = String(data);
    seen.push(text);
    const frame = JSON.parse(text) as Frame;
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.pred(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        frames,
        send: (m) => ws.send(JSON.stringify(m)),
        waitFor(pred, timeoutMs = 5000) {
          const found = frames.find(pred);
          if (found) return Promise.resolve(found);
          return new Promise((res, rej) => {
            const timer = setTimeout(() => rej(new Error(`timed out waiting for a frame; got ${JSON.stringify(frames.slice(-5))}`)), timeoutMs);
            waiters.push({
              pred,
              resolve: (f) => {
                clearTimeout(timer);
                res(f);
              },
            });
          });
        },
        close: () =>
          new Promise<void>((res) => {
            if (ws.readyState === WebSocket.CLOSED) return res();
            ws.once('close', () => res());
            ws.close();
          }),
      }),
    );
  });
}
