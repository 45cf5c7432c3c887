/**
 * The Flows view against two real gateways (support/dataplane-fixtures.ts):
 * a ping through the tunnel from the view itself makes ICMP and ESP flows
 * appear (live, from the `flow` stream topic); the `flow -show` filters
 * narrow them and live in the URL; verbose shows the reverse flows
 * ("...rev:"); ESP rows carry the SPI in hex and link to their SA; the
 * timeouts count down; the text tab shows the server's `flow -show`.
 */
import type { Page } from '@playwright/test';
import { apiJson, DATAPLANE_LAB, dataPlaneTest as test, expect, logIn, saveScreenshot } from './support/dataplane-fixtures.ts';
import type { RunningServer } from './support/server-process.ts';

async function ensureTunnelUp(page: Page, server: RunningServer, name: string): Promise<void> {
  const state = async () => (await apiJson<{ items: Array<{ name: string; state: string }> }>(page, server, 'GET', '/tunnels')).items.find((t) => t.name === name)?.state;
  if ((await state()) !== 'up') await apiJson(page, server, 'POST', `/tunnels/${name}/initiate`, {});
  await expect.poll(state, { timeout: 30_000 }).toBe('up');
}

async function pingFromTheView(page: Page, count: number): Promise<void> {
  const tool = page.getByTestId('ping-tool');
  await tool.getByLabel('Ping destination').fill(DATAPLANE_LAB.b.address);
  await tool.getByLabel('Ping source').fill(DATAPLANE_LAB.a.address);
  await tool.getByLabel('Ping count').fill(String(count));
  await tool.getByRole('button', { name: 'Ping' }).click();
  await expect(page.getByTestId('ping-result')).toBeVisible({ timeout: 30_000 });
}

test('a ping through the tunnel makes ICMP and ESP flows appear; filters, verbose and the text tab work', async ({ page, server }) => {
  await logIn(page, server, server.admin);
  await ensureTunnelUp(page, server, DATAPLANE_LAB.a.tunnel);
  await page.goto(`${server.url}flows`);
  await expect(page.getByTestId('flows')).toBeVisible();

  await pingFromTheView(page, 3);
  const replies = page.getByTestId('ping-reply');
  await expect(replies).toHaveCount(3);
  await expect(page.locator('[data-testid="ping-reply"][data-ok="true"]')).toHaveCount(3);
  await expect(page.getByTestId('ping-summary')).toContainText('3 packets transmitted, 3 received, 0% packet loss');

  // Live: no reload — the flow topic refreshes the page of results.
  const table = page.getByTestId('flow-table');
  await expect(table.locator('tr[data-protocol="ICMP"]').first()).toBeVisible();
  await expect(table.locator('tr[data-protocol="ESP"]').first()).toBeVisible();
  const icmp = table.locator('tr[data-protocol="ICMP"]').first();
  await expect(icmp.locator('td[data-column="source"]')).toContainText(DATAPLANE_LAB.a.address);
  await expect(icmp.locator('td[data-column="destination"]')).toContainText(DATAPLANE_LAB.b.address);

  // ESP rows: SPI in hex as flow -show prints it, linked to the CHILD_SA.
  const esp = table.locator('tr[data-protocol="ESP"]').first();
  await expect(esp).toContainText(/:0x[0-9a-f]{8}/);
  await expect(esp.getByTestId('flow-sa-link')).toHaveAttribute('href', /\/sas\?.*child\.q=/);

  // Timeouts count down on the gateway's clock without a reload.
  const timeout = esp.getByTestId('flow-timeout');
  const before = Number(await timeout.textContent());
  expect(before).toBeGreaterThan(0);
  await expect.poll(async () => Number(await timeout.textContent()), { timeout: 5000 }).toBeLessThan(before);

  // A filter narrows the table and is in the URL.
  await page.getByTestId('flow-filter-proto').fill('icmp');
  await page.getByTestId('flow-filter-proto').press('Enter');
  await expect(page).toHaveURL(/[?&]proto=icmp/);
  await expect(table.locator('tr[data-protocol="ESP"]')).toHaveCount(0);
  await expect(table.locator('tr[data-protocol="ICMP"]').first()).toBeVisible();
  await expect(page.getByTestId('flow-count')).toContainText(/of \d+ flow/);
  // The URL alone reproduces the view.
  await page.goto(`${server.url}flows?proto=esp`);
  await expect(page.getByTestId('flow-filter-proto')).toHaveValue('esp');
  await expect(page.getByTestId('flow-table').locator('tr[data-protocol="ESP"]').first()).toBeVisible();
  await expect(page.getByTestId('flow-table').locator('tr[data-protocol="ICMP"]')).toHaveCount(0);

  // Verbose: the reverse flow under each row, as flow -show -verbose.
  await page.goto(`${server.url}flows?proto=icmp`);
  await page.getByTestId('flow-verbose').click();
  await expect(page).toHaveURL(/[?&]verbose=1/);
  await expect(page.getByTestId('flow-rev').first()).toHaveText('...rev:');
  await expect(page.getByTestId('flow-table').locator('tr[data-protocol="ICMP"]').first().locator('td[data-column="source"]')).toContainText(/\(\d+\):/);

  // The server's own flow -show -verbose text.
  await page.getByRole('tab', { name: 'flow -show' }).click();
  await expect(page).toHaveURL(/[?&]tab=text/);
  await expect(page.getByTestId('flow-text')).toContainText('Proto   Source');
  await expect(page.getByTestId('flow-text')).toContainText('...rev:');
  await expect(page.getByTestId('flow-text')).toContainText('ICMP');

  await page.goto(`${server.url}flows`);
  await expect(page.getByTestId('flow-table').locator('tr[data-protocol="ESP"]').first()).toBeVisible();
  await expect(page.getByTestId('dataplane-counters')).toBeVisible();
  await saveScreenshot(page, 'flows');
});

