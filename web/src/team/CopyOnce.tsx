import { createSignal, onMount, Show } from 'solid-js';

/** A value shown once (a key, an invitation link) with a copy button; it is not shown again. */
export function CopyOnce(props: { id: string; label: string; value: string; note: string; onDone: () => void }) {
  const [copied, setCopied] = createSignal(false);
  let input: HTMLInputElement | undefined;
  let copyBtn: HTMLButtonElement | undefined;
  // The value is what the person came for: focus goes to its Copy button.
  onMount(() => copyBtn?.focus());
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
    } catch {
      // No clipboard permission (http, old browser): select it so Ctrl-C works.
      input?.select();
      document.execCommand?.('copy');
    }
    setCopied(true);
  };
  return (
    <div class="card once" role="status">
      <label for={props.id}>{props.label}</label>
      <div class="row">
        <input id={props.id} ref={input} class="grow mono" readonly value={props.value} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" class="primary" ref={copyBtn} onClick={copy}>
          {copied() ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p class="hint">{props.note}</p>
      <Show when={copied()}>
        <span class="sr-only" aria-live="polite">
          Copied to the clipboard
        </span>
      </Show>
      <div class="row end">
        <button type="button" onClick={props.onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
