/**
 * What must be stopped if the bench is interrupted: servers it started (PostgreSQL, Temporal,
 * stacks, n8n). Each registers here and unregisters when stopped normally.
 */
const pending = new Set<() => Promise<void>>();

export function onCleanup(fn: () => Promise<void>): () => void {
  pending.add(fn);
  return () => pending.delete(fn);
}

export async function cleanupAll(): Promise<void> {
  const fns = [...pending].reverse();
  pending.clear();
  for (const fn of fns) await fn().catch(() => {});
}

let installed = false;
export function stopOnSignals(): void {
  if (installed) return;
  installed = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      console.error(`\n[bench] ${sig}: stopping everything the bench started…`);
      const force = setTimeout(() => process.exit(130), 30_000);
      void cleanupAll().finally(() => {
        clearTimeout(force);
        process.exit(130);
      });
    });
  }
}
