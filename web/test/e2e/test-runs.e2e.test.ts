/**
 * Safe test runs as a person uses them, in headless Chromium against the real local stack: a record
 * trigger's test payload starts from a real record and follows the record picked; the default dry
 * run sends no webhook and changes no record while every effect step says what it would have done;
 * a live run asks first, listing what will really happen, and then does it. Screens are looked at
 * (screenshots), checked for sideways scrolling at 390 px and for serious axe-core findings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { checkLayout, openBrowser, type Stack, startWebStack } from './browser';
import { closeStep } from './person';
import { startReceiver } from './receiver';

let stack: Stack;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let ws = '';
let wfId = '';
const ids: Record<string, string> = {};

/** The API as the signed-in browser (same cookie): setup and checks only, never the path under test. */
async function apiCall(method: 'GET' | 'POST', path: string, data?: unknown) {
  const r = await page.request.fetch(`${stack.url}/api/workspaces/${ws}${path}`, { method, ...(data === undefined ? {} : { data }) });
  expect(r.status(), `${method} ${path}: ${await r.text()}`).toBeLessThan(300);
  return r.json();
}
const stageOf = async (name: string) => {
  const page1 = (await apiCall('GET', '/records/dry_contact')) as { items: { id: string; data: { stage?: string } }[] };
  return page1.items.find((r) => r.id === ids[name])?.data.stage;
};

beforeAll(async () => {
  receiver = await startReceiver();
  stack = await startWebStack({ HTTP_ALLOWLIST: '127.0.0.1,localhost' });
  browser = await openBrowser();
  page = browser.page;
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await receiver?.stop();
});

