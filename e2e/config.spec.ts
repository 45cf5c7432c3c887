/** A config edit with a bad field is refused: the error shows on the field and nothing is saved. PSKs are never shown. */
import { apiJson, expect, logIn, saveScreenshot, test } from './support/fixtures.ts';

interface VersionList {
  current: number;
  total: number;
}

test('a bad proposal is refused on its field and saves nothing', async ({ page, server }) => {
  await logIn(page, server, server.operator);
  const before = await apiJson<VersionList>(page, server, 'GET', '/config/versions');
  await page.goto(`${server.url}config?section=tunnels&tunnel=0`);
  await expect(page.getByTestId('tunnel-order').locator('li')).toHaveCount(4);
  await expect(page.getByTestId('psk-state')).toContainText('set');
  expect(await page.content()).not.toContain('e2e-loop-secret');

  const proposals = page.locator('[data-field="tunnels.0.ikeProposals"] textarea');
  await proposals.fill('aes128gcm16-prfsha256-notagroup');
  await page.getByTestId('config-save').click();
  await expect(page.getByTestId('config-message')).toContainText('Not saved');
  await expect(page.locator('[data-field="tunnels.0.ikeProposals"] [data-testid="field-error"]').first()).toBeVisible();
  const after = await apiJson<VersionList>(page, server, 'GET', '/config/versions');
  expect(after).toEqual(before);
  await saveScreenshot(page, 'config-error');

});

test('a valid edit saves a new version whose diff names the field', async ({ page, server }) => {
  await logIn(page, server, server.operator);
  const before = await apiJson<VersionList>(page, server, 'GET', '/config/versions');
  await page.goto(`${server.url}config?section=tunnels&tunnel=0`);
  await page.locator('[data-field="tunnels.0.ikeLifetimeSeconds"] input').fill('28000');
  await page.getByLabel('Change comment').fill('e2e: shorter IKE lifetime');
  await page.getByTestId('config-save').click();
  await expect(page.getByTestId('config-message')).toContainText(`Saved as version ${before.current + 1}`);
  const after = await apiJson<VersionList>(page, server, 'GET', '/config/versions');
  expect(after.current).toBe(before.current + 1);

  await page.getByRole('tab', { name: 'versions' }).click();
  await page.getByTestId('config-versions').locator('tbody tr').first().getByRole('button', { name: 'Diff' }).click();
  await expect(page.getByTestId('config-diff')).toContainText('ikeLifetimeSeconds');
  await saveScreenshot(page, 'config-versions');
});
