/**
 * The event log that explains and the live lists, as a person sees them in headless Chromium against
 * the real local stack: a signed webhook workflow is called by an outside sender while the runs page
 * is open (the run appears without reload), the Records view follows the contacts the runs create
 * (object picked from the workspace's objects), calls with a wrong signature are counted beside the
 * hook URL in the editor and in the event log, and an event's payload opens on request. 1440 and
 * 390 px screenshots, no sideways scroll, no serious axe-core finding.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '@conduit/core/crypto';
import { checkLayout, openBrowser, shot, type Stack, startWebStack } from './browser';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let ws: string;
let hook: { id: string; path: string; secret: string };

const api = async (method: string, path: string, body?: unknown) => {
  const res = await page.request.fetch(`${stack.url}${path}`, { method, data: body === undefined ? undefined : body, failOnStatusCode: false });
  const json = (await res.json().catch(() => null)) as Record<string, any> | null;
  if (!res.ok()) throw new Error(`${method} ${path} → ${res.status()}: ${JSON.stringify(json)}`);
  return json!;
};

/** The outside sender: not the browser, so nothing it does can refresh the page. */
async function send(body: unknown, secret = hook.secret): Promise<number> {
  const raw = JSON.stringify(body);
  const id = `msg_${crypto.randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(`${stack.url}${hook.path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook({ secret, id, timestamp, body: raw }),
    },
    body: raw,
  });
  return res.status;
}

const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
/** Marks the loaded page, so "without reload" is asserted, not assumed: a reload loses the mark. */
const mark = () => page.evaluate(() => ((window as unknown as { __mark: number }).__mark = Math.random()));
const markOf = () => page.evaluate(() => (window as unknown as { __mark?: number }).__mark);

beforeAll(async () => {
  stack = await startWebStack();
  browser = await openBrowser();
  page = browser.page;
  page.setDefaultTimeout(20_000);
  await page.setViewportSize({ width: 1440, height: 900 });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('live lists and the event log', () => {
  it('signs in and publishes a signed webhook workflow that creates a contact', async () => {
    await page.goto(`${stack.url}/login`);
    await page.getByLabel('Email', { exact: true }).pressSequentially(stack.login.email);
    await page.getByLabel('Password', { exact: true }).pressSequentially(stack.login.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/w\/[^/]+\/settings\/workflows/);
    ws = /\/w\/([^/]+)\//.exec(page.url())![1]!;
    // Set-up through the API (the builder has its own tests): a signed hook whose run creates a contact.
    const wf = await api('POST', `/api/workspaces/${ws}/workflows`, {
      name: 'Sign-up form',
      trigger: { type: 'webhook', auth: { mode: 'signature' } },
      actions: [{ id: 'add', type: 'create_record', object: 'contact', data: { email: '{{trigger.body.email}}' } }],
    });
    const act = await api('POST', `/api/workspaces/${ws}/workflows/${wf.id}/activate`, {});
    hook = { id: wf.id, path: act.workflow.hookPath, secret: act.secret };
    expect(hook.secret).toMatch(/^whsec_/);
  });

  it('a run started by a webhook appears in Workflow runs without reload', async () => {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Workflow runs', exact: true }).click();
    await page.getByRole('heading', { name: 'Workflow runs', level: 1 }).waitFor();
    const before = await mark();
    expect(await send({ email: 'ada@example.com' })).toBe(202);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Sign-up form' }) });
    await row.first().waitFor({ timeout: 30_000 });
    await row
      .first()
      .getByRole('link', { name: /completed/ })
      .waitFor({ timeout: 30_000 });
    expect(await markOf()).toBe(before);
    await shot(page, 'live-runs-1440px');
  });

  it('Records lists the workspace objects to pick from and shows contacts a run creates while it is open', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Records' }).click();
    await page.getByRole('heading', { name: /^Records/ }).waitFor();
    const picker = page.getByLabel('Object', { exact: true });
    // A list of the workspace's objects, not a free-text box.
    expect(await picker.evaluate((el) => el.tagName)).toBe('SELECT');
    await expect.poll(() => picker.locator('option').allTextContents()).toContain('contact');
    await picker.focus();
    await picker.selectOption('contact');
    await page.getByRole('heading', { name: 'Records: contact' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('rec-object');
    await page.getByRole('cell', { name: 'ada@example.com' }).waitFor();
    const before = await mark();
    expect(await send({ email: 'grace@example.com' })).toBe(202);
    // The run writes the contact; the open list shows it by itself.
    await page.getByRole('cell', { name: 'grace@example.com' }).waitFor({ timeout: 30_000 });
    expect(await markOf()).toBe(before);
    await checkLayout(page, 'live-records');
  });

  it('calls with a wrong signature are counted beside the hook URL in the editor', async () => {
    const wrong = `whsec_${Buffer.from('a secret the sender got wrong').toString('base64')}`;
    expect(await send({ email: 'x@example.com' }, wrong)).toBe(401);
    expect(await send({ email: 'y@example.com' }, wrong)).toBe(401);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Workflows' }).waitFor();
    await page.getByRole('link', { name: 'Sign-up form' }).first().click();
    // The trigger's form opens when its card is selected.
    await page.locator('#card-trigger').click();
    await page.getByLabel('Webhook URL').waitFor();
    const summary = page.getByRole('status', { name: 'Refused calls to this hook' });
    // Counted in memory, written within 2 s, and the editor asks again every 5 s.
    await expect.poll(() => summary.textContent(), { timeout: 30_000, interval: 500 }).toMatch(/2 calls missing or wrong signature \(401\), last /);
    await checkLayout(page, 'live-editor-refusals');
  });

  it('the event log shows the refused calls and opens an event’s payload on request', async () => {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Event log', exact: true }).click();
    await page.getByRole('heading', { name: 'Event log', level: 1 }).waitFor();
    const refused = page.getByRole('region', { name: 'Refused calls' });
    await refused.getByText(/2 calls\s*missing or wrong signature \(401\)\s*·\s*Sign-up form/).waitFor();
    // The newest webhook event names its workflow and hook.
    const event = page.getByRole('listitem').filter({ hasText: 'Webhook received' }).filter({ hasText: 'Sign-up form' }).first();
    await event.getByText(`· ${hook.path}`).waitFor();
    const show = event.getByRole('button', { name: 'Show payload' });
    await show.click();
    await event.getByText('"grace@example.com"').waitFor();
    expect(await event.getByRole('button', { name: 'Hide payload' }).getAttribute('aria-expanded')).toBe('true');
    expect(await focusedText()).toBe('Hide payload');
    expect(await event.textContent()).not.toContain('payload null');
    await checkLayout(page, 'live-event-log');
    // A new event shows on top without reload.
    const webhookEvents = page.getByRole('list', { name: 'Events, newest first' }).getByRole('listitem').filter({ hasText: 'Webhook received' });
    const count = await webhookEvents.count();
    const before = await mark();
    expect(await send({ email: 'linus@example.com' })).toBe(202);
    await expect.poll(() => webhookEvents.count(), { timeout: 30_000, interval: 500 }).toBe(count + 1);
    await webhookEvents.first().getByRole('button', { name: 'Show payload' }).click();
    await webhookEvents.first().getByText('"linus@example.com"').waitFor();
    expect(await markOf()).toBe(before);
  });
});
