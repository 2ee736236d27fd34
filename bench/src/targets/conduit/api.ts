import { z } from 'zod';
import type { WorkflowActionInput, WorkflowTrigger } from '@conduit/core/definition';

const IdSchema = z.object({ id: z.string() });
/** Entities may come bare or wrapped ({ workflow: … }); the bench only needs their ids. */
const unwrap = (json: unknown, key: string): unknown => (json && typeof json === 'object' && key in json ? (json as Record<string, unknown>)[key] : json);

const MeSchema = z.object({
  workspaces: z.array(z.object({ id: z.string(), role: z.string().optional() })).min(1),
});
const WorkflowSchema = z.object({ id: z.string(), hookId: z.string().nullable().optional() });

export type Definition = { name: string; trigger: WorkflowTrigger; actions: WorkflowActionInput[] };

/** The slice of Conduit's REST API the bench uses to set up its scenarios (session-cookie auth). */
export class ConduitApi {
  private constructor(
    readonly base: string,
    private readonly cookie: string,
    readonly workspaceId: string,
  ) {}

  static async login(base: string, login: { email: string; password: string }): Promise<ConduitApi> {
    const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(login) });
    if (!r.ok) throw new Error(`login failed: ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
    const cookie = r.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    if (!cookie) throw new Error('login answered without a session cookie');
    const me = await fetch(`${base}/api/me`, { headers: { cookie } });
    if (!me.ok) throw new Error(`GET /api/me: ${me.status}`);
    const parsed = MeSchema.parse(await me.json());
    const ws = parsed.workspaces.find((w) => w.role === undefined || w.role === 'admin') ?? parsed.workspaces[0];
    return new ConduitApi(base, cookie, ws!.id);
  }

  /** The same session acting in another workspace it belongs to. */
  inWorkspace(workspaceId: string): ConduitApi {
    return new ConduitApi(this.base, this.cookie, workspaceId);
  }

  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const r = await fetch(`${this.base}${path}`, {
      method,
      headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 500)}`);
    return text ? (JSON.parse(text) as unknown) : null;
  }

  private ws(path: string): string {
    return `/api/workspaces/${this.workspaceId}${path}`;
  }

  /** Creates and activates a workflow; returns its id and, for webhook triggers, its hook id. */
  async createActiveWorkflow(def: Definition): Promise<{ id: string; hookId: string | null }> {
    const created = WorkflowSchema.parse(unwrap(await this.request('POST', this.ws('/workflows'), def), 'workflow'));
    const activated = WorkflowSchema.partial().parse(unwrap(await this.request('POST', this.ws(`/workflows/${created.id}/activate`)), 'workflow') ?? {});
    const hookId = activated.hookId ?? created.hookId ?? null;
    return { id: created.id, hookId };
  }

  async createRecord(object: string, data: Record<string, unknown>): Promise<string> {
    return IdSchema.parse(unwrap(await this.request('POST', this.ws(`/records/${object}`), { data }), 'record')).id;
  }

  async patchRecord(object: string, id: string, data: Record<string, unknown>): Promise<void> {
    await this.request('PATCH', this.ws(`/records/${object}/${id}`), { data });
  }
}

/** POST /hooks/:hookId; resolves with the accepted event id. */
export async function postHook(base: string, hookId: string, body: unknown): Promise<string> {
  const r = await fetch(`${base}/hooks/${hookId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  if (r.status !== 202) throw new Error(`POST /hooks: ${r.status} ${text.slice(0, 200)}`);
  return z.object({ eventId: z.string() }).parse(JSON.parse(text)).eventId;
}
