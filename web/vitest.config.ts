import { defineProject } from 'vitest/config';
import solid from 'vite-plugin-solid';

export default defineProject({
  plugins: [solid()],
  test: {
    name: 'web',
    root: './web',
    include: ['test/**/*.test.{ts,tsx}'],
    exclude: ['test/e2e/**'],
    environment: 'jsdom',
    // Form interactions in jsdom take a second or two on a loaded machine.
    testTimeout: 20_000,
  },
  resolve: { conditions: ['development', 'browser'] },
});
