import { formatPath, walkActions, type ApiError, type WorkflowAction } from '../definition';
import { describeSyntaxError, scriptSyntaxError } from '../actions/run_script/syntax';

/**
 * Scripts that do not parse, with the line and column of the first error in each: the API answers
 * 400 at save. A module of its own, imported only where definitions are stored, so the parser
 * (acorn) never rides along with code that only reads definitions; the builder's code editor loads
 * the same check on demand (`@conduit/core/script-syntax`).
 */
export function validateScripts(actions: readonly WorkflowAction[]): ApiError[] {
  const errors: ApiError[] = [];
  walkActions(actions, (a, p) => {
    if (a.type !== 'run_script') return;
    const e = scriptSyntaxError(a.code);
    if (e) errors.push({ code: 'invalid_script', message: describeSyntaxError(e), path: formatPath(['actions', ...p, 'code']) });
  });
  return errors;
}
