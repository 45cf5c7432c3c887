/**
 * Seed 13.6.2 / 13.6.6 #5 end to end in the browser: the lab's "expired
 * peer certificate" scenario against the real server. The failure shows on
 * the overview as "No public key found", Diagnose names the precise cause
 * (expired, with the certificate's dates against the gateway clock), and the
 * Certificates view holds the peer's certificate with an Expired badge.
 */
import { apiJson, expect, labTest as test, startOnlyScenario, logIn, saveScreenshot } from './support/lab-fixtures.ts';

test('expired peer certificate: No public key found with its cause, and the cache shows it Expired', async ({ page, server }) => {
  test.setTimeout(180_000);
  await logIn(page, server, server.operator);
  await startOnlyScenario(page, server, 'cert-expired');

  await expect
    .poll(async () => (await apiJson<{ items: unknown[] }>(page, server, 'GET', '/events?topic=sa&code=no_public_key_found&tunnel=site-borlange&limit=1')).items.length, { timeout: 60_000 })
    .toBe(1);
  await page.goto(server.url);
  await expect(page.getByTestId('recent-failures').locator('li[data-code="no_public_key_found"]').filter({ hasText: 'site-borlange' }).first()).toBeVisible({ timeout: 30_000 });

  await page.goto(`${server.url}diagnose?tunnel=site-borlange`);
  const finding = page.getByTestId('findings').locator('li[data-code="certificate_expired"][data-tunnel="site-borlange"]');
  await expect(finding).toBeVisible({ timeout: 30_000 });
  await finding.getByRole('button').click();
  const detail = page.getByTestId('finding-detail');
  await expect(detail.getByTestId('finding-title')).toContainText('No public key found');
  await expect(detail.getByTestId('finding-explanation')).toContainText(/expired/i);
  await detail.scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'diagnose-certificate');

  await page.goto(`${server.url}certificates`);
  const expired = page.getByTestId('cert-cache-table').locator('tr[data-status="Expired"]').filter({ hasText: 'CN=site-borlange' });
  await expect(expired).toHaveCount(1, { timeout: 30_000 });

  await page.goto(`${server.url}lab`);
  await page.getByTestId('lab-scenarios').locator('tr[data-scenario="cert-expired"]').getByTestId('lab-stop').click();
});
