import { z } from 'zod';
import { ACTION_TYPES, FOR_EACH_MAX_DEPTH, MAX_BRANCH_ACTIONS, WorkflowActionSchema, childListsOf, type WorkflowAction } from '../actions';
import { WorkflowTriggerSchema } from '../triggers';
import { walkActions } from './walk';

export const MAX_TOTAL_ACTIONS = 1_000;

export { stepsRunBefore, walkActions } from './walk';

export const ActionsSchema = z
  .array(WorkflowActionSchema)
  .max(MAX_BRANCH_ACTIONS)
  .superRefine((actions, ctx) => {
    const seen = new Map<string, (string | number)[]>();
    let total = 0;
    walkActions(actions, (a, path) => {
      total++;
      if (seen.has(a.id)) ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `action id "${a.id}" is used twice; ids must be unique` });
      else seen.set(a.id, path);
    });
    if (total > MAX_TOTAL_ACTIONS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_TOTAL_ACTIONS} actions in all` });
    // Loops multiply: three levels already reach billions of iterations.
    const loops = (list: readonly WorkflowAction[], path: (string | number)[], depth: number): void =>
      list.forEach((a, i) => {
        const d = a.type === 'for_each' ? depth + 1 : depth;
        if (a.type === 'for_each' && d > FOR_EACH_MAX_DEPTH)
          ctx.addIssue({
            code: 'custom',
            path: [...path, i, 'type'],
            message: `loops may nest at most ${FOR_EACH_MAX_DEPTH} deep; move this loop out of the one around it`,
          });
        for (const c of childListsOf(a)) loops(c.actions, [...path, i, c.key], d);
      });
    loops(actions, [], 0);
  });

export const WorkflowDefinitionSchema = z.object({
  name: z.string().trim().min(1, 'a name is required').max(200),
  description: z.string().max(2_000).nullish(),
  trigger: WorkflowTriggerSchema,
  actions: ActionsSchema,
});
export type WorkflowDefinition = z.infer<typeof WorkflowDefinitionSchema>;
export type WorkflowDefinitionInput = z.input<typeof WorkflowDefinitionSchema>;

export { ACTION_TYPES };
