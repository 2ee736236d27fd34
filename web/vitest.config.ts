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
  },
  resolve: { conditions: ['development', 'browser'] },
});
