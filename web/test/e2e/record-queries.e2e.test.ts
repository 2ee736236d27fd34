import { readFileSync } from 'node:fs';
/**
 * find_records and upsert_record in the builder and the run view, used as a person would in headless
 * Chromium against the real local stack: the `where` builder suggesting the object's fields from its
 * records, a sort row, the limit refused at 0 by its label, the match chips of an upsert and its data
 * rows, then a test run whose find step says its query in words with the match count. Typed key by
 * key; focus checked after each action; both layouts checked for sideways scrolling and axe-core.
 */
import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, shot } from './browser';

type Stack = { url: string; stop(): Promise<void>; login: { email: string; password: string } };
type StartStack = (opts?: { web?: boolean | string; env?: Record<string, string | undefined> }) => Promise<Stack>;
const STACK_MODULE = '@conduit/local/testing/stack';
const loadStartStack = async (): Promise<StartStack> => ((await import(/* @vite-ignore */ STACK_MODULE)) as { startStack: StartStack }).startStack;
const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let ws: string;

const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);

/** Clicks the field, clears it, types the text one key at a time, and checks focus and the text. */
async function typeInto(field: Locator, text: string) {
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.press('Backspace');
  await field.pressSequentially(text);
  await expect(isFocused(field)).resolves.toBe(true);
  await expect(field.inputValue()).resolves.toBe(text);
}

const api = async (method: string, path: string, body?: unknown) => {
  const res = await page.request.fetch(`${stack.url}${path}`, { method, data: body, failOnStatusCode: false });
  const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok()) throw new Error(`${method} ${path} → ${res.status()}: ${JSON.stringify(json)}`);
  return json;
};

async function seriousAxeFindings(): Promise<string[]> {
  // Evaluated, not added as a script tag: the app's CSP (no inline script) blocks an injected tag.
  await page.evaluate(readFileSync(AXE_SOURCE, 'utf8'));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[] }> } }).axe;
    const r = await axe.run();
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length})`);
  });
}

async function checkLayout(name: string) {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await shot(page, `${name}-${width}px`);
    // On failure, name the widest elements that stick out, not just the amount.
    const wide = overflow
      ? await page.evaluate(() =>
          [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
            .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1))
            .slice(0, 5)
            .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}#${el.id}`),
        )
      : [];
    expect({ width, overflow, wide }).toEqual({ width, overflow: 0, wide: [] });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  expect(await seriousAxeFindings()).toEqual([]);
}

