/** The SA tables: real SAs, sorting and filtering kept in the URL, the ESP layer's traffic counters. */
import { expect, logIn, saveScreenshot, test } from './support/fixtures.ts';
import { ensureLoopUp } from './support/gateway-actions.ts';

test('the IKE SA table sorts and filters', async ({ page, server }) => {
  await logIn(page, server, server.admin);
  await ensureLoopUp(page, server);
  await page.goto(`${server.url}sas`);
  const table = page.getByTestId('ike-sas');
  const tunnelCells = table.locator('tbody td[data-column="tunnel"]');
  await expect.poll(() => tunnelCells.count()).toBeGreaterThanOrEqual(2);

  const sortButton = table.locator('th[data-column="tunnel"] button');
  await sortButton.click();
  await expect(table.locator('th[data-column="tunnel"]')).toHaveAttribute('aria-sort', 'ascending');
  const ascending = await tunnelCells.allTextContents();
  expect(ascending).toEqual([...ascending].sort());
  await sortButton.click();
  await expect(table.locator('th[data-column="tunnel"]')).toHaveAttribute('aria-sort', 'descending');
  const descending = await tunnelCells.allTextContents();
  expect(descending).toEqual([...ascending].sort().reverse());
  await expect(page).toHaveURL(/ike\.sort=tunnel%3Adesc|ike\.sort=tunnel:desc/);

  await page.getByTestId('ike-sas-filter').fill('loop-b');
  await expect.poll(async () => [...new Set(await tunnelCells.allTextContents())]).toEqual(['loop-b']);
  await expect(table.locator('tbody td[data-column="spiInitiator"]').first()).toHaveText(/^0x[0-9a-f]{16}$/);

  const child = page.getByTestId('child-sas');
  // Counted by the ESP layer (a number of bytes, "0 B" before any traffic), never "n/a" for an installed CHILD_SA.
  await expect(child.locator('tbody td[data-column="bytesIn"]').first()).toHaveText(/^\d[\d.,]* (B|KB|MB|GB|KiB|MiB|GiB)$/);
  await expect(child.locator('tbody td[data-column="packetsIn"]').first()).toHaveText(/^\d+$/);
  await page.getByTestId('ike-sas-filter').fill('');
  await saveScreenshot(page, 'sas');
});
