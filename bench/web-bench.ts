/**
 * Dashboard performance, measured in Debian's Chromium (playwright-core,
 * no browser download):
 *
 *   pnpm exec tsx bench/web-bench.ts
 *
 * Rows:
 * - initial JS: the production bundle's entry script plus its modulepreloads
 *   (what the browser must fetch before the first render), gzip -9, and the
 *   CSS beside it. Target < 400 KB gzip.
 * - overview first meaningful render: navigation start to the tunnel table
 *   filled with the server's tunnels, on localhost against the real server
 *   (apps/server main, real engine, the e2e loopback config), warm HTTP
 *   cache off, median of 7 loads. Target < 1.5 s.
 * - snoop with 50,000 lines: 50,000 `snoop.message` events pushed through
 *   the real server's recorder and WebSocket hub (an in-process server whose
 *   engine is the API tests' FakeGateway: the only way to get 50,000 lines
 *   in seconds; the lines are synthetic, the path is the product's), then
 *   the virtualized list scrolled top to bottom: frame times (rAF deltas)
 *   and long tasks (> 50 ms) while scrolling, and DOM rows mounted.
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT, ensureWebBuilt, startServer } from '../e2e/support/server-process.ts';
import { startTestServer } from '../apps/server/test/support/harness.ts';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SNOOP_LINES = 50_000;

function initialBundleSize(): { js: number; jsGzip: number; css: number; cssGzip: number; files: string[] } {
  const dist = path.join(REPO_ROOT, 'apps/web/dist');
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1]!);
  const styles = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => m[1]!);
  const measure = (files: string[]) =>
    files.reduce(
      (sum, file) => {
        const bytes = readFileSync(path.join(dist, file));
        return { raw: sum.raw + bytes.length, gzip: sum.gzip + gzipSync(bytes, { level: 9 }).length };
      },
      { raw: 0, gzip: 0 },
    );
  const js = measure(scripts);
  const css = measure(styles);
  return { js: js.raw, jsGzip: js.gzip, css: css.raw, cssGzip: css.gzip, files: scripts };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function sessionPage(browser: Browser, origin: string, cookie: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: origin }]);
  return context.newPage();
}

async function login(origin: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ username, password }),
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (!response.ok || !cookie) throw new Error(`login failed: ${response.status}`);
  return cookie;
}

async function overviewFirstRender(browser: Browser): Promise<number[]> {
  const server = await startServer();
  try {
    const cookie = await login(server.origin, server.admin.username, server.admin.password);
    const times: number[] = [];
    for (let run = 0; run < 7; run++) {
      const page = await sessionPage(browser, server.origin, cookie);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await page.goto(server.url, { waitUntil: 'commit' });
      await page.waitForSelector('[data-testid="tunnel-states"] tbody tr');
      times.push(await page.evaluate(() => performance.now()));
      await page.context().close();
    }
    return times;
  } finally {
    await server.stop();
  }
}

async function snoopScroll(browser: Browser) {
  const test = await startTestServer({ server: { webDist: path.join(REPO_ROOT, 'apps/web/dist'), logLevel: 'silent' } });
  try {
    const origin = test.url.replace(/\/$/, '');
    const page = await sessionPage(browser, origin, test.adminCookie);
    await page.goto(`${origin}/snoop`);
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    // The snoop view is loaded on demand: wait until it is mounted (and so subscribed) and its history is in.
    await page.waitForSelector('[data-testid="snoop-line-count"]');
    await page.waitForFunction(() => !document.querySelector('[data-testid="snoop-status"]')?.textContent?.includes('loading history'));
    await page.waitForTimeout(500);

    const started = Date.now();
    for (let i = 0; i < SNOOP_LINES; i++) {
      const inbound = i % 2 === 0;
      const local = { address: '172.22.53.18', port: 500 };
      const remote = { address: `172.22.53.${23 + (i % 50)}`, port: 500 };
      const summary = inbound ? `IKE_SA_INIT request 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) ]` : `IKE_SA_INIT response 0 [ SA KE No N(NATD_S_IP) N(NATD_D_IP) N(MULT_AUTH) ]`;
      const stamp = new Date(started + i).toISOString().replace('T', ' ').slice(0, 19);
      const text = `SNOOP: IKEv2: ${stamp} ${local.address}:${local.port} ${inbound ? '<-' : '->'} ${remote.address}:${remote.port}\n ${summary}`;
      test.gateway.emitEvent({
        topic: 'snoop',
        type: 'snoop.message',
        tunnel: 'branch-a',
        peer: remote.address,
        text,
        event: { type: 'snoop.message', time: started + i, direction: inbound ? 'in' : 'out', local, remote, marker: false, datagramIds: [], summary },
      });
      if (i % 2000 === 1999) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const deadline = Date.now() + 120_000;
    let shown = '';
    while (Date.now() < deadline) {
      shown = (await page.getByTestId('snoop-line-count').textContent()) ?? '';
      if (shown === `${SNOOP_LINES} lines`) break;
      await page.waitForTimeout(500);
    }
    if (shown !== `${SNOOP_LINES} lines`) {
      throw new Error(`the snoop view shows "${shown}" after 120 s; stream: ${await page.getByTestId('connection-state').getAttribute('title')}`);
    }
    const deliveredMs = Date.now() - started;

    return {
      deliveredMs,
      ...(await page.evaluate(async () => {
        const scroller = document.querySelector<HTMLElement>('[data-testid="snoop-lines"]')!;
        const longTasks: number[] = [];
        const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
        observer.observe({ type: 'longtask', buffered: false });
        scroller.scrollTop = 0;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const frames: number[] = [];
        let last = performance.now();
        let maxRows = 0;
        const step = 3000;
        while (scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 1) {
          scroller.scrollTop += step;
          await new Promise((resolve) => requestAnimationFrame(resolve));
          const now = performance.now();
          frames.push(now - last);
          last = now;
          maxRows = Math.max(maxRows, scroller.querySelectorAll('.snoop-row').length);
        }
        observer.disconnect();
        return { frames, longTasks, maxRows, scrollHeight: scroller.scrollHeight };
      })),
    };
  } finally {
    await test.close();
  }
}

async function main(): Promise<void> {
  ensureWebBuilt();
  const bundle = initialBundleSize();
  console.log(`initial JS: ${(bundle.js / 1024).toFixed(1)} KB raw, ${(bundle.jsGzip / 1024).toFixed(1)} KB gzip (${bundle.files.join(', ')}); CSS ${(bundle.cssGzip / 1024).toFixed(1)} KB gzip — target < 400 KB gzip`);
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  try {
    const renders = await overviewFirstRender(browser);
    console.log(`overview first meaningful render: median ${median(renders).toFixed(0)} ms, min ${Math.min(...renders).toFixed(0)} ms, max ${Math.max(...renders).toFixed(0)} ms over ${renders.length} cold loads — target < 1500 ms`);
    const snoop = await snoopScroll(browser);
    console.log(
      `snoop, ${SNOOP_LINES} lines (delivered live in ${snoop.deliveredMs} ms): scrolled ${snoop.scrollHeight} px in ${snoop.frames.length} frames; ` +
        `frame time p50 ${percentile(snoop.frames, 50).toFixed(1)} ms, p95 ${percentile(snoop.frames, 95).toFixed(1)} ms, max ${Math.max(...snoop.frames).toFixed(1)} ms; ` +
        `long tasks while scrolling: ${snoop.longTasks.length}${snoop.longTasks.length ? ` (max ${Math.max(...snoop.longTasks).toFixed(0)} ms)` : ''}; at most ${snoop.maxRows} rows in the DOM`,
    );
  } finally {
    await browser.close();
  }
}

await main();
