import type { ForEachAction } from '@conduit/core/definition';
import { ActionList } from '../ActionList';
import { NumberField, TextField, showLoose, parseLoose } from '../fields';
import type { ActionFormProps } from './types';

/** A loop: which list, how many at once, the cap, and its own steps edited in place (like a condition's branches). */
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
      <section class="branch loop-steps" aria-label={`Steps of ${props.action.id}, run for each item`}>
        <h4>For each item</h4>
        <ActionList path={[...props.path, 'steps']} actions={props.action.steps} />
      </section>
    </>
  );
}
