import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';

type Ask = {
  title: string;
  message: string;
  /** Listed under the message: the consequences one by one (what a live test run will really do). */
  items?: readonly string[];
  confirmLabel: string;
  danger?: boolean;
  resolve: (ok: boolean) => void;
};
const [pending, setPending] = createSignal<Ask>();

/** Asks the user to confirm a consequential action; resolves true when they do. */
export function confirmAction(opts: Omit<Ask, 'resolve'>): Promise<boolean> {
  pending()?.resolve(false);
  return new Promise((resolve) => setPending({ ...opts, resolve }));
}

export function ConfirmHost() {
  return <Show when={pending()}>{(ask) => <ConfirmDialog ask={ask()} />}</Show>;
}

function ConfirmDialog(props: { ask: Ask }) {
  let confirmBtn: HTMLButtonElement | undefined;
  const previous = document.activeElement as HTMLElement | null;
  const close = (ok: boolean) => {
    // Read the request before hiding the dialog: the props go stale once it is unmounted.
    const ask = props.ask;
    setPending(undefined);
    ask.resolve(ok);
    previous?.focus?.();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') close(false);
  };
  onMount(() => {
    confirmBtn?.focus();
    document.addEventListener('keydown', onKey);
  });
  onCleanup(() => document.removeEventListener('keydown', onKey));
  return (
    <div class="backdrop">
      <div class="dialog card" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-msg">
        <h2 id="confirm-title">{props.ask.title}</h2>
        <div id="confirm-msg">
          <p>{props.ask.message}</p>
          <Show when={props.ask.items?.length}>
            <ul class="confirm-items">
              <For each={props.ask.items}>{(item) => <li>{item}</li>}</For>
            </ul>
          </Show>
        </div>
        <div class="row end">
          <button type="button" onClick={() => close(false)}>
            Cancel
          </button>
          <button type="button" ref={confirmBtn} class={props.ask.danger ? 'danger' : 'primary'} onClick={() => close(true)}>
            {props.ask.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
