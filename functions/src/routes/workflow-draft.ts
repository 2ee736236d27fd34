import { describeIssues, WorkflowDefinitionSchema, type ApiError } from '@conduit/core/definition';
import { validateStepReferences, type Draft } from '@conduit/core/domain';
import { invalid } from '../http/errors';

/** A definition as the API stores it: schema-valid and every `{{steps.X}}` pointing at an earlier step. */
export function checkDraft(input: unknown): Draft {
  const parsed = WorkflowDefinitionSchema.safeParse(input);
  if (!parsed.success) throw invalid(describeIssues(parsed.error));
  const refs: ApiError[] = validateStepReferences(parsed.data.actions);
  if (refs.length > 0) throw invalid(refs, 'invalid_reference');
  return parsed.data;
}

export type DraftFields = { name?: unknown; description?: unknown; trigger?: unknown; actions?: unknown };
export const draftInput = (b: DraftFields, base: DraftFields): Record<string, unknown> => ({
  name: b.name !== undefined ? b.name : base.name,
  description: b.description !== undefined ? b.description : base.description,
  trigger: b.trigger !== undefined ? b.trigger : base.trigger,
  actions: b.actions !== undefined ? b.actions : base.actions,
});
