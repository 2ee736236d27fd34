import type { Step } from '../api/schemas';

export type StepNode = { step: Step; then: StepNode[]; else: StepNode[] };

const INDEX = /\[(\d+)\]$/;

/**
 * Steps nested by their definition path ("actions[1].then[0]"), in definition order at each level,
 * so branches sit under their condition and skipped steps keep their place.
 */
export function buildTimeline(steps: readonly Step[]): StepNode[] {
  const byParent = new Map<string, Step[]>();
  for (const s of steps) {
    const m = /^(.*?)(?:\.(then|else))?\[\d+\]$/.exec(s.path);
    const parentKey = m ? (m[2] ? `${m[1]}.${m[2]}` : m[1]!) : 'actions';
    const list = byParent.get(parentKey) ?? [];
    list.push(s);
    byParent.set(parentKey, list);
  }
  const order = (a: Step, b: Step) => Number(INDEX.exec(a.path)?.[1] ?? 0) - Number(INDEX.exec(b.path)?.[1] ?? 0) || a.seq - b.seq;
  const build = (key: string): StepNode[] =>
    (byParent.get(key) ?? []).sort(order).map((step) => ({ step, then: build(`${step.path}.then`), else: build(`${step.path}.else`) }));
  return build('actions');
}
