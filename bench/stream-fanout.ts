/**
 * WebSocket fan-out: events/s delivered to 10 reading clients, with p50/p99
 * latency (emit -> client receive) and the server's RSS, while an 11th
 * client is stalled (subscribed, reads nothing).
 *
 * The server runs in its own process (apps/server/test/support/child-server.ts:
 * the real server, SQLite store, stream hub; the in-process fake gateway is
 * the event source, since no IKE traffic produces 20,000 events/s). Clients
 * run in this process and read each frame's emit time without a full JSON
 * parse, so the client side does not cap the figure.
 *
 *   pnpm exec tsx bench/stream-fanout.ts [rate=20000] [seconds=10] [clients=10]
 *
 * Target: 20,000 events/s to each client with p99 < 200 ms.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startChildServer } from '../apps/server/test/support/child-process.ts';

interface MinimalWebSocket {
  on(event: 'message', listener: (data: Buffer) => void): void;
  once(event: 'open' | 'close', listener: () => void): void;
  once(event: 'error', listener: (err: Error) => void): void;
  send(data: string): void;
  close(): void;
  _socket: Socket;
}
type WebSocketCtor = new (url: string, options: { headers: Record<string, string> }) => MinimalWebSocket;
const WebSocket = createRequire(new URL('../apps/server/package.json', import.meta.url))('ws') as WebSocketCtor;

const rate = Number(process.argv[2] ?? 20_000);
const seconds = Number(process.argv[3] ?? 10);
const clientCount = Number(process.argv[4] ?? 10);

interface BenchClient {
  ws: MinimalWebSocket;
  received: number;
  missed: number;
  latencies: number[];
}

function connect(url: string, token: string, record: boolean): Promise<BenchClient> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + 'api/v1/stream', { headers: { authorization: `Bearer ${token}` } });
  const client: BenchClient = { ws, received: 0, missed: 0, latencies: [] };
  ws.on('message', (data) => {
    const text = data.toString();
    const at = text.indexOf('"text":"child ');
    if (at >= 0) {
      client.received++;
      if (record) {
        const start = text.indexOf(' ', at + 14) + 1;
        const emitted = Number(text.slice(start, text.indexOf(' ', start)));
        client.latencies.push(Date.now() - emitted);
      }
    } else if (text.startsWith('{"type":"missed"')) {
      client.missed += (JSON.parse(text) as { count: number }).count;
    }
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'subscribe', id: 'log', topic: 'log' }));
      resolve(client);
    });
    ws.once('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tunnelscope-bench-'));
  const server = await startChildServer(dataDir);
  try {
    const setup = await fetch(new URL('/api/v1/auth/setup', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: server.setupToken, username: 'bench', password: 'bench-password-1' }),
    });
    const cookie = setup.headers.getSetCookie()[0]!.split(';')[0]!;
    const { token } = (await (await fetch(new URL('/api/v1/tokens', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'bench', role: 'viewer' }),
    })).json()) as { token: string };

    const clients = await Promise.all(Array.from({ length: clientCount }, () => connect(server.url, token, true)));
    const stalled = await connect(server.url, token, false);
    await new Promise((r) => setTimeout(r, 300));
    stalled.ws._socket.pause();

    const rssSamples: number[] = [];
    const sampler = setInterval(() => {
      void server.ask<{ rss: number }>({ rss: true }, 'rss').then((m) => rssSamples.push(m.rss));
    }, 500);
    const started = Date.now();
    const done = await server.ask<{ emitted: number; elapsedMs: number }>({ rate, durationS: seconds, bytes: 100 }, 'emitted');
    // Let the readers drain what is in flight.
    const total = done.emitted;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && clients.some((c) => c.received + c.missed < total)) await new Promise((r) => setTimeout(r, 50));
    const elapsedS = (Date.now() - started) / 1000;
    clearInterval(sampler);

    const latencies = clients.flatMap((c) => c.latencies).sort((a, b) => a - b);
    const delivered = clients.reduce((sum, c) => sum + c.received, 0);
    const missedByReaders = clients.reduce((sum, c) => sum + c.missed, 0);
    const rssMb = rssSamples.map((r) => r / 1048576);
    console.log(`stream fan-out: ${total} events emitted at ${rate}/s for ${seconds} s (emitter took ${(done.elapsedMs / 1000).toFixed(1)} s)`);
    console.log(`  ${clientCount} reading clients: ${delivered} events delivered, ${(delivered / clientCount / elapsedS).toFixed(0)} events/s per client, ${(delivered / elapsedS).toFixed(0)} frames/s total`);
    console.log(`  missed by reading clients: ${missedByReaders}`);
    console.log(`  latency emit -> receive: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms`);
    console.log(`  stalled client: received ${stalled.received} before its socket filled`);
    console.log(`  server RSS: min ${Math.min(...rssMb).toFixed(0)} MB, max ${Math.max(...rssMb).toFixed(0)} MB, last ${rssMb.at(-1)?.toFixed(0)} MB`);
    const metrics = await (await fetch(new URL('/metrics', server.url), { headers: { authorization: `Bearer ${token}` } })).text();
    const missedTotal = /^tunnelscope_stream_events_missed (\d+)/m.exec(metrics)?.[1];
    console.log(`  events the server skipped for slow clients (all of them the stalled one's): ${missedTotal}`);
    for (const c of [...clients, stalled]) c.ws.close();
  } finally {
    await server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
