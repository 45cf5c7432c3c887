/**
 * WebSocket fan-out. Every live event is serialized once (by the recorder)
 * and offered to each client; a client keeps the events its subscriptions
 * match in a bounded queue and writes them while its socket keeps up.
 *
 *   publish(e) --> client.offer(e) --match?--> queue (<= queueLimit) --pump--> socket
 *                                                 | full                 (while bufferedAmount < highWater)
 *                                                 v
 *                                   missed += 1 (first/last id)  --room again--> `missed` message
 *
 * Memory per client is bounded by queueLimit frames plus highWaterBytes in
 * the socket; a frame is encoded once and its bytes shared by every client,
 * so a stalled client costs at most that, however fast events arrive.
 * Writes are batched per event-loop turn (one corked write per client), so
 * a burst costs one syscall per client, not one per event. A client in
 * replay (`resume`) reads the history in chunks as its queue drains, then
 * switches to live.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  ClientMessage,
  PingMessage,
  ResumeMessage,
  SubscribeMessage,
  UnsubscribeMessage,
  type IkeStatCounters,
  type Principal,
  type StreamFilter,
  type StreamTopic,
} from '../contract.ts';
import type { EventRecorder, HubEvent } from './event-recorder.ts';

/** The part of a `ws` WebSocket the hub uses. */
export interface StreamSocket {
  readonly bufferedAmount: number;
  send(data: string | Buffer, options: { binary: boolean }, cb?: (err?: Error) => void): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'pong', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

export interface StreamHubOptions {
  queueLimit: number;
  highWaterBytes: number;
  heartbeatMs: number;
  maxClients: number;
  maxSubscriptions: number;
  replayChunk: number;
}

export const DEFAULT_STREAM_OPTIONS: StreamHubOptions = {
  queueLimit: 2048,
  highWaterBytes: 512 * 1024,
  heartbeatMs: 15_000,
  maxClients: 256,
  maxSubscriptions: 32,
  replayChunk: 500,
};

export interface StreamHubStats {
  clients: number;
  delivered: number;
  missed: number;
}

const checkClientMessage = TypeCompiler.Compile(ClientMessage);
const TEXT = { binary: false };
/** Per message type, so an error names the field instead of "expected union value". */
const checkByType: Record<string, ReturnType<typeof TypeCompiler.Compile>> = {
  subscribe: TypeCompiler.Compile(SubscribeMessage),
  unsubscribe: TypeCompiler.Compile(UnsubscribeMessage),
  resume: TypeCompiler.Compile(ResumeMessage),
  ping: TypeCompiler.Compile(PingMessage),
};

interface Subscription {
  id: string;
  topic: StreamTopic;
  filter: StreamFilter;
  timer?: NodeJS.Timeout;
}

export class StreamHub {
  private readonly clients = new Set<StreamClient>();
  private heartbeat: NodeJS.Timeout | undefined;
  private pumpTimer: NodeJS.Timeout | undefined;
  readonly totals = { delivered: 0, missed: 0 };

  constructor(
    readonly recorder: EventRecorder,
    readonly statsSource: () => IkeStatCounters,
    readonly options: StreamHubOptions = DEFAULT_STREAM_OPTIONS,
  ) {
    recorder.attach(this);
  }

  start(): void {
    this.heartbeat ??= setInterval(() => {
      for (const c of this.clients) c.beat();
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
    // A safety net besides write callbacks: queued clients are pumped regularly.
    this.pumpTimer ??= setInterval(() => {
      for (const c of this.clients) c.pump();
    }, 50);
    this.pumpTimer.unref();
  }

  stop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.pumpTimer) clearInterval(this.pumpTimer);
    this.heartbeat = undefined;
    this.pumpTimer = undefined;
    for (const c of [...this.clients]) c.close(1001, 'server shutting down');
  }

  clientCount(): number {
    return this.clients.size;
  }

  publish(event: HubEvent): void {
    let bytes: Buffer | undefined;
    for (const c of this.clients) {
      if (!c.wants(event)) continue;
      bytes ??= Buffer.from(event.frame);
      c.offer(event.id, bytes);
    }
  }

  private readonly toPump = new Set<StreamClient>();
  private pumpScheduled = false;

