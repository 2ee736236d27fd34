/**
 * Issue 17, approvals through a real browser against the real local stack: a run waits on
 * wait_for_approval; the admin's approve link, read from the dev inbox, is opened in a fresh
 * Chromium that is not signed in (the link is the credential), a comment typed key by key, the
 * approval confirmed, and the run goes on with the decision, who made it and the comment; the same
 * link opened again says it was used. A second run is rejected by the signed-in admin from the
 * Approvals page in the main navigation. Focus checked after each action; 1440 and 390 px looked
 * at (screenshots), no sideways scroll, no serious axe-core finding.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLayout, openBrowser, type Stack, startWebStack, typeInto } from './browser';

type Step = { actionId: string; status: string; output: unknown };
type Execution = { id: string; status: string; steps?: Step[] };
type Mail = { executionId: string | null; to: string[]; subject: string; text: string | null };

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let ws = '';
let workflowId = '';
const WORKFLOW = 'Refund approval';

const focused = (p: Page) =>
  p.evaluate(() => ({
    tag: document.activeElement?.tagName.toLowerCase() ?? '',
    role: document.activeElement?.getAttribute('role') ?? '',
    text: document.activeElement?.textContent?.trim() ?? '',
  }));

/** The API as the signed-in browser (same cookie). */
async function apiCall(method: 'GET' | 'POST', path: string, data?: unknown) {
  const r = await page.request.fetch(`${stack.url}/api/workspaces/${ws}${path}`, { method, ...(data === undefined ? {} : { data }) });
  expect(r.status(), `${method} ${path}: ${await r.text()}`).toBeLessThan(300);
  return r.json();
}

async function startRun(amount: number): Promise<string> {
  const run = (await apiCall('POST', `/workflows/${workflowId}/run`, { payload: { amount } })) as Execution;
  return run.id;
}

/** The run once its approval step is waiting (so the approval row and its mail exist). */
async function waitingOnApproval(runId: string) {
  await expect
    .poll(async () => ((await apiCall('GET', `/executions/${runId}`)) as Execution).steps?.find((s) => s.actionId === 'ask')?.status, { timeout: 45_000 })
    .toBe('running');
}

async function finished(runId: string): Promise<Execution> {
  await expect
    .poll(async () => ((await apiCall('GET', `/executions/${runId}`)) as Execution).status, { timeout: 45_000 })
    .toMatch(/^(completed|failed|cancelled)$/);
  return (await apiCall('GET', `/executions/${runId}`)) as Execution;
}

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

