import { For, Index, Show, type JSX } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import {
  COMPARISON_OPS,
  UNARY_OPS,
  formatPath,
  isGroup,
  type ComparisonOp,
  type ConditionAction,
  type ConditionGroup,
  type ConditionNode,
  type Json,
} from '@conduit/core/definition';
import { TextField, parseLoose, showLoose } from '../fields';
import { useEditor } from '../context';
import type { Path } from '../draft';
import { ActionList } from '../ActionList';
import type { ActionFormProps } from './types';

const OP_LABELS: Record<ComparisonOp, string> = {
  eq: 'equals',
  neq: 'does not equal',
  gt: 'is greater than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  in: 'is one of',
  exists: 'exists',
  is_empty: 'is empty',
  changed: 'changed',
};
const isUnary = (op: ComparisonOp) => (UNARY_OPS as readonly string[]).includes(op);

/** How the left-hand side of a comparison is edited (find_records names a record field there). */
export type LeftEditor = (p: { path: Path; value: Json; onInput: (v: Json) => void }) => JSX.Element;
const templateLeft: LeftEditor = (p) => <TextField label="Value" path={p.path} value={showLoose(p.value)} vars onInput={(t) => p.onInput(parseLoose(t))} />;

/** Edits an all/any group of comparisons; groups nest. `ops` and `left` adapt it to other comparisons than the condition's. */
export function GroupEditor(props: {
  group: ConditionGroup;
  path: Path;
  onChange: (g: ConditionGroup) => void;
  depth: number;
  ops?: readonly ComparisonOp[];
  left?: LeftEditor;
}) {
  const left = () => props.left ?? templateLeft;
  const mode = () => ('all' in props.group ? 'all' : 'any');
  const items = (): ConditionNode[] => ('all' in props.group ? props.group.all : props.group.any);
  const set = (nodes: ConditionNode[], m = mode()) => props.onChange(m === 'all' ? { all: nodes } : { any: nodes });
  const setAt = (i: number, node: ConditionNode) => set(items().map((n, j) => (j === i ? node : n)));
  const remove = (i: number) => set(items().filter((_, j) => j !== i));
  const selectId = () => `cond-mode-${props.path.join('_')}`;
  return (
    <div class={`cond-group depth-${props.depth}`}>
      <div class="row">
        <label for={selectId()}>Match</label>
        <select id={selectId()} value={mode()} onChange={(e) => set(items(), e.currentTarget.value as 'all' | 'any')}>
          <option value="all">all of these</option>
          <option value="any">any of these</option>
        </select>
      </div>
      {/* Index, not For: a row keeps its fields (and focus) while its comparison is replaced on every key. */}
      <Index each={items()}>
        {(node, i) => {
          const nodePath = () => [...props.path, mode(), i];
          return (
            <div class="cond-row">
              <Show
                when={!isGroup(node())}
                fallback={
                  <GroupEditor
                    group={node() as ConditionGroup}
                    path={nodePath()}
                    depth={props.depth + 1}
                    ops={props.ops}
                    left={props.left}
                    onChange={(g) => setAt(i, g)}
                  />
                }>
                {(() => {
                  const c = () => node() as Extract<ConditionNode, { op: ComparisonOp }>;
                  return (
                    <div class="row wrap">
                      {/* Dynamic, not a call: the field is made once and its props follow the draft (focus stays while typing). */}
                      <Dynamic component={left()} path={[...nodePath(), 'left']} value={c().left} onInput={(v: Json) => setAt(i, { ...c(), left: v })} />
                      <div class="field narrow">
                        <label for={`op-${nodePath().join('_')}`}>Comparison</label>
                        <select
                          id={`op-${nodePath().join('_')}`}
                          value={c().op}
                          onChange={(e) => {
                            const op = e.currentTarget.value as ComparisonOp;
                            const { right, ...rest } = c();
                            setAt(i, isUnary(op) ? { ...rest, op } : { ...rest, op, right: right ?? '' });
                          }}>
                          <For each={props.ops ?? COMPARISON_OPS}>{(op) => <option value={op}>{OP_LABELS[op]}</option>}</For>
                        </select>
                      </div>
                      <Show when={!isUnary(c().op)}>
                        <TextField
                          label="Compared to"
                          path={[...nodePath(), 'right']}
                          value={showLoose(c().right)}
                          vars
                          hint={c().op === 'in' ? 'A JSON list, for example ["won", "lost"].' : undefined}
                          onInput={(t) => setAt(i, { ...c(), right: parseLoose(t) })}
                        />
                      </Show>
                    </div>
                  );
                })()}
              </Show>
              <button type="button" class="icon" aria-label="Remove this comparison" onClick={() => remove(i)}>
                ✕
              </button>
            </div>
          );
        }}
      </Index>
      <div class="row">
        <button type="button" onClick={() => set([...items(), { left: '', op: 'eq', right: '' }])}>
          Add comparison
        </button>
        <Show when={props.depth < 3}>
          <button type="button" onClick={() => set([...items(), { any: [{ left: '', op: 'eq', right: '' }] }])}>
            Add group
          </button>
        </Show>
      </div>
    </div>
  );
}

export function ConditionForm(props: ActionFormProps<ConditionAction>) {
  const { problems } = useEditor();
  const ifError = () => problems().get(formatPath([...props.path, 'if']));
  return (
    <>
      <fieldset class="field">
        <legend>If</legend>
        <GroupEditor group={props.action.if} path={[...props.path, 'if']} depth={0} onChange={(g) => props.patch({ if: g })} />
        <Show when={ifError()}>
          <p class="error field-error">{ifError()}</p>
        </Show>
      </fieldset>
      <div class="branches">
        <section class="branch then" aria-label={`Then branch of ${props.action.id}`}>
          <h4>Then</h4>
          <ActionList path={[...props.path, 'then']} actions={props.action.then} />
        </section>
        <section class="branch else" aria-label={`Else branch of ${props.action.id}`}>
          <h4>Else</h4>
          <ActionList path={[...props.path, 'else']} actions={props.action.else} />
        </section>
      </div>
    </>
  );
}