  /** Pumps the client at the end of this event-loop turn, batching its writes. */
  schedulePump(client: StreamClient): void {
    this.toPump.add(client);
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      const clients = [...this.toPump];
      this.toPump.clear();
      for (const c of clients) c.pump();
    });
  }

  /** Takes over an authenticated socket. */
  attach(socket: StreamSocket, principal: Principal): StreamClient | undefined {
    if (this.clients.size >= this.options.maxClients) {
      socket.close(1013, 'too many stream clients');
      return undefined;
    }
    const client = new StreamClient(this, socket, principal);
    this.clients.add(client);
    return client;
  }

  detach(client: StreamClient): void {
    this.clients.delete(client);
  }

  stats(): StreamHubStats {
    return { clients: this.clients.size, delivered: this.totals.delivered, missed: this.totals.missed };
  }

  /** Frames waiting in each client's queue (bounded by queueLimit). */
  queueDepths(): number[] {
    return [...this.clients].map((c) => c.queued());
  }

  /** Bytes each client's socket holds unsent (bounded by highWaterBytes plus one frame). */
  socketBacklogs(): number[] {
    return [...this.clients].map((c) => c.backlog());
  }
}

export class StreamClient {
  private readonly queue: Array<string | Buffer> = [];
  private head = 0;
  private readonly subscriptions = new Map<string, Subscription>();
  private missed = 0;
  private missedFirst = 0;
  private missedLast = 0;
  private replayCursor: number | undefined;
  private closed = false;
  private lastPong = Date.now();

  constructor(
    private readonly hub: StreamHub,
    private readonly socket: StreamSocket,
    principal: Principal,
  ) {
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', () => this.dispose());
    socket.on('error', () => this.dispose());
    socket.on('pong', () => {
      this.lastPong = Date.now();
    });
    this.push(
      JSON.stringify({
        type: 'hello',
        serverTime: Date.now(),
        lastEventId: hub.recorder.lastId(),
        heartbeatMs: hub.options.heartbeatMs,
        queueLimit: hub.options.queueLimit,
        principal: { name: principal.name, role: principal.role },
      }),
    );
    this.pump();
  }

  queued(): number {
    return this.size();
  }

  backlog(): number {
    return this.socket.bufferedAmount;
  }

  /** Whether a live event goes to this client (its subscriptions match, it is not replaying). */
  wants(event: HubEvent): boolean {
    return !this.closed && this.replayCursor === undefined && this.matches(event);
  }

  /** A live event's encoded frame. */
  offer(id: number, frame: Buffer): void {
    if (this.size() >= this.hub.options.queueLimit) {
      if (this.missed === 0) this.missedFirst = id;
      this.missed++;
      this.missedLast = id;
      this.hub.totals.missed++;
      return;
    }
    if (this.missed > 0) this.flushMissedNotice();
    this.push(frame);
    this.hub.schedulePump(this);
  }

