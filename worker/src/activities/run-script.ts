import { StepError, type ActionHandler } from './types';

/** Thrown errors carry the script's console lines so the step row keeps them. */
export class ScriptError extends StepError {
  constructor(
    message: string,
    readonly logs: string[],
    readonly line: number | null,
  ) {
    super(message);
  }
}

export const runScriptAction: ActionHandler<'run_script'> = async (action, ctx, deps) => {
  const r = await deps.sandbox.run({
    code: action.code,
    input: ctx.scriptInput ?? { trigger: null, steps: {} },
    memoryMb: action.memoryMb,
    cpuMs: action.cpuMs,
    signal: ctx.signal,
  });
  if (!r.ok) throw new ScriptError(r.error, r.logs, r.line);
  // The output is the script's value itself, so {{steps.<id>.output.x}} reads what the script returned.
  return { output: r.value, logs: r.logs };
};
