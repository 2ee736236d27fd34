import { onCleanup, onMount, createEffect } from 'solid-js';
import { basicSetup } from 'codemirror';
import { EditorView, keymap } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { linter, type Diagnostic } from '@codemirror/lint';
import { describeSyntaxError, scriptSyntaxError } from '@conduit/core/script-syntax';
import { adoptCodeMirrorStyles } from './adoptStyles';

adoptCodeMirrorStyles();

/** The same check the API applies at save, shown in the editor as you type (a red squiggle and a message). */
const syntaxLint = linter(
  (view): Diagnostic[] => {
    const code = view.state.doc.toString();
    const error = scriptSyntaxError(code);
    if (!error) return [];
    const line = view.state.doc.line(Math.min(error.line, view.state.doc.lines));
    const from = Math.min(line.from + error.column - 1, line.to);
    return [{ from, to: Math.min(from + 1, view.state.doc.length), severity: 'error', message: error.message }];
  },
  { delay: 300 },
);

/**
 * A JavaScript editor (CodeMirror 6): highlighting, Tab indents (Escape, then Tab, leaves it), the
 * syntax checked as you type. Loaded on demand, so the first page load stays small.
 */
export default function CodeEditor(props: {
  id: string;
  value: string;
  onInput: (v: string) => void;
  labelledBy: string;
  describedBy?: string | undefined;
  /** The code's syntax error in the API's words (null when it parses), for each text it holds. */
  onSyntax?: (code: string, message: string | null) => void;
}) {
  let host!: HTMLDivElement;
  let view: EditorView | undefined;
  onMount(() => {
    view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: props.value,
        extensions: [
          basicSetup,
          keymap.of([indentWithTab]),
          javascript(),
          syntaxLint,
          EditorView.contentAttributes.of({
            id: props.id,
            'aria-labelledby': props.labelledBy,
            ...(props.describedBy ? { 'aria-describedby': props.describedBy } : {}),
          }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) props.onInput(u.state.doc.toString());
          }),
        ],
      }),
    });
  });
  // A change from outside (undo in the flow, restore) replaces the text; typing does not come back here.
  createEffect(() => {
    const v = props.value;
    if (view && view.state.doc.toString() !== v) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: v } });
  });
  createEffect(() => {
    const code = props.value;
    const error = scriptSyntaxError(code);
    props.onSyntax?.(code, error ? describeSyntaxError(error) : null);
  });
  onCleanup(() => view?.destroy());
  return <div class="code-editor" ref={host} />;
}
