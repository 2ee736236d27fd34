/**
 * Issue 17 in headless Chromium against the real local stack, used as a person would: Run now from
 * the workflow list, Run workflow on a record from its menu (keyboard only), Import by pasting an
 * export file, and New from template. Names typed key by key; focus checked after each action; both
 * layouts looked at (screenshots), checked for sideways scrolling and serious axe-core findings.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLayout, openBrowser, type Stack, startWebStack, typeInto } from './browser';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let ws: string;

const focused = () =>
  page.evaluate(() => ({
    id: document.activeElement?.id ?? '',
    text: document.activeElement?.textContent?.trim() ?? '',
    role: document.activeElement?.getAttribute('role') ?? '',
  }));

/** The API as the signed-in browser (same cookie). */
async function apiCall(method: 'GET' | 'POST', path: string, data?: unknown) {
  const r = await page.request.fetch(`${stack.url}/api/workspaces/${ws}${path}`, { method, ...(data === undefined ? {} : { data }) });
  expect(r.status(), `${method} ${path}: ${await r.text()}`).toBeLessThan(300);
  return r.json();
}

async function runStatus(): Promise<string> {
  const status = page.getByTestId('run-status');
  await expect.poll(async () => (await status.textContent()) ?? '', { timeout: 45_000 }).toMatch(/^(completed|failed|cancelled)$/);
  return (await status.textContent()) ?? '';
}

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

describe('people start workflows, import them and start from templates', () => {
  it('signs in by typing, and sets up two manual workflows and a contact', async () => {
    await page.goto(`${stack.url}/`);
    await page.waitForURL(/\/login/);
    await typeInto(page.getByLabel('Email', { exact: true }), stack.login.email);
    await typeInto(page.getByLabel('Password', { exact: true }), stack.login.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Workflows' }).waitFor();
    ws = /\/w\/([^/]+)\//.exec(page.url())![1]!;
    const hello = await apiCall('POST', '/workflows', {
      name: 'Say hello',
      trigger: { type: 'manual' },
      actions: [{ id: 'note', type: 'create_record', object: 'note', data: { text: '{{trigger.payload.text}}' } }],
    });
    await apiCall('POST', `/workflows/${hello.id}/activate`, {});
    const tag = await apiCall('POST', '/workflows', {
      name: 'Tag contact',
      trigger: { type: 'manual', object: 'contact' },
      actions: [{ id: 'tag', type: 'update_record', object: 'contact', recordId: '{{trigger.record.id}}', data: { tagged: 'yes' } }],
    });
    await apiCall('POST', `/workflows/${tag.id}/activate`, {});
    await apiCall('POST', '/records/contact', { data: { name: 'Ada Lovelace', email: 'ada@example.com' } });
    await page.reload();
    await page.getByRole('button', { name: 'Run now: Say hello' }).waitFor();
  });

  it('Run now from the list, with a typed payload, and the run completes', async () => {
    await page.getByRole('button', { name: 'Run now: Say hello' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run "Say hello" now' });
    await dialog.waitFor();
    await expect(focused()).resolves.toMatchObject({ id: 'run-payload' });
    await page.keyboard.type('{"text": "from the browser"}');
    await checkLayout(page, 'compose-run-now');
    await dialog.getByRole('button', { name: 'Run', exact: true }).click();
    await dialog.getByText('The run started.').waitFor();
    await expect(focused()).resolves.toMatchObject({ id: 'run-started-link' });
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/settings\/runs\/[^/]+$/);
    await expect(runStatus()).resolves.toBe('completed');
    const notes = await apiCall('GET', '/records/note');
    expect(notes.items.map((n: { data: unknown }) => n.data)).toContainEqual({ text: 'from the browser' });
  });

  it('Run workflow on a record, by keyboard: the menu lists the manual workflows of contacts', async () => {
    await page.goto(`${stack.url}/w/${ws}/records/contact`);
    const button = page.getByRole('button', { name: 'Run workflow on Ada Lovelace' });
    await button.focus();
    await page.keyboard.press('ArrowDown');
    const menu = page.getByRole('menu', { name: 'Run workflow on Ada Lovelace' });
    await menu.waitFor();
    await expect(menu.getByRole('menuitem').allTextContents()).resolves.toEqual(['Tag contact']);
    await expect(focused()).resolves.toMatchObject({ role: 'menuitem', text: 'Tag contact' });
    await expect(button.getAttribute('aria-expanded')).resolves.toBe('true');
    await checkLayout(page, 'compose-record-menu');
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    await expect(button.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await menu.waitFor();
    await page.keyboard.press('Enter');
    await page.getByText('Started "Tag contact" on this contact.').waitFor();
    await expect(button.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    // The list refreshes itself and shows what the run changed; the row is updated in place, so
    // the person's focus stays on the menu button rather than falling to the page.
    await page.getByRole('cell', { name: 'yes', exact: true }).waitFor({ timeout: 30_000 });
    await expect(button.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.getByRole('link', { name: 'Open the run' }).click();
    await expect(runStatus()).resolves.toBe('completed');
    const contacts = await apiCall('GET', '/records/contact');
    expect(contacts.items[0].data).toMatchObject({ name: 'Ada Lovelace', tagged: 'yes' });
  });

  it('imports a pasted export file under a typed name, and says what is missing', async () => {
    const list = await apiCall('GET', '/workflows');
    const tag = list.items.find((w: { name: string }) => w.name === 'Tag contact');
    const file = await apiCall('GET', `/workflows/${tag.id}/export`);
    const text = JSON.stringify({ ...file, trigger: { type: 'manual', object: 'lead' } }, null, 2);
    await page.goto(`${stack.url}/w/${ws}/settings/workflows`);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a workflow' });
    await dialog.waitFor();
    await expect(focused()).resolves.toMatchObject({ id: 'import-file' });
    // A paste area: the text arrives at once, as a paste does.
    await dialog.getByLabel('…or paste its contents').fill(text);
    await typeInto(dialog.getByLabel('Name (optional)'), 'Tag leads');
    await checkLayout(page, 'compose-import');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await dialog.getByText('Imported "Tag leads" as an inactive draft.').waitFor();
    await dialog.getByText('Object "lead": there are no lead records yet.').waitFor();
    await expect(focused()).resolves.toMatchObject({ id: 'import-open' });
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/settings\/workflows\/[^/]+$/);
    await expect(page.getByLabel('Workflow name', { exact: true }).inputValue()).resolves.toBe('Tag leads');
  });

  it('New from template: the gallery, focus inside it, and the chosen template opens as a draft', async () => {
    await page.goto(`${stack.url}/w/${ws}/settings/workflows`);
    const open = page.getByRole('button', { name: 'New from template' });
    await open.click();
    const dialog = page.getByRole('dialog', { name: 'New from template' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByRole('heading', { level: 3 }).count()).toBeGreaterThanOrEqual(8);
    await expect(focused()).resolves.toMatchObject({ text: 'Use template' });
    await checkLayout(page, 'compose-templates');
    // Escape closes it and focus returns to the button that opened it.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect(open.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await dialog.getByRole('listitem').filter({ hasText: 'Tag big deals' }).getByRole('button', { name: 'Use template' }).click();
    await page.waitForURL(/\/settings\/workflows\/[^/]+$/);
    await expect(page.getByLabel('Workflow name', { exact: true }).inputValue()).resolves.toBe('Tag big deals');
    await checkLayout(page, 'compose-template-draft');
  });
});
