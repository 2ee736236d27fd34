import { readFileSync } from 'node:fs';
/**
 * Every route of the web app (read from its router, so a new route fails here until it is visited),
 * in headless Chromium against the real local stack, at 390 and 1440 px: the page does not scroll
 * sideways (the scrolling element's scrollWidth ≤ clientWidth), axe-core finds nothing serious or
 * critical, and a screenshot of each is saved under web/test-results/screenshots (git-ignored).
 * Public pages are visited signed out, the workspace's signed in as its admin.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, shot } from './browser';
import { seriousAxeFindings, sidewaysOverflow, signIn, startWebStack, type Stack } from './person';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;

/** The route paths as App.tsx declares them, nested ones joined to their parent ("/w/:ws" + "/settings/runs"). */
function routerPaths(): string[] {
  const src = readFileSync(new URL('../../src/app/App.tsx', import.meta.url), 'utf8');
  const out: string[] = [];
  let parent = '';
  for (const raw of src.split('\n')) {
    const line = raw.trim();
    const m = /^(?:<Route\s+)?path="([^"]+)"/.exec(line);
    if (m) {
      const path = m[1]!;
      out.push(parent ? `${parent}${path === '/' ? '' : path}` : path);
      // A route with children: <Route path="/w/:ws" component={Shell}> (its line ends with '>', not '/>').
      if (line.endsWith('>') && !line.endsWith('/>')) parent = path;
    } else if (line === '</Route>') parent = '';
  }
  return out;
}

async function look(path: string, name: string, ready: () => Promise<unknown>) {
  await page.goto(`${stack.url}${path}`);
  await ready();
  await page.waitForLoadState('networkidle');
  for (const width of [390, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await shot(page, `route-${name}-${width}px`);
    expect({ path, width, ...(await sidewaysOverflow(page)) }).toEqual({ path, width, overflow: 0, wide: [] });
    expect({ path, width, axe: await seriousAxeFindings(page) }).toEqual({ path, width, axe: [] });
  }
}

beforeAll(async () => {
  stack = await startWebStack();
  browser = await openBrowser();
  page = browser.page;
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('every route at 390 and 1440 px', () => {
  const visited = new Set<string>();
  const heading = (name: string | RegExp) => () => page.getByRole('heading', { name }).first().waitFor();
  /** A page that has drawn something other than "Loading…". */
  const drawn = () => page.waitForFunction(() => /\w/.test(document.getElementById('root')?.textContent?.replace(/Loading…/g, '') ?? ''));

  it('the public pages, signed out', async () => {
    await look('/login', 'login', heading(/sign in/i));
    visited.add('/login');
    await look('/signup', 'signup', drawn);
    visited.add('/signup');
    await look('/invite/not-a-real-token', 'invite', drawn);
    visited.add('/invite/:token');
    await look('/approvals/not-a-real-token', 'approval-link', drawn);
    visited.add('/approvals/:token');
  });

  it('every workspace page, signed in as an admin', async () => {
    const ws = await signIn(page, stack.url, stack.login);
    visited.add('/');
    visited.add('/w/:ws');
    const api = async (method: string, path: string, data?: unknown) => {
      const res = await page.request.fetch(`${stack.url}${path}`, { method, data });
      expect({ path, status: res.status() < 300 }).toEqual({ path, status: true });
      return (await res.json()) as Record<string, unknown>;
    };
    // A workflow with a run, so the editor and the run view have something to show.
    const wf = (await api('POST', `/api/workspaces/${ws}/workflows`, {
      name: 'Every route',
      trigger: { type: 'webhook' },
      actions: [{ id: 'add', type: 'create_record', object: 'contact', data: { email: '{{trigger.body.email}}' } }],
    })) as { id: string };
    await api('POST', `/api/workspaces/${ws}/workflows/${wf.id}/activate`);
    const { hookPath } = (await api('GET', `/api/workspaces/${ws}/workflows/${wf.id}`)) as { hookPath: string };
    expect((await page.request.post(`${stack.url}${hookPath}`, { data: { email: 'route@example.com' } })).status()).toBe(202);
    let runId = '';
    await expect
      .poll(async () => {
        const runs = (await api('GET', `/api/workspaces/${ws}/executions?workflowId=${wf.id}`)) as { items: { id: string }[] };
        runId = runs.items[0]?.id ?? '';
        return runId;
      })
      .not.toBe('');

    const pages: [string, string, string, () => Promise<unknown>][] = [
      ['/w/:ws/settings/workflows', `/w/${ws}/settings/workflows`, 'workflows', heading('Workflows')],
      ['/w/:ws/settings/workflows/:id', `/w/${ws}/settings/workflows/${wf.id}`, 'editor', () => page.locator('#card-add').waitFor()],
      [
        '/w/:ws/settings/runs',
        `/w/${ws}/settings/runs`,
        'runs',
        () =>
          page
            .getByRole('link', { name: /Every route/ })
            .first()
            .waitFor(),
      ],
      ['/w/:ws/settings/runs/:id', `/w/${ws}/settings/runs/${runId}`, 'run', () => page.getByTestId('run-status').waitFor()],
      ['/w/:ws/settings/events', `/w/${ws}/settings/events`, 'events', heading(/Event log/i)],
      ['/w/:ws/settings/dev-mail', `/w/${ws}/settings/dev-mail`, 'dev-mail', heading(/Dev inbox/i)],
      ['/w/:ws/settings/members', `/w/${ws}/settings/members`, 'members', heading(/Members/i)],
      ['/w/:ws/settings/api-keys', `/w/${ws}/settings/api-keys`, 'api-keys', heading(/API keys/i)],
      ['/w/:ws/settings/audit', `/w/${ws}/settings/audit`, 'audit', heading(/Audit log/i)],
      ['/w/:ws/settings/account', `/w/${ws}/settings/account`, 'account', heading(/Your account/i)],
      ['/w/:ws/settings/secrets', `/w/${ws}/settings/secrets`, 'secrets', heading(/Secrets/i)],
      ['/w/:ws/settings/failure-alerts', `/w/${ws}/settings/failure-alerts`, 'failure-alerts', heading(/Failure alerts/i)],
      ['/w/:ws/records/:object?', `/w/${ws}/records/contact`, 'records', () => page.getByRole('cell').first().waitFor()],
      ['/w/:ws/approvals', `/w/${ws}/approvals`, 'approvals', heading(/Approvals/i)],
      ['/w/:ws/settings/retention', `/w/${ws}/settings/retention`, 'retention', heading(/Data retention/i)],
      ['/w/:ws/settings/usage', `/w/${ws}/settings/usage`, 'usage', heading(/Usage and limits/i)],
      // The workflow was activated above, so version 1 exists.
      [
        '/w/:ws/settings/workflows/:id/versions/:version',
        `/w/${ws}/settings/workflows/${wf.id}/versions/1`,
        'version',
        () => page.locator('#version-title').waitFor(),
      ],
    ];
    for (const [route, path, name, ready] of pages) {
      await look(path, name, ready);
      visited.add(route);
    }
    // Signed out, an unknown address goes to sign-in; signed in, it says so.
    await look('/nothing-here', 'not-found', () => page.getByText(/Page not found/).waitFor());
    visited.add('*');
  });

  it('visited every route the router declares', () => {
    expect(routerPaths().filter((p) => !visited.has(p))).toEqual([]);
  });
});
