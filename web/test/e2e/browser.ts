import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

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

/** axe-core's serious and critical findings on the page as it is ("rule (nodes)"). */
export async function seriousAxeFindings(page: Page): Promise<string[]> {
  // Evaluated, not added as a script tag: the app's CSP (no inline script) blocks an injected tag.
  await page.evaluate(readFileSync(AXE_SOURCE, 'utf8'));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string | null; nodes: unknown[] }[] }> } }).axe;
    const r = await axe.run();
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length})`);
  });
}

/** How far the page scrolls sideways at its current width (0: not at all). */
export const sidewaysOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** Sideways scroll (px) at each width, with a screenshot of each: all zeros is the goal. */
export async function overflowAtWidths(page: Page, name: string, widths = [1440, 390]): Promise<Record<number, number>> {
  const out: Record<number, number> = {};
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    out[width] = await sidewaysOverflow(page);
    await shot(page, `${name}-${width}px`);
  }
  return out;
}
