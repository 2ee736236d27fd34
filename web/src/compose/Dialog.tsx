import { onCleanup, onMount, type JSX } from 'solid-js';

/**
 * A modal dialog: focus moves into it on open (to `initial`, else its first control), Tab stays
 * inside, Escape closes, and focus goes back to what opened it.
 */
export function Dialog(props: {
  title: string;
  id: string;
  onClose: () => void;
  wide?: boolean;
  children: JSX.Element;
  initial?: () => HTMLElement | undefined;
}) {
  let box: HTMLDivElement | undefined;
  const opener = document.activeElement as HTMLElement | null;
  const focusables = () =>
    [...(box?.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])') ?? [])].filter(
      (e) => !e.hasAttribute('disabled'),
    );
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      props.onClose();
    } else if (e.key === 'Tab') {
      const f = focusables();
      if (f.length === 0) return;
      const first = f[0]!;
      const last = f[f.length - 1]!;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  onMount(() => {
    (props.initial?.() ?? focusables()[0])?.focus();
    document.addEventListener('keydown', onKey);
  });
  onCleanup(() => {
    document.removeEventListener('keydown', onKey);
    if (opener?.isConnected) opener.focus();
  });
  return (
    <div class="backdrop">
      <div ref={box} class={`dialog card${props.wide ? ' wide' : ''}`} role="dialog" aria-modal="true" aria-labelledby={`${props.id}-title`}>
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}
