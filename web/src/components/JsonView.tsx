import { For, Match, Switch } from 'solid-js';

type J = unknown;

/** JSON shown readably: objects and arrays fold with <details>, so it is keyboard usable for free. */
export function JsonView(props: { value: J; label?: string; depth?: number }) {
  const depth = () => props.depth ?? 0;
  const isArr = () => Array.isArray(props.value);
  const isObj = () => typeof props.value === 'object' && props.value !== null;
  const entries = () => Object.entries(props.value as Record<string, J>);
  return (
    <Switch>
      <Match when={isObj()}>
        <details class="json" open={depth() < 2}>
          <summary>
            <span class="json-key">{props.label ?? ''}</span>
            <span class="muted">{isArr() ? ` [${entries().length}]` : ` {${entries().length}}`}</span>
          </summary>
          <div class="json-body">
            <For each={entries()}>{([k, v]) => <JsonView value={v} label={isArr() ? `${k}:` : `${k}:`} depth={depth() + 1} />}</For>
          </div>
        </details>
      </Match>
      <Match when={true}>
        <div class="json-leaf">
          <span class="json-key">{props.label ?? ''}</span> <span class={`json-${typeof props.value}`}>{JSON.stringify(props.value) ?? 'undefined'}</span>
        </div>
      </Match>
    </Switch>
  );
}
