import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Frame, type TestServer } from '../../../support/harness.ts';
import { sampleConfig } from '../../../support/fake-gateway.ts';

const isEvent = (f: Frame) => f.type === 'event';

describe('/api/v1/stream', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ config: sampleConfig(), server: { stream: { heartbeatMs: 300, queueLimit: 200, highWaterBytes: 32 * 1024 } } });
  });
  afterAll(async () => t.close());

  it('says hello, subscribes to snoop by peer, unsubscribes', async () => {
    const c = await t.connect({ token: t.tokens.viewer });
    const hello = await c.waitFor((f) => f.type === 'hello');
    expect(hello).toMatchObject({ heartbeatMs: 300, queueLimit: 200, principal: { name: 'token:viewer-token', role: 'viewer' } });
    c.send({ type: 'subscribe', id: 's1', topic: 'snoop', filter: { peer: '127.0.1.2' } });
    await c.waitFor((f) => f.type === 'subscribed' && f.id === 's1');
    t.gateway.emitEvent({ topic: 'snoop', type: 'snoop.message', peer: '127.0.1.3', text: 'other peer' });
    t.gateway.emitEvent({ topic: 'snoop', type: 'snoop.message', peer: '127.0.1.2', text: 'IKE_SA_INIT request 0 [ SA KE No ]' });
    const ev = await c.waitFor(isEvent);
    expect(ev.data).toMatchObject({ topic: 'snoop', peer: '127.0.1.2', text: 'IKE_SA_INIT request 0 [ SA KE No ]' });
    expect(c.frames.filter(isEvent)).toHaveLength(1);
    c.send({ type: 'unsubscribe', id: 's1' });
    await c.waitFor((f) => f.type === 'unsubscribed');
    t.gateway.emitEvent({ topic: 'snoop', type: 'snoop.message', peer: '127.0.1.2', text: 'after' });
    c.send({ type: 'ping', nonce: 'n1' });
    await c.waitFor((f) => f.type === 'pong' && f.nonce === 'n1');
    expect(c.frames.filter(isEvent)).toHaveLength(1);
    await c.close();
  });

  it('filters SA events by tunnel and log events by code', async () => {
    const c = await t.connect({ token: t.tokens.viewer });
    c.send({ type: 'subscribe', id: 'sa', topic: 'sa', filter: { tunnel: 'branch-a' } });
    c.send({ type: 'subscribe', id: 'log', topic: 'log', filter: { codes: ['incorrect_psk'] } });
    await c.waitFor((f) => f.type === 'subscribed' && f.id === 'log');
    t.gateway.emitEvent({ topic: 'sa', type: 'ike.sa.up', tunnel: 'branch-b' });
    t.gateway.emitEvent({ topic: 'log', type: 'log.event', code: 'no_proposal_chosen' });
    await t.request('POST', '/api/v1/tunnels/branch-a/initiate', { token: t.tokens.operator });
    t.gateway.emitEvent({ topic: 'log', type: 'log.event', code: 'incorrect_psk', tunnel: 'branch-a' });
    await c.waitFor((f) => isEvent(f) && f.data.code === 'incorrect_psk');
    const events = c.frames.filter(isEvent).map((f) => [f.data.topic, f.data.type, f.data.tunnel]);
    expect(events).toEqual([
      ['sa', 'ike.sa.established', 'branch-a'],
      ['log', 'log.event', 'branch-a'],
    ]);
    await c.close();
  });

  it('sends ike -stat counters every N seconds to a stats subscription', async () => {
    const c = await t.connect({ token: t.tokens.viewer });
    c.send({ type: 'subscribe', id: 'st', topic: 'stats', filter: { intervalS: 1 } });
    const first = await c.waitFor((f) => f.type === 'stats');
    expect(first.subscription).toBe('st');
    expect(Object.keys(first.counters)).toHaveLength(14);
    await c.waitFor((f) => f.type === 'stats' && f !== first, 2500);
    await c.close();
  });

  it('sends heartbeats and answers bad messages with an error frame', async () => {
    const c = await t.connect({ token: t.tokens.viewer });
    const hb = await c.waitFor((f) => f.type === 'heartbeat', 2000);
    expect(hb.lastEventId).toBe(t.server.services.recorder.lastId());
    c.ws.send('not json');
    expect(await c.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'bad_message', message: 'not JSON' });
    c.send({ type: 'subscribe', id: 'x', topic: 'nope' });
    await c.waitFor((f) => f.type === 'error' && f.message.includes('topic'));
    await c.close();
  });

  it('resumes from an event id: replays history in order, then goes live', async () => {
    const first = t.server.services.recorder.lastId();
    for (let i = 0; i < 1200; i++) t.gateway.emitEvent({ topic: 'log', type: 'log.event', code: i % 2 ? 'incorrect_psk' : 'ts_unacceptable', text: `e${i}` });
    t.server.services.recorder.flush();
    for (let i = 1200; i < 1210; i++) t.gateway.emitEvent({ topic: 'log', type: 'log.event', code: 'incorrect_psk', text: `e${i}` });
    const c = await t.connect({ token: t.tokens.viewer });
    c.send({ type: 'subscribe', id: 'log', topic: 'log', filter: { codes: ['incorrect_psk'] } });
    c.send({ type: 'resume', afterId: first });
    const done = await c.waitFor((f) => f.type === 'replay_done', 10_000);
    expect(done.lastId).toBe(t.server.services.recorder.lastId());
    t.gateway.emitEvent({ topic: 'log', type: 'log.event', code: 'incorrect_psk', text: 'live' });
    await c.waitFor((f) => isEvent(f) && f.data.text === 'live');
    const got = c.frames.filter(isEvent);
    const replayed = got.filter((f) => f.replay);
    expect(replayed).toHaveLength(610);
    expect(replayed.every((f) => f.data.code === 'incorrect_psk')).toBe(true);
    const ids = got.map((f) => f.data.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(got.at(-1).replay).toBeUndefined();
    await c.close();
  });

  it('tells a client resuming from before the retained history how many events are gone', async () => {
    const services = t.server.services;
    services.recorder.flush();
    const oldest = services.store.events.minEventId()!;
    services.store.db.prepare('DELETE FROM events WHERE id < ?').run(oldest + 10);
    const c = await t.connect({ token: t.tokens.viewer });
    c.send({ type: 'subscribe', id: 'log', topic: 'log' });
    c.send({ type: 'resume', afterId: oldest - 1 });
    const missed = await c.waitFor((f) => f.type === 'missed');
    expect(missed).toMatchObject({ reason: 'retention', count: 10, firstId: oldest, lastId: oldest + 9 });
    await c.waitFor((f) => f.type === 'replay_done', 10_000);
    await c.close();
  });

  it('accepts cookie sessions from the same origin', async () => {
    const c = await t.connect({ cookie: t.adminCookie, origin: t.url.replace(/\/$/, '') });
    expect((await c.waitFor((f) => f.type === 'hello')).principal).toEqual({ name: 'admin', role: 'admin' });
    await c.close();
  });
});

