/**
 * A real strongSwan charon for interop tests, isolated three ways:
 *   - its own network namespace (traffic stays inside; see netns.ts),
 *   - a private mount namespace with a tmpfs on /run, because charon writes
 *     /run/charon.pid and refuses to start when another charon owns it,
 *   - a temp dir holding strongswan.conf (via STRONGSWAN_CONF), swanctl.conf
 *     and the vici socket, so it reads nothing from /etc.
 * It logs to stdout (filelog), which we follow line by line.
 *
 *   startCharon() --spawn--> ip netns exec NS unshare -m sh -c 'mount tmpfs /run; exec charon'
 *        |                        |
 *        |<-- stdout lines -------+   (log lines, parsed, kept, waitable)
 *        +-- swanctl --uri unix://DIR/charon.vici --> load, initiate, list
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { parseCharonLogLine, type CharonLogLine } from './charon-log.ts';
import type { Netns } from './netns.ts';
import { CHARON_PATH } from './require-tool.ts';
import { delay, runCommand, spawnWithLines, stopProcess, type CommandResult } from './run-command.ts';
import { renderConf, type ConfSection } from './strongswan-conf.ts';
import { parseListSas, type IkeSaInfo } from './vici-list.ts';

/** charon log groups (strongswan.conf(5), "filelog"). */
export type CharonLogGroup =
  | 'default' | 'dmn' | 'mgr' | 'ike' | 'chd' | 'job' | 'cfg' | 'knl' | 'net' | 'asn' | 'enc' | 'tnc' | 'imc'
  | 'imv' | 'pts' | 'tls' | 'esp' | 'lib';

/** The plugin set the notes found necessary (kdf for PRF+, gcm/openssl for AEAD, chapoly for ChaCha20). */
export const DEFAULT_CHARON_PLUGINS: readonly string[] = [
  'random', 'nonce', 'aes', 'sha1', 'sha2', 'hmac', 'kdf', 'gcm', 'openssl', 'curve25519', 'gmp', 'chapoly',
  'pem', 'pkcs1', 'x509', 'revocation', 'kernel-libipsec', 'kernel-netlink', 'socket-default', 'vici', 'updown',
];

export const DEFAULT_LOG_LEVELS: Readonly<Partial<Record<CharonLogGroup, number>>> = {
  default: 1,
  ike: 2,
  enc: 1,
  cfg: 2,
  net: 1,
};

export interface CharonOptions {
  netns: Netns;
  /** Short label used in logs and the temp dir name, e.g. 'a'. */
  name?: string;
  /** Directory for config, vici socket and scratch files; a fresh temp dir by default (removed on stop). */
  dir?: string;
  /** charon.port (IKE); must differ from natTPort. */
  ikePort: number;
  /** charon.port_nat_t. */
  natTPort: number;
  /** filelog levels; merged over DEFAULT_LOG_LEVELS. */
  logLevels?: Partial<Record<CharonLogGroup, number>>;
  /** swanctl.conf: text, or an object rendered with renderConf ({ connections, secrets, ... }). */
  conf?: string | ConfSection;
  plugins?: readonly string[];
  /** Extra settings merged into the `charon { }` section of strongswan.conf (e.g. retransmit_tries). */
  charonSettings?: ConfSection;
  /** Per-plugin sections merged into `charon.plugins` (replacing a default plugin section wholesale). */
  pluginSettings?: ConfSection;
  /** Milliseconds to wait for the vici socket; default 15 000. */
  startTimeoutMs?: number;
  /** Copy log lines to stderr as they arrive (also enabled by env TS_CHARON_ECHO=1). */
  echo?: boolean;
}

/** A swanctl command that did not succeed. */
export class SwanctlError extends Error {
  override readonly name = 'SwanctlError';
  readonly result: CommandResult;

  constructor(result: CommandResult) {
    super(`swanctl ${result.args.join(' ')} failed (exit ${result.code}):\n${(result.stdout + result.stderr).trim()}`);
    this.result = result;
  }
}

export interface SwanctlOptions {
  /** Resolve with the result instead of throwing SwanctlError on a non-zero exit. */
  allowFailure?: boolean;
  timeoutMs?: number;
}

export type SaTarget = { child: string } | { ike: string } | { ikeId: number } | { childId: number };

