/**
 * find_records and upsert_record in the builder and the run view, used as a person would in headless
 * Chromium against the real local stack: both steps added with the flow's "+", their forms in the side
 * panel — the `where` builder suggesting the object's fields from its records, a sort row, the limit
 * refused at 0 by its label, the match chips of an upsert and its data rows — then a test run whose
 * find step says its query in words with the match count. Typed key by key; focus checked after each
 * action; both layouts checked for sideways scrolling and axe-core.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser } from './browser';
import { addStep, checkLayout, closeStep, isFocused, newWorkflow, retype, runLiveTest, signIn, startWebStack, type Stack } from './person';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let ws: string;

const api = async (method: string, path: string, body?: unknown) => {
  const res = await page.request.fetch(`${stack.url}${path}`, { method, data: body, failOnStatusCode: false });
  const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok()) throw new Error(`${method} ${path} → ${res.status()}: ${JSON.stringify(json)}`);
  return json;
};

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

describe('find and upsert steps, built and run by a person', () => {
  it('signs in by typing, with two contacts in the workspace', async () => {
    ws = await signIn(page, stack.url, stack.login);
    await api('POST', `/api/workspaces/${ws}/records/contact`, { data: { email: 'ada@example.com', name: 'Ada', score: 5 } });
    await api('POST', `/api/workspaces/${ws}/records/contact`, { data: { email: 'bob@example.com', name: 'Bob', score: 9 } });
  });

  it('builds a find step: fields suggested from the records, a comparison typed in, a sort, the limit refused at 0', async () => {
    await newWorkflow(page, 'Contact lookup');
    // The trigger stays the new workflow's (a deal created): the steps below look up contacts by fixed values.
    const card = await addStep(page, 'Find records');
    expect(await card.getByLabel('Object', { exact: true }).inputValue()).toBe('contact');

    // The field picker offers what the contacts hold (from the records API) and the record's own columns.
    const suggestions = () => card.locator('datalist[id^="record-fields-"] option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    await expect.poll(suggestions).toEqual(['email', 'name', 'score', 'id', '_createdAt', '_updatedAt']);
    await retype(card.getByLabel('Field', { exact: true }), 'email');
    await retype(card.getByLabel('Compared to', { exact: true }), 'ada@example.com');
    expect(await card.getByText('Matches records where email equals "ada@example.com".').count()).toBe(1);

    const addSort = card.getByRole('button', { name: 'Add sort field' });
    await addSort.click();
    expect(await isFocused(addSort)).toBe(true);
    await retype(card.getByLabel('Sort field 1', { exact: true }), 'score');
    const direction = card.getByLabel('Direction 1', { exact: true });
    await direction.focus();
    await direction.selectOption('desc');
    expect(await isFocused(direction)).toBe(true);

    // 0 is refused next to the field once it is left, naming it by its label; 5 is taken.
    const limit = card.getByLabel('Limit', { exact: true });
    await retype(limit, '0');
    await limit.press('Tab');
    await card.getByText('Limit must be a whole number from 1 to 1,000').waitFor();
    await retype(limit, '5');
    await expect.poll(() => card.getByText('Limit must be a whole number from 1 to 1,000').count()).toBe(0);
    await closeStep(page, 'find');
  });

  it('builds an upsert: match chips added with Enter, a data row for the matched field', async () => {
    const card = await addStep(page, 'Create or update record');
    const chips = () => card.getByRole('list', { name: 'Fields matched on' }).locator('li code').allTextContents();
    expect(await chips()).toEqual(['email']);

    const matchInput = card.getByLabel('Field to match on', { exact: true });
    await retype(matchInput, 'name');
    await matchInput.press('Enter');
    expect(await chips()).toEqual(['email', 'name']);
    expect(await isFocused(matchInput)).toBe(true);
    expect(await matchInput.inputValue()).toBe('');
    await card.getByText('"name" is matched on, so give it a value in Fields').waitFor();
    // Removing a chip by its button, then adding it back with the button.
    await card.getByRole('button', { name: 'Stop matching on name' }).click();
    expect(await chips()).toEqual(['email']);
    expect(await isFocused(matchInput)).toBe(true);
    await retype(matchInput, 'name');
    await card.getByRole('button', { name: 'Add match field' }).click();
    expect(await chips()).toEqual(['email', 'name']);

    await retype(card.getByLabel('Field 1 value', { exact: true }), 'ada@example.com');
    await card.getByRole('button', { name: 'Add field' }).click();
    await retype(card.getByLabel('Field 2 name', { exact: true }), 'name');
    await retype(card.getByLabel('Field 2 value', { exact: true }), 'Ada');
    await card.getByRole('button', { name: 'Add field' }).click();
    await retype(card.getByLabel('Field 3 name', { exact: true }), 'vip');
    await retype(card.getByLabel('Field 3 value', { exact: true }), 'true');
    await expect.poll(() => card.getByText('"name" is matched on, so give it a value in Fields').count()).toBe(0);

    await page.getByTestId('save-state').getByText('All changes saved').waitFor({ timeout: 15_000 });
    await checkLayout(page, 'record-queries-builder');
    await closeStep(page, 'upsert');
  });

  it('runs it: the find step says its query and match count, the upsert updated the contact', async () => {
    await page.getByRole('button', { name: 'Fill payload' }).click();
    // Live: the upsert must really write (a dry run, the default, only says what it would have done).
    await runLiveTest(page);
    await page.getByTestId('test-status').getByText('completed').waitFor({ timeout: 90_000 });
    // Each card is coloured by its step's result.
    for (const id of ['find', 'upsert']) await page.locator(`#card-${id}.s-completed`).waitFor();
    await page.getByRole('link', { name: 'open in runs' }).click();
    const query = page.getByTestId('find-query-find');
    await query.waitFor();
    await expect(query.textContent()).resolves.toBe(
      'Find contact records where email equals "ada@example.com", sorted by score (descending), at most 5 — 1 match',
    );
    await checkLayout(page, 'record-queries-run');

    const contacts = (await api('GET', `/api/workspaces/${ws}/records/contact`)) as { items: { data: Record<string, unknown> }[] };
    // The demo workspace has contacts of its own; ours are the two made above, the upsert made no third.
    const ours = contacts.items.map((r) => r.data).filter((d) => ['ada@example.com', 'bob@example.com'].includes(String(d.email)));
    expect(ours.sort((a, b) => String(a.email).localeCompare(String(b.email)))).toEqual([
      { email: 'ada@example.com', name: 'Ada', score: 5, vip: true },
      { email: 'bob@example.com', name: 'Bob', score: 9 },
    ]);
  });
});
