import { z } from 'zod';
import type { WorkflowDefinitionInput } from '@conduit/core/definition';
import { request, type Query } from './client';
import { answers, type RequestBody } from './contract';
import {
  ActivateResultSchema,
  DiffDtoSchema,
  SecretDtoSchema,
  ApprovalDtoSchema,
  ApprovalLinkDtoSchema,
  FailureAlertSettingsDtoSchema,
  RetentionSettingsDtoSchema,
  WorkspaceUsageDtoSchema,
  HookRefusalsDtoSchema,
  ReplayResultSchema,
  SecretRotatedSchema,
} from '@conduit/core/api';
import { DevMailSchema, EventSchema, ExecutionSchema, MeSchema, RecordSchema, VersionSchema, WorkflowSchema, pageOf } from './schemas';

const ok = z.unknown();
const NamesSchema = z.object({ items: z.array(z.string()) });
const ws = (id: string) => `/api/workspaces/${encodeURIComponent(id)}`;
const enc = encodeURIComponent;

export const api = {
  login: (email: string, password: string) => request('POST', '/api/auth/login', ok, { email, password } satisfies RequestBody<'login'>),
  logout: () => request('POST', '/api/auth/logout', ok, {}),
  me: () => request('GET', '/api/me', answers<'getMe', 200>()(MeSchema)),

  workflows: {
    list: (w: string) => request('GET', `${ws(w)}/workflows`, answers<'listWorkflows', 200>()(pageOf(WorkflowSchema))),
    get: (w: string, id: string) => request('GET', `${ws(w)}/workflows/${enc(id)}`, answers<'getWorkflow', 200>()(WorkflowSchema)),
    create: (w: string, def: WorkflowDefinitionInput) => request('POST', `${ws(w)}/workflows`, answers<'createWorkflow', 201>()(WorkflowSchema), def),
    patch: (w: string, id: string, def: Partial<WorkflowDefinitionInput>) =>
      request('PATCH', `${ws(w)}/workflows/${enc(id)}`, answers<'updateWorkflow', 200>()(WorkflowSchema), def),
    remove: (w: string, id: string) => request('DELETE', `${ws(w)}/workflows/${enc(id)}`, ok),
    /**
     * Turns the workflow on; with unpublished changes `version` says which runs (without it the API
     * answers 409 choice_required). A webhook secret generated on first publish comes back once.
     */
    activate: (w: string, id: string, version?: 'draft' | 'live') =>
      request('POST', `${ws(w)}/workflows/${enc(id)}/activate`, ActivateResultSchema, version ? { version } : {}),
    /** Publishes the draft as the next version (published: false when it has no change). */
    publish: (w: string, id: string) => request('POST', `${ws(w)}/workflows/${enc(id)}/publish`, ActivateResultSchema, {}),
    version: (w: string, id: string, n: number) => request('GET', `${ws(w)}/workflows/${enc(id)}/versions/${n}`, VersionSchema),
    /** What differs from one version to another: "draft", "live" or a version number. */
    diff: (w: string, id: string, from: string, to: string) => request('GET', `${ws(w)}/workflows/${enc(id)}/diff`, DiffDtoSchema, undefined, { from, to }),
    /** Copies a version into the draft; nothing is published. */
    restore: (w: string, id: string, n: number) => request('POST', `${ws(w)}/workflows/${enc(id)}/versions/${n}/restore`, WorkflowSchema, {}),
    deactivate: (w: string, id: string) => request('POST', `${ws(w)}/workflows/${enc(id)}/deactivate`, ok, {}),
    versions: (w: string, id: string) => request('GET', `${ws(w)}/workflows/${enc(id)}/versions`, pageOf(VersionSchema)),
    test: (w: string, id: string, payload: unknown, mode: 'dry' | 'live' = 'dry') =>
      request('POST', `${ws(w)}/workflows/${enc(id)}/test`, answers<'testWorkflow', 201>()(ExecutionSchema), { payload, mode }),
    rotateSecret: (w: string, id: string) => request('POST', `${ws(w)}/workflows/${enc(id)}/secret/rotate`, SecretRotatedSchema, {}),
  },

  executions: {
    list: (w: string, q: Query) => request('GET', `${ws(w)}/executions`, answers<'listExecutions', 200>()(pageOf(ExecutionSchema)), undefined, q),
    get: (w: string, id: string) => request('GET', `${ws(w)}/executions/${enc(id)}`, answers<'getExecution', 200>()(ExecutionSchema)),
    cancel: (w: string, id: string) => request('POST', `${ws(w)}/executions/${enc(id)}/cancel`, ExecutionSchema, {}),
    retry: (w: string, id: string) => request('POST', `${ws(w)}/executions/${enc(id)}/retry`, ExecutionSchema, {}),
  },

  events: {
    list: (w: string, q: Query) => request('GET', `${ws(w)}/events`, answers<'listEvents', 200>()(pageOf(EventSchema)), undefined, q),
    /** One event with its payload (the list leaves payloads out). */
    get: (w: string, id: string) => request('GET', `${ws(w)}/events/${enc(id)}`, answers<'getEvent', 200>()(EventSchema)),
    /** Refused calls per hook, reason and minute (the last seven days unless `since`). */
    refusals: (w: string, q: Query = {}) => request('GET', `${ws(w)}/hook-refusals`, HookRefusalsDtoSchema, undefined, q),
    replay: (w: string, id: string) => request('POST', `${ws(w)}/events/${enc(id)}/replay`, ReplayResultSchema, {}),
  },

  records: {
    list: (w: string, object: string, q: Query = {}) =>
      request('GET', `${ws(w)}/records/${enc(object)}`, answers<'listRecords', 200>()(pageOf(RecordSchema)), undefined, q),
    create: (w: string, object: string, data: RequestBody<'createRecord'>['data']) =>
      request('POST', `${ws(w)}/records/${enc(object)}`, answers<'createRecord', 201>()(RecordSchema), { data } satisfies RequestBody<'createRecord'>),
    update: (w: string, object: string, id: string, data: RequestBody<'updateRecord'>['data']) =>
      request('PATCH', `${ws(w)}/records/${enc(object)}/${enc(id)}`, answers<'updateRecord', 200>()(RecordSchema), {
        data,
      } satisfies RequestBody<'updateRecord'>),
    remove: (w: string, object: string, id: string) => request('DELETE', `${ws(w)}/records/${enc(object)}/${enc(id)}`, ok),
  },

  /** What pickers suggest: the workspace's objects and the fields their newest records hold. */
  objects: {
    list: (w: string) => request('GET', `${ws(w)}/objects`, NamesSchema),
    fields: (w: string, object: string) => request('GET', `${ws(w)}/objects/${enc(object)}/fields`, NamesSchema),
  },

  /** Workspace secrets (admins): names, hints and users; a value is only ever sent, never read back. */
  secrets: {
    list: (w: string) => request('GET', `${ws(w)}/secrets`, pageOf(SecretDtoSchema)),
    put: (w: string, name: string, value: string) => request('PUT', `${ws(w)}/secrets/${enc(name)}`, SecretDtoSchema, { value }),
    remove: (w: string, name: string) => request('DELETE', `${ws(w)}/secrets/${enc(name)}`, SecretDtoSchema),
  },

  approvals: {
    list: (w: string, status?: string) =>
      request('GET', `${ws(w)}/approvals`, z.object({ items: z.array(ApprovalDtoSchema) }), undefined, status ? { status } : {}),
    decide: (w: string, id: string, decision: 'approve' | 'reject', comment?: string) =>
      request('POST', `${ws(w)}/approvals/${enc(id)}/decision`, ApprovalDtoSchema, { decision, ...(comment ? { comment } : {}) }),
  },
  /** Public: the emailed links (no session needed). */
  approvalLinks: {
    get: (token: string) => request('GET', `/api/approval-links/${enc(token)}`, ApprovalLinkDtoSchema),
    decide: (token: string, comment?: string) => request('POST', `/api/approval-links/${enc(token)}`, ApprovalLinkDtoSchema, comment ? { comment } : {}),
  },

  failureAlerts: {
    get: (w: string) => request('GET', `${ws(w)}/failure-alerts`, FailureAlertSettingsDtoSchema),
    put: (w: string, body: { enabled?: boolean; recipients?: string[] | null; webhookUrl?: string | null }) =>
      request('PUT', `${ws(w)}/failure-alerts`, FailureAlertSettingsDtoSchema.extend({ webhookSecret: z.string().nullable() }), body),
    workflow: (w: string, id: string, failureAlerts: boolean) =>
      request('PUT', `${ws(w)}/workflows/${enc(id)}/failure-alerts`, FailureAlertSettingsDtoSchema, { failureAlerts }),
  },

  usage: (w: string) => request('GET', `${ws(w)}/usage`, WorkspaceUsageDtoSchema),
  retention: {
    get: (w: string) => request('GET', `${ws(w)}/retention`, RetentionSettingsDtoSchema),
    put: (w: string, days: number) => request('PUT', `${ws(w)}/retention`, RetentionSettingsDtoSchema, { days }),
  },

  devMail: (w: string) => request('GET', `${ws(w)}/dev-mail`, pageOf(DevMailSchema)),
};
