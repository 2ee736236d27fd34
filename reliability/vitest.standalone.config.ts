import { defineConfig } from 'vitest/config';

/**
 * Runs only the reliability suite with the shared services (PostgreSQL, Temporal, moto) started by
 * the root global setup: `npx vitest run --config reliability/vitest.standalone.config.ts`.
 */
export default defineConfig({
  test: {
    globalSetup: [new URL('../local/src/testing/global-setup.ts', import.meta.url).pathname],
    projects: [new URL('./vitest.config.ts', import.meta.url).pathname],
  },
});
