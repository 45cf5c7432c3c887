/** A viewer sees every view but no mutating control. */
import { expect, logIn, saveScreenshot, test } from './support/fixtures.ts';
import { ensureLoopUp } from './support/gateway-actions.ts';

test('a viewer sees no mutating controls', async ({ page, server, browser }) => {
  // An operator (in another browser context) makes sure there are real SAs to show.
  const operatorContext = await browser.newContext();
  const operatorPage = await operatorContext.newPage();
  await logIn(operatorPage, server, server.operator);
  await ensureLoopUp(operatorPage, server);
  await operatorContext.close();

  await logIn(page, server, server.viewer);
  await expect(page.getByTestId('current-user')).toHaveAttribute('data-role', 'viewer');

  await page.goto(`${server.url}sas`);
  await expect(page.getByTestId('tunnel-actions')).toBeVisible();
  // Real SAs are listed, without their actions.
  await expect(page.getByTestId('ike-sas').locator('tbody tr').first()).toBeVisible();
  await expect(page.getByTestId('sa-actions')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Initiate', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Rekey', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete', exact: true })).toHaveCount(0);

  await page.goto(`${server.url}config`);
  await expect(page.getByTestId('tunnel-order').locator('li').first()).toBeVisible();
  await expect(page.getByText('read only')).toBeVisible();
  await expect(page.getByTestId('config-save')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add tunnel' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Replace' })).toHaveCount(0);
  await expect(page.locator('[data-field="tunnels.0.name"] input')).toBeDisabled();
  await saveScreenshot(page, 'config-viewer');

  await page.goto(`${server.url}snoop`);
  await expect(page.getByTestId('snoop-mode')).toBeVisible();
  await expect(page.getByLabel('Engine snoop mode')).toHaveCount(0);

  await page.goto(`${server.url}config?section=versions`);
  await expect(page.getByTestId('config-versions')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Roll back to this' })).toHaveCount(0);
});
