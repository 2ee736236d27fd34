/**
 * A "For each" loop built and run as a person would, in headless Chromium against the real local
 * stack: the loop and its inner step added with the flow's "+" (the inner one inside the loop's lane),
 * their forms typed key by key in the side panel, item/index offered by the variable picker inside the
 * loop only, a field's preview against the typed test payload, then a test run and the run view's
 * iterations, a page at a time. Focus checked after each action; both layouts looked at
 * (screenshots), no sideways scrolling at 390 px, no serious axe-core finding.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser } from './browser';
import {
  addStep,
  checkLayout,
  closeStep,
  focusedId,
  isFocused,
  newWorkflow,
  openStep,
  retype,
  runLiveTest,
  signIn,
  startWebStack,
  typeInto,
  type Stack,
} from './person';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

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

describe('a For each loop, built and run by a person', () => {
  it('signs in by typing', async () => {
    await signIn(page, stack.url, stack.login);
  });

  it('builds the loop, its inner step and sees item/index and a preview', async () => {
    await newWorkflow(page, 'Deal loop');
    await page.locator('#card-trigger').click();
    const when = page.getByLabel('When', { exact: true });
    await when.focus();
    await when.selectOption({ label: 'Webhook' });
    await page.getByLabel('Webhook URL', { exact: true }).waitFor();
    await closeStep(page, 'trigger');

    // The loop, from the "+" at the end of the flow: its form opens with focus in Items.
    const loop = await addStep(page, 'For each');
    const items = loop.getByLabel('Items', { exact: true });
    expect(await isFocused(items)).toBe(true);
    // A new step is not marked wrong until its field is left; then the empty list is named, in words.
    expect(await loop.getByText('say which list to loop over').count()).toBe(0);
    await items.press('Tab');
    await loop.getByText('say which list to loop over').waitFor();
    await typeInto(items, '{{trigger.body.deals}}');
    await expect.poll(() => loop.getByText('say which list to loop over').count()).toBe(0);
    await retype(loop.getByLabel('Items at once', { exact: true }), '2');
    await closeStep(page, 'loop');

    // A step inside the loop, added with the "+" inside the loop's lane.
    const step = await addStep(page, 'Create record', page.getByRole('region', { name: 'Steps of For each' }));
    expect(await page.locator('.lane-steps #card-create').count()).toBe(1);
    await retype(step.getByLabel('Object', { exact: true }), 'looped');
    const addField = step.getByRole('button', { name: 'Add field' });
    await addField.click();
    const key = step.getByLabel('Field 1 name', { exact: true });
    await retype(key, 'name');
    const value = step.getByLabel('Field 1 value', { exact: true });

    // Inside the loop the picker offers item and index; the loop's own Items field does not.
    await step.getByRole('button', { name: 'Insert variable into Field 1 value' }).click();
    const menu = step.getByRole('menu');
    expect(await menu.getByRole('group', { name: 'This loop' }).count()).toBe(1);
    expect(await menu.getByRole('menuitem', { name: /^index/ }).count()).toBe(1);
    await menu.getByRole('menuitem', { name: /^item/ }).click();
    expect(await value.inputValue()).toBe('{{item}}');

    // Functions are typed in the template; an unknown one is named at the field once it is left.
    await value.click();
    await value.press('End');
    await value.press('Backspace');
    await value.press('Backspace');
    await value.pressSequentially('.name | shout}}');
    expect(await isFocused(value)).toBe(true);
    await value.press('Tab');
    await step.getByText('unknown function "shout"').waitFor();
    await value.click();
    await value.press('End');
    for (let i = 0; i < 'shout}}'.length; i++) await value.press('Backspace');
    await value.pressSequentially('upper}}');
    expect(await isFocused(value)).toBe(true);
    expect(await value.inputValue()).toBe('{{item.name | upper}}');
    await expect.poll(() => step.getByText('unknown function').count()).toBe(0);
    await closeStep(page, 'create');

    await openStep(page, 'loop');
    await page.locator('#step-panel').getByRole('button', { name: 'Insert variable into Items' }).click();
    await page.locator('#step-panel').getByRole('menu').waitFor();
    expect(await page.locator('#step-panel').getByRole('menu').getByRole('group', { name: 'This loop' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await closeStep(page, 'loop');

    // The preview resolves against the payload typed in the test panel (beside the flow while no step is open), for the loop's first item.
    const payload = page.getByLabel('Trigger payload (JSON)', { exact: true });
    // For a webhook the sample is the request body, as the test run will send it; it replaces the sample the panel starts with.
    await retype(payload, '{"deals":[{"name":"ada"},{"name":"bob"},{"name":"cy"}]}');
    expect(await isFocused(payload)).toBe(true);
    const inner = await openStep(page, 'create');
    await expect.poll(() => inner.locator('.preview').textContent()).toBe('Preview (first item): ADA');
    await closeStep(page, 'create');
    const outer = await openStep(page, 'loop');
    await expect.poll(() => outer.locator('.preview').first().textContent()).toMatch(/^Preview: \[\{"name":"ada"\}/);
    await page.getByTestId('save-state').getByText('All changes saved').waitFor({ timeout: 15_000 });
    await checkLayout(page, 'for-each-builder');
    await closeStep(page, 'loop');
    expect(await focusedId(page)).toBe('card-loop');
  });

  it('a test run shows the loop with its items, a page at a time', async () => {
    // Live, so the inner steps really run and write (a dry run only records what they would do).
    await runLiveTest(page);
    const link = page.getByTestId('test-status').getByRole('link', { name: 'open in runs' });
    await link.waitFor({ timeout: 60_000 });
    await link.click();
    await page
      .getByTestId('run-status')
      .getByText(/^(completed|failed|cancelled)/)
      .waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('run-status').textContent()).resolves.toBe('completed');
    const loop = page.getByTestId('step-loop');
    await loop.getByRole('heading', { name: 'Items 1–3 of 3' }).waitFor();
    const second = page.getByTestId('iteration-loop-1');
    await second.locator(':scope > details > summary').click();
    await expect.poll(() => second.getByTestId('step-create').count()).toBe(1);
    await expect.poll(() => second.getByText('"BOB"').count()).toBeGreaterThan(0);
    await checkLayout(page, 'for-each-run');
  });
});
