/**
 * Three confirmed UI bugs, as a person meets them in headless Chromium against the real local stack:
 * pages that scrolled sideways (Records at 390 px; the Workflows list with a 200-character one-word
 * name; a table's screen-reader-only "Actions" header escaping its scroll box) and row buttons cut
 * off in their tables on a phone; a condition's Else lane drawn off-screen; Escape in a step's field
 * throwing "e.path is not iterable" and losing the field's "left" state. Typed key by key, focus
 * checked after each action, screenshots at 390 and 1280 px, axe-core on what is looked at.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, shot } from './browser';
import { addStep, focusedId, isFocused, newWorkflow, seriousAxeFindings, sidewaysOverflow, signIn, startWebStack, type Stack, typeInto } from './person';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let ws = '';
const pageErrors: string[] = [];
/** The ids of the condition and its two lanes' steps, as the builder named them. */
const ids = { condition: '', mail: '', find: '' };
/** The id of the step whose form is open (its card is the pressed one). */
const openStepId = async () => (await page.locator('.flow-card[aria-pressed="true"]').getAttribute('id'))?.replace('card-', '') ?? '';
/** Names may be up to 200 characters; one unbroken word is the worst case for a table. */
const LONG_NAME = `Quarterly${'Pipeline'.repeat(23)}Review`.slice(0, 200);

/** Where an element is, rounded, and whether it lies within `box` horizontally. */
const rect = (l: Locator) =>
  l.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { left: Math.round(r.left), right: Math.round(r.right) };
  });
async function insideHorizontally(inner: Locator, outer: Locator | 'viewport') {
  const i = await rect(inner);
  const o = outer === 'viewport' ? await page.evaluate(() => ({ left: 0, right: document.documentElement.clientWidth })) : await rect(outer);
  return i.left >= o.left - 1 && i.right <= o.right + 1;
}

/** At each width: no sideways page scroll (the innermost wide elements named when there is), and a screenshot. */
async function noSidewaysScroll(name: string, widths = [390, 1280]) {
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    await shot(page, `sideways-${name}-${width}px`);
    expect({ name, width, ...(await sidewaysOverflow(page)) }).toEqual({ name, width, overflow: 0, wide: [] });
  }
}

