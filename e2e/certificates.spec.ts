/**
 * The Certificates view against the real engine with a certificate tunnel
 * (support/certificate-fixtures.ts: a test PKI made with openssl at test
 * time): the cache is honestly empty, fills after a real certificate
 * negotiation (live, from the `cert` topic) and lists the peer
 * certificates like `ike -certshow -verbose` with status badges, a
 * validity timeline and details; flush asks for confirmation and empties
 * it; an admin uploads a certificate + key (the key never comes back),
 * with the server's field errors beside the field; a viewer sees neither
 * flush nor upload.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { apiJson, CERT_LAB, certificateTest as test, expect, logIn, saveScreenshot } from './support/certificate-fixtures.ts';
import type { RunningServer } from './support/server-process.ts';

async function ensureTunnelUp(page: Page, server: RunningServer, name: string): Promise<void> {
  const state = async () => (await apiJson<{ items: Array<{ name: string; state: string }> }>(page, server, 'GET', '/tunnels')).items.find((t) => t.name === name)?.state;
  if ((await state()) !== 'up') await apiJson(page, server, 'POST', `/tunnels/${name}/initiate`, {});
  await expect.poll(state, { timeout: 30_000 }).toBe('up');
}

test('the cache fills from a real certificate negotiation; details, timeline; flush asks first and empties it', async ({ page, server }) => {
  await logIn(page, server, server.admin);
  await page.goto(`${server.url}certificates`);
  await expect(page.getByTestId('cert-cache-empty')).toContainText('they arrive with the first certificate negotiation');

  await ensureTunnelUp(page, server, CERT_LAB.a.tunnel);
  // Live: the cert topic refreshes the table, no reload.
  const table = page.getByTestId('cert-cache-table');
  await expect(table).toBeVisible();
  const peerRow = table.locator('tbody tr', { hasText: 'CN=cert-b' }).first();
  await expect(peerRow).toBeVisible();
  await expect(peerRow).toHaveAttribute('data-status', 'Valid');
  await expect(peerRow.locator('.badge')).toHaveText('Valid');
  await expect(peerRow).toContainText('CN=e2e-root');
  await expect(table.locator('caption')).toContainText('Europe/Stockholm');
  await expect(page.getByTestId('cert-timeline').locator('.recharts-wrapper')).toBeVisible();

  await peerRow.getByRole('button', { name: /Details of certificate/ }).click();
  await expect(page).toHaveURL(/[?&]cert=[0-9a-f]+/);
  const detail = page.getByTestId('cert-detail');
  await expect(detail).toContainText(CERT_LAB.b.endpoint);
  await expect(detail.getByTestId('cert-chain')).toContainText('CN=e2e-root');
  await expect(detail).toContainText('keyUsage');

  await page.getByRole('tab', { name: '-certshow text' }).click();
  await expect(page.getByTestId('cert-text')).toContainText('CN=cert-b');
  await page.getByRole('tab', { name: 'Table' }).click();
  await saveScreenshot(page, 'certificates');

  // Flush: a confirmation first; Cancel keeps the cache.
  await page.getByTestId('cert-flush').click();
  const confirm = page.getByTestId('cert-flush-confirm');
  await expect(confirm).toContainText('ike -certflush');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(table.locator('tbody tr').first()).toBeVisible();

  await page.getByTestId('cert-flush').click();
  await page.getByTestId('cert-flush-confirm').getByRole('button', { name: 'Flush', exact: true }).click();
  await expect(page.getByTestId('cert-flush-result')).toContainText(/Flushed [1-9]\d* certificate/);
  await expect(page.getByTestId('cert-cache-empty')).toBeVisible();
  const after = await apiJson<{ certificates: unknown[] }>(page, server, 'GET', '/certificates/cache');
  expect(after.certificates).toHaveLength(0);
});

test('an admin uploads a certificate and key: field errors beside the field, the key never shown back; a viewer sees no flush or upload', async ({ page, server, browser, certificateDirectory }) => {
  const certificatePem = readFileSync(path.join(certificateDirectory, `${CERT_LAB.a.tunnel}.cer`), 'utf8');
  const keyPem = readFileSync(path.join(certificateDirectory, `${CERT_LAB.a.tunnel}.key`), 'utf8');
  const keyBody = keyPem.split('\n')[1]!;

  await logIn(page, server, server.admin);
  await page.goto(`${server.url}certificates`);
  const form = page.getByTestId('cert-upload');
  await form.getByLabel('Certificate name').fill('bad name!');
  await form.getByLabel('Certificate PEM').fill(certificatePem);
  await form.getByLabel('Private key PEM').fill(keyPem);
  await form.getByRole('button', { name: 'Upload' }).click();
  await expect(form.getByTestId('cert-upload-error-name')).toBeVisible();
  await expect(form.getByLabel('Private key PEM')).toHaveValue('');

  await form.getByLabel('Certificate name').fill('uploaded-gw');
  await form.getByLabel('Private key PEM').fill(keyPem);
  await form.getByRole('button', { name: 'Upload' }).click();
  await expect(form.getByTestId('cert-upload-done')).toContainText('uploaded-gw.cer and uploaded-gw.key');
  await expect(form.getByLabel('Private key PEM')).toHaveValue('');

  const stored = page.getByTestId('cert-local-table').locator('tr[data-name="uploaded-gw"]');
  await expect(stored).toBeVisible();
  await expect(stored).toContainText('CN=cert-a');
  await expect(stored).toContainText('key matches');
  await expect(page.getByTestId('cert-ca-table')).toContainText('CN=e2e-root');
  expect(await page.content()).not.toContain(keyBody);
  const store = await page.request.get(`${server.origin}/api/v1/certificates/store`);
  expect(await store.text()).not.toContain(keyBody);

  const viewerContext = await browser.newContext();
  const viewerPage = await viewerContext.newPage();
  await logIn(viewerPage, server, server.viewer);
  await viewerPage.goto(`${server.url}certificates`);
  await expect(viewerPage.getByTestId('cert-store')).toBeVisible();
  await expect(viewerPage.getByTestId('cert-flush')).toHaveCount(0);
  await expect(viewerPage.getByTestId('cert-upload')).toHaveCount(0);
  await viewerContext.close();
});
