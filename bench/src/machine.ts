import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { findTemporalCli, PG_BIN } from '@conduit/local/testing';
import type { Machine } from './report/model';

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${type()} ${release()}`,
    loadAvg: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function tryRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    return `unavailable (${(e as Error).message.split('\n')[0]})`;
  }
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(join(import.meta.dirname, '../../worker/package.json'));
    const pkg = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

export function describeVersions(): Record<string, string> {
  const temporal = findTemporalCli();
  return {
    node: process.version,
    'temporal CLI (dev server)': temporal ? tryRun(temporal, ['--version']).replace(/^temporal version /, '') : 'not found',
    'Temporal TypeScript SDK': packageVersion('@temporalio/worker'),
    postgresql: tryRun(join(PG_BIN, 'postgres'), ['--version']).replace(/^postgres \(PostgreSQL\) /, ''),
    autocannon: packageVersion('autocannon'),
  };
}
