/**
 * Settings → Usage as a member of a busy workspace would meet it, in headless Chromium against the
 * real local stack: reached by clicking, limits and usage in words and bars, runs beyond the
 * concurrent-run limit shown queued (one click lists them; a queued run says why it waits), and the
 * 80 % warning in words. Focus checked after each click; 1440 and 390 px looked at (no sideways
 * scroll); axe-core has no serious finding.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@conduit/core/testing';
import { checkLayout, openBrowser, startWebStack, type Stack } from './browser';
import { signIn } from './person';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let ws = '';
// A receiver that answers after 8 s: the step keeps its run busy (a wait step would hold no slot).
let receiver: Server;
let receiverUrl = '';
const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
const operator = (query: ReturnType<typeof sql>) => stack.database.db.execute(query);

beforeAll(async () => {
  // Queued runs promoted often, so the page shows them start within the test's patience.
  receiver = createServer((req, res) => {
    req.resume();
    setTimeout(() => res.end('ok'), 8_000);
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/import`;
  stack = await startWebStack({ PROMOTE_INTERVAL_MS: '200', HTTP_ALLOWLIST: '127.0.0.1' });
  browser = await openBrowser();
  page = browser.page;
  page.setDefaultTimeout(20_000);
  await page.setViewportSize({ width: 1440, height: 900 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

describe('Settings → Usage', () => {
  it('is one click from Settings and says the limits in words', async () => {
    ws = await signIn(page, stack.url, stack.login);
    const link = page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Usage', exact: true });
    await link.click();
    await page.getByRole('heading', { name: 'Usage and limits', level: 1 }).waitFor();
    expect(await focusedText()).toBe('Usage');
    await page
      .getByTestId('usage-runs-words')
      .getByText(/^\d+ of 100,000 runs \(0 %\)$/)
      .waitFor();
    await page.getByTestId('usage-running-words').getByText('0 of 100 running (0 %)').waitFor();
    await page
      .getByTestId('usage-events-words')
      .getByText(/Up to 100 a second, with bursts of up to 200\. None refused/)
      .waitFor();
    await expect.poll(() => page.getByRole('meter', { name: 'Runs this month' }).count()).toBe(1);
  });

  it('shows runs beyond the limit as queued, lists them in one click, and a queued run says why it waits', { timeout: 120_000 }, async () => {
    // The operator allows one run at once and ten a month, seven of them used.
    await operator(sql`update workspaces set max_concurrent_runs = 1, monthly_run_quota = 10 where id = ${ws}::uuid`);
    await operator(sql`insert into workspace_usage (workspace_id, month, runs) values (${ws}::uuid, ${new Date().toISOString().slice(0, 7)}, 7)
      on conflict (workspace_id, month) do update set runs = 7`);
    const created = await page.request.post(`${stack.url}/api/workspaces/${ws}/workflows`, {
      data: {
        name: 'Slow import',
        trigger: { type: 'webhook' },
        actions: [{ id: 'send', type: 'send_webhook', method: 'POST', url: receiverUrl, body: { n: 1 } }],
      },
    });
    const wf = (await created.json()) as { id: string };
    await page.request.post(`${stack.url}/api/workspaces/${ws}/workflows/${wf.id}/activate`);
    const { hookPath } = (await (await page.request.get(`${stack.url}/api/workspaces/${ws}/workflows/${wf.id}`)).json()) as { hookPath: string };
    for (let i = 0; i < 3; i++) expect((await page.request.post(`${stack.url}${hookPath}`, { data: { i } })).status()).toBe(202);

    // The page refreshes itself: no reload.
    await page.getByTestId('usage-running-words').getByText('1 of 1 running (100 %)').waitFor();
    // Two wait behind the one running (one, if the page refreshed just as the first ended).
    const queued = page.getByRole('link', { name: /^[12] queued$/ });
    await queued.waitFor();
    await page.getByTestId('usage-runs-words').getByText('10 of 10 runs (100 %)').waitFor();
    await page.getByText('The monthly quota is used up: new runs are refused until').waitFor();
    await page.getByText(/^(2 runs wait|1 run waits) for a free slot\.$/).waitFor();
    await checkLayout(page, 'usage-busy');

    await queued.click();
    await page
      .getByRole('heading', { name: /Workflow runs/i })
      .first()
      .waitFor();
    // A new page: focus starts again from the top, as after any link to another page.
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    const row = page.getByRole('link', { name: /Slow import/ }).first();
    await page.locator('.badge.s-queued').first().waitFor();
    await row.click();
    await page
      .getByTestId('run-queued')
      .getByText(/this workspace is running as many runs at once as its limit allows/)
      .waitFor();
    await checkLayout(page, 'run-queued');
    // When the first ends, the next starts: the note goes, the status moves on.
    await page.getByTestId('run-queued').waitFor({ state: 'detached', timeout: 40_000 });
    await operator(sql`update workspaces set max_concurrent_runs = 100, monthly_run_quota = 100000 where id = ${ws}::uuid`);
  });
});
