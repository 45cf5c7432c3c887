/**
 * Child-process plumbing shared by the harness: run a command to completion
 * with a timeout, and follow a long-running process's output line by line.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface CommandResult {
  command: string;
  args: readonly string[];
  /** Exit code, or null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A command exited with a non-zero code (or a signal) when success was required. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  readonly result: CommandResult;

  constructor(result: CommandResult) {
    const shown = [result.command, ...result.args].join(' ');
    const output = `${result.stdout}${result.stderr}`.trim();
    super(
      `command failed (${result.signal ?? `exit ${result.code}`}): ${shown}` + (output ? `\n${output.slice(-4000)}` : ''),
    );
    this.result = result;
  }
}

export interface RunOptions {
  /** Kill the process (SIGKILL) after this many milliseconds; default 30 000. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Return the result instead of throwing when the command fails. */
  allowFailure?: boolean;
  input?: string;
}

/**
 * Runs `command args` to completion and collects its output. Throws
 * CommandError when it exits non-zero, dies from a signal or times out,
 * unless `allowFailure` is set. Throws the spawn error when the binary is
 * missing.
 */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    if (options.input !== undefined) child.stdin?.end(options.input);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: CommandResult = {
        command,
        args,
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if (code !== 0 && !options.allowFailure) reject(new CommandError(result));
      else resolve(result);
    });
  });
}

/**
 * Spawns a long-running process and calls `onLine` for every line it writes
 * to stdout or stderr (in arrival order per stream). Returns the child.
 */
export function spawnWithLines(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
  onLine: (line: string, stream: 'stdout' | 'stderr') => void,
): ChildProcess {
  const child = spawn(command, [...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.stdout) createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => onLine(line, 'stdout'));
  if (child.stderr) createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => onLine(line, 'stderr'));
  return child;
}

/**
 * Resolves when `child` has exited (immediately if it already has). Sends
 * `signal` first, then SIGKILL if it is still alive after `graceMs`.
 */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
