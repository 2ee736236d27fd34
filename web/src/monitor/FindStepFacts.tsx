import { Show } from 'solid-js';
import { FindRecordsActionSchema, describeFind } from '@conduit/core/definition';
import type { Step } from '../api/schemas';

/** A find step in words: the query as it ran (templates resolved) and how many records matched. */
export function FindStepFacts(props: { step: Step }) {
  const query = () => {
    if (props.step.actionType !== 'find_records' || !props.step.input || typeof props.step.input !== 'object') return null;
    const parsed = FindRecordsActionSchema.safeParse({ ...props.step.input, id: props.step.actionId, type: 'find_records' });
    return parsed.success ? describeFind(parsed.data) : null;
  };
  const matches = () => {
    const out = props.step.output as { count?: unknown; hasMore?: unknown } | null | undefined;
    if (!out || typeof out.count !== 'number') return null;
    const n = out.count;
    return `${n}${out.hasMore === true ? '+' : ''} ${n === 1 && out.hasMore !== true ? 'match' : 'matches'}`;
  };
  return (
    <Show when={query()}>
      <p class="find-query" data-testid={`find-query-${props.step.actionId}`}>
        {query()}
        <Show when={matches()}>
          {' '}
          — <strong>{matches()}</strong>
        </Show>
      </p>
    </Show>
  );
}
