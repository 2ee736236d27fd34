import { beforeAll, describe, expect, it } from 'vitest';
import { settingsFromEnv } from '../src/settings';
import { SECRET_ARN, resourceOf, synthAll, testSettings, type CfnProps, type Synth } from './synth';

const ENDPOINT = 'https://api.honeycomb.io';

/** Every Lambda function of every stack, by logical id, with its environment variables. */
function functionEnvironments(synth: Synth): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [stack, template] of Object.entries(synth.templates)) {
    for (const [id, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
      const props = (fn as { Properties: CfnProps }).Properties;
      // CDK's own helper functions (custom resource providers) run none of Conduit's code.
      if (!props.Environment?.Variables?.CONDUIT_SECRET_ID) continue;
      out[`${stack}/${id}`] = props.Environment.Variables;
    }
  }
  return out;
}

const workerContainer = (synth: Synth): CfnProps => resourceOf(synth.templates.worker, 'AWS::ECS::TaskDefinition', 'WorkerTask').props.ContainerDefinitions[0];
const envOf = (container: CfnProps) => Object.fromEntries((container.Environment as Array<{ Name: string; Value: unknown }>).map((e) => [e.Name, e.Value]));

describe('tracing in the cloud stacks', () => {
  let off: Synth;
  let on: Synth;
  beforeAll(async () => {
    off = await synthAll();
    on = await synthAll(testSettings({ otlpEndpoint: ENDPOINT, otlpHeadersInSecret: true }));
  }, 300_000);

  it('is off unless an endpoint is configured: no function or worker gets an OTLP endpoint', () => {
    const fns = functionEnvironments(off);
    expect(Object.keys(fns).length).toBeGreaterThanOrEqual(4);
    for (const env of Object.values(fns)) expect(env).not.toHaveProperty('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(envOf(workerContainer(off))).not.toHaveProperty('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect((workerContainer(off).Secrets as Array<{ Name: string }>).map((s) => s.Name)).not.toContain('OTEL_EXPORTER_OTLP_HEADERS');
  });

  it('sends every function and the worker to the configured endpoint, the worker with the headers from the runtime secret', () => {
    const fns = functionEnvironments(on);
    expect(Object.keys(fns).length).toBeGreaterThanOrEqual(4);
    for (const [id, env] of Object.entries(fns)) expect([id, env.OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual([id, ENDPOINT]);
    expect(envOf(workerContainer(on)).OTEL_EXPORTER_OTLP_ENDPOINT).toBe(ENDPOINT);
    // A secret (a backend's API key): a key of the runtime secret, never a plain variable.
    expect(workerContainer(on).Secrets).toContainEqual({ Name: 'OTEL_EXPORTER_OTLP_HEADERS', ValueFrom: `${SECRET_ARN}:OTEL_EXPORTER_OTLP_HEADERS::` });
    expect(envOf(workerContainer(on))).not.toHaveProperty('OTEL_EXPORTER_OTLP_HEADERS');
  });

  it('reads the endpoint and the headers switch from the deploy environment', () => {
    const s = settingsFromEnv('prod', { CONDUIT_OTLP_ENDPOINT: ENDPOINT, CONDUIT_OTLP_HEADERS_IN_SECRET: 'true' });
    expect(s).toMatchObject({ otlpEndpoint: ENDPOINT, otlpHeadersInSecret: true });
    expect(settingsFromEnv('prod', {})).toMatchObject({ otlpEndpoint: '', otlpHeadersInSecret: false });
    expect(() => settingsFromEnv('prod', { CONDUIT_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/otlpEndpoint/);
  });
});
