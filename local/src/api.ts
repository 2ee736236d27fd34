import type { Client } from '@temporalio/client';
import type { Config } from '@conduit/core/config';
import type { SecretBox } from '@conduit/core/crypto';
import type { Db } from '@conduit/core/db';
import { seedDemo, type DemoLogin as SeededLogin } from '@conduit/core/domain';
import type { EventQueue } from '@conduit/core/events';
import { createApp, type AppDeps } from '@conduit/functions/app';
import { createHookHandler, createHookResolver, createNodeHookListener } from '@conduit/functions/ingress/index';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunStarter } from '@conduit/functions/runs/index';
import type { ScheduleSync } from '@conduit/functions/schedules/index';
import type { StackLogger } from './log';

export type DemoLogin = Pick<SeededLogin, 'email' | 'password'> & { workspaceSlug: string };

export type ApiParts = {
  config: Config;
  db: Db;
  temporal: Client;
  queue: EventQueue;
  runs: RunStarter;
  schedules: ScheduleSync;
  staticDir: string | undefined;
  log: StackLogger;
  /** The stack's one secret box (the worker opens signing secrets with the same). */
  secrets: SecretBox;
};

/**
 * The HTTP app (API, webhook ingress, web app) over the parts the stack already runs, and the demo
 * workspace seeded (idempotent: a restart keeps its data and prints the same login).
 */
export type BuiltApi = {
  fetch: (req: Request, env?: unknown) => Response | Promise<Response>;
  /** Serves `/hooks/<id>` straight from node:http (true when it took the request). */
  hooks: (req: IncomingMessage, res: ServerResponse) => boolean;
  login: DemoLogin;
};

export async function buildApi(parts: ApiParts): Promise<BuiltApi> {
  const { secrets } = parts;
  const hooks = createHookResolver({ db: parts.db, box: secrets });
  const hookHandler = createHookHandler({ db: parts.db, queue: parts.queue, config: parts.config, secrets, hooks, log: parts.log });
  const deps: AppDeps = {
    db: parts.db,
    config: parts.config,
    secrets,
    temporal: parts.temporal,
    queue: parts.queue,
    runs: parts.runs,
    schedules: parts.schedules,
    hooks,
    hookHandler,
    log: parts.log,
    ...(parts.staticDir ? { staticDir: parts.staticDir } : {}),
  };
  const app = createApp(deps);
  const seeded = await seedDemo(parts.db);
  return {
    fetch: (req, env) => app.fetch(req, env as never),
    hooks: createNodeHookListener(hookHandler, parts.log),
    login: { email: seeded.email, password: seeded.password, workspaceSlug: seeded.workspaceSlug },
  };
}
