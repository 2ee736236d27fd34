import { createSignal, For, lazy, Show, Suspense } from 'solid-js';
import type {
  CreateRecordAction,
  DeleteRecordAction,
  RunScriptAction,
  SendEmailAction,
  SendWebhookAction,
  UpdateRecordAction,
  WaitAction,
} from '@conduit/core/definition';
import { CheckField, KeyValueField, NumberField, SelectField, TextField, fieldId, useFieldError } from '../fields';
import { useEditor } from '../context';
import type { ActionFormProps } from './types';
import { WebhookAuthSection } from './WebhookAuth';

const recipients = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : (v ?? ''));
/** "a@x.com, b@y.com" → ["a@x.com", "b@y.com"]; one address stays a string. */
const toRecipients = (text: string): string | string[] => {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return parts.length > 1 ? parts : text.trim();
};

export function SendEmailForm(props: ActionFormProps<SendEmailAction>) {
  return (
    <>
      <TextField
        label="To"
        path={[...props.path, 'to']}
        value={recipients(props.action.to)}
        vars
        placeholder="{{trigger.record.ownerEmail}}"
        hint="One address or several separated by commas."
        onInput={(t) => props.patch({ to: toRecipients(t) })}
      />
      <TextField
        label="Cc (optional)"
        path={[...props.path, 'cc']}
        value={recipients(props.action.cc)}
        vars
        onInput={(t) => props.patch({ cc: t.trim() ? toRecipients(t) : undefined })}
      />
      <TextField label="Subject" path={[...props.path, 'subject']} value={props.action.subject} vars onInput={(subject) => props.patch({ subject })} />
      <TextField label="Body" path={[...props.path, 'body']} value={props.action.body} vars multiline onInput={(body) => props.patch({ body })} />
    </>
  );
}

