/**
 * Playwright fixtures: one real server per worker (the suite runs with one
 * worker), pages logged in through the login form, and an API client that
 * uses the same session cookie as the page.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, startServer, type Credentials, type RunningServer } from './server-process.ts';

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'docs/screenshots');

export async function logIn(page: Page, server: RunningServer, user: Credentials): Promise<void> {
  await page.goto(`${server.url}login`);
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('current-user')).toContainText(user.username);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'open');
}

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
}

/** JSON from the API with the page's session (same cookie, same origin). */
export async function apiJson<T>(page: Page, server: RunningServer, method: 'GET' | 'POST' | 'PUT' | 'DELETE', route: string, body?: unknown): Promise<T> {
  const response = await page.request.fetch(`${server.origin}/api/v1${route}`, {
    method,
    headers: { origin: server.origin, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { data: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok()) throw new Error(`${method} ${route}: ${response.status()} ${text}`);
  return JSON.parse(text) as T;
}

export const test = base.extend<{ server: RunningServer }, { workerServer: RunningServer }>({
  workerServer: [
    async ({}, use) => {
      const server = await startServer();
      try {
        await use(server);
      } finally {
        await server.stop();
      }
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  server: async ({ workerServer }, use) => {
    await use(workerServer);
  },
});

export { expect };
