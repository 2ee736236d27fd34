/**
 * The whole app under its Content-Security-Policy in headless Chromium, against the real local
 * stack: a person signs in, opens the workflow list, builds and publishes a workflow in the editor,
 * triggers it, and reads the run. Every `securitypolicyviolation` event and every console error is
 * collected on every page; none may be reported. The headers themselves are checked on what the
 * browser received.
 */
import type { Locator, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, shot, startWebStack, type Stack } from './browser';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
const problems: string[] = [];
const documents: Response[] = [];

async function typeInto(field: Locator, text: string) {
  await field.click();
  await field.pressSequentially(text);
  await expect(field.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
}

/** Violations reported inside the page since the last call (the listener is installed before any script runs). */
async function violations(): Promise<string[]> {
  return page.evaluate(() => {
    const w = window as unknown as { __csp?: string[] };
    const out = w.__csp ?? [];
    w.__csp = [];
    return out;
  });
}

beforeAll(async () => {
  stack = await startWebStack();
  browser = await openBrowser();
  page = browser.page;
  page.setDefaultTimeout(20_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await browser.context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.request().resourceType() === 'document') documents.push(r);
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the app under its Content-Security-Policy', () => {
  it('serves the app with the policy, and the policy forbids inline script and framing', async () => {
    const res = await page.goto(`${stack.url}/`);
    const csp = res!.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res!.headers()['x-frame-options']).toBe('DENY');
    expect(res!.headers()['referrer-policy']).toBe('no-referrer');
    expect(res!.headers()['x-content-type-options']).toBe('nosniff');
    // The policy is live: an inline script the page tries to add is refused and reported.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.append(s);
    });
    await page.waitForFunction(() => ((window as unknown as { __csp: string[] }).__csp ?? []).length > 0);
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
    expect((await violations()).join('\n')).toContain('script-src');
    problems.length = 0; // the refused script's console report is this test's own doing
  });

  it('signs in, lists workflows, builds and publishes one, triggers it and reads the run, with no violation', async () => {
    await page.waitForURL(/\/login/);
    await typeInto(page.getByLabel('Email', { exact: true }), stack.login.email);
    await typeInto(page.getByLabel('Password', { exact: true }), stack.login.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Workflows' }).waitFor();
    expect(await violations()).toEqual([]);

    await page.getByRole('button', { name: 'New workflow' }).click();
    await page.waitForURL(/\/settings\/workflows\/[^/]+$/);
    const name = page.getByLabel('Workflow name', { exact: true });
    await name.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('CSP check');
    await page.locator('#card-trigger').click();
    await page.getByLabel('When', { exact: true }).selectOption('webhook');
    // The "+" at the end of the flow, then "Create record" from its menu: the form opens beside the flow.
    await page.locator('.flow > .flow-list > .flow-tail .edge-add').click();
    const menu = page.getByRole('dialog', { name: 'Add a step' });
    await menu.getByRole('textbox').pressSequentially('Creat');
    await menu.locator('.picker-item', { has: page.locator('strong', { hasText: /^Create record$/ }) }).click();
    const object = page.locator('#step-panel').getByLabel('Object', { exact: true });
    await typeInto(object, 'ping');
    await shot(page, 'csp-editor');
    expect(await violations()).toEqual([]);
    await page.getByRole('button', { name: /^Publish/ }).click();
    await page
      .getByText(/published|active/i)
      .first()
      .waitFor();
    expect(await violations()).toEqual([]);

    // Trigger it through its public hook, then read the run as a person would.
    const ws = /\/w\/([^/]+)\//.exec(page.url())![1]!;
    const id = /\/settings\/workflows\/([^/]+)$/.exec(page.url())![1]!;
    // The text waited for above can be on the page before the publish has committed (a CI run read
    // the workflow while its hook was still unset): wait for the hook itself.
    const hookPathOf = async () =>
      ((await (await page.request.get(`${stack.url}/api/workspaces/${ws}/workflows/${id}`)).json()) as { hookPath: string | null }).hookPath;
    await expect.poll(hookPathOf, { timeout: 10_000 }).toBeTruthy();
    const hookPath = (await hookPathOf())!;
    const hook = await page.request.post(`${stack.url}${hookPath}`, { data: { hello: 'csp' } });
    expect(hook.status()).toBe(202);
    expect(hook.headers()['content-security-policy']).toContain("default-src 'none'");

    await page.getByRole('link', { name: 'Runs' }).first().click();
    await page.waitForURL(/\/settings\/runs/);
    const run = page.getByRole('link', { name: /CSP check/ }).first();
    await run.waitFor({ timeout: 60_000 });
    await run.click();
    await page.waitForURL(/\/settings\/runs\/[^/]+$/);
    await page.getByText('completed').first().waitFor({ timeout: 60_000 });
    await shot(page, 'csp-run');
    expect(await violations()).toEqual([]);

    // A full load of each kind of page too (not only client-side navigation).
    for (const path of [`/w/${ws}/settings/workflows`, `/w/${ws}/settings/workflows/${id}`, `/w/${ws}/settings/runs`, `/w/${ws}/records/deal`]) {
      await page.goto(`${stack.url}${path}`);
      await page.waitForLoadState('networkidle');
      expect({ path, violations: await violations() }).toEqual({ path, violations: [] });
    }
    expect(problems).toEqual([]);
    for (const d of documents) expect(d.headers()['content-security-policy'], d.url()).toContain("frame-ancestors 'none'");
  });
});
