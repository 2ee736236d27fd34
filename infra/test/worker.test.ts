import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUNTIME_SECRET_KEYS } from '../src/config';
import { WORKER_HEALTH_PORT } from '../src/worker';
import { ACCOUNT, REGION, SECRET_ARN, actionsOf, resourceOf, statementsOfRole, synthAll, testSettings, type CfnProps, type Synth } from './synth';

let synth: Synth;
let container: CfnProps;
beforeAll(async () => {
  synth = await synthAll();
  container = resourceOf(synth.templates.worker, 'AWS::ECS::TaskDefinition', 'WorkerTask').props.ContainerDefinitions[0];
});

describe('worker stack', () => {
  it('runs one ARM64 Fargate container with secrets injected by ECS from Secrets Manager', () => {
    const task = resourceOf(synth.templates.worker, 'AWS::ECS::TaskDefinition', 'WorkerTask').props;
    expect(task).toMatchObject({ RequiresCompatibilities: ['FARGATE'], NetworkMode: 'awsvpc', Cpu: '512', Memory: '1024' });
    expect(task.RuntimePlatform).toEqual({ CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' });
    expect(container.Image).toBe('public.ecr.aws/example/conduit-worker:1.0.0');
    const secrets = container.Secrets as Array<{ Name: string; ValueFrom: unknown }>;
    expect(secrets.map((s) => s.Name).sort()).toEqual([...RUNTIME_SECRET_KEYS].sort());
    for (const s of secrets) {
      // <complete ARN>:<KEY>:: — a JSON key of the secret, resolved when the task starts.
      expect(s.ValueFrom).toBe(`${SECRET_ARN}:${s.Name}::`);
    }
    const envNames = (container.Environment as Array<{ Name: string }>).map((e) => e.Name);
    for (const key of RUNTIME_SECRET_KEYS) expect(envNames).not.toContain(key);
    expect(envNames).toEqual(expect.arrayContaining(['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'SQS_QUEUE_URL', 'HEALTH_PORT']));
  });

  it('health-checks the container and gives it time to drain on SIGTERM', () => {
    expect(container.HealthCheck).toEqual({
      Command: ['CMD', 'node', 'worker/scripts/healthcheck.mjs'],
      Interval: 30,
      Timeout: 10,
      Retries: 3,
      StartPeriod: 60,
    });
    expect(container.StopTimeout).toBe(120);
    expect(container.LinuxParameters).toMatchObject({ InitProcessEnabled: true });
    expect(container.Environment).toContainEqual({ Name: 'HEALTH_PORT', Value: String(WORKER_HEALTH_PORT) });
    // The drain the worker allows itself fits inside the time ECS gives before SIGKILL.
    const env = Object.fromEntries((container.Environment as Array<{ Name: string; Value: unknown }>).map((e) => [e.Name, e.Value]));
    expect(Number(env.WORKER_SHUTDOWN_GRACE_SECONDS)).toBeLessThan(container.StopTimeout);
    expect(env).toMatchObject({ CLOUDWATCH_METRICS_STAGE: 'test', WORKER_ACTIVITY_SLOTS: '40' });
  });

  it('scales between the configured bounds on the Temporal backlog and on CPU, keeps its count across deploys, and rolls back a failing deployment', () => {
    const t = synth.templates.worker;
    const service = resourceOf(t, 'AWS::ECS::Service', 'WorkerService').props;
    expect(service).toMatchObject({
      LaunchType: 'FARGATE',
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      },
    });
    // A deploy that sets DesiredCount would reset what autoscaling chose.
    expect(service.DesiredCount).toBeUndefined();
    expect(service.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('ENABLED');
    const out = resourceOf(t, 'AWS::ApplicationAutoScaling::ScalingPolicy', 'WorkerServiceTaskCountTargetBacklogUpper').props;
    expect(out.PolicyType).toBe('StepScaling');
    expect(out.StepScalingPolicyConfiguration.StepAdjustments.map((a: { ScalingAdjustment: number }) => a.ScalingAdjustment)).toEqual([1, 2]);
    const backlogAlarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).filter((a) => JSON.stringify(a.Properties.AlarmActions).includes('Backlog'));
    expect(backlogAlarms.length).toBeGreaterThanOrEqual(2);
    for (const a of backlogAlarms) expect(JSON.stringify(a.Properties.Metrics)).toContain('ActivityScheduleToStartMs');
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4, ScalableDimension: 'ecs:service:DesiredCount' });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 60,
      },
    });
    // Outbound only, and no NAT gateway (the biggest idle cost of a default VPC).
    const sg = resourceOf(t, 'AWS::EC2::SecurityGroup', 'WorkerWorkerSecurityGroup').props;
    expect(sg.SecurityGroupIngress).toBeUndefined();
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  it('is the only principal of the whole deployment that may send email', () => {
    const task = statementsOfRole(synth.templates.worker, 'WorkerTaskTaskRole');
    expect(actionsOf(task)).toEqual(['ses:SendEmail', 'ses:SendRawEmail', 'sqs:SendMessage']);
    const ses = task.find((s) => actionsOf([s]).includes('ses:SendEmail'))!;
    expect(JSON.stringify(ses.Resource)).toContain(`:ses:${REGION}:${ACCOUNT}:identity/example.com`);
    for (const [name, t] of Object.entries(synth.templates)) {
      for (const [id, policy] of Object.entries(t.findResources('AWS::IAM::Policy'))) {
        if (name === 'worker' && id.startsWith('WorkerTaskTaskRole')) continue;
        expect(JSON.stringify(policy.Properties.PolicyDocument), `${name}/${id}`).not.toMatch(/"ses:/);
      }
    }
    // The execution role (used by ECS itself) reads the secret; it gets nothing to send mail with.
    const exec = statementsOfRole(synth.templates.worker, 'WorkerTaskExecutionRole');
    expect(actionsOf(exec).filter((a) => !a.startsWith('logs:'))).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
  });

  it('pulls a pushed ECR image with permission on that repository only', async () => {
    const uri = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/conduit-worker:v42`;
    const t = (await synthAll(testSettings({ workerImage: { kind: 'registry', uri } }))).templates.worker;
    const exec = statementsOfRole(t, 'WorkerTaskExecutionRole');
    const pull = exec.find((s) => actionsOf([s]).includes('ecr:BatchGetImage'))!;
    expect(pull.Resource).toBe(`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/conduit-worker`);
    expect(JSON.stringify(resourceOf(t, 'AWS::ECS::TaskDefinition', 'WorkerTask').props.ContainerDefinitions[0].Image)).toContain('conduit-worker:v42');
  });

  it('builds the image from worker/Dockerfile as a deploy-time asset, synthesizing without Docker', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'conduit-cdk-'));
    const { app } = await synthAll(testSettings({ workerImage: { kind: 'asset' } }), outdir);
    const assembly = app.synth();
    const stack = assembly.getStackByName('test-conduit-Worker');
    const manifest = JSON.parse(readFileSync(join(outdir, `${stack.stackName}.assets.json`), 'utf8'));
    const images = Object.values(manifest.dockerImages) as Array<{ source: { directory: string; dockerFile: string; platform: string } }>;
    expect(images).toHaveLength(1);
    expect(images[0]!.source).toMatchObject({ dockerFile: 'worker/Dockerfile', platform: 'linux/arm64' });
    // The staged build context holds what the Dockerfile copies, and none of the rest of the repository.
    const ctx = join(outdir, images[0]!.source.directory);
    for (const needed of [
      'worker/Dockerfile',
      'package.json',
      'package-lock.json',
      'core/package.json',
      'core/src/db/client.ts',
      'worker/scripts/build.ts',
      'worker/scripts/healthcheck.mjs',
      'functions/package.json',
    ]) {
      expect(existsSync(join(ctx, needed)), needed).toBe(true);
    }
    for (const left of ['node_modules', 'core/node_modules', 'infra/src', 'web/src', 'functions/src', '.git']) {
      expect(existsSync(join(ctx, left)), left).toBe(false);
    }
    const template = Template.fromStack(app.node.findChild('test-conduit-Worker') as Stack);
    const image = resourceOf(template, 'AWS::ECS::TaskDefinition', 'WorkerTask').props.ContainerDefinitions[0].Image;
    expect(JSON.stringify(image)).toContain('container-assets');
  });
});
