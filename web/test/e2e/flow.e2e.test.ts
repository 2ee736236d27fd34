/**
 * The flow view as a person uses it, in headless Chromium against the real local stack: a workflow
 * of 100 steps nested three conditions deep stays readable (no page scrolling sideways at 1440 or
 * 390 px, every card drawn), arrow keys walk the cards, Alt+↓ moves a step, Delete removes one with
 * an Undo, Ctrl+Z undoes, a card dragged onto a line moves there, Enter opens a step's form and
 * Escape returns to its card. Screenshots at both widths; axe-core finds nothing serious.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, seriousAxeFindings, shot, sidewaysOverflow, type Stack, startWebStack } from './browser';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let ws: string;

type Step = Record<string, unknown>;
let n = 0;
const email = (): Step => ({ id: `e${++n}`, type: 'send_email', to: 'a@example.com', subject: `Step ${n}`, body: 'Hello' });
const cond = (depth: number, inner: number): Step => {
  const id = `c${++n}`;
  const then = Array.from({ length: inner }, email);
  if (depth < 3) then.push(cond(depth + 1, inner));
  return { id, type: 'condition', if: { all: [{ left: '{{trigger.record.amount}}', op: 'gt', right: depth * 1000 }] }, then, else: [email()] };
};
/** 100 steps: emails at the top level, and every tenth place a condition nesting three deep. */
function hundredSteps(): Step[] {
  const out: Step[] = [];
  let count = 0;
  const total = (s: Step): number =>
    1 + ((s.then as Step[] | undefined)?.reduce((a, b) => a + total(b), 0) ?? 0) + ((s.else as Step[] | undefined)?.reduce((a, b) => a + total(b), 0) ?? 0);
  while (count < 100) {
    const s = out.length % 10 === 3 && count < 80 ? cond(1, 2) : email();
    out.push(s);
    count += total(s);
  }
  return out;
}

const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
const cardOrder = () =>
  page.evaluate(() => [...document.querySelectorAll('.flow > .flow-list > .flow-item > .flow-card')].map((c) => c.id.replace('card-', '')));

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

describe('the flow view', () => {
  it('draws 100 steps three levels deep without the page scrolling sideways', async () => {
    await page.goto(`${stack.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email', { exact: true }).pressSequentially(stack.login.email);
    await page.getByLabel('Password', { exact: true }).pressSequentially(stack.login.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/w\/[^/]+\/settings\/workflows/);
    ws = /\/w\/([^/]+)\//.exec(page.url())![1]!;
    const actions = hundredSteps();
    const res = await page.request.post(`${stack.url}/api/workspaces/${ws}/workflows`, {
      data: { name: 'A hundred steps', trigger: { type: 'record_created', object: 'deal' }, actions },
    });
    expect(res.status()).toBe(201);
    const wf = (await res.json()) as { id: string };
    const started = Date.now();
    await page.goto(`${stack.url}/w/${ws}/settings/workflows/${wf.id}`);
    await page.locator('.flow-card').nth(100).waitFor();
    console.log(`100-step flow drawn in ${Date.now() - started} ms (navigation included)`);
    expect(await page.locator('.flow-card').count()).toBe(101);
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await shot(page, `flow-100-steps-${width}px`);
      expect({ width, ...(await sidewaysOverflow(page)) }).toEqual({ width, overflow: 0, wide: [] });
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    // The deepest lane is labelled by its condition, three levels in.
    expect(await page.locator('.lanes .lanes .lanes .lane-then .flow-card').count()).toBeGreaterThan(0);
  });

  it('arrow keys walk the cards, Alt+↓ moves a step, Ctrl+Z undoes it', async () => {
    await page.locator('#card-e1').focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(focusedId).toBe('card-e2');
    const before = await cardOrder();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(focusedId).toBe('card-e2');
    const after = await cardOrder();
    expect(after.slice(0, 3)).toEqual([before[0], before[2], 'e2']);
    await page.keyboard.press('ControlOrMeta+z');
    await expect.poll(cardOrder).toEqual(before);
  });

  it('Delete removes a step without asking, and Undo brings it back', async () => {
    await page.locator('#card-e2').focus();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('#card-e2').count()).toBe(0);
    // Focus is not dropped to the page: it goes to the step before.
    await expect.poll(focusedId).toBe('card-e1');
    const toast = page.getByRole('status').filter({ hasText: 'Deleted' });
    await toast.getByText('Deleted “Send email”.').waitFor();
    await shot(page, 'flow-deleted-undo');
    await toast.getByRole('button', { name: 'Undo' }).click();
    await page.locator('#card-e2').waitFor();
  });

  it('a card dragged onto a line moves there', async () => {
    const before = await cardOrder();
    await page.locator('#card-e3').dragTo(page.locator('.flow > .flow-list > .flow-item').first().locator(':scope > .flow-edge'));
    await expect.poll(async () => (await cardOrder())[0]).toBe('e3');
    expect((await cardOrder()).length).toBe(before.length);
    await page.keyboard.press('ControlOrMeta+z');
    await expect.poll(cardOrder).toEqual(before);
  });

  it('Enter opens a step beside the flow, Escape returns to its card; nothing serious for axe', async () => {
    await page.locator('#card-e1').focus();
    await page.keyboard.press('Enter');
    await page.locator('#step-panel').getByLabel('Subject', { exact: true }).waitFor();
    await shot(page, 'flow-panel-1440px');
    expect(await seriousAxeFindings(page)).toEqual([]);
    await page.locator('#step-panel').getByLabel('Subject', { exact: true }).focus();
    await page.keyboard.press('Escape');
    await expect.poll(focusedId).toBe('card-e1');
    expect(await page.locator('#step-panel').count()).toBe(0);
  });
});
