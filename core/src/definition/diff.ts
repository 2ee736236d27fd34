import { actionLabel, childListsOf, fieldLabelOf, stepNameOf } from '../actions/meta';
import type { WorkflowAction } from '../actions/schemas';
import { TRIGGER_META, triggerFieldLabelOf } from '../triggers/meta';
import type { WorkflowTrigger } from '../triggers/schemas';

/**
 * What differs between two definitions (a published version and the draft, or two versions), in
 * words for people: steps named by label and fields by label, never a JSON path or an id alone.
 * Pure and zod-free: the API, the editor and the Temporal bundle can all load it. The description
 * is not compared: versions do not keep it, and it does not change what runs.
 */
export type ComparableDefinition = { name: string; trigger: WorkflowTrigger; actions: readonly WorkflowAction[] };

/** One field of a step or of the trigger, with its value on each side (undefined: not set). */
export type FieldChange = { field: string; label: string; before: unknown; after: unknown };

export type DefinitionChange = { text: string } & (
  | { kind: 'renamed'; before: string; after: string }
  | { kind: 'trigger_replaced'; before: string; after: string }
  | { kind: 'trigger_changed'; fields: FieldChange[] }
  | { kind: 'step_added'; stepId: string; step: string; where: string }
  | { kind: 'step_removed'; stepId: string; step: string; where: string }
  | { kind: 'step_moved'; stepId: string; step: string; from: string; to: string }
  | { kind: 'step_changed'; stepId: string; step: string; fields: FieldChange[] }
);

/** Deep equality of JSON values; key order and keys set to undefined do not count. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!sameJson(ao[k], bo[k])) return false;
  return true;
}

/** Where a step sits: its list (the top level, or a lane of a parent step) and its place in it. */
type Placed = { action: WorkflowAction; lane: string; laneWords: string; index: number; prev: WorkflowAction | undefined };

const quote = (s: string) => `“${s}”`;
const laneName = (key: string) => key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, ' ');

function place(actions: readonly WorkflowAction[]): Map<string, Placed> {
  const out = new Map<string, Placed>();
  const walk = (list: readonly WorkflowAction[], lane: string, laneWords: string) =>
    list.forEach((action, index) => {
      out.set(action.id, { action, lane, laneWords, index, prev: list[index - 1] });
      for (const child of childListsOf(action)) walk(child.actions, `${action.id}.${child.key}`, `${laneName(child.key)} of ${quote(stepNameOf(action))}`);
    });
  walk(actions, '', 'the main flow');
  return out;
}

/** "after “Score” in Then of “Is it big?”", "the start of the main flow". */
const position = (p: Placed) => (p.prev ? `after ${quote(stepNameOf(p.prev))} in ${p.laneWords}` : `the start of ${p.laneWords}`);
const at = (p: Placed) => (p.prev ? position(p) : `at ${position(p)}`);
const named = (a: WorkflowAction) => `${quote(stepNameOf(a))}${a.name?.trim() ? ` (${actionLabel(a.type)})` : ''}`;

/** Ids of a lane that kept their relative order: the longest common subsequence of the two orders. */
function keptOrder(before: string[], after: string[]): Set<string> {
  const n = before.length;
  const m = after.length;
  const len: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) len[i]![j] = before[i] === after[j] ? len[i + 1]![j + 1]! + 1 : Math.max(len[i + 1]![j]!, len[i]![j + 1]!);
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < n && j < m; ) {
    if (before[i] === after[j]) {
      kept.add(before[i]!);
      i++;
      j++;
    } else if (len[i + 1]![j]! >= len[i]![j + 1]!) i++;
    else j++;
  }
  return kept;
}

function fieldChanges(before: Record<string, unknown>, after: Record<string, unknown>, skip: Set<string>, label: (k: string) => string): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !skip.has(k));
  return keys.filter((k) => !sameJson(before[k], after[k])).map((k) => ({ field: k, label: label(k), before: before[k], after: after[k] }));
}

/** The changes from `before` to `after`, in reading order: name, trigger, then steps as they appear after the change, then removed steps. */
export function diffDefinitions(before: ComparableDefinition, after: ComparableDefinition): DefinitionChange[] {
  const changes: DefinitionChange[] = [];
  if (before.name !== after.name)
    changes.push({ kind: 'renamed', before: before.name, after: after.name, text: `Workflow renamed from ${quote(before.name)} to ${quote(after.name)}` });

  const triggerWords = (t: WorkflowTrigger) => TRIGGER_META[t.type]?.label ?? t.type;
  if (before.trigger.type !== after.trigger.type)
    changes.push({
      kind: 'trigger_replaced',
      before: before.trigger.type,
      after: after.trigger.type,
      text: `Trigger changed from ${triggerWords(before.trigger)} to ${triggerWords(after.trigger)}`,
    });
  else {
    const fields = fieldChanges(before.trigger, after.trigger, new Set(['type']), triggerFieldLabelOf);
    if (fields.length > 0)
      changes.push({ kind: 'trigger_changed', fields, text: `Trigger (${triggerWords(after.trigger)}) changed: ${fields.map((f) => f.label).join(', ')}` });
  }

  const was = place(before.actions);
  const now = place(after.actions);
  // A step whose type changed under the same id is another step: removed, and a new one added.
  const same = (id: string) => was.has(id) && now.has(id) && was.get(id)!.action.type === now.get(id)!.action.type;
  // Per lane, the steps that stayed in it; those out of their old relative order were moved.
  const lanes = new Map<string, { before: string[]; after: string[] }>();
  const laneOf = (key: string) => lanes.get(key) ?? lanes.set(key, { before: [], after: [] }).get(key)!;
  for (const [id, p] of was) if (same(id) && now.get(id)!.lane === p.lane) laneOf(p.lane).before.push(id);
  for (const [id, p] of now) if (same(id) && was.get(id)!.lane === p.lane) laneOf(p.lane).after.push(id);
  const kept = new Set<string>();
  for (const l of lanes.values()) for (const id of keptOrder(l.before, l.after)) kept.add(id);

  for (const [id, p] of now) {
    const a = p.action;
    if (!same(id)) {
      changes.push({ kind: 'step_added', stepId: id, step: stepNameOf(a), where: at(p), text: `Added ${named(a)} ${at(p)}` });
      continue;
    }
    const old = was.get(id)!;
    if (!kept.has(id)) {
      const from = position(old);
      const to = position(p);
      changes.push({ kind: 'step_moved', stepId: id, step: stepNameOf(a), from, to, text: `Moved ${named(a)} from ${from} to ${to}` });
    }
    const skip = new Set(['id', 'type', ...childListsOf(a).map((c) => c.key)]);
    const fields = fieldChanges(old.action as Record<string, unknown>, a as Record<string, unknown>, skip, (k) => fieldLabelOf(a.type, k));
    if (fields.length > 0)
      changes.push({ kind: 'step_changed', stepId: id, step: stepNameOf(a), fields, text: `Changed ${named(a)}: ${fields.map((f) => f.label).join(', ')}` });
  }
  for (const [id, p] of was)
    if (!same(id))
      changes.push({
        kind: 'step_removed',
        stepId: id,
        step: stepNameOf(p.action),
        where: position(p),
        text: `Removed ${named(p.action)} (it was ${at(p)})`,
      });
  return changes;
}
