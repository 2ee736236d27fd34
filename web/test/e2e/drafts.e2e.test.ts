/**
 * Issue 18, "draft against live", in headless Chromium against the real local stack, as a person:
 * a live workflow edited by typing shows "Unpublished changes" and what they are; Publish shows the
 * changes first, and a second Publish says "Nothing to publish"; turning the workflow on (editor and
 * list) asks which version runs; an old version opens read-only in the flow drawing, compares with
 * another, and restores into the draft without publishing. Focus, 390 px and axe checked.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, seriousAxeFindings, shot, sidewaysOverflow, startWebStack, type Stack } from './browser';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let ws: string;
let wfId: string;

const isFocused = (l: Locator) => l.evaluate((el) => el === document.activeElement);

async function apiCall(method: 'GET' | 'POST', path: string, data?: unknown) {
  const r = await page.request.fetch(`${stack.url}/api/workspaces/${ws}${path}`, { method, ...(data === undefined ? {} : { data }) });
  expect(r.status(), `${method} ${path}: ${await r.text()}`).toBeLessThan(300);
  return r.json();
}
const versionCount = async () => ((await apiCall('GET', `/workflows/${wfId}/versions`)) as { items: unknown[] }).items.length;

async function at390(name: string) {
  await page.setViewportSize({ width: 390, height: 900 });
  await shot(page, `${name}-390px`);
  expect(await sidewaysOverflow(page)).toEqual({ overflow: 0, wide: [] });
  await page.setViewportSize({ width: 1440, height: 900 });
}

/** Replaces the workflow's name the way a person does: select it all, type the new one. */
async function retypeName(text: string) {
  const name = page.getByLabel('Workflow name');
  await name.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
  expect(await name.inputValue()).toBe(text);
  expect(await isFocused(name)).toBe(true);
  await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('All changes saved');
}
const state = () => page.getByTestId('publish-state');

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

