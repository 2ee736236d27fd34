import { describeIssues, secretProblems, WorkflowDefinitionSchema, type ApiError } from '../definition';
import { validateStepReferences, validateTemplates } from './validate-definition';
import { validateScripts } from './validate-scripts';
import type { Draft } from './workflows';

/**
 * Input the domain refuses: the API answers 400 with the issues (the first is the headline) and the
 * code. Thrown instead of an HTTP error so the rules stay here and the transport stays in functions.
 */
export class InvalidInputError extends Error {
  constructor(
    readonly issues: ApiError[],
    readonly code = 'invalid',
  ) {
    super(issues[0]?.message ?? 'invalid input');
    this.name = 'InvalidInputError';
  }
}

/** A definition as the API stores it: schema-valid, every `{{steps.X}}` pointing at an earlier step, every script parsing. */
export function checkDraft(input: unknown): Draft {
  const parsed = WorkflowDefinitionSchema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(describeIssues(parsed.error));
  const refs: ApiError[] = validateStepReferences(parsed.data.actions).map(({ code, message, path }) => ({ code, message, path }));
  if (refs.length > 0) throw new InvalidInputError(refs, 'invalid_reference');
  const templates = validateTemplates(parsed.data.actions).map(({ code, message, path }) => ({ code, message, path }));
  if (templates.length > 0) throw new InvalidInputError(templates, 'invalid_template');
  // Credentials live in workspace secrets, never in the definition every member can read.
  const secrets = secretProblems(parsed.data.actions);
  if (secrets.length > 0) throw new InvalidInputError(secrets, secrets[0]!.code);
  const scripts = validateScripts(parsed.data.actions);
  if (scripts.length > 0) throw new InvalidInputError(scripts, 'invalid_script');
  return parsed.data;
}

export type DraftFields = { name?: unknown; description?: unknown; trigger?: unknown; actions?: unknown };
/** A patch over a base: fields the patch leaves out keep the base's value. */
export const draftInput = (b: DraftFields, base: DraftFields): Record<string, unknown> => ({
  name: b.name !== undefined ? b.name : base.name,
  description: b.description !== undefined ? b.description : base.description,
  trigger: b.trigger !== undefined ? b.trigger : base.trigger,
  actions: b.actions !== undefined ? b.actions : base.actions,
});
