/**
 * Starts the real tunnelscope server (apps/server/src/main.ts) as a child
 * process: temp data dir, HTTP port 0 (the server prints the one it got),
 * free UDP ports for the engine, and the loopback config (or, with
 * `lab: 'demo'`, the demo lab as `pnpm start` runs it). Builds the web app
 * first (about a second; TUNNELSCOPE_E2E_SKIP_BUILD=1 reuses an existing
 * apps/web/dist) so the specs never run against a stale bundle. Completes the first-start setup from
 * the printed one-time link and creates an operator and a viewer.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loopbackGatewayConfig } from './loop-config.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Credentials {
  username: string;
  password: string;
}

export interface RunningServer {
  url: string;
  origin: string;
  setupLink: string;
  admin: Credentials;
  operator: Credentials;
  viewer: Credentials;
  output: () => string;
  stop: () => Promise<void>;
}

let builtThisRun = false;

export function ensureWebBuilt(): void {
  if (builtThisRun) return;
  if (process.env['TUNNELSCOPE_E2E_SKIP_BUILD'] === '1' && existsSync(path.join(REPO_ROOT, 'apps/web/dist/index.html'))) return;
  const build = spawnSync('pnpm', ['--filter', '@tunnelscope/web', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building apps/web failed');
  builtThisRun = true;
}

async function udpPortFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, address, () => socket.close(() => resolve(true)));
  });
}

/** Two consecutive UDP ports free on every one of `addresses` (default: 127.0.0.1-4, the loop config's). */
export async function freeIkePorts(addresses: readonly string[] = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4']): Promise<{ ikePort: number; natTPort: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const ikePort = 20_000 + Math.floor(Math.random() * 20_000) * 2;
    let free = true;
    for (const address of addresses) {
      if (!(await udpPortFree(address, ikePort)) || !(await udpPortFree(address, ikePort + 1))) free = false;
    }
    if (free) return { ikePort, natTPort: ikePort + 1 };
  }
  throw new Error('no free UDP port pair for the engine');
}

function waitForOutput(child: ChildProcess, read: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`server did not print ${pattern} within ${timeoutMs} ms:\n${read().slice(-3000)}`)), timeoutMs);
    const check = () => {
      const match = pattern.exec(read());
      if (match) finish(null, match);
    };
    const onExit = (code: number | null) => finish(new Error(`server exited (${code}) before printing ${pattern}:\n${read().slice(-3000)}`));
    function finish(error: Error | null, match?: RegExpExecArray) {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(match!);
    }
    child.stdout?.on('data', check);
    child.on('exit', onExit);
    check();
  });
}

async function api(origin: string, method: string, route: string, body: unknown, cookie?: string): Promise<{ status: number; json: unknown; cookie: string | undefined }> {
  const headers: Record<string, string> = { origin };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (cookie) headers['cookie'] = cookie;
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${origin}/api/v1${route}`, init);
  const text = await response.text();
  const setCookie = response.headers.get('set-cookie')?.split(';')[0];
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null, cookie: setCookie };
}

export interface StartServerOptions {
  /** 'api' (default): finish the first-start setup and create the users; 'none': leave the one-time link unused. */
  setup?: 'api' | 'none';
  /**
   * 'none' (default): --no-lab and the loopback config above. 'demo': the
   * server as `pnpm start` runs it — the demo lab's config and its peers on
   * 127.0.1.x with the lab's own (fixed) ports and default timers, its
   * default mix started. The lab's addresses must be free: one such server
   * at a time on a machine.
   */
  lab?: 'none' | 'demo';
  /** With lab 'none': this gateway config instead of the loopback one (the caller picks its ports). */
  gatewayConfig?: Record<string, unknown>;
}

/** Where the demo lab's local gateway listens (packages/lab DEFAULT_LAB_ADDRESSING). */
const DEMO_LAB_LOCAL = { address: '127.0.1.1', ikePort: 10_500, natTPort: 14_500 } as const;

async function serverArguments(dataDir: string, lab: 'none' | 'demo', gatewayConfig?: Record<string, unknown>): Promise<string[]> {
  const common = ['--import', 'tsx', 'apps/server/src/main.ts', '--data-dir', dataDir, '--http-port', '0'];
  if (lab === 'demo') {
    for (const port of [DEMO_LAB_LOCAL.ikePort, DEMO_LAB_LOCAL.natTPort]) {
      if (!(await udpPortFree(DEMO_LAB_LOCAL.address, port))) {
        throw new Error(`${DEMO_LAB_LOCAL.address}:${port}/udp is in use: another tunnelscope with the demo lab (pnpm start?) runs on this machine; stop it first`);
      }
    }
    return common;
  }
  const configPath = path.join(dataDir, 'gateway.json');
  writeFileSync(configPath, JSON.stringify(gatewayConfig ?? loopbackGatewayConfig(await freeIkePorts()), null, 2));
  return [...common, '--config', configPath, '--no-lab'];
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  ensureWebBuilt();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tunnelscope-e2e-'));
  let args: string[];
  try {
    args = await serverArguments(dataDir, options.lab ?? 'none', options.gatewayConfig);
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const read = () => output;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(forced);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const [, url] = await waitForOutput(child, read, /^(http:\/\/127\.0\.0\.1:\d+\/)$/m, 60_000);
    const [setupLink, token] = await waitForOutput(child, read, /http:\/\/127\.0\.0\.1:\d+\/setup#token=(\S+)/, 10_000);
    const origin = url!.replace(/\/$/, '');
    const admin = { username: 'admin', password: 'e2e-admin-password' };
    const operator = { username: 'operator', password: 'e2e-operator-password' };
    const viewer = { username: 'viewer', password: 'e2e-viewer-password' };
    if (options.setup === 'none') return { url: url!, origin, setupLink: setupLink!, admin, operator, viewer, output: read, stop };
    const setup = await api(origin, 'POST', '/auth/setup', { token, ...admin });
    if (setup.status !== 201 || !setup.cookie) throw new Error(`setup failed: ${setup.status} ${JSON.stringify(setup.json)}`);
    for (const [user, role] of [
      [operator, 'operator'],
      [viewer, 'viewer'],
    ] as const) {
      const created = await api(origin, 'POST', '/users', { ...user, role }, setup.cookie);
      if (created.status !== 201 && created.status !== 200) throw new Error(`creating ${role} failed: ${created.status} ${JSON.stringify(created.json)}`);
    }
    return { url: url!, origin, setupLink: setupLink!, admin, operator, viewer, output: read, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
