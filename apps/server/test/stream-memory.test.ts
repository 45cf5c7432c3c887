/**
 * Server memory stays flat with a stalled WebSocket client: a server in its
 * own process pushes 100 MB of events past a client that reads nothing; its
 * RSS must not grow with them, and the client is told what it missed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectStream, sessionCookie } from './support/harness.ts';
import { startChildServer, type ChildServer } from './support/child-process.ts';

describe('stream memory with a stalled client (child-process server)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tunnelscope-mem-'));
  let server: ChildServer | undefined;
  afterAll(async () => {
    await server?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps RSS flat while 200 MB of events pass a client that does not read', async () => {
    server = await startChildServer(dataDir);
    const setup = await fetch(new URL('/api/v1/auth/setup', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: server.setupToken, username: 'admin', password: 'admin-password-1' }),
    });
    const cookie = sessionCookie(setup.headers);
    const token = (await (await fetch(new URL('/api/v1/tokens', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'mem', role: 'viewer' }),
    })).json()) as { token: string };
    const stalled = await connectStream(server.url, { token: token.token });
    stalled.send({ type: 'subscribe', id: 'log', topic: 'log' });
    await stalled.waitFor((f) => f.type === 'subscribed');
    const socket = (stalled.ws as unknown as { _socket: Socket })._socket;
    socket.pause();

    // Warm up: fill the socket buffers, the queue, the caches.
    await server.ask({ emit: 20_000, bytes: 1000 }, 'emitted');
    await server.ask({ flush: true }, 'flushed');
    const before = (await server.ask<{ rss: number }>({ rss: true }, 'rss')).rss;
    // Two rounds of 100 MB each: RSS settles after the first (GC and allocator slack) and does
    // not grow with the second; a per-event leak would add about the same again.
    const rss: number[] = [before];
    for (let round = 0; round < 2; round++) {
      await server.ask({ emit: 100_000, bytes: 1000 }, 'emitted');
      await server.ask({ flush: true }, 'flushed');
      rss.push((await server.ask<{ rss: number }>({ rss: true }, 'rss')).rss);
    }
    const mb = rss.map((r) => r / 1048576);
    process.stdout.write(`stalled-client RSS (MB): warm ${mb[0]!.toFixed(1)}, +100 MB events ${mb[1]!.toFixed(1)}, +200 MB events ${mb[2]!.toFixed(1)}\n`);
    expect(mb[1]! - mb[0]!).toBeLessThan(80);
    expect(mb[2]! - mb[1]!).toBeLessThan(25);

    socket.resume();
    const missed = await stalled.waitFor((f) => f.type === 'missed', 30_000);
    expect(missed.reason).toBe('slow_client');
    expect(missed.count).toBeGreaterThan(200_000);
    await stalled.close();
  }, 120_000);
});
