/** First start: the one-time link the server prints opens the setup page, which creates the admin and logs in. */
import { expect, saveScreenshot, test } from './support/fixtures.ts';
import { startServer } from './support/server-process.ts';

test('the printed one-time setup link creates the first admin', async ({ page }) => {
  const server = await startServer({ setup: 'none' });
  try {
    await page.goto(server.url);
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByText('No user exists yet')).toBeVisible();

    await page.goto(server.setupLink);
    await expect(page.getByLabel('Setup token')).not.toHaveValue('');
    await page.getByLabel('Username').fill('first-admin');
    await page.getByLabel('Password (10 characters or more)').fill('first-admin-password');
    await page.getByLabel('Password again').fill('first-admin-password');
    await saveScreenshot(page, 'setup');
    await page.getByRole('button', { name: 'Create admin and log in' }).click();
    await expect(page.getByTestId('current-user')).toHaveAttribute('data-role', 'admin');
    await expect(page).not.toHaveURL(/token=/);

    // The link is single use.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.goto(server.setupLink);
    await page.getByLabel('Username').fill('second-admin');
    await page.getByLabel('Password (10 characters or more)').fill('second-admin-password');
    await page.getByLabel('Password again').fill('second-admin-password');
    await page.getByRole('button', { name: 'Create admin and log in' }).click();
    await expect(page.getByRole('alert')).toContainText('setup_unavailable');
  } finally {
    await server.stop();
  }
});
