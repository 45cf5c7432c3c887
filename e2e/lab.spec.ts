/**
 * The Lab view against the real server with the demo lab: the scenarios in
 * the seed's words, stop all / start one, and the failure the started
 * scenario's real peer causes showing on the overview (newer than the start,
 * so it is this run's and not the default mix's).
 */
import { test as noLabTest } from './support/fixtures.ts';
import { evidenceIdOf, expect, labTest as test, lastEventId, logIn, saveScreenshot } from './support/lab-fixtures.ts';
import type { Page } from '@playwright/test';

/** Every scenario of the lab's catalogue, as the server lists them (the view must show each). */
async function scenarioCount(page: Page, url: string): Promise<number> {
  const response = await page.request.get(`${url}api/v1/lab/scenarios`);
  expect(response.ok()).toBe(true);
  const count = ((await response.json()) as { items: unknown[] }).items.length;
  expect(count).toBeGreaterThanOrEqual(29);
  return count;
}

test('an operator starts a scenario in the Lab view and its failure appears on the overview', async ({ page, server }) => {
  await logIn(page, server, server.operator);
  await page.goto(`${server.url}lab`);
  const table = page.getByTestId('lab-scenarios');
  await expect(table.locator('tbody tr')).toHaveCount(await scenarioCount(page, server.url));
  const row = table.locator('tr[data-scenario="wrong-psk"]');
  await expect(row).toContainText('Incorrect pre-shared key');
  await expect(row).toContainText('13.6.6 #2');
  await expect(row).toContainText('127.0.1.16');
  await expect(row).toContainText('branch-orebro');

  await page.getByTestId('lab-stop-all').click();
  await expect(table.locator('tr[data-running="true"]')).toHaveCount(0, { timeout: 30_000 });
  await expect(row.getByTestId('lab-links')).toHaveCount(0);
  const mark = await lastEventId(page, server);

  await row.getByTestId('lab-start').click();
  await expect(row).toHaveAttribute('data-running', 'true');
  await expect(row.getByTestId('lab-links')).toBeVisible();
  await expect(page.getByTestId('lab-activity')).toContainText('lab scenario wrong-psk started');
  await expect(row.getByTestId('lab-diagnose-link')).toHaveAttribute('href', '/diagnose?tunnel=branch-orebro');
  await saveScreenshot(page, 'lab');

  await row.getByRole('link', { name: 'overview' }).click();
  await expect(page.getByTestId('overview')).toBeVisible();
  const tunnelRow = page.locator('[data-tunnel="branch-orebro"]');
  await expect(tunnelRow).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(tunnelRow.getByTestId('tunnel-error-code')).toHaveText('incorrect_psk');
  const failureLink = tunnelRow.getByTestId('tunnel-error-code');
  await expect.poll(async () => evidenceIdOf(await failureLink.getAttribute('href')), { timeout: 30_000 }).toBeGreaterThan(mark);
  const failure = page.getByTestId('recent-failures').locator('li[data-code="incorrect_psk"]').filter({ hasText: 'branch-orebro' }).first();
  await expect(failure.getByTestId('diagnose-link')).toHaveAttribute('href', /\/diagnose\?tunnel=branch-orebro&peer=127\.0\.1\.16&code=incorrect_psk/);

  await page.goto(`${server.url}lab`);
  await page.getByTestId('lab-scenarios').locator('tr[data-scenario="wrong-psk"]').getByTestId('lab-stop').click();
  await expect(page.getByTestId('lab-scenarios').locator('tr[data-scenario="wrong-psk"]')).toHaveAttribute('data-running', 'false', { timeout: 30_000 });
});

test('the default mix starts from the Lab view, and a viewer sees the lab without its controls', async ({ page, server, browser }) => {
  await logIn(page, server, server.operator);
  await page.goto(`${server.url}lab`);
  await page.getByTestId('lab-default-mix').click();
  const table = page.getByTestId('lab-scenarios');
  await expect(table.locator('tr[data-scenario="healthy-psk"]')).toHaveAttribute('data-running', 'true', { timeout: 30_000 });
  await expect(table.locator('tr[data-scenario="healthy-psk"]').getByTestId('lab-tunnel-state')).toHaveAttribute('data-state', 'up', { timeout: 30_000 });

  await page.goto(`${server.url}lab?kind=failing&running=yes`);
  await expect(table.locator('tr[data-scenario="healthy-psk"]')).toHaveCount(0);
  await expect(table.locator('tr[data-scenario="wrong-psk"]')).toHaveCount(1);

  const viewerContext = await browser.newContext();
  const viewerPage = await viewerContext.newPage();
  await logIn(viewerPage, server, server.viewer);
  await viewerPage.goto(`${server.url}lab`);
  await expect(viewerPage.getByTestId('lab-scenarios').locator('tbody tr')).toHaveCount(await scenarioCount(viewerPage, server.url));
  await expect(viewerPage.getByTestId('lab-start')).toHaveCount(0);
  await expect(viewerPage.getByTestId('lab-stop')).toHaveCount(0);
  await expect(viewerPage.getByTestId('lab-default-mix')).toHaveCount(0);
  await expect(viewerPage.getByTestId('lab-stop-all')).toHaveCount(0);
  await viewerContext.close();
});

noLabTest('a server started without the lab says so in the Lab view', async ({ page, server }) => {
  await logIn(page, server, server.operator);
  await page.goto(`${server.url}lab`);
  await expect(page.getByTestId('lab-absent')).toContainText('No demo lab on this server');
  await expect(page.getByTestId('lab-scenarios')).toHaveCount(0);
});
