import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKey } from '@conduit/core/crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDataDir, loadOrCreateEncryptionKey } from '../src/data-dir';
import { loadLocalEnv } from '../src/local-env';
import { webBuildState } from '../src/web-build';

const root = mkdtempSync(join(tmpdir(), 'conduit-datadir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the data folder', () => {
  it('holds PGlite, the Temporal file and the key; the key is made once, owner-only, and kept', () => {
    const paths = ensureDataDir(join(root, 'a', '.data'));
    expect(paths.pglite).toBe(join(paths.root, 'pglite'));
    expect(paths.temporalDb).toBe(join(paths.root, 'temporal.db'));
    const key = loadOrCreateEncryptionKey(paths.secretKey);
    expect(parseKey(key)).toHaveLength(32);
    expect(statSync(paths.secretKey).mode & 0o777).toBe(0o600);
    expect(loadOrCreateEncryptionKey(paths.secretKey)).toBe(key);
    // A key file someone made world-readable is tightened, not replaced.
    chmodSync(paths.secretKey, 0o644);
    expect(loadOrCreateEncryptionKey(paths.secretKey)).toBe(key);
    expect(statSync(paths.secretKey).mode & 0o777).toBe(0o600);
  });

  it('refuses a damaged key instead of silently making a new one (that would orphan every stored secret)', () => {
    const file = join(ensureDataDir(join(root, 'b')).root, 'secret.key');
    writeFileSync(file, 'not a key\n', { mode: 0o600 });
    expect(() => loadOrCreateEncryptionKey(file)).toThrow(/ENCRYPTION_KEY must be 32 bytes/);
    expect(readFileSync(file, 'utf8')).toBe('not a key\n');
  });
});

describe('launcher settings', () => {
  it('has defaults and names a bad value', () => {
    expect(loadLocalEnv({})).toMatchObject({ HOST: '127.0.0.1', TEMPORAL_DEV_PORT: 7233, TEMPORAL_DEV_UI_PORT: 8233, SERVE_WEB: true, RUN_WORKER: true });
    expect(loadLocalEnv({ SERVE_WEB: 'false', TEMPORAL_DEV_PORT: '9000' })).toMatchObject({ SERVE_WEB: false, TEMPORAL_DEV_PORT: 9000 });
    expect(loadLocalEnv({ RUN_WORKER: 'false' })).toMatchObject({ RUN_WORKER: false });
    expect(() => loadLocalEnv({ TEMPORAL_DEV_PORT: 'seventy' })).toThrow(/TEMPORAL_DEV_PORT/);
    expect(() => loadLocalEnv({ RUN_WORKER: 'no' })).toThrow(/RUN_WORKER/);
  });
});

describe('the web build check', () => {
  it('tells absent, missing, stale and fresh apart', () => {
    const repo = join(root, 'repo');
    mkdirSync(join(repo, 'web/src'), { recursive: true });
    expect(webBuildState(repo)).toBe('absent');
    writeFileSync(join(repo, 'web/index.html'), '<!doctype html>');
    writeFileSync(join(repo, 'web/src/main.tsx'), 'export {}');
    expect(webBuildState(repo)).toBe('missing');
    mkdirSync(join(repo, 'web/dist'));
    writeFileSync(join(repo, 'web/dist/index.html'), 'built');
    const past = new Date(Date.now() - 60_000);
    for (const f of ['web/index.html', 'web/src/main.tsx', 'web/src']) utimesSync(join(repo, f), past, past);
    expect(webBuildState(repo)).toBe('fresh');
    writeFileSync(join(repo, 'web/src/main.tsx'), 'export const changed = 1');
    expect(webBuildState(repo)).toBe('stale');
  });
});