describe('drafts against the live version', () => {
  it('a live workflow edited by typing says "Unpublished changes" and lists them by step and field label', async () => {
    await page.goto(`${stack.url}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email', { exact: true }).click();
    await page.keyboard.type(stack.login.email);
    await page.getByLabel('Password', { exact: true }).click();
    await page.keyboard.type(stack.login.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Workflows' }).waitFor();
    ws = /\/w\/([^/]+)\//.exec(page.url())![1]!;
    const wf = await apiCall('POST', '/workflows', {
      name: 'Deal alert',
      trigger: { type: 'record_created', object: 'deal' },
      actions: [
        { id: 'note', name: 'Make a note', type: 'create_record', object: 'note', data: { text: 'new deal' } },
        { id: 'extra', name: 'Second note', type: 'create_record', object: 'note', data: { text: 'again' } },
      ],
    });
    wfId = wf.id;
    const on = await apiCall('POST', `/workflows/${wfId}/activate`, {});
    expect(on).toMatchObject({ published: true, version: { version: 1 } });

    await page.goto(`${stack.url}/w/${ws}/settings/workflows/${wfId}`);
    await expect.poll(() => state().textContent()).toBe('Live — version 1');
    await retypeName('Deal alert v2');
    // Delete the second step from the keyboard, as the flow offers it.
    const card = page.locator('#card-extra');
    await card.focus();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('#card-extra').count()).toBe(0);
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 15_000 }).toBe('All changes saved');
    await expect.poll(() => state().textContent()).toBe('Live — version 1 · Unpublished changes');

    const toggle = page.getByRole('button', { name: 'Unpublished changes' });
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const changes = page.locator('#unpublished-changes').getByTestId('changes');
    await expect
      .poll(() => changes.locator(':scope > li').allTextContents())
      .toEqual([
        'Workflow renamed from “Deal alert” to “Deal alert v2”',
        'Removed “Second note” (Create record) (it was after “Make a note” in the main flow)',
      ]);
    await shot(page, 'drafts-unpublished-changes');
    expect(await seriousAxeFindings(page)).toEqual([]);
  });

  it('Publish shows the changes first; publishing again with no change does nothing and says so', async () => {
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish version 2?' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('changes').locator(':scope > li').count()).toBe(2);
    const confirm = dialog.getByRole('button', { name: 'Publish version 2' });
    expect(await isFocused(confirm)).toBe(true);
    await shot(page, 'drafts-publish-dialog');
    expect(await seriousAxeFindings(page)).toEqual([]);
    await page.keyboard.press('Enter');
    await page.getByText('Published version 2; it runs from now on.').waitFor();
    await expect.poll(() => state().textContent()).toBe('Live — version 2');
    expect(await versionCount()).toBe(2);

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('Nothing to publish: the draft is the same as version 2.').waitFor();
    expect(await versionCount()).toBe(2);
  });

  it('turning it on in the editor with unpublished changes asks which version runs; the live one keeps the draft unpublished', async () => {
    await page.getByRole('button', { name: 'Turn off' }).click();
    await expect.poll(() => state().textContent()).toBe('Off — version 2');
    await retypeName('Deal alert v3');
    await expect.poll(() => state().textContent()).toBe('Off — version 2 · Unpublished changes');
    await page.getByRole('button', { name: 'Turn on' }).click();
    const dialog = page.getByRole('dialog', { name: 'Which version should run?' });
    await dialog.waitFor();
    const live = dialog.getByRole('button', { name: 'Run version 2 as published' });
    expect(await isFocused(live)).toBe(true);
    await expect.poll(() => dialog.getByTestId('changes').textContent()).toContain('Workflow renamed from “Deal alert v2” to “Deal alert v3”');
    await shot(page, 'drafts-choose-version');
    await page.keyboard.press('Enter');
    await page.getByText('Version 2 runs as published; the draft was not published.').waitFor();
    await expect.poll(() => state().textContent()).toBe('Live — version 2 · Unpublished changes');
    expect(await versionCount()).toBe(2);
  });

  it('the list switch asks too; choosing the draft publishes it and focus stays on the switch', async () => {
    await page.getByRole('link', { name: '← Workflows' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Deal alert v3' });
    await row.getByText('Unpublished changes').waitFor();
    const sw = page.getByRole('switch', { name: 'Active: Deal alert v3' });
    await sw.click();
    await expect.poll(() => sw.isChecked()).toBe(false);
    await sw.click();
    const dialog = page.getByRole('dialog', { name: 'Which version should run?' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('changes').locator(':scope > li').count()).toBe(1);
    expect(await seriousAxeFindings(page)).toEqual([]);
    await at390('drafts-list-choose');
    await dialog.getByRole('button', { name: 'Publish the draft as version 3 and run it' }).click();
    await page.getByText('Published version 3; it runs from now on.').waitFor();
    await expect.poll(() => sw.isChecked()).toBe(true);
    await expect.poll(() => isFocused(page.getByRole('switch', { name: 'Active: Deal alert v3' }))).toBe(true);
    expect(await versionCount()).toBe(3);
  });

  it('an old version opens read-only in the flow drawing, compares with another, and restores into the draft unpublished', async () => {
    await page.getByRole('link', { name: 'Deal alert v3' }).click();
    await page.getByRole('link', { name: 'View version 1' }).click();
    await page.getByRole('heading', { name: 'Version 1 of “Deal alert”' }).waitFor();
    await page.getByTestId('version-step-extra').getByText('Second note').waitFor();
    expect(await page.locator('.version-view input, .version-view textarea').count()).toBe(0);
    const list = page.getByTestId('changes');
    await expect.poll(() => list.textContent()).toContain('Removed “Second note”');
    const compare = page.getByLabel('Compare version 1 with');
    await compare.focus();
    await compare.selectOption('2');
    await expect
      .poll(() => list.locator(':scope > li').allTextContents())
      .toEqual([
        'Workflow renamed from “Deal alert” to “Deal alert v2”',
        'Removed “Second note” (Create record) (it was after “Make a note” in the main flow)',
      ]);
    await shot(page, 'drafts-version-view');
    expect(await seriousAxeFindings(page)).toEqual([]);
    await at390('drafts-version-view');

    await page.getByRole('button', { name: 'Restore into the draft' }).click();
    const confirm = page.getByRole('alertdialog').getByRole('button', { name: 'Restore into the draft' });
    expect(await isFocused(confirm)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/settings/workflows/${wfId}$`));
    await expect.poll(() => state().textContent()).toBe('Live — version 3 · Unpublished changes');
    expect(await page.getByLabel('Workflow name').inputValue()).toBe('Deal alert');
    await page.locator('#card-extra').waitFor();
    expect(await versionCount()).toBe(3);
  });
});
