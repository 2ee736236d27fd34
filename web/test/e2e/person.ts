import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { shot } from './browser';

/**
 * What the e2e tests do as a person: type key by key, add a step with the flow's "+", open a card,
 * look at a page at both widths with axe-core. One home, so a change to the flow view is one change here.
 */

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);
export const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

/** Clicks the field, types the text one key at a time, and checks the field kept focus and holds `expected`. */
export async function typeInto(field: Locator, text: string, expected = text) {
  await field.click();
  await field.pressSequentially(text);
  expect(await isFocused(field)).toBe(true);
  expect(await field.inputValue()).toBe(expected);
}

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

export async function seriousAxeFindings(page: Page): Promise<string[]> {
  // Evaluated, not added as a script tag: the app's CSP (no inline script) blocks an injected tag.
  await page.evaluate(readFileSync(AXE_SOURCE, 'utf8'));
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] };
    const axe = (window as unknown as { axe: { run(): Promise<Result> } }).axe;
    const r = await axe.run();
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.nodes.length}): ${v.nodes
            .slice(0, 3)
            .map((n) => String(n.target[0]))
            .join(', ')}`,
      );
  });
}

/** How far the page scrolls sideways, and (when it does) the innermost elements sticking out of the window. */
export async function sidewaysOverflow(page: Page) {
  return page.evaluate(() => {
    const scroller = document.scrollingElement ?? document.documentElement;
    const overflow = scroller.scrollWidth - scroller.clientWidth;
    const wide = overflow
      ? [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > scroller.clientWidth + 0.5)
          .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > scroller.clientWidth + 0.5))
          .slice(0, 6)
          .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}#${el.id}`)
      : [];
    return { overflow, wide };
  });
}

/** At 1440 and 390 px: a screenshot, no sideways scroll; then axe-core finds nothing serious. */
export async function checkLayout(page: Page, name: string) {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await shot(page, `${name}-${width}px`);
    expect({ width, ...(await sidewaysOverflow(page)) }).toEqual({ width, overflow: 0, wide: [] });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  expect(await seriousAxeFindings(page)).toEqual([]);
}

/** What the tests need from local/src/testing/stack.ts (loaded at run time so the web typecheck stays independent of the stack's). */
export type Stack = { url: string; stop(): Promise<void>; login: { email: string; password: string } };
type StartStack = (opts?: { web?: boolean | string; env?: Record<string, string | undefined> }) => Promise<Stack>;
const STACK_MODULE = '@conduit/local/testing/stack';

/** The whole product with the web build, on this process's environment plus `env`. */
export async function startWebStack(env: Record<string, string> = {}): Promise<Stack> {
  const { startStack } = (await import(/* @vite-ignore */ STACK_MODULE)) as { startStack: StartStack };
  return startStack({ web: true, env: { ...process.env, ...env } });
}

/** A live test run, as a person starts one: pick "Live run", press Run live test, confirm in the dialog. */
export async function runLiveTest(page: Page) {
  await page.getByRole('radio', { name: /Live run/ }).click();
  await page.getByRole('button', { name: 'Run live test' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Run live' }).click();
}
