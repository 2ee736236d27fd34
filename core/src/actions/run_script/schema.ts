import { z } from 'zod';
import { actionBase } from '../common';

export const SCRIPT_LIMITS = { memoryMb: { default: 64, max: 256 }, cpuMs: { default: 1_000, max: 10_000 } } as const;

export const RunScriptActionSchema = z.object({
  ...actionBase,
  type: z.literal('run_script'),
  /** Body of an async function; `input` is { trigger, steps }; the return value is the step's output. */
  /** Its syntax is checked beside the schema (`validateScripts`), so the parser stays out of code that only reads definitions. */
  code: z.string().min(1, 'write some code').max(100_000),
  memoryMb: z.number().int().min(8).max(SCRIPT_LIMITS.memoryMb.max).default(SCRIPT_LIMITS.memoryMb.default),
  cpuMs: z.number().int().min(10).max(SCRIPT_LIMITS.cpuMs.max).default(SCRIPT_LIMITS.cpuMs.default),
});

export type RunScriptAction = z.infer<typeof RunScriptActionSchema>;
