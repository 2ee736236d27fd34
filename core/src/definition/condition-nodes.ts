import type { ConditionGroup, ConditionNode } from './conditions';

/** Zod-free on purpose: condition evaluation runs inside the Temporal workflow bundle. */
export const isGroup = (n: ConditionNode): n is ConditionGroup => 'all' in n || 'any' in n;
