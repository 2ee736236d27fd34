import type { ForEachAction } from '@conduit/core/definition';
import { NumberField, TextField, showLoose, parseLoose } from '../fields';
import type { ActionFormProps } from './types';

/** A loop: which list, how many at once and the cap; its steps are a lane of the flow, like a condition's branches. */
export function ForEachForm(props: ActionFormProps<ForEachAction>) {
  return (
    <>
      <TextField
        label="Items"
        path={[...props.path, 'items']}
        value={showLoose(props.action.items)}
        vars
        placeholder="{{steps.find.output.items}}"
        hint="A list: the steps below run once per item, with {{item}} and {{index}} (from 0)."
        onInput={(t) => {
          const v = parseLoose(t);
          props.patch({ items: Array.isArray(v) ? v : t });
        }}
      />
      <div class="row wrap">
        <NumberField
          label="Items at once"
          path={[...props.path, 'concurrency']}
          value={props.action.concurrency}
          min={1}
          max={10}
          onInput={(concurrency) => props.patch({ concurrency })}
        />
        <NumberField
          label="Max items"
          path={[...props.path, 'maxItems']}
          value={props.action.maxItems}
          min={1}
          max={10_000}
          onInput={(maxItems) => props.patch({ maxItems })}
        />
      </div>
      {/* The loop's own steps are a lane of the flow (the meta's `children`), added and edited there. */}
      <p class="muted">The loop's steps ({props.action.steps.length}) are drawn inside it in the flow: add one with the + inside the loop.</p>
    </>
  );
}
