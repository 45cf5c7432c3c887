/**
 * The Diagnose view against the real server with the demo lab.
 *
 * 1. "A roaming tunnel above the correct one" (seed 13.6.1, 13.6.6 #2),
 *    end to end: started in the Lab view, its failure on the overview, the
 *    failure's "Diagnose" link opening the incorrect-PSK wizard pre-filled,
 *    the wizard's steps judged from real events (wrong tunnel selected),
 *    the finding's machine fix previewed as a diff, applied, and the tunnel
 *    coming up live.
 * 2. "Incorrect pre-shared key": the PSK test (write-only key field) and
 *    swanctl.conf for the peer.
 * 3. A viewer reads findings but gets no fix, PSK or wizard controls.
 */
import { apiJson, evidenceIdOf, expect, labTest as test, startOnlyScenario, lastEventId, logIn, saveScreenshot, tunnelState } from './support/lab-fixtures.ts';

test('roaming tunnel above: the wizard finds the wrong tunnel selected, and the offered fix brings the tunnel up', async ({ page, server }) => {
  test.setTimeout(240_000);
  await logIn(page, server, server.operator);
  const mark = await startOnlyScenario(page, server, 'roaming-tunnel-above');

  // The failure the peer now causes: Incorrect pre-shared key, on the roaming tunnel that was selected for it.
  await page.goto(server.url);
  const failures = page.getByTestId('recent-failures').locator('li[data-code="incorrect_psk"]').filter({ hasText: '127.0.1.18' });
  await expect.poll(async () => evidenceIdOf(await failures.first().getByRole('link', { name: /evidence/ }).getAttribute('href')), { timeout: 30_000 }).toBeGreaterThan(mark);
  const failure = failures.first();
  await expect(failure).toContainText('roadwarriors');
  await failure.getByTestId('diagnose-link').click();

  // The wizard for the failure, pre-filled from the finding about the same peer: our tunnel for it is branch-kiruna.
  await expect(page).toHaveURL(/\/diagnose\?.*wizard=error-incorrect-psk/);
  const launcher = page.getByTestId('wizard-launcher');
  await expect(launcher).toHaveAttribute('data-wizard', 'error-incorrect-psk');
  await expect(page.getByLabel('Wizard tunnel')).toHaveValue('branch-kiruna');
  await expect(page.getByLabel('Wizard peer')).toHaveValue('127.0.1.18');
  await page.getByTestId('wizard-start').click();

  const run = page.getByTestId('wizard-run');
  await expect(run).toHaveAttribute('data-wizard', 'error-incorrect-psk');
  await expect(run.getByTestId('wizard-run-tunnel')).toHaveText('branch-kiruna');
  const steps = run.getByTestId('wizard-step');
  await expect(steps).toHaveCount(5);
  await expect(steps.first()).toHaveAttribute('data-status', 'not-started');

  // Step 1: the tunnel order (a config check: its evidence is the config paths).
  const order = run.locator('[data-step="tunnel-order"]');
  await order.getByTestId('run-step').click();
  await expect(order).toHaveAttribute('data-status', 'problem-found');
  await expect(order.getByTestId('step-evidence')).toContainText('tunnels[');
  await expect(order.getByTestId('step-message')).toContainText('roadwarriors');

  // Step 2: the peer initiates again; the verdict rests on the events recorded after the step began.
  const stepMark = await lastEventId(page, server);
  const remote = run.locator('[data-step="remote-initiates"]');
  await remote.getByTestId('run-step').click();
  await expect(remote).toHaveAttribute('data-status', 'problem-found', { timeout: 60_000 });
  await expect(remote.getByTestId('step-finding')).toHaveAttribute('data-code', 'wrong_tunnel_selected');
  await expect(remote.getByTestId('step-message')).toContainText('wrong tunnel');
  const cited = remote.getByTestId('step-cited-event');
  await expect(cited.first()).toBeVisible();
  for (const href of await cited.evaluateAll((links) => links.map((link) => link.getAttribute('href')))) {
    expect(evidenceIdOf(href)).toBeGreaterThan(stepMark);
  }
  await remote.scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'wizard');

  // The finding behind the verdict: seed title, code, side and phase, evidence linked to snoop.
  await remote.getByTestId('step-finding').getByRole('button').click();
  const detail = page.getByTestId('finding-detail');
  await expect(detail).toHaveAttribute('data-code', 'wrong_tunnel_selected');
  await expect(detail.getByTestId('finding-title')).toHaveText('Incorrect pre-shared key');
  await expect(detail.getByTestId('finding-side')).toHaveText('our side');
  await expect(detail.getByTestId('finding-phase')).toHaveText('phase-1 (IKE)');
  await expect(detail.getByTestId('finding-explanation')).toContainText('roadwarriors');
  await expect(detail.getByTestId('evidence-snoop-link').first()).toHaveAttribute('href', /^\/snoop\?evidence=\d+$/);
  await expect(page.getByTestId('findings').locator('li.selected')).toHaveAttribute('data-code', 'wrong_tunnel_selected');
  await detail.scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'diagnose');

  // The machine fix: preview the exact diff, apply it (with confirmation), watch the tunnel come up.
  const fix = detail.locator('[data-fix-id="move-tunnel"]');
  await fix.getByRole('button', { name: 'Preview fix' }).click();
  await expect(fix.getByTestId('fix-diff')).toContainText('tunnels (order)');
  await expect(fix.getByTestId('fix-diff-text')).toContainText('"name": "branch-kiruna"');
  await fix.getByRole('button', { name: 'Apply', exact: true }).click();
  await fix.getByRole('button', { name: 'Confirm apply' }).click();
  await expect(fix.getByTestId('fix-applied')).toContainText('Applied as config version');
  await expect(fix.getByTestId('fix-tunnel-state')).toHaveAttribute('data-state', 'up', { timeout: 60_000 });
  expect(await tunnelState(page, server, 'branch-kiruna')).toBe('up');
  const order2 = await apiJson<{ config: { tunnels: Array<{ name: string }> } }>(page, server, 'GET', '/config');
  const names = order2.config.tunnels.map((tunnel) => tunnel.name);
  expect(names.indexOf('branch-kiruna')).toBeLessThan(names.indexOf('roadwarriors'));
  await fix.scrollIntoViewIfNeeded();
  await saveScreenshot(page, 'diagnose-fix');
});