test('a trace names the tunnel it would take; a viewer sees no ping or trace controls', async ({ page, server, browser }) => {
  await logIn(page, server, server.admin);
  await ensureTunnelUp(page, server, DATAPLANE_LAB.a.tunnel);
  await page.goto(`${server.url}flows`);
  const tool = page.getByTestId('trace-tool');
  await tool.getByLabel('Trace source interface').selectOption('core');
  await tool.getByLabel('Trace source address').fill(DATAPLANE_LAB.a.address);
  await tool.getByLabel('Trace destination address').fill(DATAPLANE_LAB.b.address);
  await tool.getByRole('button', { name: 'Trace' }).click();
  const result = page.getByTestId('trace-result');
  await expect(result).toBeVisible();
  await expect(result).toContainText('forward');
  await expect(result).toContainText(DATAPLANE_LAB.a.tunnel);
  await expect(result.getByTestId('trace-step').first()).toBeVisible();

  const viewerContext = await browser.newContext();
  const viewerPage = await viewerContext.newPage();
  await logIn(viewerPage, server, server.viewer);
  await viewerPage.goto(`${server.url}flows`);
  await expect(viewerPage.getByTestId('dataplane-tools')).toContainText('need the operator role');
  await expect(viewerPage.getByTestId('ping-tool')).toHaveCount(0);
  await expect(viewerPage.getByTestId('trace-tool')).toHaveCount(0);
  await viewerContext.close();
});

test('a ping from the SAs view crosses the tunnel and the CHILD_SA packet counters move', async ({ page, server }) => {
  await logIn(page, server, server.admin);
  await ensureTunnelUp(page, server, DATAPLANE_LAB.a.tunnel);
  const packetsIn = async () =>
    (await apiJson<{ items: Array<{ tunnel: string | null; state: string; packetsIn?: number }> }>(page, server, 'GET', '/sas/child')).items
      .filter((c) => c.tunnel === DATAPLANE_LAB.a.tunnel && c.state === 'installed')
      .reduce((sum, c) => sum + (c.packetsIn ?? 0), 0);
  const before = await packetsIn();
  await page.goto(`${server.url}sas`);
  const panel = page.getByTestId('sas-ping');
  await panel.getByLabel('Ping destination').fill(DATAPLANE_LAB.b.address);
  await panel.getByLabel('Ping source').fill(DATAPLANE_LAB.a.address);
  await panel.getByLabel('Ping count').fill('2');
  await panel.getByRole('button', { name: 'Ping' }).click();
  await expect(panel.getByTestId('ping-summary')).toContainText('2 packets transmitted, 2 received, 0% packet loss', { timeout: 30_000 });
  expect(await packetsIn()).toBeGreaterThanOrEqual(before + 2);
  await expect(page.getByTestId('child-sas').locator('tbody td[data-column="packetsIn"]').first()).toHaveText(/^[1-9]\d*$/);
});
