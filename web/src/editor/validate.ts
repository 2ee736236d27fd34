import {
  RAW_FIELDS,
  WorkflowDefinitionSchema,
  childListsOf,
  formatPath,
  secretProblems,
  stepsRunBefore,
  walkActions,
  type WorkflowAction,
  type Json,
} from '@conduit/core/definition';
import { extractReferences, parsePath, TEMPLATE_ROOTS } from '@conduit/core/expressions';
import { loopItemsProblems, validateStepReferences, validateTemplates } from '@conduit/core/api';
import type { z } from 'zod';
import type { Draft } from './draft';
import { issueSentence } from '../app/words';

export type Problems = Map<string, string>;

/** zod's union errors say "Invalid input"; the first branch's own issue says what is wrong, as a sentence. */
function messageOf(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const branch = issue.errors.find((b) => b.length > 0);
    const inner = branch?.[0];
    if (inner) {
      const nested = messageOf(inner);
      return { path: [...issue.path, ...nested.path], message: nested.message };
    }
  }
  return { path: issue.path, message: issueSentence(issue as Parameters<typeof issueSentence>[0]) };
}

/**
 * Every problem in the draft keyed by JSON path ("actions[1].then[0].url"), from the same
 * definition schema the API uses, plus references to steps that have not run yet and loops over
 * step outputs that are not lists.
 */
export function validateDraft(draft: Draft): Problems {
  const problems: Problems = new Map();
  const parsed = WorkflowDefinitionSchema.safeParse(draft);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const { path, message } = messageOf(issue);
      const key = formatPath(path);
      if (!problems.has(key)) problems.set(key, message);
    }
  }
  for (const [key, message] of referenceProblems(draft.actions)) if (!problems.has(key)) problems.set(key, message);
  // The API's own secret rules: no literal credentials, secrets only where they are resolved.
  if (parsed.success) for (const p of secretProblems(parsed.data.actions)) if (!problems.has(p.path)) problems.set(p.path, p.message);
  return problems;
}

/**
 * Ids of steps whose output is known when the action at `path` starts: the API's own rule
 * (`stepsRunBefore`, which `validateStepReferences` applies). Earlier siblings at every level and the
 * conditions enclosing the action; not a loop around it (its output comes once every item has run),
 * not steps inside an earlier condition's branches (the other branch may have run instead).
 */
export const earlierStepIds = (actions: readonly WorkflowAction[], path: readonly (string | number)[]): string[] => stepsRunBefore(actions, path);

/**
 * Template references that point at nothing the action can see. `{{steps.…}}` is checked by the
 * API's own rule (`validateStepReferences`); other roots must be `trigger`.
 */
function referenceProblems(actions: readonly WorkflowAction[]): Problems {
  const problems: Problems = new Map();
  // The API's message names the step and the field; at the field its `problem` says the rest.
  for (const e of validateStepReferences(actions)) if (!problems.has(e.path)) problems.set(e.path, e.problem);
  // A loop over a whole step output that is not a list (Find records' object, not its items): every run would fail.
  for (const e of loopItemsProblems(actions)) if (!problems.has(e.path)) problems.set(e.path, e.problem);
  // Unknown functions, and {{item}} outside a loop: the API's own rule, shown at the field.
  for (const e of validateTemplates(actions)) if (!problems.has(e.path)) problems.set(e.path, e.problem);
  walkActions(actions, (action, path) => {
    const nested = new Set(childListsOf(action).map((c) => c.key));
    for (const [field, value] of Object.entries(action)) {
      // Nested step lists, structure and fields copied as written (a script's code) hold no references.
      if (nested.has(field) || field === 'id' || field === 'type' || RAW_FIELDS[action.type]?.has(field)) continue;
      for (const ref of extractReferences(value as Json)) {
        const seg = parsePath(ref);
        const where = formatPath(['actions', ...path, field]);
        if (problems.has(where)) continue;
        if (!seg || seg.length === 0) problems.set(where, `“{{${ref}}}” is not a valid variable`);
        else if (!(TEMPLATE_ROOTS as readonly unknown[]).includes(seg[0]) && seg[0] !== 'secrets')
          problems.set(where, `“{{${ref}}}” must start with trigger., steps. or secrets. (or be item, index or now)`);
      }
    }
  });
  return problems;
}

/** Problems at or under a path prefix, for summaries on collapsed cards. */
export function problemsUnder(problems: Problems, prefix: string): [string, string][] {
  return [...problems].filter(([k]) => k === prefix || k.startsWith(`${prefix}.`) || k.startsWith(`${prefix}[`));
}
