/**
 * The CLI client against a real server process (apps/server main, real
 * engine on loopback UDP): a token made from the shell, `ike -stat` in the
 * seed's layout, and `ike -snoop -brief` streaming a real IKE_SA_INIT that
 * the engine sends to a peer address where nothing listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const cliMain = path.join(root, 'apps/cli/src/main.ts');
const serverMain = path.join(root, 'apps/server/src/main.ts');
const basePort = 20_000 + (process.pid % 5_000) * 2;

let dir: string;
let server: ChildProcess;
let url: string;

function runCli(
  args: string[],
  env: Record<string, string> = {},
  untilOutput?: RegExp,
  onStderr?: (stderr: string) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // As `pnpm tunnelscope` runs it: from the workspace root, with INIT_CWD where the user is.
    const child = spawn(process.execPath, ['--import', 'tsx', cliMain, ...args], {
      cwd: root,
      env: { ...process.env, INIT_CWD: dir, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (untilOutput && untilOutput.test(stdout)) child.kill('SIGINT');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr);
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ts-cli-'));
  writeFileSync(
    path.join(dir, 'gateway.yaml'),
    `engine:
  ikePort: ${basePort}
  natTPort: ${basePort + 1}
  listenAddresses: [127.0.0.1]
  retransmit: { initialTimeoutMs: 500, backoff: 1.5, tries: 2 }
tunnels:
  - name: silent-peer
    localNetworks: [192.168.10.0/24]
    remoteNetworks: [10.10.10.0/24]
    localEndpoint: 127.0.0.1
    remoteEndpoint: 127.0.1.250
    auth: { method: psk, psk: { type: passphrase, value: cli-test-secret } }
    ikeProposals: [aes128gcm16-prfsha256-x25519]
    ipsecProposals: [aes128gcm16]
`,
  );
  server = spawn(process.execPath, ['--import', 'tsx', serverMain, '--data-dir', path.join(dir, 'data'), '--http-port', '0', '--config', path.join(dir, 'gateway.yaml'), '--no-lab'], {
    cwd: root,
  });
  let output = '';
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    server.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const match = /^(http:\/\/127\.0\.0\.1:\d+)\/?$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    server.on('exit', (code) => reject(new Error(`server exited ${code}:\n${output}`)));
  });
}, 90_000);

afterAll(() => {
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('tunnelscope against a running server', () => {
  let token: string;

  it('makes an API token from the shell and refuses a bad role by name', async () => {
    const bad = await runCli(['token', 'create', '--role', 'root', '--data-dir', 'data']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('--role must be one of viewer, operator, admin, got "root"');
    const made = await runCli(['token', 'create', '--role', 'operator', '--data-dir', 'data']);
    expect(made.code).toBe(0);
    token = made.stdout.trim();
    expect(token.length).toBeGreaterThan(20);
  });

  it('prints ike -stat in the seed layout', async () => {
    const result = await runCli(['--server', url, '--token', token, 'ike', '-stat']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {9}IKE Statistics\n\nStatistic {21}Value\n-{28} {2}-{5}\nIKE SAs active {16}\d+\n/);
    expect(result.stdout).toContain('IPsec SA rekeys failed');
  });

  it('says plainly when the token is wrong', async () => {
    const result = await runCli(['--server', url, '--token', 'tsk_wrong', 'ike', '-stat']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/HTTP 401/);
  });

  it('streams ike -snoop -brief until interrupted, and leaves snoop as it found it', async () => {
    let subscribed: () => void = () => undefined;
    const streamingSaid = new Promise<void>((resolve) => (subscribed = resolve));
    const streaming = runCli(['--server', url, '--token', token, 'ike', '-snoop', '-brief'], {}, /IKE_SA_INIT request 0 \[ SA KE No/, (stderr) => {
      if (/streaming from .*Ctrl-C to stop/.test(stderr)) subscribed();
    });
    // The CLI says it is streaming once the server confirmed the subscription; then make the engine send a real IKE_SA_INIT.
    await Promise.race([streamingSaid, streaming.then((result) => Promise.reject(new Error(`the CLI ended before streaming: ${result.stderr}`)))]);
    const initiated = await fetch(`${url}/api/v1/tunnels/silent-peer/initiate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(initiated.status).toBe(202);
    const result = await streaming;
    expect(result.stdout).toMatch(
      new RegExp(`^SNOOP: IKEv2: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d 127\\.0\\.0\\.1:${basePort} -> 127\\.0\\.1\\.250:${basePort}\\n IKE_SA_INIT request 0 \\[ SA KE No N\\(NATD_S_IP\\) N\\(NATD_D_IP\\)`, 'm'),
    );
    expect(result.stdout).not.toContain('cli-test-secret');
    const snoop = await (await fetch(`${url}/api/v1/snoop`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(snoop).toMatchObject({ mode: 'off' });
  }, 60_000);
});
