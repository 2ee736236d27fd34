import { createMemo, For, Show } from 'solid-js';
import { Cron } from 'croner';
import { cronError, isValidTimeZone, type ScheduleTrigger } from '@conduit/core/definition';
import { TextField } from '../fields';
import type { TriggerFormProps } from './types';

const zones = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();

/** The next `count` fire times of a cron expression in a zone, or why there are none. */
export function nextFireTimes(cron: string, timezone: string, count = 5): Date[] | string {
  const err = cronError(cron);
  if (err) return err;
  if (!isValidTimeZone(timezone)) return 'unknown time zone';
  try {
    return new Cron(cron, { timezone, paused: true }).nextRuns(count);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export function ScheduleForm(props: TriggerFormProps<ScheduleTrigger>) {
  const next = createMemo(() => nextFireTimes(props.trigger.cron, props.trigger.timezone ?? 'UTC'));
  const fmt = (d: Date) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: props.trigger.timezone || 'UTC' }).format(d);
  return (
    <>
      <TextField
        label="Cron expression"
        path={['trigger', 'cron']}
        value={props.trigger.cron}
        placeholder="0 9 * * 1-5"
        hint="Five fields: minute hour day-of-month month weekday. Example: 0 9 * * 1-5 runs at 09:00 on weekdays."
        onInput={(cron) => props.patch({ cron })}
      />
      <TextField
        label="Time zone"
        path={['trigger', 'timezone']}
        value={props.trigger.timezone}
        list="tz-list"
        onInput={(timezone) => props.patch({ timezone })}
      />
      <datalist id="tz-list">
        <For each={zones}>{(z) => <option value={z} />}</For>
      </datalist>
      <div class="field" aria-live="polite">
        <p class="field-label">Next five runs</p>
        <Show when={Array.isArray(next())} fallback={<p class="muted">No upcoming runs until the expression and zone are valid.</p>}>
          <ol class="fire-times" data-testid="fire-times">
            <For each={next() as Date[]}>
              {(d) => (
                <li>
                  {fmt(d)} <span class="muted">({props.trigger.timezone})</span>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </div>
    </>
  );
}
