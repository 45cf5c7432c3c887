/**
 * Login, the overview's live tunnel states and counters, and a real
 * negotiation failure (disjoint proposals) shown with its code and evidence.
 */
import { apiJson, expect, logIn, saveScreenshot, test } from './support/fixtures.ts';
import { ensureLoopUp, initiateTunnel } from './support/gateway-actions.ts';

test('log in through the form and see the tunnels in configured order', async ({ page, server }) => {
  await page.goto(server.url);
  await expect(page).toHaveURL(/\/login$/);
  await saveScreenshot(page, 'login');
  await logIn(page, server, server.admin);
  const rows = page.getByTestId('tunnel-states').locator('tbody tr');
  await expect(rows).toHaveCount(4);
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-tunnel')))).toEqual(['loop-a', 'loop-b', 'mismatch-a', 'mismatch-b']);
});

test('a negotiation comes up and the ike -stat tiles follow it live', async ({ page, server }) => {
  await logIn(page, server, server.admin);
  await ensureLoopUp(page, server);
  await expect(page.locator('[data-tunnel="loop-a"]')).toHaveAttribute('data-state', 'up');
  const counters = await apiJson<{ counters: Record<string, number> }>(page, server, 'GET', '/stats');
  await expect(page.locator('[data-counter="ikeSasActive"] .tile-value')).toHaveText(String(counters.counters['ikeSasActive']));
  await saveScreenshot(page, 'overview');
});

test('a failure appears on the overview with its code and links to its evidence', async ({ page, server }) => {
  await logIn(page, server, server.admin);
  await initiateTunnel(page, server, 'mismatch-a');
  const row = page.locator('[data-tunnel="mismatch-a"]');
  await expect(row).toHaveAttribute('data-state', 'failed');
  await expect(row.getByTestId('tunnel-error-code')).toHaveText('no_proposal_chosen');
  const failure = page.getByTestId('recent-failures').locator('li[data-code="no_proposal_chosen"]').filter({ hasText: 'mismatch-b' }).first();
  await expect(failure).toBeVisible();
  await saveScreenshot(page, 'overview-failure');

  await failure.getByRole('link', { name: /evidence/ }).click();
  const evidence = page.getByTestId('evidence-panel');
  await expect(evidence.getByTestId('related-event')).toHaveAttribute('data-code', 'no_proposal_chosen');
  await expect(evidence.getByTestId('proposals-offered')).toContainText('aes256');
  await expect(evidence.getByTestId('proposals-configured')).toContainText('aes128gcm16');
  await expect(evidence.locator('.transform-mismatch').first()).toBeVisible();
  await expect(evidence.getByTestId('evidence-message').first()).toContainText('IKE_SA_INIT request 0');
  await saveScreenshot(page, 'snoop-evidence');
});
