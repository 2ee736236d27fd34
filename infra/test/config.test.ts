import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIME_SECRET_KEYS, SSM_PARAMETERS } from '../src/config';
import { settingsFromEnv } from '../src/settings';
import { SECRET_ARN, resourceOf, synthAll, testSettings, type Synth } from './synth';

// Values a careless stack could copy from the deploying shell into a template.
const SENTINELS = {
  DATABASE_URL: 'postgres://app:SENTINEL_DB_PASSWORD@ep-x.eu-west-1.aws.neon.tech/conduit',
  ENCRYPTION_KEY: 'SENTINEL_ENCRYPTION_KEY',
  TEMPORAL_API_KEY: 'SENTINEL_TEMPORAL_KEY',
  SMTP_URL: 'smtp://u:SENTINEL_SMTP@mail.example.com:587',
};
const saved: Record<string, string | undefined> = {};
let synth: Synth;

beforeAll(async () => {
  for (const [k, v] of Object.entries(SENTINELS)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  synth = await synthAll();
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('configuration and secrets', () => {
  it('never inlines a secret value into any template', () => {
    for (const [name, t] of Object.entries(synth.templates)) {
      const json = JSON.stringify(t.toJSON());
      expect(json, name).not.toMatch(/SENTINEL/);
    }
  });

  it('gives each Lambda the secret by its complete ARN and lets it read that secret only', () => {
    const secretArn = SECRET_ARN;
    for (const t of [synth.templates.api, synth.templates.events, synth.templates.sweeper]) {
      const fns = Object.values(t.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Environment);
      expect(fns.length).toBeGreaterThan(0);
      for (const fn of fns) {
        const vars = fn.Properties.Environment.Variables;
        expect(vars.CONDUIT_SECRET_ID).toBe(SECRET_ARN);
        for (const key of RUNTIME_SECRET_KEYS) expect(vars[key]).toBeUndefined();
      }
      const reads = Object.values(t.findResources('AWS::IAM::Policy'))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s: { Action: unknown }) => JSON.stringify(s.Action).includes('secretsmanager'));
      expect(reads.length).toBe(fns.length);
      for (const s of reads) expect(s).toEqual({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secretArn });
    }
  });

  it('reads the Temporal address, namespace and sender from SSM parameters at deploy time', () => {
    const t = synth.templates.api;
    const params = t.toJSON().Parameters as Record<string, { Type: string; Default: string }>;
    const ssm = Object.entries(params).filter(([, p]) => p.Type === 'AWS::SSM::Parameter::Value<String>' && p.Default.startsWith('/conduit/'));
    expect(ssm.map(([, p]) => p.Default).sort()).toEqual(
      Object.values(SSM_PARAMETERS)
        .map((n) => `/conduit/test/${n}`)
        .sort(),
    );
    const addressParam = ssm.find(([, p]) => p.Default.endsWith('temporal-address'))![0];
    const api = Object.values(t.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Environment)!;
    expect(api.Properties.Environment.Variables.TEMPORAL_ADDRESS).toEqual({ Ref: addressParam });
    // The Temporal UI (the codec endpoint's only CORS origin) is a parameter too, never localhost.
    const uiParam = ssm.find(([, p]) => p.Default === '/conduit/test/temporal-ui-url')![0];
    expect(api.Properties.Environment.Variables.TEMPORAL_UI_URL).toEqual({ Ref: uiParam });
    const worker = synth.templates.worker;
    const workerUiParam = Object.entries(worker.toJSON().Parameters as Record<string, { Default: string }>).find(
      ([, p]) => p.Default === '/conduit/test/temporal-ui-url',
    )![0];
    const env = resourceOf(worker, 'AWS::ECS::TaskDefinition', 'WorkerTask').props.ContainerDefinitions[0].Environment as Array<{
      Name: string;
      Value: unknown;
    }>;
    expect(env).toContainEqual({ Name: 'TEMPORAL_UI_URL', Value: { Ref: workerUiParam } });
  });

  it('gives the worker the Temporal mTLS pair from the runtime secret, and has it reconcile schedules at start', () => {
    const container = resourceOf(synth.templates.worker, 'AWS::ECS::TaskDefinition', 'WorkerTask').props.ContainerDefinitions[0];
    const secrets = Object.fromEntries((container.Secrets as Array<{ Name: string; ValueFrom: string }>).map((s) => [s.Name, s.ValueFrom]));
    for (const key of ['TEMPORAL_API_KEY', 'TEMPORAL_TLS_CLIENT_CERT_DATA', 'TEMPORAL_TLS_CLIENT_KEY_DATA', 'TEMPORAL_TLS_SERVER_CA_CERT_DATA']) {
      expect(secrets[key], key).toBe(`${SECRET_ARN}:${key}::`);
    }
    expect(container.Environment).toContainEqual({ Name: 'RECONCILE_SCHEDULES_ON_START', Value: 'true' });
    // Plaintext to a remote Temporal is refused by the code; the stacks never opt out of that.
    for (const t of Object.values(synth.templates)) expect(JSON.stringify(t.toJSON())).not.toContain('TEMPORAL_ALLOW_INSECURE');
  });

  it('refuses to reference the runtime secret by a name or partial ARN', async () => {
    await expect(synthAll(testSettings({ secret: 'conduit/test/runtime' }))).rejects.toThrow(/complete ARN/);
    await expect(synthAll(testSettings({ secret: SECRET_ARN.replace(/-AbC123$/, '') }))).rejects.toThrow(/complete ARN/);
  });

  it('validates deploy settings from the environment', () => {
    const s = settingsFromEnv('prod', { CONDUIT_WORKER_IMAGE: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:abc' });
    expect(s).toMatchObject({
      secret: 'conduit/prod/runtime',
      ssmPrefix: '/conduit/prod',
      workerImage: { kind: 'registry', uri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:abc' },
      workerMinTasks: 1,
      workerMaxTasks: 4,
    });
    expect(settingsFromEnv('prod', {}).workerImage).toEqual({ kind: 'asset' });
    expect(() => settingsFromEnv('Prod', {})).toThrow(/stage/);
    expect(() => settingsFromEnv('prod', { CONDUIT_WORKER_MIN_TASKS: '5', CONDUIT_WORKER_MAX_TASKS: '2' })).toThrow(/MIN_TASKS/);
    expect(() => settingsFromEnv('prod', { CONDUIT_ALARM_EMAIL: 'not-an-email' })).toThrow(/alarmEmail/);
  });
});
