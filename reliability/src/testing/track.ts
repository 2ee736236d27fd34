import { afterAll, afterEach } from 'vitest';
import { createRecorder, type Recorder } from '../results';

/**
 * A recorder for one test file: every test's outcome becomes a check (an `it.fails` test is a
 * known failure, reported with its bug), and the figures are written when the file ends.
 */
export function trackFamily(meta: Parameters<typeof createRecorder>[0]): Recorder {
  const rec = createRecorder(meta);
  afterEach((ctx) => {
    const t = ctx.task;
    const failed = t.result?.state === 'fail' || (t.result?.errors?.length ?? 0) > 0;
    // The describe name tells the PGlite and PostgreSQL runs of one test apart.
    const name = t.suite?.name ? `${t.suite.name}: ${t.name}` : t.name;
    rec.check(name, t.fails ? 'known_failure' : failed ? 'failed' : 'passed');
  });
  afterAll(() => {
    rec.write();
  });
  return rec;
}
