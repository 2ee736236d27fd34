import { defineConfig } from 'vitest/config';

const node = (name: string, extra: Record<string, unknown> = {}) => ({
  extends: false as const,
  test: {
    name,
    root: `./${name}`,
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    ...extra,
  },
});

export default defineConfig({
  test: {
    globalSetup: ['./local/src/testing/global-setup.ts'],
    projects: [
      node('core'),
      node('functions'),
      node('worker'),
      node('local'),
      node('infra'),
      './web/vitest.config.ts',
      './web/vitest.e2e.config.ts',
      './bench/vitest.config.ts',
      './reliability/vitest.config.ts',
    ],
  },
});
