import { CreateSecretCommand, DescribeSecretCommand, ResourceExistsException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Template } from 'aws-cdk-lib/assertions';
import { App, getStack } from 'sst/constructs';
import { initProject } from 'sst/project.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/paths';
import { mountStacks, STACKS } from '../src/stacks';

/**
 * The SST v2 app as `sst deploy` builds it: sst.config.ts loaded by SST itself, every stack
 * function mounted on SST's App (NODE_ENV=test makes SST skip its AWS bootstrap lookup).
 */
let app: App;
let secretArn: string;
beforeAll(async () => {
  process.env.CONDUIT_WORKER_IMAGE = 'public.ecr.aws/example/conduit-worker:1.0.0';
  // The deploy looks the runtime secret's complete ARN up by name: here in moto's Secrets Manager.
  const secretsManager = new SecretsManagerClient({
    region: 'eu-west-1',
    endpoint: process.env.TEST_SQS_ENDPOINT,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await secretsManager.send(new CreateSecretCommand({ Name: 'conduit/ci/runtime', SecretString: '{}' })).catch((err: unknown) => {
    if (!(err instanceof ResourceExistsException)) throw err;
  });
  secretArn = (await secretsManager.send(new DescribeSecretCommand({ SecretId: 'conduit/ci/runtime' }))).ARN!;
  await initProject({ stage: 'ci', root: REPO_ROOT, region: 'eu-west-1' });
  app = new App({ mode: 'deploy', stage: 'ci', name: 'conduit', region: 'eu-west-1', account: '123456789012' });
  await mountStacks(app, { secretsManager });
});

describe('SST app', () => {
  it('mounts one stage-prefixed stack per concern', () => {
    const names = STACKS.map((fn) => getStack(fn).stackName);
    expect(names).toEqual([
      'ci-conduit-Migrations',
      'ci-conduit-Events',
      'ci-conduit-Api',
      'ci-conduit-Sweeper',
      'ci-conduit-Web',
      'ci-conduit-Worker',
      'ci-conduit-Monitoring',
    ]);
  });

  it('synthesizes each stack through SST with the resources of its concern', () => {
    const [Migrations, Events, Api, Sweeper, Web, Worker, Monitoring] = STACKS;
    const t = (fn: (typeof STACKS)[number]) => Template.fromStack(getStack(fn));
    t(Migrations).resourceCountIs('Custom::ConduitSchema', 1);
    // CloudFormation migrates before any stack that runs product code changes.
    for (const fn of [Events, Api, Sweeper, Worker]) expect(getStack(fn).dependencies.map((d) => d.stackName)).toContain('ci-conduit-Migrations');
    t(Events).resourceCountIs('AWS::SQS::Queue', 2);
    t(Events).resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    t(Api).resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    // The outbox sweep every minute and the hourly retention pass.
    t(Sweeper).resourceCountIs('AWS::Events::Rule', 2);
    t(Worker).resourceCountIs('AWS::ECS::Service', 1);
    // The worker mails links to the app, so it is mounted after the web distribution it names.
    expect(getStack(Worker).dependencies.map((d) => d.stackName)).toContain('ci-conduit-Web');
    t(Web).resourceCountIs('AWS::CloudFront::Distribution', 1);
    t(Monitoring).resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    // Stack outputs `sst deploy` prints.
    expect(Object.keys(t(Events).toJSON().Outputs ?? {})).toEqual(expect.arrayContaining(['EventQueueUrl', 'DeadLetterQueueUrl']));
    expect(JSON.stringify(t(Web).toJSON().Outputs)).toContain('SiteUrl');
    expect(JSON.stringify(t(Api).toJSON().Outputs)).toContain('ApiEndpoint');
  });

  it('references the runtime secret by the complete ARN it looked up from the name', () => {
    const Worker = STACKS[5];
    const worker = JSON.stringify(Template.fromStack(getStack(Worker)).toJSON());
    expect(secretArn).toMatch(/:secret:conduit\/ci\/runtime-[A-Za-z0-9]{6}$/);
    expect(worker).toContain(`${secretArn}:DATABASE_URL::`);
    expect(worker).not.toContain('conduit/ci/runtime:');
  });

  it('keeps data of non-production stages removable', () => {
    const Web = STACKS[4];
    const web = Template.fromStack(getStack(Web));
    const bucket = Object.values(web.findResources('AWS::S3::Bucket'))[0]!;
    expect(bucket.DeletionPolicy).toBe('Delete');
  });
});
