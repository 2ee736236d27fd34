import { parse } from 'acorn';

export type ScriptSyntaxError = { line: number; column: number; message: string };

/** The script runs as the body of `async function (input) { … }`; this prefix makes it parse the same way. */
const PREFIX = '(async function (input) {\n';

/**
 * The first syntax error of a script, with its line and column in the script as written (1-based),
 * or null. The one check both the builder (as you type) and the API (at save, 400) apply; acorn runs
 * in node and in the browser.
 */
export function scriptSyntaxError(code: string): ScriptSyntaxError | null {
  try {
    parse(`${PREFIX}${code}\n})`, { ecmaVersion: 'latest', sourceType: 'script' });
    return null;
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    const raw = e instanceof Error ? e.message : String(e);
    // acorn appends " (line:column)" for the wrapped source; the position is given separately, in the script's own lines.
    const message = raw.replace(/\s*\(\d+:\d+\)$/, '');
    const line = Math.max(1, (loc?.line ?? 2) - 1);
    return { line, column: (loc?.column ?? 0) + 1, message };
  }
}

/** "syntax error at line 2, column 8: Unexpected token" */
export const describeSyntaxError = (e: ScriptSyntaxError) => `syntax error at line ${e.line}, column ${e.column}: ${e.message}`;