describe('safe test runs in a real browser', () => {
  it('signs in; two contacts and a workflow on contact changes exist', async () => {
    await page.goto(`${stack.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email', { exact: true }).pressSequentially(stack.login.email);
    await page.getByLabel('Password', { exact: true }).pressSequentially(stack.login.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/w\/[^/]+\/settings\/workflows/);
    ws = /\/w\/([^/]+)\//.exec(page.url())![1]!;
    for (const [name, email] of [
      ['Ada', 'ada@example.com'],
      ['Bob', 'bob@example.com'],
    ]) {
      const r = (await apiCall('POST', '/records/dry_contact', { data: { name, email, stage: 'lead' } })) as { id: string };
      ids[name!] = r.id;
    }
    const wf = (await apiCall('POST', '/workflows', {
      name: 'Contact follow-up',
      trigger: { type: 'record_updated', object: 'dry_contact' },
      actions: [
        { id: 'mail', type: 'send_email', name: 'Welcome mail', to: '{{trigger.record.email}}', subject: 'Hi {{trigger.record.name}}', body: 'Hello' },
        { id: 'hook', type: 'send_webhook', name: 'Tell the CRM', url: `${receiver.url}/crm`, body: { email: '{{trigger.record.email}}' } },
        { id: 'mark', type: 'update_record', name: 'Mark contacted', object: 'dry_contact', recordId: '{{trigger.record.id}}', data: { stage: 'contacted' } },
      ],
    })) as { id: string };
    wfId = wf.id;
  });

  it('the test payload starts from a real record, and picking another fills it', async () => {
    await page.goto(`${stack.url}/w/${ws}/settings/workflows/${wfId}`);
    const picker = page.getByLabel('Use a dry_contact record', { exact: true });
    await picker.waitFor();
    const payload = page.getByLabel('Trigger payload (JSON)', { exact: true });
    // The first record of the object (newest first or not, it is one of ours), not a made-up id.
    await expect.poll(async () => JSON.parse((await payload.inputValue()) || '{}').record?.id).toMatch(new RegExp(`^(${ids.Ada}|${ids.Bob})$`));
    const chosen = await picker.inputValue();
    // Pick the other record with the keyboard, as a person would.
    await picker.focus();
    // The default is the first record in the list, so the next option is the other one.
    await page.keyboard.press('ArrowDown');
    await expect.poll(async () => picker.inputValue()).not.toBe(chosen);
    const filled = (JSON.parse(await payload.inputValue()) as { record: { id: string } }).record.id;
    const picked = Object.entries(ids).find(([, id]) => id === filled)?.[0];
    expect(picked).toBe(await picker.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('test-record');
  });

  it('a dry run (the default) sends nothing, changes nothing, and says what each step would have done', async () => {
    await page.getByRole('radio', { name: /Dry run/ }).waitFor();
    expect(await page.getByRole('radio', { name: /Dry run/ }).isChecked()).toBe(true);
    const before = receiver.received.length;
    await page.getByRole('button', { name: 'Run test' }).click();
    const status = page.getByTestId('test-status');
    await status.getByText('completed').waitFor({ timeout: 90_000 });
    await expect(status.textContent()).resolves.toContain('Dry test run');
    await page.locator('#card-mail').click();
    await page.getByTestId('dry-mail').getByText('Would have sent this email').waitFor();
    await checkLayout(page, 'test-runs-dry-step');
    await page.getByRole('button', { name: 'Close the step' }).click();
    expect(receiver.received.length).toBe(before);
    expect(await stageOf('Ada')).toBe('lead');
    expect(await stageOf('Bob')).toBe('lead');

    await page.getByTestId('test-status').getByRole('link', { name: 'open in runs' }).click();
    await page.getByTestId('run-dry').waitFor();
    const hook = page.getByTestId('step-hook');
    await expect(hook.locator('summary').first().textContent()).resolves.toContain('Would have sent this request');
    await hook.locator('summary').first().click();
    await hook.getByTestId('dry-hook').waitFor();
    await expect(hook.textContent()).resolves.toContain(`${receiver.url}/crm`);
    await checkLayout(page, 'test-runs-dry-run-view');
    await page.goBack();
  });

  it('a live run asks first, listing what will really happen; Escape cancels, Run live does it', async () => {
    await page.getByRole('radio', { name: /Live run/ }).click();
    const run = page.getByRole('button', { name: 'Run live test' });
    await run.click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    const items = await dialog.getByRole('listitem').allTextContents();
    // Filled from the record the payload holds, so a person sees who really gets the mail.
    const { record } = JSON.parse(await page.getByLabel('Trigger payload (JSON)', { exact: true }).inputValue()) as { record: { email: string; name: string } };
    expect(items).toEqual([
      `Welcome mail: Email to ${record.email}: Hi ${record.name}`,
      `Tell the CRM: POST ${receiver.url}/crm`,
      expect.stringMatching(/^Mark contacted: /),
    ]);
    await checkLayout(page, 'test-runs-live-confirm');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Run live test');
    expect(receiver.received.length).toBe(0);

    await run.click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Run live' }).click();
    const status = page.getByTestId('test-status');
    await status.getByText('Live test run').waitFor({ timeout: 30_000 });
    await status.getByText('completed').waitFor({ timeout: 90_000 });
    await expect.poll(() => receiver.received.length).toBe(1);
    expect(receiver.received[0]!.path).toBe('/crm');
    const tested = JSON.parse(receiver.received[0]!.body) as { email: string };
    const name = tested.email.startsWith('ada') ? 'Ada' : 'Bob';
    expect(await stageOf(name)).toBe('contacted');
  });

  it('a filled payload follows the trigger to another type; one the person typed stays as typed', async () => {
    const payload = page.getByLabel('Trigger payload (JSON)', { exact: true });
    const keys = async () => Object.keys(JSON.parse((await payload.inputValue()) || '{}') as object);
    await expect.poll(keys).toContain('record');
    await page.locator('#card-trigger').click();
    const when = page.getByLabel('When', { exact: true });
    await when.focus();
    await when.selectOption({ label: 'Webhook' });
    // A webhook's sample (body, query, headers), not the contact it held: previews and the run read it.
    await expect.poll(keys).toContain('body');
    expect(await keys()).not.toContain('record');
    await closeStep(page, 'trigger');
    await payload.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('{"body":{"mine":1}}');
    await page.locator('#card-trigger').click();
    await when.focus();
    await when.selectOption({ label: 'Manual (Run now / on a record)' });
    await expect(when.inputValue()).resolves.toBe('manual');
    expect(await payload.inputValue()).toBe('{"body":{"mine":1}}');
  });
});
