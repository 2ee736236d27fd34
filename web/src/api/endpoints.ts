import { z } from 'zod';
import type { WorkflowDefinitionInput } from '@conduit/core/definition';
import { request, type Query } from './client';
import {
  DevMailSchema, EventSchema, ExecutionSchema, MeSchema, RecordSchema, VersionSchema, WorkflowSchema,
  oneOf, pageOf,
} from './schemas';

const ok = z.unknown();
const ws = (id: string) => `/api/workspaces/${encodeURIComponent(id)}`;
const enc = encodeURIComponent;

export const api = {
  login: (email: string, password: string) => request('POST', '/api/auth/login', ok, { email, password }),
  logout: () => request('POST', '/api/auth/logout', ok, {}),
  me: () => request('GET', '/api/me', MeSchema),

  workflows: {
    list: (w: string) => request('GET', `${ws(w)}/workflows`, pageOf(WorkflowSchema)),
    get: (w: string, id: string) => request('GET', `${ws(w)}/workflows/${enc(id)}`, oneOf(WorkflowSchema, 'workflow')),
    create: (w: string, def: WorkflowDefinitionInput) => request('POST', `${ws(w)}/workflows`, oneOf(WorkflowSchema, 'workflow'), def),
    patch: (w: string, id: string, def: Partial<WorkflowDefinitionInput>) =>
      request('PATCH', `${ws(w)}/workflows/${enc(id)}`, oneOf(WorkflowSchema, 'workflow'), def),
    remove: (w: string, id: string) => request('DELETE', `${ws(w)}/workflows/${enc(id)}`, ok),
    /** Publishes the draft as a new version; a webhook secret generated on first activation comes back once. */
    activate: (w: string, id: string) =>
      request('POST', `${ws(w)}/workflows/${enc(id)}/activate`, z.looseObject({ secret: z.string().optional() }), {}),
    deactivate: (w: string, id: string) => request('POST', `${ws(w)}/workflows/${enc(id)}/deactivate`, ok, {}),
    versions: (w: string, id: string) => request('GET', `${ws(w)}/workflows/${enc(id)}/versions`, pageOf(VersionSchema)),
    test: (w: string, id: string, payload: unknown) =>
      request('POST', `${ws(w)}/workflows/${enc(id)}/test`, oneOf(ExecutionSchema, 'execution'), { payload }),
    rotateSecret: (w: string, id: string) =>
      request('POST', `${ws(w)}/workflows/${enc(id)}/secret/rotate`, z.looseObject({ secret: z.string() }), {}),
  },

  executions: {
    list: (w: string, q: Query) => request('GET', `${ws(w)}/executions`, pageOf(ExecutionSchema), undefined, q),
    get: (w: string, id: string) => request('GET', `${ws(w)}/executions/${enc(id)}`, oneOf(ExecutionSchema, 'execution')),
    cancel: (w: string, id: string) => request('POST', `${ws(w)}/executions/${enc(id)}/cancel`, ok, {}),
    retry: (w: string, id: string) =>
      request('POST', `${ws(w)}/executions/${enc(id)}/retry`, z.union([oneOf(ExecutionSchema, 'execution'), z.unknown()]), {}),
  },

  events: {
    list: (w: string, q: Query) => request('GET', `${ws(w)}/events`, pageOf(EventSchema), undefined, q),
    replay: (w: string, id: string) => request('POST', `${ws(w)}/events/${enc(id)}/replay`, ok, {}),
  },

  records: {
    list: (w: string, object: string, q: Query = {}) => request('GET', `${ws(w)}/records/${enc(object)}`, pageOf(RecordSchema), undefined, q),
    create: (w: string, object: string, data: Record<string, unknown>) =>
      request('POST', `${ws(w)}/records/${enc(object)}`, oneOf(RecordSchema, 'record'), { data }),
    update: (w: string, object: string, id: string, data: Record<string, unknown>) =>
      request('PATCH', `${ws(w)}/records/${enc(object)}/${enc(id)}`, oneOf(RecordSchema, 'record'), { data }),
    remove: (w: string, object: string, id: string) => request('DELETE', `${ws(w)}/records/${enc(object)}/${enc(id)}`, ok),
  },

  devMail: (w: string) => request('GET', `${ws(w)}/dev-mail`, pageOf(DevMailSchema)),
};
