import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseKey } from '@conduit/core/crypto';

/** Where the local stack keeps its state; one folder, so deleting it is a full reset. */
export type DataPaths = { root: string; pglite: string; temporalDb: string; secretKey: string };

function dataPaths(dataDir: string): DataPaths {
  const root = resolve(dataDir);
  return {
    root,
    pglite: join(root, 'pglite'),
    temporalDb: join(root, 'temporal.db'),
    secretKey: join(root, 'secret.key'),
  };
}

export function ensureDataDir(dataDir: string): DataPaths {
  const paths = dataPaths(dataDir);
  mkdirSync(paths.root, { recursive: true, mode: 0o700 });
  return paths;
}

/**
 * The key that seals secrets at rest. Generated on the first start and kept beside the data it
 * protects, readable by the owner only: losing it would make every stored secret unreadable.
 */
export function loadOrCreateEncryptionKey(file: string): string {
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    parseKey(key); // a damaged key file must stop the start, not silently replace the key
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return key;
  }
  const key = randomBytes(32).toString('base64');
  // 'wx' fails if another start wrote the file in the meantime, instead of overwriting its key.
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