/** JSON typed as text; the draft only changes when the text parses, and the parse error is shown in place. */
function JsonBodyField(props: { path: (string | number)[]; value: unknown; onChange: (v: unknown) => void }) {
  const [text, setText] = createSignal(props.value === undefined ? '' : JSON.stringify(props.value, null, 2));
  const [local, setLocal] = createSignal<string>();
  const schemaError = useFieldError(() => props.path);
  const id = () => fieldId(props.path);
  const { variablesFor } = useEditor();
  const onInput = (t: string) => {
    setText(t);
    if (t.trim() === '') {
      setLocal(undefined);
      return props.onChange(undefined);
    }
    try {
      props.onChange(JSON.parse(t));
      setLocal(undefined);
    } catch (e) {
      setLocal(`not valid JSON yet: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const error = () => local() ?? schemaError();
  return (
    <div class="field">
      <label for={id()}>Body (JSON)</label>
      <textarea
        id={id()}
        class="mono"
        rows={6}
        value={text()}
        aria-invalid={error() ? 'true' : undefined}
        aria-describedby={`${id()}-hint`}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      <p class="hint" id={`${id()}-hint`}>
        Strings may contain variables, for example <code>{'{"deal": "{{trigger.record.name}}"}'}</code>. Available here:{' '}
        {variablesFor(props.path)
          .slice(0, 6)
          .map((v) => v.value)
          .join(', ')}
      </p>
      <Show when={error()}>
        <p class="error field-error">{error()}</p>
      </Show>
    </div>
  );
}

export function SendWebhookForm(props: ActionFormProps<SendWebhookAction>) {
  return (
    <>
      <div class="row wrap">
        <SelectField
          label="Method"
          path={[...props.path, 'method']}
          value={props.action.method}
          options={(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).map((m) => ({ value: m, label: m }))}
          onChange={(method) => props.patch({ method })}
        />
        <TextField
          class="grow"
          label="URL"
          path={[...props.path, 'url']}
          value={props.action.url}
          vars
          type="url"
          placeholder="https://hooks.example.com/won"
          onInput={(url) => props.patch({ url })}
        />
      </div>
      <Show when={props.action.method !== 'GET'}>
        <SelectField
          label="Body type"
          path={[...props.path, 'bodyType']}
          value={props.action.bodyType}
          options={[
            { value: 'json', label: 'JSON' },
            { value: 'text', label: 'Text' },
          ]}
          onChange={(bodyType) => props.patch({ bodyType })}
        />
        <Show
          when={props.action.bodyType === 'json'}
          fallback={
            <TextField
              label="Body (text)"
              path={[...props.path, 'body']}
              value={typeof props.action.body === 'string' ? props.action.body : ''}
              vars
              multiline
              onInput={(body) => props.patch({ body })}
            />
          }>
          <JsonBodyField path={[...props.path, 'body']} value={props.action.body} onChange={(body) => props.patch({ body })} />
        </Show>
      </Show>
      <KeyValueField
        label="Headers"
        keyLabel="Header"
        addLabel="Add header"
        raw
        path={[...props.path, 'headers']}
        value={props.action.headers}
        onChange={(headers) => props.patch({ headers })}
      />
      <KeyValueField
        label="Query parameters"
        keyLabel="Parameter"
        addLabel="Add parameter"
        raw
        path={[...props.path, 'query']}
        value={props.action.query}
        onChange={(query) => props.patch({ query })}
      />
      <WebhookAuthSection action={props.action} path={props.path} onChange={(auth) => props.patch({ auth })} />
      <div class="row wrap">
        <NumberField
          label="Timeout (ms)"
          path={[...props.path, 'timeoutMs']}
          value={props.action.timeoutMs}
          min={100}
          max={30000}
          step={100}
          onInput={(timeoutMs) => props.patch({ timeoutMs })}
        />
        <CheckField
          label="Sign the request (Standard Webhooks)"
          path={[...props.path, 'sign']}
          checked={props.action.sign}
          onChange={(sign) => props.patch({ sign })}
        />
      </div>
    </>
  );
}

export function ObjectInput(props: { path: (string | number)[]; value: string; onInput: (v: string) => void }) {
  const { knownObjects } = useEditor();
  return (
    <>
      <TextField label="Object" path={[...props.path, 'object']} value={props.value} list="action-object-list" onInput={props.onInput} />
      <datalist id="action-object-list">
        <For each={knownObjects()}>{(o) => <option value={o} />}</For>
      </datalist>
    </>
  );
}

export function DataField(props: {
  path: (string | number)[];
  object: string;
  value: Record<string, never> | CreateRecordAction['data'];
  onChange: (d: CreateRecordAction['data']) => void;
}) {
  const { knownFields } = useEditor();
  const listId = () => `fields-${props.path.join('_')}`;
  return (
    <>
      <KeyValueField label="Fields" path={[...props.path, 'data']} value={props.value} keyList={listId()} onChange={props.onChange} />
      <datalist id={listId()}>
        <For each={knownFields(props.object)}>{(f) => <option value={f} />}</For>
      </datalist>
    </>
  );
}

export function CreateRecordForm(props: ActionFormProps<CreateRecordAction>) {
  return (
    <>
      <ObjectInput path={props.path} value={props.action.object} onInput={(object) => props.patch({ object })} />
      <DataField path={props.path} object={props.action.object} value={props.action.data} onChange={(data) => props.patch({ data })} />
    </>
  );
}

export function UpdateRecordForm(props: ActionFormProps<UpdateRecordAction>) {
  return (
    <>
      <ObjectInput path={props.path} value={props.action.object} onInput={(object) => props.patch({ object })} />
      <TextField label="Record id" path={[...props.path, 'recordId']} value={props.action.recordId} vars onInput={(recordId) => props.patch({ recordId })} />
      <DataField path={props.path} object={props.action.object} value={props.action.data} onChange={(data) => props.patch({ data })} />
    </>
  );
}

export function DeleteRecordForm(props: ActionFormProps<DeleteRecordAction>) {
  return (
    <>
      <ObjectInput path={props.path} value={props.action.object} onInput={(object) => props.patch({ object })} />
      <TextField label="Record id" path={[...props.path, 'recordId']} value={props.action.recordId} vars onInput={(recordId) => props.patch({ recordId })} />
    </>
  );
}

/** Loaded when a script step is first opened: CodeMirror stays out of the first page load. */
const CodeEditor = lazy(() => import('../code/CodeEditor'));

function CodeField(props: { path: (string | number)[]; value: string; onInput: (v: string) => void }) {
  const id = () => fieldId(props.path);
  const error = useFieldError(() => props.path);
  const { touch, reportFieldProblem } = useEditor();
  return (
    <div class="field" onFocusOut={() => touch(props.path)}>
      <label id={`${id()}-label`} for={id()}>
        Code
      </label>
      <Suspense
        fallback={
          <p class="muted" data-loading>
            Loading the code editor…
          </p>
        }>
        <CodeEditor
          id={id()}
          value={props.value}
          onInput={props.onInput}
          labelledBy={`${id()}-label`}
          describedBy={`${id()}-hint`}
          onSyntax={(code, message) => reportFieldProblem(props.path, code, message)}
        />
      </Suspense>
      <p class="hint" id={`${id()}-hint`}>
        Body of an async function. <code>input.trigger</code> and <code>input.steps</code> hold the trigger payload and earlier outputs; the returned value
        becomes this step's output. No network or file access. Tab indents; press Escape, then Tab, to leave the editor.
      </p>
      <Show when={error()}>
        <p class="error field-error" role="alert">
          {error()}
        </p>
      </Show>
    </div>
  );
}

export function RunScriptForm(props: ActionFormProps<RunScriptAction>) {
  return (
    <>
      <CodeField path={[...props.path, 'code']} value={props.action.code} onInput={(code) => props.patch({ code })} />
      <div class="row wrap">
        <NumberField
          label="Memory (MB)"
          path={[...props.path, 'memoryMb']}
          value={props.action.memoryMb}
          min={8}
          max={256}
          onInput={(memoryMb) => props.patch({ memoryMb })}
        />
        <NumberField
          label="CPU time (ms)"
          path={[...props.path, 'cpuMs']}
          value={props.action.cpuMs}
          min={10}
          max={10000}
          onInput={(cpuMs) => props.patch({ cpuMs })}
        />
      </div>
    </>
  );
}

export function WaitForm(props: ActionFormProps<WaitAction>) {
  const mode = () => (props.action.until !== undefined ? 'until' : 'duration');
  const name = () => `wait-mode-${props.path.join('_')}`;
  return (
    <>
      <fieldset class="field inline-radios">
        <legend>Wait</legend>
        <label>
          <input type="radio" name={name()} checked={mode() === 'duration'} onChange={() => props.patch({ duration: '1h', until: undefined })} /> for a duration
        </label>
        <label>
          <input
            type="radio"
            name={name()}
            checked={mode() === 'until'}
            onChange={() => props.patch({ until: '{{trigger.record.dueAt}}', duration: undefined })}
          />{' '}
          until a date
        </label>
      </fieldset>
      <Show
        when={mode() === 'duration'}
        fallback={
          <TextField
            label="Until"
            path={[...props.path, 'until']}
            value={props.action.until}
            vars
            placeholder="2026-12-01T09:00:00Z"
            onInput={(until) => props.patch({ until })}
          />
        }>
        <TextField
          label="Duration"
          path={[...props.path, 'duration']}
          value={props.action.duration}
          placeholder="2d"
          hint="For example 30s, 15m, 2d or 1h30m."
          onInput={(duration) => props.patch({ duration })}
        />
      </Show>
    </>
  );
}
