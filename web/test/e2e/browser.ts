import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's chromium with a fresh profile (removed on close). CHROMIUM_PATH overrides the binary. */
export async function openBrowser(): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'conduit-chromium-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

/** Types into a field key by key, as a person does, and checks it kept focus and holds `expected`. */
export async function typeInto(field: Locator, text: string, expected = text): Promise<void> {
  await field.click();
  await field.pressSequentially(text);
  if (!(await field.evaluate((el) => el === document.activeElement))) throw new Error('the field lost focus while typing');
  const value = await field.inputValue();
  if (value !== expected) throw new Error(`the field holds ${JSON.stringify(value)}, not ${JSON.stringify(expected)}`);
}

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's serious and critical findings on the page as it is ("rule (nodes): first targets"). */
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

/** How far the page scrolls sideways (0: not at all), and when it does the innermost elements sticking out. */
export async function sidewaysOverflow(page: Page): Promise<{ overflow: number; wide: string[] }> {
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

/** Sideways scroll (px) at each width, with a screenshot of each: all zeros is the goal. */
export async function overflowAtWidths(page: Page, name: string, widths = [1440, 390]): Promise<Record<number, number>> {
  const out: Record<number, number> = {};
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    out[width] = (await sidewaysOverflow(page)).overflow;
    await shot(page, `${name}-${width}px`);
  }
  return out;
}

/** At 1440 and 390 px: a screenshot named `<name>-<width>px`, no sideways scroll; then axe-core finds nothing serious. */
export async function checkLayout(page: Page, name: string): Promise<void> {
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await shot(page, `${name}-${width}px`);
    expect({ width, ...(await sidewaysOverflow(page)) }).toEqual({ width, overflow: 0, wide: [] });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  expect(await seriousAxeFindings(page)).toEqual([]);
}

/** What the tests need from local/src/testing/stack.ts (loaded at run time so the web typecheck stays independent of the stack's). */
export type Stack = {
  url: string;
  stop(): Promise<void>;
  login: { email: string; password: string };
  /** The stack's own database, for what only an operator can do (limits). */
  database: { db: { execute(query: unknown): Promise<unknown> } };
};
type StartStack = (opts?: { web?: boolean | string; env?: Record<string, string | undefined> }) => Promise<Stack>;
const STACK_MODULE = '@conduit/local/testing/stack';

/** The whole product with the web build, on this process's environment plus `env`. */
export async function startWebStack(env: Record<string, string> = {}): Promise<Stack> {
  const { startStack } = (await import(/* @vite-ignore */ STACK_MODULE)) as { startStack: StartStack };
  return startStack({ web: true, env: { ...process.env, ...env } });
}