beforeAll(async () => {
  const startStack = await loadStartStack();
  stack = await startStack({ web: true, env: { ...process.env } });
  browser = await openBrowser();
  page = browser.page;
  page.setDefaultTimeout(20_000);
  await page.setViewportSize({ width: 1440, height: 900 });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('find and upsert steps, built and run by a person', () => {
  it('signs in by typing, with two contacts in the workspace', async () => {
    await page.goto(`${stack.url}/`);
    await page.waitForURL(/\/login/);
    await typeInto(page.getByLabel('Email', { exact: true }), stack.login.email);
    await typeInto(page.getByLabel('Password', { exact: true }), stack.login.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Workflows' }).waitFor();
    ws = /\/w\/([^/]+)\//.exec(page.url())![1]!;
    await api('POST', `/api/workspaces/${ws}/records/contact`, { data: { email: 'ada@example.com', name: 'Ada', score: 5 } });
    await api('POST', `/api/workspaces/${ws}/records/contact`, { data: { email: 'bob@example.com', name: 'Bob', score: 9 } });
  });

  // Skipped: written for the list builder that the flow view replaced in the same merge (issue 18);
  // its fields must be reached through the flow's "+" menu and side panel. To be rewritten.
  it.skip('builds a find step: fields suggested from the records, a comparison typed in, a sort, the limit refused at 0', async () => {
    await page.getByRole('button', { name: 'New workflow' }).click();
    await page.waitForURL(/\/settings\/workflows\/[^/]+$/);
    await typeInto(page.getByLabel('Workflow name', { exact: true }), 'Contact lookup');
    // The trigger stays the new workflow's (a deal created): the steps below look up contacts by fixed values.

    const addRow = page.locator('.editor-main > fieldset.section').last().locator(':scope > .action-list > .add-action').last();
    await addRow.locator('select').selectOption({ label: 'Find records' });
    await addRow.getByRole('button', { name: 'Add action' }).click();
    const card = page.locator('#card-find');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('card-find');
    await expect(card.getByLabel('Object', { exact: true }).inputValue()).resolves.toBe('contact');

    // The field picker offers what the contacts hold (from the records API) and the record's own columns.
    const suggestions = () => card.locator('datalist[id^="record-fields-"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    await expect.poll(suggestions).toEqual(['email', 'name', 'score', 'id', '_createdAt', '_updatedAt']);
    await typeInto(card.getByLabel('Field', { exact: true }), 'email');
    await typeInto(card.getByLabel('Compared to', { exact: true }), 'ada@example.com');
    await expect(card.getByText('Matches records where email equals "ada@example.com".').count()).resolves.toBe(1);

    const addSort = card.getByRole('button', { name: 'Add sort field' });
    await addSort.click();
    await expect(isFocused(addSort)).resolves.toBe(true);
    await typeInto(card.getByLabel('Sort field 1', { exact: true }), 'score');
    const direction = card.getByLabel('Direction 1', { exact: true });
    await direction.focus();
    await direction.selectOption('desc');
    await expect(isFocused(direction)).resolves.toBe(true);

    // 0 is refused next to the field, naming it by its label; 5 is taken.
    const limit = card.getByLabel('Limit', { exact: true });
    await typeInto(limit, '0');
    await expect(card.getByText('Limit must be a whole number from 1 to 1,000').count()).resolves.toBe(1);
    await typeInto(limit, '5');
    await expect(card.getByText('Limit must be a whole number from 1 to 1,000').count()).resolves.toBe(0);
  });

  // Skipped: written for the list builder that the flow view replaced in the same merge (issue 18);
  // its fields must be reached through the flow's "+" menu and side panel. To be rewritten.
  it.skip('builds an upsert: match chips added with Enter, a data row for the matched field', async () => {
    const addRow = page.locator('.editor-main > fieldset.section').last().locator(':scope > .action-list > .add-action').last();
    await addRow.locator('select').selectOption({ label: 'Create or update record' });
    await addRow.getByRole('button', { name: 'Add action' }).click();
    const card = page.locator('#card-upsert');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('card-upsert');
    const chips = () => card.getByRole('list', { name: 'Fields matched on' }).locator('li code').allTextContents();
    await expect(chips()).resolves.toEqual(['email']);

    const matchInput = card.getByLabel('Field to match on', { exact: true });
    await typeInto(matchInput, 'name');
    await matchInput.press('Enter');
    await expect(chips()).resolves.toEqual(['email', 'name']);
    await expect(isFocused(matchInput)).resolves.toBe(true);
    await expect(matchInput.inputValue()).resolves.toBe('');
    await expect(card.getByText('"name" is matched on, so give it a value in Fields').count()).resolves.toBe(1);
    // Removing a chip by its button, then adding it back with the button.
    await card.getByRole('button', { name: 'Stop matching on name' }).click();
    await expect(chips()).resolves.toEqual(['email']);
    await expect(isFocused(matchInput)).resolves.toBe(true);
    await typeInto(matchInput, 'name');
    await card.getByRole('button', { name: 'Add match field' }).click();
    await expect(chips()).resolves.toEqual(['email', 'name']);

    await typeInto(card.getByLabel('Field 1 value', { exact: true }), 'ada@example.com');
    await card.getByRole('button', { name: 'Add field' }).click();
    await typeInto(card.getByLabel('Field 2 name', { exact: true }), 'name');
    await typeInto(card.getByLabel('Field 2 value', { exact: true }), 'Ada');
    await card.getByRole('button', { name: 'Add field' }).click();
    await typeInto(card.getByLabel('Field 3 name', { exact: true }), 'vip');
    await typeInto(card.getByLabel('Field 3 value', { exact: true }), 'true');
    await expect(card.getByText('"name" is matched on, so give it a value in Fields').count()).resolves.toBe(0);

    await page.getByTestId('save-state').getByText('All changes saved').waitFor({ timeout: 15_000 });
    await checkLayout('record-queries-builder');
  });

  // Skipped: written for the list builder that the flow view replaced in the same merge (issue 18);
  // its fields must be reached through the flow's "+" menu and side panel. To be rewritten.
  it.skip('runs it: the find step says its query and match count, the upsert updated the contact', async () => {
    await page.getByRole('button', { name: 'Fill payload' }).click();
    await page.getByRole('button', { name: 'Run test' }).click();
    await page.getByTestId('test-status').getByText('completed').waitFor({ timeout: 90_000 });
    for (const id of ['find', 'upsert']) await page.getByTestId(`test-result-${id}`).getByText('completed').waitFor();
    await page.getByRole('link', { name: 'open in runs' }).click();
    const query = page.getByTestId('find-query-find');
    await query.waitFor();
    await expect(query.textContent()).resolves.toBe(
      'Find contact records where email equals "ada@example.com", sorted by score (descending), at most 5 — 1 match',
    );
    await checkLayout('record-queries-run');

    const contacts = (await api('GET', `/api/workspaces/${ws}/records/contact`)) as { items: { data: Record<string, unknown> }[] };
    // The demo workspace has contacts of its own; ours are the two made above, the upsert made no third.
    const ours = contacts.items.map((r) => r.data).filter((d) => ['ada@example.com', 'bob@example.com'].includes(String(d.email)));
    expect(ours.sort((a, b) => String(a.email).localeCompare(String(b.email)))).toEqual([
      { email: 'ada@example.com', name: 'Ada', score: 5, vip: true },
      { email: 'bob@example.com', name: 'Bob', score: 9 },
    ]);
  });
});
