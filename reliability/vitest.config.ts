import { defineProject } from 'vitest/config';

/** The reliability project; the root config adds it to `projects` and its global setup starts the services. */
export default defineProject({
  test: {
    name: 'reliability',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // The soak test kills and restarts shared processes; keep files apart from each other.
    fileParallelism: false,
  },
});