describe('approvals in the browser', () => {
  it('sets up a published workflow that waits for the admin', async () => {
    await page.goto(`${stack.url}/login`);
    await typeInto(page.getByLabel('Email', { exact: true }), stack.login.email);
    await typeInto(page.getByLabel('Password', { exact: true }), stack.login.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Workflows' }).waitFor();
    ws = /\/w\/([^/]+)\//.exec(page.url())![1]!;
    const wf = await apiCall('POST', '/workflows', {
      name: WORKFLOW,
      trigger: { type: 'manual' },
      actions: [
        { id: 'ask', type: 'wait_for_approval', approvers: ['admin'], message: 'Refund {{trigger.payload.amount}} EUR?', timeout: '10m', onTimeout: 'reject' },
      ],
    });
    workflowId = wf.id;
    await apiCall('POST', `/workflows/${workflowId}/activate`, {});
  });

  it('the emailed approve link, opened without signing in, approves once with a typed comment', async () => {
    const runId = await startRun(120);
    await waitingOnApproval(runId);
    // The step is running before its activity has sent the mail: wait for the mail itself.
    const mailOf = async () => ((await apiCall('GET', '/dev-mail')).items as Mail[]).find((m) => m.executionId === runId);
    await expect.poll(mailOf, { timeout: 30_000 }).toBeTruthy();
    const mail = await mailOf();
    expect(mail).toMatchObject({ to: [stack.login.email.toLowerCase()], subject: `Approval needed: ${WORKFLOW}` });
    expect(mail!.text).toContain('Refund 120 EUR?');
    const approveUrl = /^Approve:\s*(\S+)$/m.exec(mail!.text ?? '')?.[1];
    expect(approveUrl).toMatch(/\/approvals\/[A-Za-z0-9_-]{40,}$/);

    // Another person's browser: a fresh profile with no session.
    const outside = await openBrowser();
    try {
      const p = outside.page;
      p.setDefaultTimeout(20_000);
      await p.setViewportSize({ width: 1440, height: 900 });
      await p.goto(approveUrl!);
      await p.getByRole('heading', { name: 'Approve this request?', level: 1 }).waitFor();
      expect(p.url()).toBe(approveUrl);
      await p.getByText(`Workflow ${WORKFLOW} · for ${stack.login.email.toLowerCase()}`).waitFor();
      await expect(p.locator('blockquote').textContent()).resolves.toBe('Refund 120 EUR?');
      // Opening the link decided nothing (mail scanners open links too).
      expect(((await apiCall('GET', `/executions/${runId}`)) as Execution).status).toBe('running');
      await typeInto(p.getByLabel('Comment (optional)'), 'Fine, the customer is a regular.');
      await checkLayout(p, 'approvals-link-open');
      await p.getByRole('button', { name: 'Confirm approval' }).click();
      const done = p.getByRole('status');
      await done.getByText('Approved. The run goes on; you can close this page.').waitFor();
      await p.getByRole('heading', { name: 'Approved', level: 1 }).waitFor();
      await expect(focused(p)).resolves.toMatchObject({ role: 'status', text: 'Approved. The run goes on; you can close this page.' });
      await checkLayout(p, 'approvals-link-approved');

      const run = await finished(runId);
      expect(run.status).toBe('completed');
      expect(run.steps?.find((s) => s.actionId === 'ask')?.output).toMatchObject({
        decision: 'approved',
        by: stack.login.email.toLowerCase(),
        comment: 'Fine, the customer is a regular.',
        timedOut: false,
      });

      // The same link again, as after a second click in the email.
      await p.goto(approveUrl!);
      await p.getByRole('alert').getByText('This link was already used.').waitFor();
      // No longer a question that can be answered.
      await p.getByRole('heading', { name: 'Approval request', level: 1 }).waitFor();
      await expect.poll(() => p.getByRole('button', { name: 'Confirm approval' }).count()).toBe(0);
      await expect.poll(() => p.getByLabel('Comment (optional)').count()).toBe(0);
      await checkLayout(p, 'approvals-link-used');
    } finally {
      await outside.close();
    }
  });

  it('the signed-in admin rejects a second run from Approvals in the navigation, with a typed comment', async () => {
    const runId = await startRun(900);
    await waitingOnApproval(runId);
    await page.goto(`${stack.url}/w/${ws}/settings/workflows`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Approvals', exact: true }).click();
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    const card = page.getByRole('listitem').filter({ hasText: 'Refund 900 EUR?' });
    await card.getByRole('heading', { name: WORKFLOW }).waitFor();
    await expect(card.getByRole('link', { name: 'see the run' }).getAttribute('href')).resolves.toBe(`/w/${ws}/settings/runs/${runId}`);
    await typeInto(card.getByLabel('Comment (optional)'), 'Too much for one order.');
    await checkLayout(page, 'approvals-page-pending');
    await card.getByRole('button', { name: 'Reject' }).click();
    const outcome = `Rejected: ${WORKFLOW}. The run goes on.`;
    await page.getByRole('status').getByText(outcome).waitFor();
    // The card that had focus is gone: focus lands on the outcome, not the top of the page.
    await expect(focused(page)).resolves.toMatchObject({ role: 'status', text: outcome });
    await page.getByText('Nothing is waiting for you.').waitFor();
    await checkLayout(page, 'approvals-page-decided');

    const run = await finished(runId);
    expect(run.status).toBe('completed');
    expect(run.steps?.find((s) => s.actionId === 'ask')?.output).toMatchObject({
      decision: 'rejected',
      by: stack.login.email.toLowerCase(),
      comment: 'Too much for one order.',
      timedOut: false,
    });
  });
});
