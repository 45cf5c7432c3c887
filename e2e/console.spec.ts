/** The console runs the seed's commands; `ike -stat` matches the REST counters row for row. */
import { apiJson, expect, logIn, saveScreenshot, test } from './support/fixtures.ts';
import { ensureLoopUp } from './support/gateway-actions.ts';

const ROWS: Record<string, string> = {
  'IKE SAs active': 'ikeSasActive',
  'IKE SA negotiations active': 'ikeNegotiationsActive',
  'IKE SA negotiations done': 'ikeNegotiationsDone',
  'IKE SA negotiations failed': 'ikeNegotiationsFailed',
  'IKE SA rekeys active': 'ikeRekeysActive',
  'IKE SA rekeys done': 'ikeRekeysDone',
  'IKE SA rekeys failed': 'ikeRekeysFailed',
  'IPsec SAs active': 'ipsecSasActive',
  'IPsec SA negotiations active': 'ipsecNegotiationsActive',
  'IPsec SA negotiations done': 'ipsecNegotiationsDone',
  'IPsec SA negotiations failed': 'ipsecNegotiationsFailed',
  'IPsec SA rekeys active': 'ipsecRekeysActive',
  'IPsec SA rekeys done': 'ipsecRekeysDone',
  'IPsec SA rekeys failed': 'ipsecRekeysFailed',
};

test("the console's ike -stat matches the REST counters", async ({ page, server }) => {
  await logIn(page, server, server.admin);
  await ensureLoopUp(page, server);
  await page.goto(`${server.url}console`);
  const before = await apiJson<{ counters: Record<string, number> }>(page, server, 'GET', '/stats');

  const input = page.getByTestId('console-input');
  await input.fill('ike -stat');
  await input.press('Enter');
  const output = page.locator('pre[data-kind="output"]').last();
  await expect(output).toContainText('IKE Statistics');
  await expect(page.locator('pre[data-kind="command"]').last()).toHaveText('System:/> ike -stat');
  const after = await apiJson<{ counters: Record<string, number> }>(page, server, 'GET', '/stats');
  expect(after.counters).toEqual(before.counters);

  const text = (await output.textContent()) ?? '';
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const match = /^(.+?)\s{2,}(\d+)$/.exec(line);
    if (!match || !(match[1]! in ROWS)) continue;
    seen.add(match[1]!);
    expect(Number(match[2]), match[1]).toBe(after.counters[ROWS[match[1]!]!]);
  }
  expect([...seen].sort()).toEqual(Object.keys(ROWS).sort());

  await input.press('ArrowUp');
  await expect(input).toHaveValue('ike -stat');
  await input.fill('');
  await saveScreenshot(page, 'console');
});
