import { describe, expect, it } from 'vitest';
import { initialSize } from '../../scripts/size';

// Issue 18: the first load stays ≤ 100 KB of gzipped JavaScript; what only a click or a route
// opens is lazy. Checked on the build the browser tests run against, so a regression fails CI.
// Loaded like the stack in the other browser tests: the web package does not depend on local's types.
const WEB_BUILD_MODULE = '@conduit/local/web-build';
const ensureWebBuild = async (): Promise<unknown> =>
  ((await import(/* @vite-ignore */ WEB_BUILD_MODULE)) as { ensureWebBuild: () => Promise<unknown> }).ensureWebBuild();

describe('web bundle budget', () => {
  it('the initial JavaScript (entry chunk and its static imports) is at most 100 KB gzipped', async () => {
    await ensureWebBuild();
    const size = initialSize();
    expect(size.files.length).toBeGreaterThan(0);
    expect(Math.round(size.jsGzipBytes / 1024)).toBeLessThanOrEqual(100);
  });
});
