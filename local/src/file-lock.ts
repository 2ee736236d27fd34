import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** A lock file holding its owner's pid; a lock left by a dead process is taken over. */
export async function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let raw: string;
      try {
        raw = readFileSync(file, 'utf8');
      } catch {
        continue; // released between our attempt and the read: try again
      }
      const owner = Number(raw);
      // Empty: the owner has created the file but not yet written its pid; it is alive.
      if (raw !== '' && !isAlive(owner)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${file} (held by pid ${owner})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
