import { describe, expect, it } from 'vitest';
import { loadConfig } from '@conduit/core/config';
import { seedDemo } from '@conduit/core/domain';
import { createApp } from '../src/app';
import { buildDeps } from '../src/deps';
import { testEnv } from '../../local/src/testing/env';

describe('buildDeps', () => {
  it('wires a working app from configuration alone (PGlite in memory, real Temporal address)', async () => {
    const deps = await buildDeps(loadConfig({ DATABASE_URL: 'memory://', ENCRYPTION_KEY: 'c'.repeat(64), TEMPORAL_ADDRESS: testEnv.temporalAddress() }));
    try {
      expect(deps.queue.kind).toBe('in-process');
      const app = createApp(deps);
      expect((await app.request('/api/health')).status).toBe(200);
      const login = await seedDemo(deps.db);
      const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: login.email, password: login.password }) });
      expect(res.status).toBe(200);
      // The Temporal client is lazy but real: it reaches the dev server on first use.
      await expect(deps.temporal.workflowService.getSystemInfo({})).resolves.toBeDefined();
    } finally {
      await deps.close();
    }
  }, 120_000);

  it('refuses to start without an encryption key', async () => {
    await expect(buildDeps(loadConfig({ DATABASE_URL: 'memory://' }))).rejects.toThrow(/ENCRYPTION_KEY/);
  });
});
