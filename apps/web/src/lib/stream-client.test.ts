import { describe, expect, it } from 'vitest';
import type { ClientMessage, StoredEvent } from './api-types.ts';
import { StreamClient, type StreamSocket, type TimerPort } from './stream-client.ts';

class ManualTimers implements TimerPort {
  time = 1_000_000;
  private nextHandle = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    this.pending.set(handle, { at: this.time + ms, callback });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = until;
  }
}

class FakeSocket implements StreamSocket {
  readyState = 0;
  sent: ClientMessage[] = [];
  closed = false;
  onopen: StreamSocket['onopen'] = null;
  onmessage: StreamSocket['onmessage'] = null;
  onclose: StreamSocket['onclose'] = null;
  onerror: StreamSocket['onerror'] = null;
  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientMessage);
  }
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
  serverSends(message: object): void {
    this.readyState = 1;
    this.onmessage?.call(this, { data: JSON.stringify(message) } as MessageEvent);
  }
  serverCloses(code = 1006): void {
    this.readyState = 3;
    this.onclose?.call(this, { code, reason: '' } as CloseEvent);
  }
}

function event(id: number, topic: StoredEvent['topic'] = 'snoop', tunnel: string | null = 'vpn'): StoredEvent {
  return { id, time: id, topic, type: 'snoop.message', code: null, tunnel, peer: null, text: `line ${id}`, event: { type: 'snoop.message' } };
}

function hello(lastEventId: number) {
  return { type: 'hello', serverTime: 0, lastEventId, heartbeatMs: 1000, queueLimit: 100, principal: { name: 'a', role: 'admin' } };
}

function setup() {
  const timers = new ManualTimers();
  const sockets: FakeSocket[] = [];
  const client = new StreamClient({
    url: 'ws://test/api/v1/stream',
    timers,
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
  });
  return { timers, sockets, client };
}

describe('StreamClient', () => {
  it('subscribes after hello and dispatches matching events once', () => {
    const { sockets, client } = setup();
    const seen: number[] = [];
    client.subscribe('snoop', { tunnel: 'vpn' }, (e) => seen.push(e.id));
    client.start();
    expect(client.getStatus().state).toBe('connecting');
    sockets[0]!.serverSends(hello(10));
    expect(client.getStatus().state).toBe('open');
    expect(sockets[0]!.sent).toEqual([{ type: 'subscribe', id: 's1', topic: 'snoop', filter: { tunnel: 'vpn' } }]);
    sockets[0]!.serverSends({ type: 'event', data: event(11) });
    sockets[0]!.serverSends({ type: 'event', data: event(12, 'snoop', 'other') });
    sockets[0]!.serverSends({ type: 'event', data: event(11) });
    expect(seen).toEqual([11]);
    expect(client.getStatus().lastEventId).toBe(12);
  });

  it('resubscribes and resumes from the last seen id after a reconnect', () => {
    const { timers, sockets, client } = setup();
    const seen: number[] = [];
    client.subscribe('snoop', {}, (e) => seen.push(e.id));
    client.start();
    sockets[0]!.serverSends(hello(5));
    sockets[0]!.serverSends({ type: 'event', data: event(6) });
    sockets[0]!.serverCloses();
    expect(client.getStatus().state).toBe('reconnecting');
    timers.advance(500);
    expect(sockets).toHaveLength(2);
    sockets[1]!.serverSends(hello(9));
    expect(sockets[1]!.sent).toEqual([
      { type: 'subscribe', id: 's1', topic: 'snoop' },
      { type: 'resume', afterId: 6 },
    ]);
    for (const id of [7, 8, 9]) sockets[1]!.serverSends({ type: 'event', replay: true, data: event(id) });
    expect(seen).toEqual([6, 7, 8, 9]);
  });

  it('treats a silent connection as dead after the heartbeat timeout', () => {
    const { timers, sockets, client } = setup();
    client.start();
    sockets[0]!.serverSends(hello(0));
    timers.advance(2 * 1000 + 4_999);
    expect(client.getStatus().state).toBe('open');
    sockets[0]!.serverSends({ type: 'heartbeat', time: 0, lastEventId: 0 });
    timers.advance(6_000);
    expect(client.getStatus().state).toBe('open');
    timers.advance(2_000);
    expect(sockets[0]!.closed).toBe(true);
    expect(client.getStatus().state).toBe('reconnecting');
    expect(client.getStatus().lastError).toMatch(/no heartbeat/);
  });

  it('backs off between reconnect attempts', () => {
    const { timers, sockets, client } = setup();
    client.start();
    sockets[0]!.serverCloses();
    timers.advance(499);
    expect(sockets).toHaveLength(1);
    timers.advance(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.serverCloses();
    timers.advance(999);
    expect(sockets).toHaveLength(2);
    timers.advance(1);
    expect(sockets).toHaveLength(3);
    expect(client.getStatus().attempt).toBe(2);
  });

  it('asks for a replay when the server says a slow client missed events', () => {
    const { sockets, client } = setup();
    client.subscribe('log', {}, () => undefined);
    client.start();
    sockets[0]!.serverSends(hello(0));
    sockets[0]!.serverSends({ type: 'event', data: event(3, 'log') });
    sockets[0]!.serverSends({ type: 'missed', count: 4, firstId: 4, lastId: 7, reason: 'slow_client' });
    expect(sockets[0]!.sent.at(-1)).toEqual({ type: 'resume', afterId: 3 });
  });

  it('drops live frames sent before the server read the resume and takes them from the replay, in order', () => {
    const { sockets, client } = setup();
    const seen: number[] = [];
    client.subscribe('snoop', {}, (e) => seen.push(e.id));
    client.start();
    sockets[0]!.serverSends(hello(0));
    sockets[0]!.serverSends({ type: 'event', data: event(1) });
    sockets[0]!.serverSends({ type: 'missed', count: 3, firstId: 2, lastId: 4, reason: 'slow_client' });
    sockets[0]!.serverSends({ type: 'event', data: event(5) });
    sockets[0]!.serverSends({ type: 'missed', count: 1, firstId: 6, lastId: 6, reason: 'slow_client' });
    for (const id of [2, 3, 4, 5, 6, 7]) sockets[0]!.serverSends({ type: 'event', replay: true, data: event(id) });
    sockets[0]!.serverSends({ type: 'replay_done', lastId: 7 });
    sockets[0]!.serverSends({ type: 'event', data: event(8) });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(sockets[0]!.sent.filter((m) => m.type === 'resume')).toEqual([{ type: 'resume', afterId: 1 }]);
  });

  it('unsubscribes on the server when a panel lets go', () => {
    const { sockets, client } = setup();
    client.start();
    sockets[0]!.serverSends(hello(0));
    const stop = client.subscribeStats(5, () => undefined);
    stop();
    expect(sockets[0]!.sent).toEqual([
      { type: 'subscribe', id: 's1', topic: 'stats', filter: { intervalS: 5 } },
      { type: 'unsubscribe', id: 's1' },
    ]);
  });
});