beforeAll(async () => {
  stack = await startWebStack();
  browser = await openBrowser();
  page = browser.page;
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => pageErrors.push(`${e.message}\n${e.stack ?? ''}`));
  await page.setViewportSize({ width: 1280, height: 900 });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('no page scrolls sideways', () => {
  it('the Workflows list with a 200-character name, typed into a new workflow', async () => {
    ws = await signIn(page, stack.url, stack.login);
    await newWorkflow(page, LONG_NAME);
    expect(await isFocused(page.getByLabel('Workflow name', { exact: true }))).toBe(true);
    await page.getByTestId('save-state').getByText('All changes saved').waitFor({ timeout: 15_000 });
    await page
      .getByRole('link', { name: /Workflows/ })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Workflows', level: 1 }).waitFor();
    const link = page.getByRole('link', { name: LONG_NAME, exact: true });
    await link.waitFor();
    await noSidewaysScroll('workflows');
    // The name wraps inside its cell; the row's buttons stay in view at both widths.
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      expect({ width, inView: await insideHorizontally(page.getByRole('button', { name: `Delete ${LONG_NAME}` }), 'viewport') }).toEqual({
        width,
        inView: true,
      });
    }
    expect(await seriousAxeFindings(page)).toEqual([]);
  });

  it('Records at 390 and 1280 px: the table scrolls in its box, its Edit and Delete stay in view', async () => {
    for (const [name, note] of [
      ['Katherine Johnson', 'Met at the analytical engine conference; follow up about the difference engine order'],
      ['Margaret Hamilton', 'https://example.com/a/very/long/link/without/any/spaces/in/it/at/all/to/wrap/on'],
    ] as const) {
      const res = await page.request.post(`${stack.url}/api/workspaces/${ws}/records/contact`, {
        data: { data: { name, email: `${name.split(' ')[0]!.toLowerCase()}@example.com`, company: 'Analytical Engines Ltd', note } },
      });
      expect(res.status()).toBe(201);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'Records', exact: true }).click();
    await page.getByRole('heading', { name: /Records/, level: 1 }).waitFor();
    await page.getByLabel('Object', { exact: true }).selectOption('contact');
    await page.getByRole('heading', { name: 'Records: contact', level: 1 }).waitFor();
    const del = page.getByRole('button', { name: 'Delete Katherine Johnson' });
    await del.waitFor();
    await noSidewaysScroll('records');
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await insideHorizontally(del, 'viewport')).toBe(true);
    expect(await insideHorizontally(page.getByRole('button', { name: 'Edit Margaret Hamilton' }), 'viewport')).toBe(true);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await seriousAxeFindings(page)).toEqual([]);
  });

  it('every settings page at 390 and 1280 px; Revoke (API keys) and Remove (Members) are in view and work on a phone', async () => {
    // Something in each table: a second member, a pending invitation with a long address, an API key.
    const api = async (path: string, data: unknown) => {
      const res = await page.request.post(`${stack.url}/api/workspaces/${ws}${path}`, { data });
      expect({ path, ok: res.ok() }).toEqual({ path, ok: true });
      return (await res.json()) as Record<string, unknown>;
    };
    await api('/invites', { email: 'someone.with.a.rather.long.address@subsidiary.example-company.test', role: 'member' });
    await api('/api-keys', { name: 'Nightly import from the warehouse', role: 'member' });
    const nav = page.getByRole('navigation', { name: 'Settings' });
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await nav.waitFor();
    const links = (await nav.getByRole('link').allTextContents()).map((t) => t.trim());
    expect(links.length).toBeGreaterThan(8);
    for (const name of links) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await nav.getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await noSidewaysScroll(`settings-${name.toLowerCase().replace(/\W+/g, '-')}`);
    }

    // On a phone the row's button is in view, and it does what it says (asks first; Escape cancels).
    await page.setViewportSize({ width: 390, height: 900 });
    for (const [link, button] of [
      ['API keys', 'Revoke Nightly import from the warehouse'],
      ['Members', 'Remove Max Member'],
      ['Members', 'Revoke the invitation of someone.with.a.rather.long.address@subsidiary.example-company.test'],
    ] as const) {
      await nav.getByRole('link', { name: link, exact: true }).click();
      const b = page.getByRole('button', { name: button, exact: true });
      await b.waitFor();
      expect({ button, inView: await insideHorizontally(b, 'viewport') }).toEqual({ button, inView: true });
      await b.click();
      const dialog = page.getByRole('alertdialog');
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      // Focus comes back to the button that opened it.
      await expect.poll(() => isFocused(b)).toBe(true);
    }
    expect(await seriousAxeFindings(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('a condition with a step in each lane', () => {
  it('both lanes are drawn in the diagram at 1280 px, and side by side in view at 390 px', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${stack.url}/w/${ws}/settings/workflows`);
    await page.getByRole('heading', { name: 'Workflows', level: 1 }).waitFor();
    await newWorkflow(page, 'Big deals');
    const cond = await addStep(page, 'Condition');
    ids.condition = await openStepId();
    await typeInto(page.getByLabel('Step label', { exact: true }), 'Is it big?');
    await cond.getByLabel('Comparison', { exact: true }).selectOption('gt');

    // Then: an email whose one-line summary is much longer than a card.
    const mail = await addStep(page, 'Send email', page.getByRole('region', { name: 'Then of Is it big?' }));
    ids.mail = await openStepId();
    await typeInto(mail.getByLabel('To', { exact: true }), 'sales-leadership@example.com');
    await typeInto(mail.getByLabel('Subject', { exact: true }), 'Big win for the whole team this quarter: congratulations to everyone involved');
    await typeInto(mail.getByLabel('Body', { exact: true }), 'Well done.');

    // Else: find records.
    await addStep(page, 'Find records', page.getByRole('region', { name: 'Else of Is it big?' }));
    ids.find = await openStepId();
    await page.keyboard.press('Escape');
    await expect.poll(() => focusedId(page)).toBe(`card-${ids.find}`);

    const flow = page.locator('.flow');
    const thenCard = page.locator(`#card-${ids.mail}`);
    const elseCard = page.locator(`#card-${ids.find}`);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await shot(page, `sideways-condition-lanes-${width}px`);
      expect({ width, ...(await sidewaysOverflow(page)) }).toEqual({ width, overflow: 0, wide: [] });
      // The drawing needs no sideways scroll of its own for two lanes of one card each.
      expect({ width, drawingScrolls: await flow.evaluate((el) => el.scrollWidth > el.clientWidth) }).toEqual({ width, drawingScrolls: false });
      for (const [lane, card] of [
        ['then', thenCard],
        ['else', elseCard],
      ] as const) {
        expect({ width, lane, inDiagram: await insideHorizontally(card, flow), inView: await insideHorizontally(card, 'viewport') }).toEqual({
          width,
          lane,
          inDiagram: true,
          inView: true,
        });
      }
      // The lanes share the row: Else sits to the right of Then, not under it or off to the side.
      const [t, e] = [await rect(thenCard), await rect(elseCard)];
      expect(e.left).toBeGreaterThanOrEqual(t.right);
    }
    // The long summary is cut with an ellipsis, not widening its card.
    const summary = thenCard.locator('.flow-summary');
    expect(await summary.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await seriousAxeFindings(page)).toEqual([]);
  });
});

describe('Escape in a step field', () => {
  /** Opens the step with the keyboard (focus its card, Enter) and returns the field, focused. */
  async function focusField(id: string, label: string) {
    await page.locator(`#card-${id}`).focus();
    await page.keyboard.press('Enter');
    const field = page.locator('#step-panel').getByLabel(label, { exact: true });
    await field.waitFor();
    await field.click();
    expect(await isFocused(field)).toBe(true);
    return field;
  }

  it('closes the step without an error, puts focus back on its card, and the field counts as left', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const before = pageErrors.length;
    for (const [id, label] of [
      [ids.find, 'Object'],
      [ids.find, 'Limit'],
      [ids.condition, 'Compared to'],
      [ids.mail, 'Subject'],
    ] as const) {
      await focusField(id, label);
      await page.keyboard.press('Escape');
      await page.locator('#step-panel').waitFor({ state: 'detached' });
      await expect.poll(() => focusedId(page)).toBe(`card-${id}`);
      expect({ id, label, errors: pageErrors.slice(before) }).toEqual({ id, label, errors: [] });
    }

    // A new step's problem shows once a field of it is left: Escape from its empty first field counts.
    const card = await addStep(page, 'Send email');
    const newId = await openStepId();
    const to = card.getByLabel('To', { exact: true });
    expect(await isFocused(to)).toBe(true);
    expect(await page.locator(`#card-${newId} .flow-problem`).count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.locator('#step-panel').waitFor({ state: 'detached' });
    await expect.poll(() => focusedId(page)).toBe(`card-${newId}`);
    await page.locator(`#card-${newId} .flow-problem`).waitFor();
    // Reopened, the field says what is wrong.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#step-panel').getByLabel('To', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.keyboard.press('Escape');
    await expect.poll(() => focusedId(page)).toBe(`card-${newId}`);
    await shot(page, 'sideways-escape-problem-1280px');
    expect(pageErrors.slice(before)).toEqual([]);
  });
});
