import { createSignal, For, Show } from 'solid-js';
import type { ManualWorkflow } from '../api/compose';

/**
 * "Run workflow" on a record: a menu button listing the active manual workflows of the record's
 * object (WAI-ARIA menu button: Enter/Space/ArrowDown open it on the first item, arrows move,
 * Escape closes and returns focus to the button).
 */
export function RunWorkflowMenu(props: { label: string; workflows: readonly ManualWorkflow[]; onRun: (w: ManualWorkflow) => void }) {
  const [open, setOpen] = createSignal(false);
  let button: HTMLButtonElement | undefined;
  let menu: HTMLDivElement | undefined;
  const id = `rwm-${Math.random().toString(36).slice(2, 8)}`;
  const items = () => [...(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
  const show = (focus: 'first' | 'last') => {
    setOpen(true);
    queueMicrotask(() => (focus === 'first' ? items()[0] : items().at(-1))?.focus());
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button?.focus();
  };
  const move = (e: KeyboardEvent) => {
    const list = items();
    const i = list.indexOf(document.activeElement as HTMLElement);
    const to = (n: number) => {
      e.preventDefault();
      list[(n + list.length) % list.length]?.focus();
    };
    if (e.key === 'ArrowDown') to(i + 1);
    else if (e.key === 'ArrowUp') to(i - 1);
    else if (e.key === 'Home') to(0);
    else if (e.key === 'End') to(list.length - 1);
    else if (e.key === 'Escape') {
      e.preventDefault();
      close(true);
    } else if (e.key === 'Tab') close(false);
  };
  return (
    <div class="menu-wrap" onFocusOut={(e) => !e.currentTarget.contains(e.relatedTarget as Node | null) && setOpen(false)}>
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open()}
        aria-controls={id}
        aria-label={props.label}
        onClick={() => (open() ? close(false) : show('first'))}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            show('first');
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            show('last');
          }
        }}>
        Run workflow ▾
      </button>
      <Show when={open()}>
        <div ref={menu} id={id} role="menu" class="menu" aria-label={props.label} onKeyDown={move}>
          <For each={props.workflows}>
            {(w) => (
              <button
                type="button"
                role="menuitem"
                class="menu-item"
                tabindex="-1"
                onClick={() => {
                  close(true);
                  props.onRun(w);
                }}>
                {w.name}
              </button>
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
