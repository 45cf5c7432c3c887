/**
 * The ONE live connection of the dashboard: a WebSocket to /api/v1/stream
 * shared by every panel (protocol: packages/api/src/stream/messages.ts).
 *
 *   start --> connecting --open+hello--> open --no frame for heartbeat timeout--+
 *                 ^                       |  \--socket closed / error------------+
 *                 |                       |                                       v
 *                 +------ backoff timer --+-------------------------------- reconnecting
 *
 * - Panels `subscribe(topic, filter, listener)` and get back the
 *   unsubscribe function; the server sees one subscription per call.
 * - The server sends each matching event once per connection, whatever
 *   subscription matched, so events are dispatched locally by the same
 *   rules the server filters with.
 * - After a reconnect every subscription is sent again and `resume
 *   {afterId}` replays what was missed; a `missed` notice for a slow client
 *   resumes the same way. Until the server's `replay_done`, live frames are
 *   dropped: the server replays them too, in order (they may have been sent
 *   before it read the resume). Events at or below the last seen id are
 *   dropped, so a panel never sees one twice, nor one out of order.
 * - No frame (events, heartbeats) within the heartbeat timeout means the
 *   connection is dead even if the socket says otherwise: it is closed and
 *   reopened.
 */
import type { ClientMessage, IkeStatCounters, ServerMessage, StoredEvent, StreamFilter, StreamTopic } from './api-types.ts';

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface ConnectionStatus {
  state: ConnectionState;
  /** ms since epoch of the last state change. */
  since: number;
  /** Reconnect attempts since the connection was last open. */
  attempt: number;
  /** Highest event id seen (the resume point). */
  lastEventId: number;
  /** Events the server said this client missed and could not replay (retention). */
  lostEvents: number;
  /** ms since epoch of the last frame received. */
  lastFrameAt: number | null;
  /** When the next reconnect attempt happens (state reconnecting). */
  retryAt: number | null;
  lastError: string | null;
}

