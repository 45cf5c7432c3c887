/**
 * Our engine inside a test's network namespace, driven from the test
 * process. The test process cannot enter the namespace, so the IkeGateway
 * runs in a child (engine-host-process.ts) started with `ip netns exec`;
 * this file is the parent's typed handle: every gateway method as an async
 * call, and every gateway event collected in order and waitable.
 *
 *   test ──call('initiate', 'gw')──> host (netns) ── IKE/UDP ── charon (netns)
 *   test <──────── events ────────── host
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GatewayEvent, SnoopMode } from '@tunnelscope/engine';
import type { Netns } from '../netns.ts';
import { stopProcess } from '../run-command.ts';
import type { EngineHostCall, EngineHostMessage, EngineHostMethod, EngineHostMethods, GatewayConfig } from './engine-host-protocol.ts';

const HOST_ENTRY = fileURLToPath(new URL('./engine-host-process.ts', import.meta.url));
/** The workspace root: `--import tsx` resolves from here (tsx is a root devDependency). */
const WORKSPACE_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export type EventOf<T extends GatewayEvent['type']> = Extract<GatewayEvent, { type: T }>;

export interface EngineHost {
  /** Every event of the current gateway since the last `start`, in order. */
  readonly events: readonly GatewayEvent[];
  /** Stderr of the host process (startup errors, crashes). */
  readonly stderr: readonly string[];
  /** Replaces the running gateway with a fresh one (new sockets, empty SA tables, zero counters); clears `events`. */
  start(config: GatewayConfig, snoop?: SnoopMode): Promise<{ generation: number; endpoints: string[] }>;
  call<K extends EngineHostMethod>(method: K, ...args: Parameters<EngineHostMethods[K]>): Promise<ReturnType<EngineHostMethods[K]>>;
  /** Events of one type so far. */
  ofType<T extends GatewayEvent['type']>(type: T): Array<EventOf<T>>;
  /**
   * Resolves with the first event (already seen or future) of `type` that
   * satisfies `match`; rejects after `timeoutMs` quoting the recent events.
   */
  waitFor<T extends GatewayEvent['type']>(type: T, match?: (event: EventOf<T>) => boolean, timeoutMs?: number): Promise<EventOf<T>>;
  /** Kills the host (the namespace's destroy would too). Idempotent. */
  close(): Promise<void>;
}

export interface EngineHostOptions {
  netns: Netns;
  /** Milliseconds to wait for the host to load the engine; default 30 000. */
  startTimeoutMs?: number;
  /** Copy events to stderr as they arrive (also env TS_ENGINE_ECHO=1). */
  echo?: boolean;
}

/** One-line rendering of an event for failure messages and echo. */
export function describeEvent(event: GatewayEvent): string {
  switch (event.type) {
    case 'snoop.message':
      return `snoop ${event.direction} ${event.local.address}:${event.local.port} ${event.direction === 'in' ? '<-' : '->'} ${event.remote.address}:${event.remote.port} ${event.summary}`;
    case 'log.event':
      return `log ${event.code}${event.condition ? `/${event.condition}` : ''}: ${event.message}`;
    default:
      return `${event.type} ${JSON.stringify(event).slice(0, 240)}`;
  }
}

/** Starts the host process inside `netns` and waits until the engine is loaded. */
export async function startEngineHost(options: EngineHostOptions): Promise<EngineHost> {
  const echo = options.echo ?? process.env.TS_ENGINE_ECHO === '1';
  const child: ChildProcess = options.netns.spawn(process.execPath, ['--import', 'tsx', HOST_ENTRY], {
    cwd: WORKSPACE_ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  const events: GatewayEvent[] = [];
  const stderr: string[] = [];
  const waiters = new Set<(event: GatewayEvent) => void>();
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  /** The host numbers its gateways 1, 2, ... by `start` call; only the current one's events are kept. */
  let generation = 0;
  let nextId = 1;
  let exited = false;

  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`engine host not ready after ${options.startTimeoutMs ?? 30_000} ms:\n${stderr.join('')}`)), options.startTimeoutMs ?? 30_000);
    child.on('message', (raw: unknown) => {
      const message = raw as EngineHostMessage;
      if (message.kind === 'ready') {
        clearTimeout(timer);
        resolve();
      } else if (message.kind === 'reply') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.ok) waiter?.resolve(message.value);
        else waiter?.reject(new Error(`engine host: ${message.error}`));
      } else if (message.kind === 'event' && message.generation === generation) {
        events.push(message.event);
        if (echo) process.stderr.write(`[engine] ${describeEvent(message.event)}\n`);
        for (const waiter of [...waiters]) waiter(message.event);
      }
    });
    child.once('exit', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      const error = new Error(`engine host exited (${signal ?? `code ${code}`}):\n${stderr.join('').slice(-4000)}`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
  });
  await ready;

  const call = <K extends EngineHostMethod>(method: K, ...args: Parameters<EngineHostMethods[K]>): Promise<ReturnType<EngineHostMethods[K]>> => {
    if (exited) return Promise.reject(new Error(`engine host has exited:\n${stderr.join('').slice(-2000)}`));
    const id = nextId++;
    const message: EngineHostCall = { kind: 'call', id, method, args };
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: (value) => resolve(value as ReturnType<EngineHostMethods[K]>), reject });
      child.send(message);
    });
  };

  const ofType = <T extends GatewayEvent['type']>(type: T): Array<EventOf<T>> => events.filter((e): e is EventOf<T> => e.type === type);

  const waitFor = <T extends GatewayEvent['type']>(type: T, match: (event: EventOf<T>) => boolean = () => true, timeoutMs = 10_000): Promise<EventOf<T>> => {
    const found = ofType(type).find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (event: GatewayEvent): void => {
        if (event.type !== type || !match(event as EventOf<T>)) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(event as EventOf<T>);
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`engine: no ${type} event matching within ${timeoutMs} ms; recent events:\n${events.slice(-25).map(describeEvent).join('\n')}`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  };

  return {
    events,
    stderr,
    async start(config, snoop = 'brief') {
      // Calls are handled in order, so this start creates gateway number
      // generation + 1; late events of the old gateway are dropped by number.
      generation += 1;
      events.length = 0;
      const result = await call('start', config, snoop);
      if (result.generation !== generation) throw new Error(`engine host: expected gateway ${generation}, got ${result.generation}`);
      return result;
    },
    call,
    ofType,
    waitFor,
    close: async () => {
      if (exited) return;
      child.disconnect?.();
      await stopProcess(child, 'SIGTERM', 2000);
    },
  };
}
