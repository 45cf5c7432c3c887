/**
 * Fixtures for specs that need the demo lab: one real server per worker
 * started as `pnpm start` starts it (demo config, lab peers on 127.0.1.x,
 * default mix running). Its worker fixture differs from fixtures.ts's, so
 * Playwright runs these specs in their own worker (one at a time with the
 * suite's single worker): never two lab servers at once.
 */
import { test as base } from '@playwright/test';
import { apiJson, expect, logIn, saveScreenshot } from './fixtures.ts';
import { startServer, type RunningServer } from './server-process.ts';
import type { Page } from '@playwright/test';

export const labTest = base.extend<{ server: RunningServer }, { workerLabServer: RunningServer }>({
  workerLabServer: [
    async ({}, use) => {
      const server = await startServer({ lab: 'demo' });
      try {
        await use(server);
      } finally {
        await server.stop();
      }
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  server: async ({ workerLabServer }, use) => {
    await use(workerLabServer);
  },
});

/** The newest stored event id: events after it happened after this call. */
export async function lastEventId(page: Page, server: RunningServer): Promise<number> {
  const newest = await apiJson<{ items: Array<{ id: number }> }>(page, server, 'GET', '/events?limit=1');
  return newest.items[0]?.id ?? 0;
}

export interface TunnelState {
  name: string;
  state: 'up' | 'down' | 'connecting';
}

export async function tunnelState(page: Page, server: RunningServer, name: string): Promise<TunnelState['state'] | undefined> {
  const list = await apiJson<{ items: TunnelState[] }>(page, server, 'GET', '/tunnels');
  return list.items.find((tunnel) => tunnel.name === name)?.state;
}

/** The id in a `/snoop?evidence=<id>` link. */
export function evidenceIdOf(href: string | null): number {
  const match = /evidence=(\d+)/.exec(href ?? '');
  return match ? Number(match[1]) : -1;
}

/**
 * Stops every lab scenario from the Lab view, then starts only `scenarioId`.
 * Returns the last stored event id before the start (events after it belong
 * to this run).
 */
export async function startOnlyScenario(page: Page, server: RunningServer, scenarioId: string): Promise<number> {
  await page.goto(`${server.url}lab`);
  const table = page.getByTestId('lab-scenarios');
  await page.getByTestId('lab-stop-all').click();
  await expect(table.locator('tr[data-running="true"]')).toHaveCount(0, { timeout: 30_000 });
  const mark = await lastEventId(page, server);
  const row = table.locator(`tr[data-scenario="${scenarioId}"]`);
  await row.getByTestId('lab-start').click();
  await expect(row).toHaveAttribute('data-running', 'true');
  return mark;
}

export { apiJson, expect, logIn, saveScreenshot };