/** The part of a browser WebSocket the client uses (a fake in tests). */
export interface StreamSocket {
  readonly readyState: number;
  onopen: ((this: StreamSocket, ev: Event) => unknown) | null;
  onmessage: ((this: StreamSocket, ev: MessageEvent) => unknown) | null;
  onclose: ((this: StreamSocket, ev: CloseEvent) => unknown) | null;
  onerror: ((this: StreamSocket, ev: Event) => unknown) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface TimerPort {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface StreamClientOptions {
  url: string;
  createSocket?: (url: string) => StreamSocket;
  timers?: TimerPort;
  /** Heartbeat period assumed until the server's hello says otherwise. */
  defaultHeartbeatMs?: number;
  /** Dead after this many heartbeat periods without a frame (plus slack). */
  heartbeatTimeoutFactor?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
}

export interface EventMeta {
  replay: boolean;
}

export type EventListener = (event: StoredEvent, meta: EventMeta) => void;
export type StatsListener = (counters: IkeStatCounters, time: number) => void;
export type StatusListener = (status: ConnectionStatus) => void;

interface Subscription {
  id: string;
  topic: StreamTopic;
  filter: StreamFilter;
  onEvent?: EventListener;
  onStats?: StatsListener;
}

const OPEN = 1;

const browserTimers: TimerPort = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export function streamUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/v1/stream`;
}

/** The same rules the server's hub filters with (stream-hub `matches`). */
export function eventMatches(event: StoredEvent, topic: StreamTopic, filter: StreamFilter): boolean {
  if (event.topic !== topic) return false;
  if (filter.peer !== undefined && event.peer !== filter.peer) return false;
  if (filter.tunnel !== undefined && event.tunnel !== filter.tunnel) return false;
  if (filter.codes !== undefined && (event.code === null || !filter.codes.includes(event.code))) return false;
  if (filter.types !== undefined && !filter.types.includes(event.type)) return false;
  return true;
}

export class StreamClient {
  private socket: StreamSocket | null = null;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly statusListeners = new Set<StatusListener>();
  private nextSubscription = 1;
  private heartbeatMs: number;
  private heartbeatTimer: unknown = null;
  private reconnectTimer: unknown = null;
  private hasBeenOpen = false;
  /** A resume was sent: only replayed events count until replay_done. */
  private awaitingReplay = false;
  private status: ConnectionStatus;
  private readonly timers: TimerPort;
  private readonly createSocket: (url: string) => StreamSocket;

  constructor(private readonly options: StreamClientOptions) {
    this.timers = options.timers ?? browserTimers;
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as StreamSocket);
    this.heartbeatMs = options.defaultHeartbeatMs ?? 15_000;
    this.status = {
      state: 'idle',
      since: this.timers.now(),
      attempt: 0,
      lastEventId: 0,
      lostEvents: 0,
      lastFrameAt: null,
      retryAt: null,
      lastError: null,
    };
  }

  getStatus(): ConnectionStatus {
    return this.status;
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  start(): void {
    if (this.status.state !== 'idle' && this.status.state !== 'stopped') return;
    this.open();
  }

  stop(): void {
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.onmessage = null;
      socket.onerror = null;
      socket.close(1000, 'client stopped');
    }
    this.hasBeenOpen = false;
    this.update({ state: 'stopped', attempt: 0, retryAt: null, lastEventId: 0 });
  }

  /** Live events of one topic matching `filter`; returns the unsubscribe function. */
  subscribe(topic: StreamTopic, filter: StreamFilter, listener: EventListener): () => void {
    return this.add({ id: this.newId(), topic, filter, onEvent: listener });
  }

  /** An `ike -stat` counters snapshot every `intervalS` seconds (and one at once). */
  subscribeStats(intervalS: number, listener: StatsListener): () => void {
    return this.add({ id: this.newId(), topic: 'stats', filter: { intervalS }, onStats: listener });
  }

  /** Forces a reconnect now (the header's "reconnect" button). */
  reconnectNow(): void {
    if (this.status.state === 'stopped' || this.status.state === 'idle') return;
    this.dropSocket('reconnect requested');
    this.open();
  }

  private newId(): string {
    return `s${this.nextSubscription++}`;
  }

  private add(subscription: Subscription): () => void {
    this.subscriptions.set(subscription.id, subscription);
    this.sendSubscribe(subscription);
    return () => {
      if (!this.subscriptions.delete(subscription.id)) return;
      this.send({ type: 'unsubscribe', id: subscription.id });
    };
  }

  private sendSubscribe(subscription: Subscription): void {
    const message: ClientMessage = { type: 'subscribe', id: subscription.id, topic: subscription.topic };
    if (Object.keys(subscription.filter).length > 0) message.filter = subscription.filter;
    this.send(message);
  }

  private send(message: ClientMessage): void {
    if (this.socket && this.socket.readyState === OPEN && this.status.state === 'open') this.socket.send(JSON.stringify(message));
  }

  private open(): void {
    this.clearTimers();
    this.update({ state: this.hasBeenOpen || this.status.attempt > 0 ? 'reconnecting' : 'connecting', retryAt: null });
    let socket: StreamSocket;
    try {
      socket = this.createSocket(this.options.url);
    } catch (error) {
      this.scheduleReconnect(error instanceof Error ? error.message : String(error));
      return;
    }
    this.socket = socket;
    socket.onmessage = (ev) => this.receive(ev.data);
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect(ev.code === 1000 ? 'closed by server' : `connection closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`);
    };
    socket.onerror = () => {
      if (this.socket !== socket) return;
      this.update({ lastError: 'connection error' });
    };
    this.armHeartbeat();
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    this.status = { ...this.status, lastFrameAt: this.timers.now() };
    this.armHeartbeat();
    switch (message.type) {
      case 'hello':
        return this.onHello(message.heartbeatMs, message.lastEventId);
      case 'event':
        return this.onEvent(message.data, message.replay === true);
      case 'stats': {
        const subscription = this.subscriptions.get(message.subscription);
        subscription?.onStats?.(message.counters, message.time);
        return;
      }
      case 'missed':
        if (message.reason === 'slow_client') {
          if (!this.awaitingReplay) this.resume(this.status.lastEventId);
        } else {
          this.update({ lostEvents: this.status.lostEvents + message.count });
        }
        return;
      case 'replay_done':
        this.awaitingReplay = false;
        return;
      case 'heartbeat':
        this.emit();
        return;
      case 'error':
        this.update({ lastError: `${message.code}: ${message.message}` });
        return;
      default:
        return;
    }
  }

  private onHello(heartbeatMs: number, serverLastEventId: number): void {
    if (heartbeatMs > 0) this.heartbeatMs = heartbeatMs;
    const resumeFrom = this.hasBeenOpen ? this.status.lastEventId : null;
    this.hasBeenOpen = true;
    this.update({
      state: 'open',
      attempt: 0,
      retryAt: null,
      lastError: null,
      lastEventId: resumeFrom ?? Math.max(this.status.lastEventId, serverLastEventId),
    });
    this.awaitingReplay = false;
    for (const subscription of this.subscriptions.values()) this.sendSubscribe(subscription);
    if (resumeFrom !== null && resumeFrom < serverLastEventId) this.resume(resumeFrom);
    this.armHeartbeat();
  }

  private resume(afterId: number): void {
    this.awaitingReplay = true;
    this.send({ type: 'resume', afterId });
  }

  private onEvent(event: StoredEvent, replay: boolean): void {
    if (this.awaitingReplay && !replay) return;
    if (event.id <= this.status.lastEventId) return;
    this.status = { ...this.status, lastEventId: event.id };
    for (const subscription of this.subscriptions.values()) {
      if (subscription.onEvent && eventMatches(event, subscription.topic, subscription.filter)) {
        subscription.onEvent(event, { replay });
      }
    }
  }

  private armHeartbeat(): void {
    if (this.heartbeatTimer !== null) this.timers.clearTimeout(this.heartbeatTimer);
    const factor = this.options.heartbeatTimeoutFactor ?? 2;
    const timeoutMs = this.heartbeatMs * factor + 5_000;
    this.heartbeatTimer = this.timers.setTimeout(() => {
      this.heartbeatTimer = null;
      this.dropSocket(`no heartbeat for ${Math.round(timeoutMs / 1000)} s`);
      this.scheduleReconnect(`no heartbeat for ${Math.round(timeoutMs / 1000)} s`);
    }, timeoutMs);
  }

  private dropSocket(reason: string): void {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onclose = null;
    socket.onmessage = null;
    socket.onerror = null;
    try {
      socket.close(4000, reason.slice(0, 100));
    } catch {
      // Already closing: nothing to release.
    }
  }

  private scheduleReconnect(reason: string): void {
    this.clearTimers();
    const attempt = this.status.attempt + 1;
    const base = this.options.reconnectBaseMs ?? 500;
    const max = this.options.reconnectMaxMs ?? 15_000;
    const delay = Math.min(max, base * 2 ** Math.min(attempt - 1, 10));
    const retryAt = this.timers.now() + delay;
    this.update({ state: 'reconnecting', attempt, retryAt, lastError: reason });
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, delay);
  }

  private clearTimers(): void {
    if (this.heartbeatTimer !== null) this.timers.clearTimeout(this.heartbeatTimer);
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
    this.heartbeatTimer = null;
    this.reconnectTimer = null;
  }

  private update(patch: Partial<ConnectionStatus>): void {
    const stateChanged = patch.state !== undefined && patch.state !== this.status.state;
    this.status = { ...this.status, ...patch, ...(stateChanged ? { since: this.timers.now() } : {}) };
    this.emit();
  }

  private emit(): void {
    for (const listener of this.statusListeners) listener(this.status);
  }
}
