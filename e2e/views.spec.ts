/** Timeline, statistics and the honest pending pages render real (or no) data; screenshots for the README. */
import { expect, logIn, saveScreenshot, test } from './support/fixtures.ts';
import { ensureLoopUp } from './support/gateway-actions.ts';

test('the timeline shows a real tunnel history with links to evidence', async ({ page, server }) => {
  await logIn(page, server, server.admin);
  await ensureLoopUp(page, server);
  await page.goto(`${server.url}timeline?tunnel=loop-a`);
  await expect(page.getByTestId('timeline-chart')).toBeVisible();
  await expect(page.getByTestId('timeline-events').locator('tbody tr').first()).toBeVisible();
  await saveScreenshot(page, 'timeline');
});

test('statistics render the counter history or say there is none yet', async ({ page, server }) => {
  await logIn(page, server, server.admin);
  await page.goto(`${server.url}stats?range=15m`);
  await expect(page.getByTestId('stats')).toBeVisible();
  await expect(page.locator('.recharts-wrapper, .no-data').first()).toBeVisible();
  await saveScreenshot(page, 'stats');
});

test('pending views say so instead of showing invented data', async ({ page, server }) => {
  await logIn(page, server, server.admin);
  for (const view of ['certificates', 'flows']) {
    await page.goto(`${server.url}${view}`);
    await expect(page.getByTestId('pending-feature')).toContainText('arrives with its issue');
  }
  await saveScreenshot(page, 'pending-view');
});
