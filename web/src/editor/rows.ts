import { createMemo, type Accessor } from 'solid-js';

let counter = 0;
/** A key no other row in this page has. */
export const newRowKey = (): string => `row-${++counter}`;

/**
 * Stable identities for the rows of a list that is replaced (not mutated) on every edit, such as a
 * condition group's comparisons: a keyed `<For>` over these keys keeps each row's DOM — and the focus
 * and caret inside it — while its value changes. Keys follow the list by position; `removeAt` must be
 * called before the list shrinks so the rows after the removed one keep their keys.
 */
export function createRowKeys(length: Accessor<number>): { keys: Accessor<string[]>; removeAt: (i: number) => void } {
  let keys: string[] = [];
  const list = createMemo(() => {
    const n = length();
    while (keys.length < n) keys.push(newRowKey());
    if (keys.length > n) keys = keys.slice(0, n);
    return [...keys];
  });
  return {
    keys: list,
    removeAt: (i) => {
      keys = keys.filter((_, j) => j !== i);
    },
  };
}