describe('/api/v1/stream slow clients', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ config: sampleConfig(), server: { stream: { queueLimit: 200, highWaterBytes: 32 * 1024 } } });
  });
  afterAll(async () => s.close());

  it('a client that does not read is told how many events it missed; server memory stays bounded; others get everything', async () => {
    const stalled = await s.connect({ token: s.tokens.viewer });
    const fast = await s.connect({ token: s.tokens.viewer });
    for (const c of [stalled, fast]) {
      c.send({ type: 'subscribe', id: 'log', topic: 'log' });
      await c.waitFor((f) => f.type === 'subscribed');
    }
    const socket = (stalled.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    const N = 20_000;
    const padding = 'x'.repeat(1000);
    const hub = s.server.services.hub;
    let maxDepth = 0;
    let maxBacklog = 0;
    const firstId = s.server.services.recorder.lastId() + 1;
    for (let i = 0; i < N; i++) {
      s.gateway.emitEvent({ topic: 'log', type: 'log.event', code: 'peer_not_responding', text: `burst ${i} ${padding}` });
      if (i % 100 === 0) {
        maxDepth = Math.max(maxDepth, ...hub.queueDepths());
        maxBacklog = Math.max(maxBacklog, ...hub.socketBacklogs());
        await new Promise((r) => setImmediate(r));
      }
    }
    maxDepth = Math.max(maxDepth, ...hub.queueDepths());
    // 20 MB of events went by; the stalled client holds at most its queue (frames shared with
    // other clients) and one high-water mark of socket buffer. RSS over a child-process server
    // is checked in test/stream-memory.test.ts and bench/stream-fanout.ts.
    expect(maxDepth).toBeLessThanOrEqual(200 + 2);
    expect(maxBacklog).toBeLessThanOrEqual(32 * 1024 + 2048);
    await fast.waitFor((f) => isEvent(f) && f.data.text.startsWith(`burst ${N - 1} `), 20_000);
    expect(fast.frames.filter((f) => f.type === 'missed')).toEqual([]);

    socket.resume();
    // The stalled client now drains its socket and queue, then hears how much it missed.
    await stalled.waitFor((f) => f.type === 'missed', 20_000);
    await new Promise((r) => setTimeout(r, 200));
    s.gateway.emitEvent({ topic: 'log', type: 'log.event', code: 'peer_not_responding', text: 'after the burst' });
    const last = await stalled.waitFor((f) => isEvent(f) && f.data.text === 'after the burst', 20_000);
    const burst = stalled.frames.filter((f) => isEvent(f) && f.data.id >= firstId && f.data.id < firstId + N);
    const missed = stalled.frames.filter((f) => f.type === 'missed');
    expect(missed[0]).toMatchObject({ reason: 'slow_client' });
    const missedCount = missed.reduce((sum, f) => sum + f.count, 0);
    // Every burst event either arrived or was counted as missed, and none twice.
    expect(burst.length + missedCount).toBe(N);
    expect(new Set(burst.map((f) => f.data.id)).size).toBe(burst.length);
    expect(missedCount).toBeGreaterThan(N / 2);
    expect(last.data.id).toBe(firstId + N);
    await stalled.close();
    await fast.close();
  }, 60_000);

});
