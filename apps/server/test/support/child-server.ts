/**
 * A server in its own process (FakeGateway, SQLite in the given data dir)
 * for the restart, kill -9 and memory tests. Prints one JSON line
 * `{ "port", "setupToken" }` when listening. IPC messages from the parent:
 * `{ emit: n, bytes }` emits n log events of about `bytes` bytes each (in
 * chunks, yielding between), then answers `{ emitted: n }`;
 * `{ rss: true }` answers `{ rss }`; `{ rate, durationS, bytes }` emits at
 * `rate` events/s for `durationS` (10 ms ticks, catching up to schedule),
 * then answers `{ emitted }`. Event texts carry their emit time (ms).
 */
import { createServer } from '../../src/app.ts';
import { FakeGateway, sampleConfig } from './fake-gateway.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: child-server.ts <data-dir> [queueLimit]');
const queueLimit = Number(process.argv[3] ?? 2048);
const gateway = new FakeGateway();
const server = await createServer({
  gateway,
  dataDir,
  logLevel: 'warn',
  fileConfig: { config: sampleConfig(), path: 'child-config.json' },
  stream: { queueLimit },
});
const { port } = await server.listen(0);
process.stdout.write(JSON.stringify({ port, setupToken: server.setupToken ?? null }) + '\n');

process.on('message', (raw) => {
  const m = raw as { emit?: number; bytes?: number; rss?: boolean; flush?: boolean; chunk?: number; rate?: number; durationS?: number };
  if (m.rate !== undefined) {
    const padding = 'x'.repeat(m.bytes ?? 100);
    const rate = m.rate;
    const total = Math.round(rate * (m.durationS ?? 10));
    const start = Date.now();
    let i = 0;
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * rate));
      for (; i < due; i++) {
        gateway.emitEvent({ topic: 'log', type: 'log.event', code: 'peer_not_responding', text: `child ${i} ${Date.now()} ${padding}` });
      }
      if (i >= total) {
        clearInterval(timer);
        process.send?.({ emitted: total, elapsedMs: Date.now() - start });
      }
    }, 10);
    return;
  }
  if (m.rss) {
    // Garbage is not a leak: collect it first, so RSS reflects what the server retains.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    process.send?.({ rss: process.memoryUsage().rss });
    return;
  }
  if (m.flush) {
    server.services.recorder.flush();
    process.send?.({ flushed: true });
    return;
  }
  if (m.emit !== undefined) {
    const total = m.emit;
    const padding = 'x'.repeat(m.bytes ?? 200);
    const chunk = m.chunk ?? 500;
    let i = 0;
    const step = () => {
      const end = Math.min(total, i + chunk);
      for (; i < end; i++) {
        gateway.emitEvent({ topic: 'log', type: 'log.event', code: 'peer_not_responding', text: `child ${i} ${Date.now()} ${padding}` });
      }
      if (i < total) setImmediate(step);
      else process.send?.({ emitted: total });
    };
    step();
  }
});

process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
