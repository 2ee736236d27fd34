/**
 * Settings → Data retention used as an admin would in headless Chromium against the real local
 * stack: the number typed key by key, a refused value explained in words, a saved value still
 * there after a reload and in the audit log. Focus checked after each action; 1440 and 390 px
 * looked at (no sideways scroll); axe-core has no serious finding.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, overflowAtWidths, seriousAxeFindings, typeInto, startWebStack, type Stack } from './browser';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
const focused = () => page.evaluate(() => ({ id: document.activeElement?.id ?? '', text: document.activeElement?.textContent?.trim() ?? '' }));

beforeAll(async () => {
  stack = await startWebStack();
  browser = await openBrowser();
  page = browser.page;
  page.setDefaultTimeout(20_000);
  await page.setViewportSize({ width: 1440, height: 900 });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('data retention, set by an admin', () => {
  const field = () => page.getByLabel('Keep finished runs for (days)', { exact: true });
  const clear = async () => {
    await field().click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
  };

  it('signs in and opens Settings → Data retention: 90 days unless changed', async () => {
    await page.goto(`${stack.url}/login`);
    await typeInto(page.getByLabel('Email', { exact: true }), stack.login.email);
    await typeInto(page.getByLabel('Password', { exact: true }), stack.login.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Workflows' }).waitFor();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Data retention', exact: true }).click();
    await page.getByRole('heading', { name: 'Data retention', level: 1 }).waitFor();
    await expect(field().inputValue()).resolves.toBe('90');
  });

  it('refuses 0 and letters in words, keeping focus in the field, and saves nothing', async () => {
    await clear();
    await typeInto(field(), '0');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('keep runs for at least 1 day').waitFor();
    await expect(field().getAttribute('aria-invalid')).resolves.toBe('true');
    expect((await focused()).id).toBe('retention-days');
    await clear();
    await typeInto(field(), '3x');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('alert').getByText('enter a whole number of days').waitFor();
    await clear();
    await typeInto(field(), '4000');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('keep runs for at most 3650 days (10 years)').waitFor();
    await page.reload();
    await expect(field().inputValue()).resolves.toBe('90');
  });

  it('saves 30 typed key by key: confirmed in words, still 30 after a reload, and in the audit log', async () => {
    await clear();
    await typeInto(field(), '30');
    const save = page.getByRole('button', { name: 'Save', exact: true });
    await save.click();
    await page.getByRole('status').getByText('Saved. Finished runs are kept for 30 days.').waitFor();
    // Focus stays where the person clicked; the error is gone.
    expect((await focused()).text).toBe('Save');
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    await expect(field().getAttribute('aria-invalid')).resolves.toBeNull();

    const overflow = await overflowAtWidths(page, 'retention-saved');
    expect(overflow).toEqual({ 1440: 0, 390: 0 });
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(await seriousAxeFindings(page)).toEqual([]);

    await page.reload();
    await page.getByRole('heading', { name: 'Data retention', level: 1 }).waitFor();
    await expect(field().inputValue()).resolves.toBe('30');

    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit log', exact: true }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByText('runs kept for 30 days (was 90)').waitFor();
  });
});
