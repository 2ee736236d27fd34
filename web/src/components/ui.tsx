import { Show, type JSX } from 'solid-js';
import type { ExecutionStatus, StepStatus } from '@conduit/core/definition';

export function ErrorText(props: { id?: string; message?: string | undefined }) {
  return (
    <Show when={props.message}>
      <p class="error" id={props.id} role="alert">
        {props.message}
      </p>
    </Show>
  );
}

export function Empty(props: { children: JSX.Element }) {
  return <div class="empty">{props.children}</div>;
}

export function StatusBadge(props: { status: ExecutionStatus | StepStatus | string }) {
  return <span class={`badge s-${props.status}`}>{props.status}</span>;
}

export const fmtTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

export function fmtDuration(start?: string | null, end?: string | null): string {
  if (!start) return '—';
  // Start and end may come from different clocks (the browser's, the worker's): never show a negative time.
  const ms = Math.max(0, (end ? Date.parse(end) : Date.now()) - Date.parse(start));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