export interface Charon {
  readonly name: string;
  readonly dir: string;
  /** `unix:///.../charon.vici` for swanctl --uri. */
  readonly viciUri: string;
  readonly ikePort: number;
  readonly natTPort: number;
  /** The rendered strongswan.conf and swanctl.conf, for provenance. */
  readonly strongswanConf: string;
  readonly swanctlConf: string;
  /** Every log line so far (stdout; stderr lines are included with group 'ERR'). */
  readonly lines: readonly CharonLogLine[];
  readonly process: ChildProcess;
  /** Index to pass to waitForLog so only later lines count. */
  mark(): number;
  /** Subscribes to new lines; returns the unsubscribe function. */
  onLine(listener: (line: CharonLogLine) => void): () => void;
  /**
   * Resolves with the first line at index >= `since` (default 0: the whole
   * log) whose raw text matches `pattern`; rejects after `timeoutMs`
   * (default 10 000) or when charon exits, quoting the last lines.
   */
  waitForLog(pattern: RegExp, timeoutMs?: number, since?: number): Promise<CharonLogLine>;
  /** Runs swanctl against this charon (`--uri` is added). */
  swanctl(args: readonly string[], options?: SwanctlOptions): Promise<CommandResult>;
  /** `swanctl --load-all` with this charon's swanctl.conf. */
  loadAll(): Promise<CommandResult>;
  /** `swanctl --initiate`; waits for the outcome (swanctl's --timeout, default 10 s). */
  initiate(target: SaTarget, options?: SwanctlOptions & { timeoutS?: number }): Promise<CommandResult>;
  terminate(target: SaTarget, options?: SwanctlOptions & { timeoutS?: number }): Promise<CommandResult>;
  rekey(target: SaTarget, options?: SwanctlOptions & { reauth?: boolean }): Promise<CommandResult>;
  /** `swanctl --list-sas --pretty`, parsed. */
  listSas(): Promise<IkeSaInfo[]>;
  /**
   * SIGTERM, wait (SIGKILL after 5 s), remove the temp dir unless `dir` was
   * given. Idempotent. `crash`: SIGKILL at once, so charon sends no DELETE
   * and its peers keep SAs it no longer has (a restart that loses state).
   */
  stop(options?: { crash?: boolean }): Promise<void>;
}

const live = new Set<ChildProcess>();
const ownedDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    for (const dir of ownedDirs) rmSync(dir, { recursive: true, force: true });
  });
}

function targetArgs(target: SaTarget): string[] {
  if ('child' in target) return ['--child', target.child];
  if ('ike' in target) return ['--ike', target.ike];
  if ('ikeId' in target) return ['--ike-id', String(target.ikeId)];
  return ['--child-id', String(target.childId)];
}

const SWANCTL_SUBDIRS = [
  'x509', 'x509ca', 'x509ocsp', 'x509aa', 'x509ac', 'x509crl', 'pubkey', 'private', 'rsa', 'ecdsa', 'bliss', 'pkcs8', 'pkcs12',
];

/** Renders the strongswan.conf `startCharon` writes (exported for provenance and tests). */
export function renderStrongswanConf(options: {
  ikePort: number;
  natTPort: number;
  viciSocket: string;
  plugins?: readonly string[];
  logLevels?: Partial<Record<CharonLogGroup, number>>;
  charonSettings?: ConfSection;
  pluginSettings?: ConfSection;
}): string {
  const levels = { ...DEFAULT_LOG_LEVELS, ...options.logLevels };
  const charon: ConfSection = {
    port: options.ikePort,
    port_nat_t: options.natTPort,
    load: (options.plugins ?? DEFAULT_CHARON_PLUGINS).join(' '),
    install_routes: false,
    ...options.charonSettings,
    plugins: {
      // Interface and route changes (the TUN route kernel-libipsec installs for
      // each CHILD_SA, links coming up) would otherwise make charon send
      // MOBIKE address updates that clutter every capture of a static lab.
      'kernel-netlink': { roam_events: false },
      ...options.pluginSettings,
      vici: { socket: `unix://${options.viciSocket}` },
    },
    filelog: {
      stdout: {
        ...levels,
        time_format: '%H:%M:%S',
        time_add_ms: true,
        ike_name: true,
      },
    },
    // charon would otherwise also log to syslog with its defaults.
    syslog: { daemon: { default: -1 } },
  };
  return renderConf({ charon, swanctl: { load: 'pem pkcs1 x509 revocation constraints pubkey openssl random' } });
}

/**
 * Starts charon inside `options.netns` (see the file comment), writes its
 * configuration, waits until the vici socket accepts connections, and, when
 * `conf` is given, does NOT load it (call loadAll, so tests see load errors).
 * Rejects, with the log so far, when charon exits or vici does not come up
 * within `startTimeoutMs`.
 */
