/** Timeline and statistics render real (or no) data; screenshots for the README. (Flows and Certificates: flows.spec.ts, certificates.spec.ts.) */
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
