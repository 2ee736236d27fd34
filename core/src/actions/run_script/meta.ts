import { defineActionMeta } from '../define';
import type { RunScriptAction } from './schema';

/**
 * Local activities are fast but only see a cancel at the next workflow-task heartbeat (seconds),
 * so a script allowed to run long goes through a regular, heartbeating activity instead.
 */
export const LOCAL_SCRIPT_MAX_CPU_MS = 2_000;

export const runScriptMeta = defineActionMeta<RunScriptAction>({
  type: 'run_script',
  label: 'Run script',
  description: 'Run JavaScript in a sandbox.',
  idBase: 'script',
  placement: (a) => (a.cpuMs > LOCAL_SCRIPT_MAX_CPU_MS ? 'activity' : 'local'),
  // A script may have effects of its own making (its output feeds later steps): never re-run unasked.
  retry: { maxAttempts: 1, initialIntervalMs: 1_000, backoffCoefficient: 2, maxIntervalMs: 10_000 },
  timeoutMs: (a) => a.cpuMs + 30_000,
  // The code is data for the sandbox, never a template.
  rawFields: ['code'],
  structuralFields: [],
  receivesRunContext: true,
  fieldLabels: { code: 'Code', memoryMb: 'Memory (MB)', cpuMs: 'CPU time (ms)' },
  summary: (a) => {
    const first =
      a.code
        .split('\n')
        .find((l) => l.trim() !== '')
        ?.trim() ?? '';
    return `Run a script${first ? `: ${first.length > 50 ? `${first.slice(0, 49)}…` : first}` : ''}`;
  },
});
