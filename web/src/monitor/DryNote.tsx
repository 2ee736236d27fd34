import { Show } from 'solid-js';
import type { Step } from '../api/schemas';

/** What a dry test run recorded instead of doing the step ("Would have sent this email"); null for a step that ran. */
export function wouldHave(step: Pick<Step, 'output'>): string | null {
  const o = step.output as { dryRun?: unknown; wouldHave?: unknown } | null;
  return o && typeof o === 'object' && o.dryRun === true ? String(o.wouldHave ?? 'Would have run this step') : null;
}

/** The mark of a dry step: what it would have done, and that it was not done. */
export function DryNote(props: { step: Pick<Step, 'output' | 'actionId'> }) {
  return (
    <Show when={wouldHave(props.step)}>
      {(words) => (
        <p class="dry-note" data-testid={`dry-${props.step.actionId}`}>
          <strong>{words()}</strong> <span class="muted">— not done: a dry test run. The input below is what it would have used.</span>
        </p>
      )}
    </Show>
  );
}
