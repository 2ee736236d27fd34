import { For, Show, type JSX } from 'solid-js';
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
import { LooseTextField } from '../fields';
import { createRowKeys } from '../rows';
import { OP_LABELS } from '../../app/words';
import { useEditor } from '../context';
import type { Path } from '../draft';
import type { ActionFormProps } from './types';

const isUnary = (op: ComparisonOp) => (UNARY_OPS as readonly string[]).includes(op);

/** How the left-hand side of a comparison is edited (find_records names a record field there). */
export type LeftEditor = (p: { path: Path; value: Json; onInput: (v: Json) => void }) => JSX.Element;
const templateLeft: LeftEditor = (p) => <LooseTextField label="Value" path={p.path} value={p.value} vars onInput={p.onInput} />;

type Comparison = Extract<ConditionNode, { op: ComparisonOp }>;

/** One comparison: value, operator, and (unless the operator takes none) what it is compared to. */
function Comparison(props: { node: Comparison; path: Path; onChange: (n: Comparison) => void; ops?: readonly ComparisonOp[]; left: LeftEditor }) {
  const opId = () => `op-${props.path.join('_')}`;
  return (
    <div class="row wrap">
      {/* Dynamic, not a call: the field is made once and its props follow the draft (focus stays while typing). */}
      <Dynamic
        component={props.left}
        path={[...props.path, 'left']}
        value={props.node.left}
        onInput={(left: Json) => props.onChange({ ...props.node, left })}
      />
      <div class="field narrow">
        <label for={opId()}>Comparison</label>
        <select
          id={opId()}
          value={props.node.op}
          onChange={(e) => {
            const op = e.currentTarget.value as ComparisonOp;
            const { right, ...rest } = props.node;
            props.onChange(isUnary(op) ? { ...rest, op } : { ...rest, op, right: right ?? '' });
          }}>
          <For each={props.ops ?? COMPARISON_OPS}>{(op) => <option value={op}>{OP_LABELS[op]}</option>}</For>
        </select>
      </div>
      <Show when={!isUnary(props.node.op)}>
        <LooseTextField
          label="Compared to"
          path={[...props.path, 'right']}
          value={props.node.right}
          vars
          hint={props.node.op === 'in' ? 'A JSON list, for example ["won", "lost"].' : undefined}
          onInput={(right) => props.onChange({ ...props.node, right })}
        />
      </Show>
    </div>
  );
}

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
  const rows = createRowKeys(() => items().length);
  const remove = (i: number) => {
    rows.removeAt(i);
    set(items().filter((_, j) => j !== i));
  };
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
      {/* Keyed by row, not by node: a node is a new object after every keystroke, a row is not. */}
      <For each={rows.keys()}>
        {(key) => {
          const i = () => rows.keys().indexOf(key);
          const node = () => items()[i()];
          const nodePath = () => [...props.path, mode(), i()];
          return (
            <Show when={node()}>
              <div class="cond-row">
                <Show
                  when={!isGroup(node()!)}
                  fallback={
                    <GroupEditor
                      group={node() as ConditionGroup}
                      path={nodePath()}
                      depth={props.depth + 1}
                      ops={props.ops}
                      left={props.left}
                      onChange={(g) => setAt(i(), g)}
                    />
                  }>
                  <Comparison node={node() as Comparison} path={nodePath()} ops={props.ops} left={left()} onChange={(n) => setAt(i(), n)} />
                </Show>
                <button type="button" class="icon" aria-label={`Remove comparison ${i() + 1}`} onClick={() => remove(i())}>
                  ✕
                </button>
              </div>
            </Show>
          );
        }}
      </For>
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
      <p class="hint">Its Then and Else steps are drawn in the flow, in the two lanes under this step.</p>
    </>
  );
}
