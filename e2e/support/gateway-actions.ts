/** Actions the specs take on the real gateway through the REST API (as the logged-in page's user). */
import type { Page } from '@playwright/test';
import { apiJson } from './fixtures.ts';
import type { RunningServer } from './server-process.ts';

export interface TunnelState {
  name: string;
  state: 'up' | 'down' | 'connecting';
}

export async function initiateTunnel(page: Page, server: RunningServer, name: string): Promise<void> {
  await apiJson(page, server, 'POST', `/tunnels/${name}/initiate`, {});
}

export async function tunnelStates(page: Page, server: RunningServer): Promise<TunnelState[]> {
  return (await apiJson<{ items: TunnelState[] }>(page, server, 'GET', '/tunnels')).items;
}

/** Brings loop-a up (a real negotiation between two of the engine's own addresses) unless it already is. */
export async function ensureLoopUp(page: Page, server: RunningServer): Promise<void> {
  const states = await tunnelStates(page, server);
  if (states.find((t) => t.name === 'loop-a')?.state !== 'up') await initiateTunnel(page, server, 'loop-a');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await tunnelStates(page, server)).find((t) => t.name === 'loop-a')?.state === 'up') return;
    await page.waitForTimeout(250);
  }
  throw new Error('loop-a did not come up within 30 s');
}
