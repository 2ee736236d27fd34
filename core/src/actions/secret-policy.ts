/**
 * Where workspace secrets may be referenced and where a credential must not be written literally.
 * Zod-free: the API, the editor and the migration of old definitions share these rules.
 */
import { extractReferences, secretNameOf, secretReferences } from '../expressions/template';
import type { Json } from '../definition/common';
import { formatPath } from '../definition/errors';
import { walkActions } from '../definition/walk';
import { fieldLabelOf, secretFieldsOf, stepNameOf } from './meta';
import type { WorkflowAction } from './schemas';

/** A secret's name: upper case, digits and _, starting with a letter (an environment variable's shape). */
export const SECRET_NAME_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;
/** A whole field that is exactly one secret reference. */
export const SECRET_REF_PATTERN = /^\{\{\s*secrets\.[A-Z][A-Z0-9_]{0,63}\s*\}\}$/;

const stepLabel = stepNameOf;

/** Header names that carry a credential whatever their value. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key']);
/** Header or query names that look like they carry one ("X-Auth-Token", "api_key", "client_secret"). */
const CREDENTIAL_WORDS = /token|secret|password|apikey/;

function isCredentialName(name: string, kind: 'header' | 'query'): boolean {
  const n = name.toLowerCase();
  return (kind === 'header' && CREDENTIAL_HEADERS.has(n)) || CREDENTIAL_WORDS.test(n.replace(/[-_ .]/g, ''));
}

const TEMPLATE = /\{\{[^{}]*\}\}/g;
/** An auth scheme word may stay literal beside a template ("Bearer {{secrets.TOKEN}}"); anything else is a credential. */
const SCHEME_ONLY = /^(bearer|basic|token|bot|apikey|key|digest)?$/i;

/** True when a value written into a credential header or parameter holds the credential itself. */
function isLiteralCredential(value: string): boolean {
  const rest = value.replace(TEMPLATE, '').trim();
  return rest !== '' && !SCHEME_ONLY.test(rest);
}

export type SecretProblem = { code: string; message: string; path: string };

/** Literal credentials in a send_webhook's headers and query, with where they are. */
export function literalCredentials(action: WorkflowAction): { kind: 'header' | 'query'; name: string; value: string }[] {
  if (action.type !== 'send_webhook') return [];
  const out: { kind: 'header' | 'query'; name: string; value: string }[] = [];
  for (const [name, value] of Object.entries(action.headers ?? {}))
    if (isCredentialName(name, 'header') && isLiteralCredential(value)) out.push({ kind: 'header', name, value });
  for (const [name, value] of Object.entries(action.query ?? {}))
    if (isCredentialName(name, 'query') && isLiteralCredential(value)) out.push({ kind: 'query', name, value });
  return out;
}

/**
 * What a definition may not hold: a credential written literally into a header or query parameter,
 * and secret references outside the fields that resolve them (or with filters, which would change
 * the value where nobody sees it).
 */
export function secretProblems(actions: readonly WorkflowAction[]): SecretProblem[] {
  const problems: SecretProblem[] = [];
  walkActions(actions, (action, at) => {
    const step = stepLabel(action);
    for (const c of literalCredentials(action)) {
      const field = c.kind === 'header' ? 'headers' : 'query';
      problems.push({
        code: 'literal_credential',
        path: formatPath(['actions', ...at, field, c.name]),
        message: `Step "${step}", ${fieldLabelOf(action.type, field)} "${c.name}": this looks like a credential written in the workflow; store it as a secret (Settings → Secrets) and write {{secrets.NAME}} here`,
      });
    }
    const allowed = new Set(secretFieldsOf(action.type));
    for (const [field, value] of Object.entries(action)) {
      if (field === 'id' || field === 'type') continue;
      const names = secretReferences(value as Json);
      if (names.length === 0) continue;
      const label = fieldLabelOf(action.type, field);
      if (!allowed.has(field)) {
        problems.push({
          code: 'secret_not_allowed',
          path: formatPath(['actions', ...at, field]),
          message: `Step "${step}", ${label}: secrets cannot be used in this field (secret ${names[0]})`,
        });
        continue;
      }
      for (const ref of extractReferences(value as Json)) {
        const name = secretNameOf(ref);
        if (name !== null && !SECRET_NAME_PATTERN.test(name))
          problems.push({
            code: 'invalid_reference',
            path: formatPath(['actions', ...at, field]),
            message: `Step "${step}", ${label}: "${name}" is not a secret name (upper case letters, digits and _)`,
          });
      }
      if (hasSecretFilter(value as Json))
        problems.push({
          code: 'invalid_reference',
          path: formatPath(['actions', ...at, field]),
          message: `Step "${step}", ${label}: a secret is used as it is, without filters`,
        });
    }
  });
  return problems;
}

function hasSecretFilter(value: Json): boolean {
  let found = false;
  const visit = (v: Json): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) if (secretNameOf(m[1]!) !== null && m[1]!.includes('|')) found = true;
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return found;
}

/** Every secret a definition references, with the steps and fields that do. */
export function secretUses(actions: readonly WorkflowAction[]): Map<string, { step: string; field: string }[]> {
  const uses = new Map<string, { step: string; field: string }[]>();
  walkActions(actions, (action) => {
    for (const [field, value] of Object.entries(action)) {
      if (field === 'id' || field === 'type') continue;
      for (const name of secretReferences(value as Json)) {
        const list = uses.get(name) ?? [];
        list.push({ step: stepLabel(action), field: fieldLabelOf(action.type, field) });
        uses.set(name, list);
      }
    }
  });
  return uses;
}
