/**
 * Workspace secrets used as a person would in headless Chromium against the real local stack:
 * Settings → Secrets (add, replace, delete with its "used by"), typed key by key, values only ever in
 * password fields and never shown back; then a webhook step, added with the flow's "+", whose Auth
 * section picks a secret and creates one in place; `secrets.*` offered by the variable picker in a
 * webhook field, not in a record field. Focus checked after each action; both widths looked at;
 * axe-core has no serious finding.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser } from './browser';
import { addStep, checkLayout, focusedId as focusedIdOf, newWorkflow, retype, signIn, startWebStack, typeInto, type Stack } from './person';

const FIRST = 'crm-first-value-0000-A1B2';
const SECOND = 'crm-second-value-1111-C3D4';
const INLINE = 'inline-created-9999-E5F6';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

const focusedId = () => focusedIdOf(page);
const focusedText = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent ?? '');

/** No value ever appears in the page, its inputs' attributes aside (a password field holds what is typed). */
async function pageShowsNoValue() {
  const html = await page.evaluate(() => document.body.textContent + document.body.outerHTML.replace(/value="[^"]*"/g, ''));
  for (const v of [FIRST, SECOND, INLINE]) expect(html).not.toContain(v);
}

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

describe('secrets, used by a person', () => {
  it('signs in and opens Settings → Secrets', async () => {
    await signIn(page, stack.url, stack.login);
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Secrets' }).click();
    await page.getByRole('heading', { name: 'Secrets', level: 1 }).waitFor();
    await page.getByText('No secrets yet.').waitFor();
  });

  it('adds a secret: the name is upper-cased as typed, the value is a password field, the list shows only a hint', async () => {
    const value = page.getByLabel('Value', { exact: true });
    await expect(value.getAttribute('type')).resolves.toBe('password');
    await typeInto(page.getByLabel('Name', { exact: true }), 'crm_token', 'CRM_TOKEN');
    await typeInto(value, FIRST);
    await page.keyboard.press('Enter');
    const row = page.getByRole('row', { name: /CRM_TOKEN/ });
    await row.waitFor();
    await expect.poll(() => row.getByText('…A1B2').count()).toBe(1);
    await expect.poll(() => row.getByText('No workflow').count()).toBe(1);
    await page.getByRole('status').getByText('Use it in a workflow as {{secrets.CRM_TOKEN}}.').waitFor();
    // Ready for the next one: focus back in the name field, both fields empty.
    await expect.poll(focusedId).toBe('secret-name');
    await expect(value.inputValue()).resolves.toBe('');
    await pageShowsNoValue();
  });

  it('replaces its value in the row: focus moves into the new-value field, then back to Replace', async () => {
    await page.getByRole('button', { name: 'Replace CRM_TOKEN' }).click();
    await expect.poll(focusedId).toBe('replace-CRM_TOKEN');
    const field = page.getByLabel('New value for CRM_TOKEN', { exact: true });
    await expect(field.getAttribute('type')).resolves.toBe('password');
    await field.pressSequentially(SECOND);
    await page.keyboard.press('Enter');
    await page
      .getByRole('row', { name: /CRM_TOKEN/ })
      .getByText('…C3D4')
      .waitFor();
    await expect.poll(focusedId).toBe('replace-btn-CRM_TOKEN');
    await page
      .getByRole('status')
      .getByText(/Replaced CRM_TOKEN/)
      .waitFor();
    await pageShowsNoValue();
    await checkLayout(page, 'secrets-list');
  });

  it('in a webhook step, Auth picks a secret, creates another in place, and only webhook fields offer secrets', async () => {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Workflows' }).click();
    await newWorkflow(page, 'CRM push');

    const card = await addStep(page, 'Send webhook');
    await retype(card.getByLabel('URL', { exact: true }), 'https://crm.example.com/push');

    // Bearer: the token is a choice among the workspace's secrets.
    const authType = card.getByLabel('Authentication', { exact: true });
    await authType.focus();
    await authType.selectOption({ label: 'Bearer token' });
    const token = card.getByLabel('Token', { exact: true });
    await expect(token.locator('option').allTextContents()).resolves.toEqual(['Choose a secret…', 'CRM_TOKEN']);
    await token.focus();
    await token.selectOption({ label: 'CRM_TOKEN' });
    await expect(token.evaluate((el) => el === document.activeElement)).resolves.toBe(true);

    // An API key header whose secret does not exist yet: created right there, then picked.
    await authType.focus();
    await authType.selectOption({ label: 'API key in a header' });
    await expect(card.getByLabel('Header name', { exact: true }).inputValue()).resolves.toBe('X-Api-Key');
    await card.getByRole('button', { name: 'Create a secret for Header value' }).click();
    const newName = card.getByLabel('Secret name', { exact: true });
    await expect.poll(focusedId).toBe(await newName.getAttribute('id'));
    await newName.pressSequentially('crm_key');
    await expect(newName.inputValue()).resolves.toBe('CRM_KEY');
    const newValue = card.getByLabel('Secret value', { exact: true });
    await expect(newValue.getAttribute('type')).resolves.toBe('password');
    await newValue.click();
    await newValue.pressSequentially(INLINE);
    await page.keyboard.press('Enter');
    const headerValue = card.getByLabel('Header value', { exact: true });
    await expect.poll(() => headerValue.inputValue()).toBe('CRM_KEY');
    await expect.poll(focusedId).toBe(await headerValue.getAttribute('id'));
    await expect.poll(() => card.getByLabel('Secret value', { exact: true }).count()).toBe(0);

    // The variable picker offers secrets in the URL, not in a record's fields.
    await card.getByRole('button', { name: 'Insert variable into URL', exact: true }).click();
    const menu = card.getByRole('menu');
    await expect(menu.getByRole('group', { name: 'Secrets' }).getByRole('menuitem').allInnerTexts()).resolves.toEqual([
      expect.stringContaining('secrets.CRM_KEY'),
      expect.stringContaining('secrets.CRM_TOKEN'),
    ]);
    await page.keyboard.press('Escape');
    const recordCard = await addStep(page, 'Create record');
    await recordCard.getByRole('button', { name: 'Add field' }).click();
    await recordCard.getByRole('button', { name: 'Insert variable into Field 1 value', exact: true }).click();
    await expect.poll(() => recordCard.getByRole('menu').getByRole('group', { name: 'Earlier steps' }).count()).toBe(1);
    await expect.poll(() => recordCard.getByRole('menu').getByRole('group', { name: 'Secrets' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await recordCard.getByRole('button', { name: 'Delete step', exact: true }).click();
    await expect.poll(() => page.locator('#card-create').count()).toBe(0);
    // Focus goes to the step before, not to the page.
    await expect.poll(focusedId).toBe('card-webhook');

    await page.getByTestId('save-state').getByText('All changes saved').waitFor({ timeout: 15_000 });
    await pageShowsNoValue();
    await checkLayout(page, 'secrets-webhook-auth');
  });

  it('deleting a secret says which workflows use it; the list then has the other one only', async () => {
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Secrets' }).click();
    const keyRow = page.getByRole('row', { name: /CRM_KEY/ });
    await keyRow.getByRole('link', { name: 'CRM push' }).waitFor();
    await keyRow.getByText('…E5F6').waitFor();
    await page.getByRole('button', { name: 'Delete CRM_TOKEN' }).click();
    const dialog = page.getByRole('alertdialog');
    await expect.poll(() => dialog.getByText('No workflow uses it.').count()).toBe(1);
    await expect(focusedText()).resolves.toBe('Delete secret');
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('Deleted CRM_TOKEN.').waitFor();
    await expect.poll(() => page.getByRole('row', { name: /CRM_TOKEN/ }).count()).toBe(0);

    await page.getByRole('button', { name: 'Delete CRM_KEY' }).click();
    await expect.poll(() => page.getByRole('alertdialog').getByText('Used by "CRM push" (draft).', { exact: false }).count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(focusedText).toBe('Delete');
    await expect.poll(() => page.getByRole('row', { name: /CRM_KEY/ }).count()).toBe(1);
    await pageShowsNoValue();
  });
});
