import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiConstruct } from '../src/api';
import { DashboardConstruct } from '../src/dashboard';
import { MigrationsConstruct } from '../src/migrations';
import { bundleLambdas } from '../src/bundle';
import { referenceRuntimeConfig } from '../src/config';
import { EventsConstruct } from '../src/events';
import { DeploySettingsSchema, type DeploySettings } from '../src/settings';
import { SweeperConstruct } from '../src/sweeper';
import { WebConstruct } from '../src/web';
import { WorkerConstruct } from '../src/worker';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
/** The runtime secret as mountStacks hands it to the stacks: its complete ARN, suffix included. */
export const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:conduit/test/runtime-AbC123`;

/** A minimal built site, standing in for web/dist. */
function fakeWebDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'conduit-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(dir, 'assets/index-abc123.js'), 'console.log(1)');
  return dir;
}

export function testSettings(over: Partial<DeploySettings> = {}): DeploySettings {
  return DeploySettingsSchema.parse({
    stage: 'test',
    secret: SECRET_ARN,
    ssmPrefix: '/conduit/test',
    workerImage: { kind: 'registry', uri: 'public.ecr.aws/example/conduit-worker:1.0.0' },
    workerMinTasks: 1,
    workerMaxTasks: 4,
    ingressReservedConcurrency: 20,
    sesIdentity: 'example.com',
    alarmEmail: 'ops@example.com',
    webDistPath: fakeWebDist(),
    ...over,
  });
}

export type Synth = {
  app: App;
  templates: Record<'migrations' | 'events' | 'api' | 'sweeper' | 'worker' | 'web' | 'monitoring', Template>;
  constructs: {
    migrations: MigrationsConstruct;
    events: EventsConstruct;
    api: ApiConstruct;
    sweeper: SweeperConstruct;
    worker: WorkerConstruct;
    web: WebConstruct;
    dashboard: DashboardConstruct;
  };
};

/**
 * Every stack of the deployment, built with plain CDK stacks exactly as the SST stack functions
 * wire them (infra/src/stacks), and synthesized offline (the Lambdas are bundled first).
 */
export async function synthAll(settings: DeploySettings = testSettings(), outdir?: string): Promise<Synth> {
  await bundleLambdas();
  const app = new App(outdir ? { outdir } : {});
  const env = { account: ACCOUNT, region: REGION };
  const stack = (id: string) => new Stack(app, `${settings.stage}-conduit-${id}`, { env });
  const s = {
    migrations: stack('Migrations'),
    events: stack('Events'),
    api: stack('Api'),
    sweeper: stack('Sweeper'),
    worker: stack('Worker'),
    web: stack('Web'),
    monitoring: stack('Monitoring'),
  };
  const config = (st: Stack) => referenceRuntimeConfig(st, settings);

  const migrations = new MigrationsConstruct(s.migrations, 'Migrations', { config: config(s.migrations) });
  for (const st of [s.events, s.api, s.sweeper, s.worker]) st.addDependency(s.migrations);
  const events = new EventsConstruct(s.events, 'Events', { settings, config: config(s.events) });
  const api = new ApiConstruct(s.api, 'Api', { settings, config: config(s.api), events });
  const sweeper = new SweeperConstruct(s.sweeper, 'Sweeper', { settings, config: config(s.sweeper), events });
  const web = new WebConstruct(s.web, 'Web', { settings, apiOriginHost: api.originHost });
  const worker = new WorkerConstruct(s.worker, 'Worker', { settings, config: config(s.worker), events, appUrl: web.url });
  const dashboard = new DashboardConstruct(s.monitoring, 'Dashboard', { settings, events, api, worker });
  const templates = {
    migrations: Template.fromStack(s.migrations),
    events: Template.fromStack(s.events),
    api: Template.fromStack(s.api),
    sweeper: Template.fromStack(s.sweeper),
    worker: Template.fromStack(s.worker),
    web: Template.fromStack(s.web),
    monitoring: Template.fromStack(s.monitoring),
  };
  return { app, templates, constructs: { migrations, events, api, sweeper, worker, web, dashboard } };
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** Every IAM statement attached (inline policies) to the role whose logical id starts with `rolePrefix`. */
export function statementsOfRole(template: Template, rolePrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const out: Statement[] = [];
  for (const policy of Object.values(policies)) {
    const roles = (policy.Properties.Roles ?? []) as Array<{ Ref?: string }>;
    if (!roles.some((r) => r.Ref?.startsWith(rolePrefix))) continue;
    out.push(...(policy.Properties.PolicyDocument.Statement as Statement[]));
  }
  return out;
}

export const actionsOf = (statements: Statement[]): string[] => statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();

/** The one resource of a type whose logical id starts with `prefix`. */
/** CloudFormation properties: untyped JSON, read by the assertions below. */
export type CfnProps = any;

export function resourceOf(template: Template, type: string, prefix: string): { id: string; props: CfnProps } {
  const found = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${found.map(([id]) => id).join(', ') || 'none'}`);
  const [id, res] = found[0]!;
  return { id, props: res.Properties };
}
