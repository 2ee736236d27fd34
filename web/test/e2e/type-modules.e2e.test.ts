/**
 * The builder's parts that now come from core's per-type modules, used as a person would in headless
 * Chromium against the real local stack: trigger labels and starters, new actions' ids and starting
 * values, the variables a trigger offers, a folded card saying what its step does, the sample payload,
 * and the trigger in words in the list. Typed key by key; focus checked after each action; both
 * layouts looked at (screenshots) and checked for sideways scrolling and serious axe-core findings.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLayout, openBrowser, shot, type Stack, startWebStack, typeInto } from './browser';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');

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

describe('builder parts from the per-type modules, used by a person', () => {
  it('signs in by typing', async () => {
    await page.goto(`${stack.url}/`);
    await page.waitForURL(/\/login/);
    await typeInto(page.getByLabel('Email', { exact: true }), stack.login.email);
    await typeInto(page.getByLabel('Password', { exact: true }), stack.login.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Workflows' }).waitFor();
  });

  it('builds a field-changed workflow: labels, starters, ids, variables, a folded card in words, a sample payload', async () => {
    await page.getByRole('button', { name: 'New workflow' }).click();
    await page.waitForURL(/\/settings\/workflows\/[^/]+$/);
    const name = page.getByLabel('Workflow name', { exact: true });
    await name.click();
    await name.press('ControlOrMeta+a');
    await name.press('Backspace');
    await typeInto(name, 'Stage watcher');

    // The trigger picker names types by their modules' labels; each type starts with its own values.
    await page.locator('#card-trigger').click();
    const when = page.getByLabel('When', { exact: true });
    await when.focus();
    await when.selectOption({ label: 'Webhook' });
    await expect(focusedId()).resolves.toBe('trigger-type');
    await page.getByLabel('Webhook URL', { exact: true }).waitFor();
    await when.selectOption({ label: 'Field changed' });
    await expect(focusedId()).resolves.toBe('trigger-type');
    await expect(page.getByLabel('Field', { exact: true }).inputValue()).resolves.toBe('stage');
    await typeInto(page.getByLabel('To (optional)', { exact: true }), 'won');

    // A new step gets its type's id base and starting values; its form opens with focus in its first field.
    await page.locator('.flow > .flow-list > .flow-tail .edge-add').click();
    const insert = page.getByRole('dialog', { name: 'Add a step' });
    await typeInto(insert.getByRole('textbox'), 'email');
    await page.keyboard.press('Enter');
    const card = page.locator('#step-panel');
    await page.locator('#card-email').waitFor();
    await expect.poll(focusedId).toBe('f-actions_0__to');
    await typeInto(card.getByLabel('To', { exact: true }), 'owner@example.com');
    const subject = card.getByLabel('Subject', { exact: true });
    await typeInto(subject, 'Stage is ');

    // The variables come from the trigger's module: the record, the values before the change, what changed.
    await card.getByRole('button', { name: 'Insert variable into Subject' }).click();
    const menu = card.getByRole('menu');
    await expect.poll(() => menu.getByRole('menuitem', { name: /trigger\.changed/ }).count()).toBe(1);
    await expect.poll(() => menu.getByRole('menuitem', { name: /trigger\.previous\.stage/ }).count()).toBe(1);
    await menu.getByRole('menuitem', { name: /trigger\.record\.stage/ }).click();
    await expect(subject.inputValue()).resolves.toBe('Stage is {{trigger.record.stage}}');
    await shot(page, 'type-modules-builder-open');

    // Closed, the card says what the step does, and focus is back on it.
    await page.keyboard.press('Escape');
    await expect.poll(focusedId).toBe('card-email');
    await expect(page.locator('#card-email .flow-summary').textContent()).resolves.toBe('Email to owner@example.com: Stage is {{trigger.record.stage}}');
    await expect.poll(() => page.getByLabel('Subject', { exact: true }).count()).toBe(0);

    // The sample payload comes from the trigger's module: an update that changed the field to the value asked for.
    await page.getByRole('button', { name: 'Fill payload' }).click();
    const payload = JSON.parse(await page.getByLabel('Trigger payload (JSON)', { exact: true }).inputValue()) as Record<string, unknown>;
    expect(payload).toMatchObject({ kind: 'record', event: 'updated', object: 'deal', changed: ['stage'], record: { stage: 'won' } });

    await page.getByTestId('save-state').getByText('All changes saved').waitFor({ timeout: 15_000 });
    await checkLayout(page, 'type-modules-builder');
  });

  it('the list says the trigger in words', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const row = page.getByRole('row', { name: /Stage watcher/ });
    await expect.poll(() => row.getByText("When a deal's stage changes to won").count()).toBe(1);
    await checkLayout(page, 'type-modules-list');
  });
});
