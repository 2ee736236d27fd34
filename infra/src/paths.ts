import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the folder holding sst.config.ts. Found by walking up, because SST v2
 * bundles sst.config.ts (and these files) into .sst/ before running it, which moves import.meta.url.
 */
function findRepoRoot(): string {
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    let dir = start;
    for (;;) {
      if (existsSync(join(dir, 'sst.config.ts')) && existsSync(join(dir, 'functions'))) return dir;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error('cannot find the repository root (a folder with sst.config.ts and functions/)');
}

export const REPO_ROOT = findRepoRoot();
