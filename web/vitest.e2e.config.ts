import { defineProject } from 'vitest/config';

/**
 * End-to-end tests in headless Chromium against the real local stack (`startStack`): slow, so
 * they are a project of their own. Run: `npx vitest run --config web/vitest.e2e.config.ts`
 * (or `--project web-e2e` once the root config lists this file).
 */
export default defineProject({
  test: {
    name: 'web-e2e',
    root: './web',
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
