/**
 * Live snoop lines from real negotiations, in the seed's layout, and pause
 * holding lines without losing them.
 */
import type { Page } from '@playwright/test';
import { expect, logIn, saveScreenshot, test } from './support/fixtures.ts';
import { initiateTunnel } from './support/gateway-actions.ts';

const HEADER = /^SNOOP: IKEv2: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ (<-|->) \S+$/;
const SUMMARY = /^ (IKE_SA_INIT|IKE_AUTH|CREATE_CHILD_SA|INFORMATIONAL) (request|response) \d+ \[ .* \]$/;

/** Lines in the view (the list is replaced by "no snoop lines yet" while empty). */
async function lineCount(page: Page): Promise<number> {
  return Number(/^(\d+) lines$/.exec((await page.getByTestId('snoop-line-count').textContent()) ?? '')?.[1] ?? Number.NaN);
}

async function rowKeys(page: Page): Promise<string[]> {
  return (await page.locator('.snoop-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key') ?? ''))).filter((k) => k !== '');
}

test('live snoop lines appear for a negotiation and match the seed format', async ({ page, server }) => {
  await logIn(page, server, server.admin);
  await page.goto(`${server.url}snoop`);
  await expect(page.getByTestId('snoop-mode')).toHaveAttribute('data-mode', 'brief');
  await expect(page.getByTestId('snoop-status')).not.toContainText('loading history');
  const countBefore = await lineCount(page);
  const keysBefore = new Set(await rowKeys(page));

  // A first initiate negotiates IKE_SA_INIT + IKE_AUTH; on an established tunnel it is a CREATE_CHILD_SA.
  // Either way both of the engine's sides print their messages: at least two new lines, live.
  await initiateTunnel(page, server, 'loop-a');
  await expect.poll(() => lineCount(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(countBefore + 2);
  await expect.poll(async () => (await rowKeys(page)).filter((k) => !keysBefore.has(k)).length).toBeGreaterThanOrEqual(2);

  const texts = await page.locator('.snoop-row pre.snoop-text').allTextContents();
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) {
    const [header, ...rest] = text.split('\n');
    expect(header).toMatch(HEADER);
    expect(rest.join(' ').replace(/\s{2,}/g, ' ').replace(/^(?! )/, ' ')).toMatch(SUMMARY);
  }
  await expect(page.locator('.snoop-row[data-direction="out"]').first()).toBeVisible();
  await expect(page.locator('.snoop-row[data-direction="in"]').first()).toBeVisible();
  await saveScreenshot(page, 'snoop');

  await page.locator('.snoop-row').last().click();
  await expect(page.getByTestId('snoop-detail').locator('pre.full-decode')).toBeVisible();
  await saveScreenshot(page, 'snoop-detail');
});

test('pause holds new lines and resume shows every one of them', async ({ page, server }) => {
  await logIn(page, server, server.admin);
  await page.goto(`${server.url}snoop`);
  await expect(page.getByTestId('snoop-status')).not.toContainText('loading history');
  await page.getByTestId('snoop-pause').click();
  await expect(page.getByTestId('snoop-paused')).toBeVisible();
  const before = await lineCount(page);

  await initiateTunnel(page, server, 'loop-a');
  const heldNow = async () => Number(/(\d+) new line/.exec((await page.getByTestId('snoop-paused').textContent()) ?? '')?.[1] ?? 0);
  // At least a request and a response, seen from both of the engine's sides.
  await expect.poll(heldNow, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
  await page.waitForTimeout(1500);
  const held = await heldNow();
  expect(await lineCount(page)).toBe(before);
  await saveScreenshot(page, 'snoop-paused');

  await page.getByTestId('snoop-resume').click();
  await expect(page.getByTestId('snoop-paused')).toHaveCount(0);
  await expect.poll(() => lineCount(page)).toBeGreaterThanOrEqual(before + held);
});
