import type { Step } from '../api/schemas';

/** One iteration of a loop: its item's position and the rows of its steps. */
export type Iteration = { index: number; steps: StepNode[] };
export type StepNode = { step: Step; then: StepNode[]; else: StepNode[]; iterations: Iteration[] };

const INDEX = /\[(\d+)\]$/;

/**
 * Steps nested by their definition path ("actions[1].then[0]"), in definition order at each level,
 * so branches sit under their condition and skipped steps keep their place. A loop's rows carry the
 * iteration in their path ("actions[2]#3.steps[0]") and sit under the loop, one group per item.
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
  const iterationsOf = (path: string): Iteration[] => {
    const prefix = `${path}#`;
    const out: Iteration[] = [];
    for (const key of byParent.keys()) {
      if (!key.startsWith(prefix) || !key.endsWith('.steps')) continue;
      const index = key.slice(prefix.length, -'.steps'.length);
      if (/^\d+$/.test(index)) out.push({ index: Number(index), steps: build(key) });
    }
    return out.sort((a, b) => a.index - b.index);
  };
  const build = (key: string): StepNode[] =>
    (byParent.get(key) ?? []).sort(order).map((step) => ({
      step,
      then: build(`${step.path}.then`),
      else: build(`${step.path}.else`),
      iterations: step.actionType === 'for_each' ? iterationsOf(step.path) : [],
    }));
  return build('actions');
}
