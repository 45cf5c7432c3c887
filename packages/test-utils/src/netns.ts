/**
 * Network namespaces of our own, so interop traffic never leaves the test:
 * each namespace has its own loopback (plus extra 127.x addresses for more
 * gateways) and veth pairs that give charon a real interface address inside
 * its traffic selectors (kernel-libipsec refuses CHILD_SAs otherwise; see
 * shared/notes/strongswan-peer.md).
 *
 * Names are `tsh-<pid>-<n>`, unique per process; they are deleted by
 * `destroy()`, on process exit, and, for namespaces left by a process that no
 * longer exists, when the next namespace is created.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { runCommand, type CommandResult, type RunOptions } from './run-command.ts';

export interface VethPair {
  /** Interface names inside the namespace. */
  a: string;
  b: string;
  /** CIDR addresses, e.g. '192.168.10.1/24'; either may be omitted. */
  aAddress?: string;
  bAddress?: string;
}

export interface NetnsOptions {
  /** A label mixed into the name for readability (letters, digits, dash). */
  label?: string;
  /** Extra loopback addresses (CIDR), default ['127.0.0.2/8']. */
  loopbackAddresses?: readonly string[];
  /** veth pairs, default the notes' recipe: va 192.168.10.1/24, vb 10.10.10.1/24. */
  veths?: readonly VethPair[];
}

export interface Netns {
  readonly name: string;
  /**
   * Runs `command args` inside the namespace to completion. Throws
   * CommandError on failure unless `options.allowFailure`.
   */
  exec(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** Spawns `command args` inside the namespace (via `ip netns exec`). */
  spawn(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /** argv prefix that runs a command inside the namespace: ['ip', 'netns', 'exec', name]. */
  readonly execPrefix: readonly string[];
  /** Kills every process still in the namespace and deletes it. Idempotent. */
  destroy(): Promise<void>;
}

export const DEFAULT_VETHS: readonly VethPair[] = [
  { a: 'va', b: 'vb', aAddress: '192.168.10.1/24', bAddress: '10.10.10.1/24' },
];

const NAME_PREFIX = 'tsh';
let counter = 0;
const live = new Set<string>();
let exitHookInstalled = false;
let staleSwept = false;

function deleteNamespaceSync(name: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout ?? '';
  for (const pid of pids.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  spawnSync('ip', ['netns', 'del', name]);
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const cleanup = (): void => {
    for (const name of live) deleteNamespaceSync(name);
    live.clear();
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanup();
      // Re-raise so the process still dies of the signal as it would have.
      process.kill(process.pid, signal);
    });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes namespaces named by this harness whose creating process is gone. */
function sweepStaleNamespaces(): void {
  if (staleSwept) return;
  staleSwept = true;
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const match = new RegExp(`^${NAME_PREFIX}-(\\d+)-`).exec(name);
    if (match && !isAlive(Number(match[1]))) deleteNamespaceSync(name);
  }
}

/**
 * Creates a fresh network namespace with lo up, the requested extra loopback
 * addresses and veth pairs (both ends inside the namespace). Needs root.
 * Accepts a label string or options. Throws CommandError when `ip` fails
 * (the half-made namespace is removed first).
 */
export async function createNetns(options: string | NetnsOptions = {}): Promise<Netns> {
  const opts: NetnsOptions = typeof options === 'string' ? { label: options } : options;
  sweepStaleNamespaces();
  installExitHook();
  counter += 1;
  const label = (opts.label ?? '').replace(/[^A-Za-z0-9-]/g, '').slice(0, 20);
  const name = [NAME_PREFIX, String(process.pid), String(counter), label].filter(Boolean).join('-');
  const execPrefix = ['ip', 'netns', 'exec', name] as const;
  const ipIn = (args: string[]): Promise<CommandResult> => runCommand('ip', ['netns', 'exec', name, 'ip', ...args]);

  await runCommand('ip', ['netns', 'add', name]);
  live.add(name);
  let destroyed = false;
  const destroy = async (): Promise<void> => {
    if (destroyed) return;
    destroyed = true;
    const pids = await runCommand('ip', ['netns', 'pids', name], { allowFailure: true });
    for (const pid of pids.stdout.split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await runCommand('ip', ['netns', 'del', name], { allowFailure: true });
    live.delete(name);
  };
  try {
    await ipIn(['link', 'set', 'lo', 'up']);
    for (const address of opts.loopbackAddresses ?? ['127.0.0.2/8']) {
      await ipIn(['addr', 'add', address, 'dev', 'lo']);
    }
    for (const veth of opts.veths ?? DEFAULT_VETHS) {
      await ipIn(['link', 'add', veth.a, 'type', 'veth', 'peer', 'name', veth.b]);
      // Without this the kernel adds IPv6 link-local addresses a second or two
      // after link-up; charon sees the change and sends MOBIKE address updates
      // (INFORMATIONAL exchanges) that would clutter every capture.
      await ipIn(['link', 'set', veth.a, 'addrgenmode', 'none']);
      await ipIn(['link', 'set', veth.b, 'addrgenmode', 'none']);
      await ipIn(['link', 'set', veth.a, 'up']);
      await ipIn(['link', 'set', veth.b, 'up']);
      if (veth.aAddress) await ipIn(['addr', 'add', veth.aAddress, 'dev', veth.a]);
      if (veth.bAddress) await ipIn(['addr', 'add', veth.bAddress, 'dev', veth.b]);
    }
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    name,
    execPrefix,
    exec: (command, args, runOptions) => runCommand('ip', ['netns', 'exec', name, command, ...args], runOptions),
    spawn: (command, args, spawnOptions = {}) => spawn('ip', ['netns', 'exec', name, command, ...args], spawnOptions),
    destroy,
  };
}