test('incorrect pre-shared key: the PSK test never echoes the key, and swanctl.conf for the peer', async ({ page, server }) => {
  await logIn(page, server, server.operator);
  const mark = await startOnlyScenario(page, server, 'wrong-psk');
  await expect.poll(async () => {
    const events = await apiJson<{ items: Array<{ id: number }> }>(page, server, 'GET', '/events?topic=log&code=incorrect_psk&tunnel=branch-orebro&limit=1');
    return events.items[0]?.id ?? 0;
  }, { timeout: 30_000 }).toBeGreaterThan(mark);

  // From the failure's evidence in the snoop view, "Diagnose" opens the wizard for it, pre-filled.
  const failureEvent = await apiJson<{ items: Array<{ id: number }> }>(page, server, 'GET', '/events?topic=log&code=incorrect_psk&tunnel=branch-orebro&limit=1');
  await page.goto(`${server.url}snoop?evidence=${failureEvent.items[0]?.id ?? 0}`);
  await page.getByTestId('evidence-panel').getByTestId('diagnose-link').click();
  await expect(page.getByTestId('wizard-launcher')).toHaveAttribute('data-wizard', 'error-incorrect-psk');
  await expect(page.getByLabel('Wizard tunnel')).toHaveValue('branch-orebro');
  await expect(page.getByLabel('Wizard peer')).toHaveValue('127.0.1.16');

  await page.goto(`${server.url}diagnose?tunnel=branch-orebro`);
  const finding = page.getByTestId('findings').locator('li[data-code="incorrect_psk"][data-tunnel="branch-orebro"]');
  await expect(finding).toBeVisible();
  await finding.getByRole('button').click();
  await expect(page).toHaveURL(/finding=incorrect_psk/);
  const detail = page.getByTestId('finding-detail');
  await expect(detail.getByTestId('finding-title')).toHaveText('Incorrect pre-shared key');

  // Evidence: the cited messages decode in place.
  const datagram = detail.locator('.evidence-datagram').first();
  await datagram.getByRole('button', { name: 'decode -full' }).click();
  await expect(datagram.locator('.full-decode')).toContainText('IKE_');

  // The key the peer really uses (the lab peer's typo) verifies its AUTH; the field empties and the key appears nowhere.
  const peerKey = 'demo-0rebro-secret';
  const candidate = detail.getByTestId('psk-candidate');
  await expect(candidate).toHaveAttribute('type', 'password');
  await candidate.fill(peerKey);
  await detail.getByRole('button', { name: 'Test key' }).click();
  await expect(detail.getByTestId('psk-test-result')).toHaveAttribute('data-result', 'match');
  await expect(candidate).toHaveValue('');
  expect(await page.content()).not.toContain(peerKey);

  await candidate.fill('not-the-peer-key');
  await detail.getByRole('button', { name: 'Test key' }).click();
  await expect(detail.getByTestId('psk-test-result')).toHaveAttribute('data-result', 'mismatch');
  expect(await page.content()).not.toContain('not-the-peer-key');

  await detail.getByRole('button', { name: 'View swanctl.conf' }).click();
  const conf = detail.getByTestId('swanctl-conf');
  await expect(conf).toContainText('connections {');
  await expect(conf).toContainText('remote_addrs = 127.0.1.1');
  await expect(conf).not.toContainText('demo-orebro-secret');
  await expect(detail.getByRole('link', { name: 'Download' })).toHaveAttribute('href', '/api/v1/diagnose/swanctl/branch-orebro?peerAddress=127.0.1.16');
});

test('a viewer reads findings and wizards without fix, PSK or run controls', async ({ page, server }) => {
  await logIn(page, server, server.viewer);
  await page.goto(`${server.url}diagnose`);
  const first = page.getByTestId('findings').locator('li').first();
  await expect(first).toBeVisible();
  await first.getByRole('button').click();
  const detail = page.getByTestId('finding-detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByRole('button', { name: 'Preview fix' })).toHaveCount(0);
  await expect(detail.getByTestId('psk-candidate')).toHaveCount(0);

  await page.goto(`${server.url}diagnose?wizard=one-sided-initiation&tunnel=branch-linkoping`);
  await expect(page.getByTestId('wizard-launcher')).toHaveAttribute('data-wizard', 'one-sided-initiation');
  await expect(page.getByTestId('wizard-start')).toHaveCount(0);
  await expect(page.getByTestId('wizard-launcher')).toContainText('Running a wizard needs the operator role');
});