  /** Writes queued frames while the socket keeps up. */
  pump(): void {
    if (this.closed) return;
    const highWater = this.hub.options.highWaterBytes;
    const raw = (this.socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    raw?.cork();
    try {
      while (this.size() > 0) {
        const buffered = this.socket.bufferedAmount;
        if (buffered >= highWater) return;
        const frame = this.shift();
        const lastForNow = this.size() === 0 || buffered + frame.length + 16 >= highWater;
        if (lastForNow) this.socket.send(frame, TEXT, this.written);
        else this.socket.send(frame, TEXT);
        this.hub.totals.delivered++;
      }
    } finally {
      raw?.uncork();
    }
    if (this.missed > 0 && this.size() < this.hub.options.queueLimit / 2) {
      this.flushMissedNotice();
      this.pump();
      return;
    }
    if (this.replayCursor !== undefined) this.continueReplay();
  }

  beat(): void {
    if (this.closed) return;
    if (Date.now() - this.lastPong > this.hub.options.heartbeatMs * 4) {
      this.socket.terminate();
      this.dispose();
      return;
    }
    this.socket.ping();
    if (this.size() < this.hub.options.queueLimit) {
      this.push(JSON.stringify({ type: 'heartbeat', time: Date.now(), lastEventId: this.hub.recorder.lastId() }));
      this.pump();
    }
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
    this.dispose();
  }

  private readonly written = (): void => {
    this.pump();
  };

  private receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (isBinary) return this.sendError('bad_message', 'send JSON text frames');
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    if (text.length > 16_384) return this.sendError('bad_message', 'message too large');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.sendError('bad_message', 'not JSON');
    }
    if (!checkClientMessage.Check(parsed)) {
      const type = (parsed as { type?: unknown } | null)?.type;
      const checker = typeof type === 'string' ? checkByType[type] : undefined;
      if (!checker) return this.sendError('bad_message', `type must be one of ${Object.keys(checkByType).join(', ')}`);
      const first = checker.Errors(parsed).First();
      return this.sendError('bad_message', first ? `${first.path || '/'}: ${first.message}` : 'invalid message');
    }
    this.handle(parsed);
  }

  private handle(message: ClientMessage): void {
    switch (message.type) {
      case 'subscribe': {
        if (!this.subscriptions.has(message.id) && this.subscriptions.size >= this.hub.options.maxSubscriptions) {
          return this.sendError('too_many_subscriptions', `at most ${this.hub.options.maxSubscriptions} subscriptions`);
        }
        this.unsubscribe(message.id);
        const sub: Subscription = { id: message.id, topic: message.topic, filter: message.filter ?? {} };
        if (sub.topic === 'stats' && sub.filter.intervalS !== undefined) {
          sub.timer = setInterval(() => this.sendStats(sub.id), sub.filter.intervalS * 1000);
          sub.timer.unref();
        }
        this.subscriptions.set(sub.id, sub);
        this.control({ type: 'subscribed', id: sub.id, topic: sub.topic });
        if (sub.timer) this.sendStats(sub.id);
        return;
      }
      case 'unsubscribe':
        this.unsubscribe(message.id);
        this.control({ type: 'unsubscribed', id: message.id });
        return;
      case 'resume':
        return this.startReplay(message.afterId);
      case 'ping':
        return this.control({ type: 'pong', ...(message.nonce !== undefined ? { nonce: message.nonce } : {}) });
    }
  }

  private startReplay(afterId: number): void {
    const last = this.hub.recorder.lastId();
    if (afterId >= last) {
      this.control({ type: 'replay_done', lastId: last });
      return;
    }
    const oldest = this.hub.recorder.oldestId();
    if (oldest === undefined || afterId + 1 < oldest) {
      const lastGone = (oldest ?? last + 1) - 1;
      if (lastGone > afterId) {
        this.control({ type: 'missed', count: lastGone - afterId, firstId: afterId + 1, lastId: lastGone, reason: 'retention' });
      }
    }
    // Live frames already queued would arrive out of order with the replay: the replay re-reads them.
    this.queue.length = 0;
    this.head = 0;
    this.missed = 0;
    this.replayCursor = afterId;
    this.pump();
  }

  private continueReplay(): void {
    if (this.replayCursor === undefined || this.size() >= this.hub.options.queueLimit / 2) return;
    const chunk = this.hub.recorder.readAfter(this.replayCursor, this.hub.options.replayChunk);
    for (const event of chunk) {
      this.replayCursor = event.id;
      if (this.matches(event)) this.push(Buffer.from(event.frame));
    }
    if (chunk.length < this.hub.options.replayChunk) {
      // Caught up: nothing can be published between this read and going live.
      const lastId = this.replayCursor;
      this.replayCursor = undefined;
      this.push(JSON.stringify({ type: 'replay_done', lastId }));
    }
    this.pump();
  }

  private matches(event: HubEvent): boolean {
    for (const sub of this.subscriptions.values()) {
      if (sub.topic !== event.topic) continue;
      const f = sub.filter;
      if (f.peer !== undefined && event.peer !== f.peer) continue;
      if (f.tunnel !== undefined && event.tunnel !== f.tunnel) continue;
      if (f.codes !== undefined && (event.code === null || !f.codes.includes(event.code))) continue;
      if (f.types !== undefined && !f.types.includes(event.type)) continue;
      return true;
    }
    return false;
  }

  private sendStats(subscription: string): void {
    if (this.closed || this.size() >= this.hub.options.queueLimit) return;
    let counters: IkeStatCounters;
    try {
      counters = this.hub.statsSource();
    } catch {
      return;
    }
    this.push(JSON.stringify({ type: 'stats', subscription, time: Date.now(), counters }));
    this.pump();
  }

  private flushMissedNotice(): void {
    this.push(JSON.stringify({ type: 'missed', count: this.missed, firstId: this.missedFirst, lastId: this.missedLast, reason: 'slow_client' }));
    this.missed = 0;
  }

  /** Control answers go out even when the queue is full (they are few and small). */
  private control(message: object): void {
    if (this.size() >= this.hub.options.queueLimit * 2) {
      // Sends requests and never reads the answers.
      this.close(1008, 'client does not read its messages');
      return;
    }
    this.push(JSON.stringify(message));
    this.pump();
  }

  private sendError(code: string, message: string): void {
    this.control({ type: 'error', code, message });
  }

  private unsubscribe(id: string): void {
    const sub = this.subscriptions.get(id);
    if (sub?.timer) clearInterval(sub.timer);
    this.subscriptions.delete(id);
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.subscriptions.keys()]) this.unsubscribe(id);
    this.queue.length = 0;
    this.head = 0;
    this.hub.detach(this);
  }

  private size(): number {
    return this.queue.length - this.head;
  }

  private push(frame: string | Buffer): void {
    this.queue.push(frame);
  }

  private shift(): string | Buffer {
    const frame = this.queue[this.head]!;
    this.queue[this.head] = '';
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return frame;
  }
}
