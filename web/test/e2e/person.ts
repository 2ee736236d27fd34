import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { typeInto } from './browser';

/**
 * What the e2e tests do as a person: type key by key, add a step with the flow's "+", open a card,
 * look at a page at both widths with axe-core. One home, so a change to the flow view is one change here.
 */

// The browser primitives live in browser.ts; re-exported so a test imports a person's actions from one place.
export { checkLayout, seriousAxeFindings, sidewaysOverflow, startWebStack, typeInto, type Stack } from './browser';

export const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);
export const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

/** The same after clearing the field with the keyboard (select all, Backspace). */
export async function retype(field: Locator, text: string, expected = text) {
  await field.click();
  await field.press('ControlOrMeta+a');
  await field.press('Backspace');
  await typeInto(field, text, expected);
}

/** Signs in on the login page by typing, and waits for the workflow list. */
export async function signIn(page: Page, url: string, login: { email: string; password: string }) {
  await page.goto(`${url}/`);
  await page.waitForURL(/\/login/);
  await typeInto(page.getByLabel('Email', { exact: true }), login.email);
  await typeInto(page.getByLabel('Password', { exact: true }), login.password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Workflows' }).waitFor();
  return /\/w\/([^/]+)\//.exec(page.url())![1]!;
}

/** "New workflow" from the list, then its name typed over the default one. */
export async function newWorkflow(page: Page, name: string) {
  await page.getByRole('button', { name: 'New workflow' }).click();
  await page.waitForURL(/\/settings\/workflows\/[^/]+$/);
  await retype(page.getByLabel('Workflow name', { exact: true }), name);
}

/**
 * Adds a step with the "+" at the end of a list — the top level, or the lane given (a region such as
 * "Then of Is it big?" or "Steps of For each") — by typing in the menu's search and clicking the type.
 * The new step's form opens beside the flow with focus in its first field; returns the panel.
 */
export async function addStep(page: Page, type: string, lane?: Locator) {
  const list = lane ? lane.locator(':scope > .flow-list') : page.locator('.flow > .flow-list');
  await list.locator(':scope > .flow-tail .edge-add').click();
  const menu = page.getByRole('dialog', { name: 'Add a step' });
  await menu.getByRole('textbox').pressSequentially(type.slice(0, 5));
  await menu.locator('.picker-item', { has: page.locator('strong', { hasText: new RegExp(`^${type}$`) }) }).click();
  const panel = page.locator('#step-panel');
  await expect.poll(() => panel.evaluate((el) => el.contains(document.activeElement) && document.activeElement !== el)).toBe(true);
  return panel;
}

/** Opens a step's form by clicking its card; returns the panel. */
export async function openStep(page: Page, id: string) {
  await page.locator(`#card-${id}`).click();
  const panel = page.locator('#step-panel');
  await panel.waitFor();
  return panel;
}

/** Closes the open step (or trigger) with Escape, from its form or its card; focus returns to its card. */
export async function closeStep(page: Page, id: string) {
  await page.keyboard.press('Escape');
  await page.locator('#step-panel').waitFor({ state: 'detached' });
  await expect.poll(() => focusedId(page)).toBe(`card-${id}`);
}

/** A live test run, as a person starts one: pick "Live run", press Run live test, confirm in the dialog. */
export async function runLiveTest(page: Page) {
  await page.getByRole('radio', { name: /Live run/ }).click();
  await page.getByRole('button', { name: 'Run live test' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Run live' }).click();
}
