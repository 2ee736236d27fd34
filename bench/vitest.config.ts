import { defineConfig } from 'vitest/config';

// The bench's own unit tests (statistics, report writing, the load generator against a real local server).
export default defineConfig({
  test: { name: 'bench', root: import.meta.dirname, include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 60_000 },
});
