/**
 * What the variable picker offers around a "For each", used as a person would in headless Chromium
 * against the real local stack, with no test run: a loop after a "Find records" step is offered the
 * found records (`steps.find.output.items`, first, as a list) from the type's declared output; picking
 * the whole output (an object) is flagged at Items in words naming the step by its label and the list
 * to use; inside the loop the picker offers the current item and the steps before the loop but never
 * the loop's own output, and typing that reference by hand is flagged at the field.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser } from './browser';
import { addStep, closeStep, isFocused, newWorkflow, openStep, retype, signIn, startWebStack, typeInto, type Stack } from './person';

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

const NOT_A_LIST = '"Open contacts" returns an object (items, count, first, hasMore), not a list: loop over {{steps.find.output.items}}';
const LOOP_OUTPUT = /this step runs inside the loop For each "loop", whose output is only known once every item has run; use \{\{item\}\} for the current item/;

describe('the variable picker around a loop, without a test run', () => {
  it('signs in by typing', async () => {
    await signIn(page, stack.url, stack.login);
  });

  it('a loop after Find records is offered the found records, and its whole output is flagged', async () => {
    await newWorkflow(page, 'Loop over contacts');
    await page.locator('#card-trigger').click();
    const when = page.getByLabel('When', { exact: true });
    await when.focus();
    await when.selectOption({ label: 'Webhook' });
    await page.getByLabel('Webhook URL', { exact: true }).waitFor();
    await closeStep(page, 'trigger');

    await addStep(page, 'Find records');
    await retype(page.getByLabel('Step label', { exact: true }), 'Open contacts');
    await closeStep(page, 'find');

    const loop = await addStep(page, 'For each');
    const items = loop.getByLabel('Items', { exact: true });
    expect(await isFocused(items)).toBe(true);
    await loop.getByRole('button', { name: 'Insert variable into Items' }).click();
    const menu = loop.getByRole('menu');
    // The list comes first, in its own group, from Find records' declared output: no test run has happened.
    const lists = menu.getByRole('group', { name: 'Lists to loop over' });
    await expect
      .poll(() => lists.getByRole('menuitem').allInnerTexts())
      .toEqual([expect.stringMatching(/^steps\.find\.output\.items\s+Open contacts: the records found \(a list\)$/)]);
    // The whole output is offered too, said to be an object.
    const whole = menu.getByRole('menuitem', { name: /^steps\.find\.output Open contacts: its whole output, an object/ });
    expect(await whole.count()).toBe(1);

    // A person picks the whole output anyway: once the field is left, Items says why it is wrong and what to use.
    await whole.click();
    expect(await items.inputValue()).toBe('{{steps.find.output}}');
    await items.click();
    await items.press('Tab');
    await loop.getByText(NOT_A_LIST).waitFor();
    await page
      .getByTestId('save-state')
      .getByText(/Not saved/)
      .waitFor();

    // They clear the field and pick the list: the problem goes.
    await items.click();
    await items.press('ControlOrMeta+a');
    await items.press('Backspace');
    await loop.getByRole('button', { name: 'Insert variable into Items' }).click();
    await loop
      .getByRole('menu')
      .getByRole('menuitem', { name: /^steps\.find\.output\.items / })
      .click();
    expect(await items.inputValue()).toBe('{{steps.find.output.items}}');
    await expect.poll(() => loop.getByText(NOT_A_LIST).count()).toBe(0);
    await closeStep(page, 'loop');
  });

  it("inside the loop: the item and the steps before it are offered, the loop's own output is not", async () => {
    const step = await addStep(page, 'Create record', page.getByRole('region', { name: 'Steps of For each' }));
    await retype(step.getByLabel('Object', { exact: true }), 'note');
    await step.getByRole('button', { name: 'Add field' }).click();
    await retype(step.getByLabel('Field 1 name', { exact: true }), 'about');
    const value = step.getByLabel('Field 1 value', { exact: true });

    await step.getByRole('button', { name: 'Insert variable into Field 1 value' }).click();
    const menu = step.getByRole('menu');
    await menu.getByRole('group', { name: 'This loop' }).waitFor();
    expect(await menu.getByRole('menuitem', { name: /^item / }).count()).toBe(1);
    expect(await menu.getByRole('menuitem', { name: /^steps\.find\.output\.items / }).count()).toBe(1);
    expect(await menu.getByRole('menuitem', { name: /^steps\.loop/ }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => step.getByRole('menu').count()).toBe(0);

    // Typed by hand, the loop's output is flagged at the field once it is left.
    await typeInto(value, '{{steps.loop.output.count}}');
    await value.press('Tab');
    await step.getByText(LOOP_OUTPUT).waitFor();
    await retype(value, '{{item.name}}');
    await expect.poll(() => step.getByText(LOOP_OUTPUT).count()).toBe(0);
    await page.getByTestId('save-state').getByText('All changes saved').waitFor({ timeout: 15_000 });
    await closeStep(page, 'create');

    // After the loop its output is known: a step after it is offered the results.
    await openStep(page, 'loop');
    await closeStep(page, 'loop');
    const after = await addStep(page, 'Create record');
    await after.getByRole('button', { name: 'Add field' }).click();
    await after.getByRole('button', { name: 'Insert variable into Field 1 value' }).click();
    await expect
      .poll(() =>
        after
          .getByRole('menu')
          .getByRole('menuitem', { name: /^steps\.loop\.output\.results / })
          .count(),
      )
      .toBe(1);
  });
});
