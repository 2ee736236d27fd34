/**
 * A team, used as people would in headless Chromium against the real local stack: the admin invites
 * a colleague (link shown once, copied), the colleague opens the link read from the dev inbox,
 * chooses a password (a weak one refused in words) and lands in the workspace as a member who can
 * read but not manage; the admin creates and revokes an API key, promotes and then removes the
 * member (each confirmed), and the removed member's session fails at once; the audit log shows it
 * all, filtered; the account page lists sessions. Typed key by key; focus checked after each
 * action; 1440 and 390 px looked at (screenshots), no sideways scroll, no serious axe-core finding.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLayout, openBrowser, type Stack, startWebStack, typeInto } from './browser';

let stack: Stack;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let page: Page;
let link = '';
let memberCookie = '';
const NEW_EMAIL = 'nia@acme.test';
const NEW_PASSWORD = 'plum-orbit-cactus-42';

const focused = () => page.evaluate(() => ({ id: document.activeElement?.id ?? '', text: document.activeElement?.textContent?.trim() ?? '' }));

async function signIn(email: string, password: string) {
  await page.goto(`${stack.url}/login`);
  await typeInto(page.getByLabel('Email', { exact: true }), email);
  await typeInto(page.getByLabel('Password', { exact: true }), password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Workflows' }).waitFor();
}
const settings = async (link: string, heading: string) => {
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
};
async function confirmDialog(button: string) {
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor();
  // The dialog puts focus on its confirming button.
  expect((await focused()).text).toBe(button);
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
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

describe('a team in the browser', () => {
  it('the admin invites a colleague; the link is shown once with a copy button, and listed as pending', async () => {
    await signIn(stack.login.email, stack.login.password);
    await settings('Members', 'Members');
    await typeInto(page.getByLabel('Email', { exact: true }), NEW_EMAIL);
    await page.getByLabel('Role', { exact: true }).selectOption('member');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    const box = page.getByLabel(`Invitation link for ${NEW_EMAIL}`);
    await box.waitFor();
    link = await box.inputValue();
    expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{40,}$/);
    expect((await focused()).text).toBe('Copy');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(link);
    await page.getByRole('row', { name: new RegExp(NEW_EMAIL) }).waitFor();
    await checkLayout(page, 'team-members-invited');
    await page.getByRole('button', { name: 'Done' }).click();
    expect((await focused()).id).toBe('invite-email');
    await expect.poll(() => page.getByLabel(`Invitation link for ${NEW_EMAIL}`).count()).toBe(0);
  });

  it('the colleague opens the link from the dev inbox, a weak password is refused in words, then joins as a member', async () => {
    await settings('Dev inbox', 'Dev inbox');
    const mail = page.locator('.mail-text', { hasText: '/invite/' }).first();
    const fromInbox = /https?:\/\/\S+\/invite\/[A-Za-z0-9_-]+/.exec((await mail.textContent()) ?? '')?.[0];
    expect(fromInbox).toBe(link);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);

    await page.goto(fromInbox!);
    await page.getByRole('heading', { name: 'Join Acme' }).waitFor();
    await expect.poll(() => page.getByText(`invited ${NEW_EMAIL} as a member`).count()).toBe(1);
    await checkLayout(page, 'team-accept-invite');
    await typeInto(page.getByLabel('Your name'), 'Nia New');
    await typeInto(page.getByLabel('Choose a password'), 'qwertyuiop');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Password: This password is one of the most common ones; choose another.');
    expect((await focused()).id).toBe('invite-password');
    await page.getByLabel('Choose a password').fill('');
    await typeInto(page.getByLabel('Choose a password'), NEW_PASSWORD);
    await page.getByRole('button', { name: 'Join Acme' }).click();
    await page.getByRole('heading', { name: 'Workflows' }).waitFor();
    memberCookie = (await page.context().cookies()).find((c) => c.name === 'conduit_session')!.value;
  });

  it('a member reads the members list but cannot invite, and has no API keys or audit log', async () => {
    await settings('Members', 'Members');
    await page.getByText('Only admins invite people and change roles.').waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Send invitation' }).count()).toBe(0);
    const sub = page.getByRole('navigation', { name: 'Settings' });
    await expect.poll(() => sub.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    await expect.poll(() => sub.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page.getByRole('row', { name: /Nia New \(you\)/ }).waitFor();
    await checkLayout(page, 'team-members-as-member');
    // Leave without signing out: the session must be ended by the removal, not by us.
    await page.context().clearCookies();
  });

  it('the admin creates an API key (shown once, copied) and revokes another, each confirmed', async () => {
    await signIn(stack.login.email, stack.login.password);
    await settings('API keys', 'API keys');
    for (const name of ['CRM sync', 'Old script']) {
      await typeInto(page.getByLabel('Name', { exact: true }), name);
      await page.getByLabel('Role', { exact: true }).selectOption('member');
      await page.getByLabel('Expires').selectOption('30');
      await page.getByRole('button', { name: 'Create key' }).click();
      const key = page.getByLabel(`The key “${name}”`);
      await key.waitFor();
      expect(await key.inputValue()).toMatch(/^cdk_/);
      expect((await focused()).text).toBe('Copy');
      await page.getByRole('button', { name: 'Copy', exact: true }).click();
      await page.getByRole('button', { name: 'Done' }).click();
      expect((await focused()).id).toBe('key-name');
    }
    const row = page.getByRole('row', { name: /CRM sync/ });
    await expect(row.textContent()).resolves.toMatch(/cdk_.*Active, expires.*Never.*Ada Admin/s);
    await page.getByRole('button', { name: 'Revoke Old script' }).click();
    await confirmDialog('Revoke');
    // The dialog closes before the list is fetched again: wait for the row to say so.
    await page.getByRole('row', { name: /Old script.*Revoked/s }).waitFor();
    expect((await focused()).id).toBe('keys-title');
    await checkLayout(page, 'team-api-keys');
  });

  it('the admin promotes, then removes the member (confirmed); the removed member’s session fails at once', async () => {
    await settings('Members', 'Members');
    await page.getByLabel('Role of Nia New').selectOption('admin');
    await confirmDialog('Make admin');
    // The list is fetched again after the dialog closes: wait for it rather than read it once.
    await expect.poll(() => page.getByLabel('Role of Nia New').inputValue()).toBe('admin');
    const before = await fetch(`${stack.url}/api/me`, { headers: { cookie: `conduit_session=${memberCookie}` } });
    expect(before.status).toBe(200);
    await page.getByRole('button', { name: 'Remove Nia New' }).click();
    await confirmDialog('Remove');
    await expect.poll(() => page.getByRole('row', { name: /Nia New/ }).count()).toBe(0);
    await expect.poll(async () => (await focused()).id).toBe('members-title');
    const after = await fetch(`${stack.url}/api/me`, { headers: { cookie: `conduit_session=${memberCookie}` } });
    expect(after.status).toBe(401);
  });

  it('the audit log shows who did what, filtered to members', async () => {
    await settings('Audit log', 'Audit log');
    await page.getByLabel('What').selectOption('member.');
    // The newest entry is a member one either way: wait for the filtered list itself, not for that cell.
    const table = async () => (await page.locator('table.audit').textContent()) ?? '';
    await expect.poll(table).not.toContain('Created the API key');
    const text = await table();
    // In words, not the stored codes.
    for (const a of ['Invited', 'Joined', 'Changed the role of', 'Removed']) expect(text).toContain(a);
    expect(text).not.toContain('member.');
    await typeInto(page.getByLabel('Who'), 'Nia');
    await page.keyboard.press('Enter');
    await page.waitForURL(/actor=Nia/);
    // The URL changes before the narrowed list arrives: wait for the list.
    await expect.poll(() => page.locator('table.audit tbody tr').count()).toBe(1);
    await checkLayout(page, 'team-audit-log');
  });

  it('the account page lists sessions with device and last seen, and signs out the others', async () => {
    await settings('Your account', 'Your account');
    await page.getByRole('cell', { name: /\(this browser\)/ }).waitFor();
    await expect.poll(() => page.getByRole('cell', { name: /Headless Chrome on Linux \(this browser\)/ }).count()).toBe(1);
    // A second session of the admin, as from a phone; the page lists it after a reload.
    const other = await fetch(`${stack.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1' },
      body: JSON.stringify({ email: stack.login.email, password: stack.login.password }),
    });
    const otherCookie = /conduit_session=([^;]+)/.exec(other.headers.get('set-cookie') ?? '')![1]!;
    await page.reload();
    await page.getByRole('cell', { name: /^Safari on iOS/ }).waitFor();
    await checkLayout(page, 'team-account');
    await page.getByRole('button', { name: 'Sign out of all other sessions' }).click();
    await confirmDialog('Sign out others');
    await page
      .getByRole('status')
      .filter({ hasText: /Signed out of \d+ other session/ })
      .waitFor();
    await expect.poll(async () => (await focused()).id).toBe('sessions-title');
    await expect.poll(() => page.getByRole('cell', { name: /^Safari on iOS/ }).count()).toBe(0);
    const gone = await fetch(`${stack.url}/api/me`, { headers: { cookie: `conduit_session=${otherCookie}` } });
    expect(gone.status).toBe(401);
  });
});
