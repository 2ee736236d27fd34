import { z } from 'zod';
import {
  ActivateResultSchema,
  ExecutionDtoSchema,
  LoginResultSchema,
  RecordDtoSchema,
  WorkflowDtoSchema,
  pageOf,
  type ExecutionDto,
  type WorkflowDto,
} from '@conduit/core/api';

/**
 * A signed-in user of a running stack, over plain HTTP as a browser or script would talk to it.
 * Every answer is parsed with the API's own zod schemas, so a contract break fails the test.
 */
export type ApiClient = Awaited<ReturnType<typeof signIn>>;

export async function signIn(baseUrl: string, login: { email: string; password: string }) {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: login.email, password: login.password }),
  });
  if (res.status !== 200) throw new Error(`login → ${res.status}: ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const me = LoginResultSchema.parse(await res.json());
  const ws = me.workspaces[0];
  if (!ws) throw new Error('the user has no workspace');

  async function call<T extends z.ZodType>(schema: T, method: string, path: string, body?: unknown, expect = [200, 201]): Promise<z.infer<T>> {
    const r = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    if (!expect.includes(r.status)) throw new Error(`${method} ${path} → ${r.status}: ${text}`);
    return schema.parse(text ? JSON.parse(text) : null);
  }
  const w = `/api/workspaces/${ws.id}`;

  return {
    me,
    workspace: ws,
    cookie,
    call,
    createWorkflow: (def: { name: string; trigger: unknown; actions: unknown[] }): Promise<WorkflowDto> =>
      call(WorkflowDtoSchema, 'POST', `${w}/workflows`, def),
    activate: (id: string) => call(ActivateResultSchema, 'POST', `${w}/workflows/${id}/activate`),
    listWorkflows: async () => (await call(pageOf(WorkflowDtoSchema), 'GET', `${w}/workflows`)).items,
    createRecord: (object: string, data: Record<string, unknown>) => call(RecordDtoSchema, 'POST', `${w}/records/${object}`, { data }),
    updateRecord: (object: string, id: string, data: Record<string, unknown>) => call(RecordDtoSchema, 'PATCH', `${w}/records/${object}/${id}`, { data }),
    listRecords: async (object: string) => (await call(pageOf(RecordDtoSchema), 'GET', `${w}/records/${object}?limit=200`)).items,
    executions: async (workflowId: string) => (await call(pageOf(ExecutionDtoSchema), 'GET', `${w}/executions?workflowId=${workflowId}`)).items,
    execution: (id: string) => call(ExecutionDtoSchema, 'GET', `${w}/executions/${id}`),
    /** Polls until the workflow has `count` runs that have all finished; returns them with their steps. */
    async waitForRuns(workflowId: string, count = 1, timeoutMs = 45_000): Promise<ExecutionDto[]> {
      const deadline = Date.now() + timeoutMs;
      let last: ExecutionDto[] = [];
      for (;;) {
        last = await this.executions(workflowId);
        if (last.length >= count && last.every((e) => ['completed', 'failed', 'cancelled'].includes(e.status)))
          return Promise.all(last.map((e) => this.execution(e.id)));
        if (Date.now() > deadline) throw new Error(`runs of ${workflowId} not finished in ${timeoutMs} ms: ${JSON.stringify(last.map((e) => e.status))}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}

/** POST to a workflow's public hook; answers 202 with the stored event's id. */
export async function postHook(baseUrl: string, hookPath: string, body: unknown): Promise<{ status: number; eventId: string | undefined }> {
  const r = await fetch(`${baseUrl}${hookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const parsed = z
    .object({ eventId: z.string().optional(), id: z.string().optional() })
    .loose()
    .safeParse(await r.json().catch(() => ({})));
  return { status: r.status, eventId: parsed.success ? (parsed.data.eventId ?? parsed.data.id) : undefined };
}