export async function startCharon(options: CharonOptions): Promise<Charon> {
  installExitHook();
  const name = options.name ?? 'charon';
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), `tsh-charon-${name}-`));
  if (ownDir) ownedDirs.add(dir);
  mkdirSync(dir, { recursive: true });
  const swanctlDir = join(dir, 'swanctl');
  for (const sub of SWANCTL_SUBDIRS) mkdirSync(join(swanctlDir, sub), { recursive: true });
  const viciSocket = join(dir, 'charon.vici');
  const viciUri = `unix://${viciSocket}`;
  const strongswanConfPath = join(dir, 'strongswan.conf');
  const swanctlConfPath = join(swanctlDir, 'swanctl.conf');
  const strongswanConf = renderStrongswanConf({
    ikePort: options.ikePort,
    natTPort: options.natTPort,
    viciSocket,
    plugins: options.plugins,
    logLevels: options.logLevels,
    charonSettings: options.charonSettings,
    pluginSettings: options.pluginSettings,
  });
  const swanctlConf = typeof options.conf === 'string' ? options.conf : renderConf(options.conf ?? {});
  writeFileSync(strongswanConfPath, strongswanConf);
  writeFileSync(swanctlConfPath, swanctlConf);
  const env = { ...process.env, STRONGSWAN_CONF: strongswanConfPath };
  const echo = options.echo ?? process.env.TS_CHARON_ECHO === '1';

  const lines: CharonLogLine[] = [];
  const listeners = new Set<(line: CharonLogLine) => void>();
  const onRaw = (raw: string, stream: 'stdout' | 'stderr'): void => {
    const line: CharonLogLine =
      stream === 'stdout'
        ? (parseCharonLogLine(raw) ?? { raw, time: '', thread: -1, group: '---', message: raw })
        : { raw, time: '', thread: -1, group: 'ERR', message: raw };
    lines.push(line);
    if (echo) process.stderr.write(`[charon ${name}] ${raw}\n`);
    for (const listener of listeners) listener(line);
  };
  // `unshare -m` makes mounts private by default, so the tmpfs never shows outside.
  // charon's filelog `flush_line` only applies to files, not to stdout, and
  // stdout into a pipe is block-buffered: stdbuf makes it line-buffered so
  // waitForLog sees each line as it is written.
  const script = `mount -t tmpfs tmpfs /run && exec stdbuf -oL '${CHARON_PATH}'`;
  const child = spawnWithLines(
    'ip',
    [...options.netns.execPrefix.slice(1), 'unshare', '--mount', 'sh', '-c', script],
    { env },
    onRaw,
  );
  live.add(child);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    }),
  );
  const tail = (): string => lines.slice(-40).map((l) => l.raw).join('\n');

  let stopped = false;
  const stop = async (stopOptions: { crash?: boolean } = {}): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopProcess(child, stopOptions.crash ? 'SIGKILL' : 'SIGTERM', 5000);
    await exitPromise;
    if (ownDir) {
      rmSync(dir, { recursive: true, force: true });
      ownedDirs.delete(dir);
    }
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`charon ${name} exited during startup (code ${child.exitCode}):\n${tail()}`);
    }
    if (await canConnect(viciSocket)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`charon ${name}: vici socket ${viciSocket} not up after ${options.startTimeoutMs ?? 15_000} ms:\n${tail()}`);
    }
    await delay(50);
  }

  const swanctl = async (args: readonly string[], swanctlOptions: SwanctlOptions = {}): Promise<CommandResult> => {
    const result = await runCommand('swanctl', [...args, '--uri', viciUri], {
      env,
      allowFailure: true,
      timeoutMs: swanctlOptions.timeoutMs ?? 30_000,
    });
    if (result.code !== 0 && !swanctlOptions.allowFailure) throw new SwanctlError(result);
    return result;
  };

  const waitForLog = (pattern: RegExp, timeoutMs = 10_000, since = 0): Promise<CharonLogLine> => {
    const found = lines.slice(since).find((line) => pattern.test(line.raw));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        listeners.delete(listener);
        child.off('exit', onExit);
      };
      const listener = (line: CharonLogLine): void => {
        if (!pattern.test(line.raw)) return;
        cleanup();
        resolve(line);
      };
      const onExit = (): void => {
        cleanup();
        reject(new Error(`charon ${name} exited while waiting for ${pattern}:\n${tail()}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`charon ${name}: no log line matching ${pattern} within ${timeoutMs} ms; last lines:\n${tail()}`));
      }, timeoutMs);
      listeners.add(listener);
      child.once('exit', onExit);
    });
  };

  return {
    name,
    dir,
    viciUri,
    ikePort: options.ikePort,
    natTPort: options.natTPort,
    strongswanConf,
    swanctlConf,
    lines,
    process: child,
    mark: () => lines.length,
    onLine: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitForLog,
    swanctl,
    loadAll: () => swanctl(['--load-all', '--noprompt', '--file', swanctlConfPath]),
    initiate: (target, opts = {}) =>
      swanctl(['--initiate', ...targetArgs(target), '--timeout', String(opts.timeoutS ?? 10)], {
        ...opts,
        timeoutMs: opts.timeoutMs ?? ((opts.timeoutS ?? 10) + 5) * 1000,
      }),
    terminate: (target, opts = {}) =>
      swanctl(['--terminate', ...targetArgs(target), '--timeout', String(opts.timeoutS ?? 10)], {
        ...opts,
        timeoutMs: opts.timeoutMs ?? ((opts.timeoutS ?? 10) + 5) * 1000,
      }),
    rekey: (target, opts = {}) => swanctl(['--rekey', ...targetArgs(target), ...(opts.reauth ? ['--reauth'] : [])], opts),
    listSas: async () => parseListSas((await swanctl(['--list-sas', '--pretty'])).stdout),
    stop,
  };
}

function canConnect(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
