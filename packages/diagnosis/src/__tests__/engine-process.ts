/** Drives engine-runner.ts in a network namespace from a test (see that file for the protocol). */
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import type { GatewayConfig } from '@tunnelscope/api';
import type { Netns } from '@tunnelscope/test-utils';
import type { DiagnosisEvent, SaStateSnapshot, TunnelscopeEvent } from '../model/diagnosis-input.ts';

const RUNNER = fileURLToPath(new URL('./engine-runner.ts', import.meta.url));
const WORKSPACE_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface EngineProcess {
  readonly events: DiagnosisEvent[];
  initiate(tunnel: string): Promise<{ ok: boolean; error?: string }>;
  saState(): Promise<SaStateSnapshot>;
  waitForEvent(predicate: (event: TunnelscopeEvent) => boolean, timeoutMs?: number): Promise<TunnelscopeEvent>;
  stop(): Promise<void>;
  stderr(): string;
}

export async function startEngineInNetns(netns: Netns, config: GatewayConfig): Promise<EngineProcess> {
  const child: ChildProcessWithoutNullStreams = spawn('ip', ['netns', 'exec', netns.name, process.execPath, '--import', 'tsx', RUNNER], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, TS_ENGINE_CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: DiagnosisEvent[] = [];
  const pending = new Map<number, (value: unknown) => void>();
  const waiters = new Set<() => void>();
  let nextId = 1;
  let errors = '';
  let ready: () => void = () => undefined;
  let failed: (error: Error) => void = () => undefined;
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  child.once('exit', (code) => failed(new Error(`engine runner exited (${code}): ${errors}`)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as { kind: 'ready' } | { kind: 'event'; event: TunnelscopeEvent } | { kind: 'result'; id: number; value: unknown };
    if (message.kind === 'ready') ready();
    else if (message.kind === 'event') {
      events.push({ id: events.length + 1, event: message.event });
      for (const waiter of [...waiters]) waiter();
    } else pending.get(message.id)?.(message.value);
  });
  const request = (command: Record<string, unknown>): Promise<unknown> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.stdin.write(`${JSON.stringify({ id, ...command })}\n`);
    });
  await started;
  return {
    events,
    initiate: async (tunnel) => (await request({ command: 'initiate', tunnel })) as { ok: boolean; error?: string },
    saState: async () => (await request({ command: 'sas' })) as SaStateSnapshot,
    waitForEvent: (predicate, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const found = events.find((e) => predicate(e.event));
        if (found) {
          resolve(found.event);
          return;
        }
        const check = (): void => {
          const hit = events.find((e) => predicate(e.event));
          if (!hit) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hit.event);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching engine event within ${timeoutMs} ms; got: ${events.map((e) => e.event.type).join(', ')}\n${errors}`));
        }, timeoutMs);
        waiters.add(check);
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      void request({ command: 'stop' });
      const timeout = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timeout);
    },
    stderr: () => errors,
  };
}
