/**
 * Seed 13.6.1 end to end in the browser: the lab's "ping fails for the
 * missing ICMP rule" scenario (the peer's host pings our internal address
 * through the tunnel; no rule lets ICMP from the tunnel reach core). The
 * Diagnose view names the missing rule from the real drops, the fix adds
 * the seed's rule as a previewed diff, and once applied the peer's pings
 * create allowed ICMP flows from the tunnel in the Flows view.
 */
import { apiJson, expect, labTest as test, startOnlyScenario, logIn, saveScreenshot } from './support/lab-fixtures.ts';

test('missing ICMP rule: found from the drops, fixed with the seed rule, and the pings then pass', async ({ page, server }) => {
  test.setTimeout(180_000);
  await logIn(page, server, server.operator);
  await startOnlyScenario(page, server, 'icmp-rule-missing');

  // The drops the peer's pings cause, named by the data plane.
  await expect
    .poll(async () => (await apiJson<{ items: unknown[] }>(page, server, 'GET', '/events?topic=log&code=no_matching_rule&tunnel=branch-gavle&limit=1')).items.length, { timeout: 60_000 })
    .toBe(1);

  await page.goto(`${server.url}diagnose?tunnel=branch-gavle`);
  const finding = page.getByTestId('findings').locator('li[data-code="icmp_rule_missing"][data-tunnel="branch-gavle"]');
  await expect(finding).toBeVisible({ timeout: 30_000 });
  await finding.getByRole('button').click();
  const detail = page.getByTestId('finding-detail');
  await expect(detail.getByTestId('finding-explanation')).toContainText('core');

  const fix = detail.locator('[data-fix-id="add-ip-rule"]');
  await fix.getByRole('button', { name: 'Preview fix' }).click();
  await expect(fix.getByTestId('fix-diff-text')).toContainText('"sourceInterface": "branch-gavle"');
  await expect(fix.getByTestId('fix-diff-text')).toContainText('"destinationInterface": "core"');
  await expect(fix.getByTestId('fix-diff-text')).toContainText('"service": "ICMP"');
  await detail.scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'diagnose-icmp-rule');
  await fix.getByRole('button', { name: 'Apply', exact: true }).click();
  await fix.getByRole('button', { name: 'Confirm apply' }).click();
  await expect(fix.getByTestId('fix-applied')).toContainText('Applied as config version');

  // The peer keeps pinging: now each echo makes an allowed ICMP flow from the tunnel to core.
  await page.goto(`${server.url}flows?srciface=branch-gavle&proto=icmp`);
  await expect(page.getByTestId('flow-table').locator('tr[data-protocol="ICMP"]').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('flow-table').locator('tr[data-protocol="ICMP"]').first().locator('td[data-column="destination"]')).toContainText('core:');

  await page.goto(`${server.url}lab`);
  await page.getByTestId('lab-scenarios').locator('tr[data-scenario="icmp-rule-missing"]').getByTestId('lab-stop').click();
});
