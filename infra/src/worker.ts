import { Duration, IgnoreMode, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUNTIME_SECRET_KEYS, type RuntimeConfig } from './config';
import type { EventsConstruct } from './events';
import { notifyingAlarm, productMetric } from './monitoring';
import { REPO_ROOT } from './paths';
import type { DeploySettings } from './settings';

/**
 * The port of the worker's health endpoint, if it serves one (GET /healthz → 200 while healthy).
 * Without one, worker/scripts/healthcheck.mjs asks Temporal whether this task's worker is polling.
 */
export const WORKER_HEALTH_PORT = 8080;
/** Fargate's maximum: time between SIGTERM and SIGKILL for in-flight activities to finish. */
const WORKER_STOP_TIMEOUT = Duration.seconds(120);
/** The worker's own drain after SIGTERM, inside the stop timeout with room to close connections. */
export const WORKER_SHUTDOWN_GRACE_SECONDS = 100;
/**
 * Temporal's backlog signal: the p99 time work waited for a free worker slot (schedule-to-start,
 * reported by the worker each minute). Above SCALE_OUT_MS the fleet grows; below SCALE_IN_MS it shrinks.
 */
export const BACKLOG = { scaleOutMs: 1_000, scaleInMs: 100, alarmMs: 5_000 } as const;

/**
 * The Temporal worker on ECS Fargate. No load balancer (it only polls Temporal), public subnets
 * with a public IP and no NAT gateway (the cheapest way out to Neon and Temporal Cloud), no
 * inbound rule at all. Secrets are injected by ECS from Secrets Manager at task start.
 */
export class WorkerConstruct extends Construct {
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  private readonly stage: string;

  constructor(
    scope: Construct,
    id: string,
    props: {
      settings: DeploySettings;
      config: RuntimeConfig;
      events: Pick<EventsConstruct, 'queue' | 'grantSend' | 'alarmTopic'>;
      /** The app's address (the web distribution's), for the links the worker mails when no custom domain sets PUBLIC_URL. */
      appUrl: string;
    },
  ) {
    super(scope, id);
    const { settings, config } = props;
    this.stage = settings.stage;
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
    });
    const securityGroup = new ec2.SecurityGroup(this, 'WorkerSecurityGroup', {
      vpc,
      description: 'Conduit worker: outbound only',
      allowAllOutbound: true,
    });
    // Container Insights gives RunningTaskCount, which the "no worker running" alarm reads.
    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.ARM64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    this.container = this.taskDefinition.addContainer('Worker', {
      image: workerImage(this, settings),
      logging: ecs.LogDrivers.awsLogs({
        streamPrefix: 'worker',
        logGroup: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH }),
      }),
      environment: {
        NODE_ENV: 'production',
        AWS_REGION: Stack.of(this).region,
        TEMPORAL_ADDRESS: config.params.TEMPORAL_ADDRESS,
        TEMPORAL_NAMESPACE: config.params.TEMPORAL_NAMESPACE,
        TEMPORAL_UI_URL: config.params.TEMPORAL_UI_URL,
        MAIL_FROM: config.params.MAIL_FROM,
        PUBLIC_URL: config.publicEnv.PUBLIC_URL ?? props.appUrl,
        SQS_QUEUE_URL: props.events.queue.queueUrl,
        HEALTH_PORT: String(WORKER_HEALTH_PORT),
        CLOUDWATCH_METRICS_STAGE: settings.stage,
        // The deploy migrates in its own step before tasks change (migrations.ts); a task never does.
        MIGRATE_ON_START: 'false',
        // Only the local launcher reconciles otherwise; tasks take a database lock, so they never race.
        RECONCILE_SCHEDULES_ON_START: 'true',
        WORKER_ACTIVITY_SLOTS: String(settings.workerActivitySlots),
        WORKER_SHUTDOWN_GRACE_SECONDS: String(WORKER_SHUTDOWN_GRACE_SECONDS),
        ...config.tracingEnvironment,
      },
      secrets: Object.fromEntries(
        [...RUNTIME_SECRET_KEYS, ...config.optionalSecretKeys].map((key) => [key, ecs.Secret.fromSecretsManager(config.secret, key)]),
      ),
      healthCheck: {
        command: ['CMD', 'node', 'worker/scripts/healthcheck.mjs'],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(10),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      stopTimeout: WORKER_STOP_TIMEOUT,
      // tini as PID 1: forwards SIGTERM to node and reaps children.
      linuxParameters: new ecs.LinuxParameters(this, 'Linux', { initProcessEnabled: true }),
    });

    // Only the worker sends email: SES on the configured identity (or any identity of the account).
    const identity = settings.sesIdentity || '*';
    this.taskDefinition.addToTaskRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: identity })],
      }),
    );
    // Records it changes make events; it enqueues them after commit (the sweeper covers a crash).
    props.events.grantSend(this.taskDefinition.taskRole);

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      // No desiredCount: a deploy then leaves the count autoscaling chose alone (a new service starts at 1).
      assignPublicIp: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [securityGroup],
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
    });
    if (settings.workerMinTasks > 0) {
      // No data at all is the worst case (no task reports anything), so missing data breaches.
      notifyingAlarm(this, 'RunningTasksAlarm', props.events.alarmTopic, {
        alarmDescription: `Fewer than ${settings.workerMinTasks} worker task(s) running for 3 minutes: runs are not progressing`,
        metric: this.runningTasks(),
        threshold: settings.workerMinTasks,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }
    const scaling = this.service.autoScaleTaskCount({ minCapacity: settings.workerMinTasks, maxCapacity: settings.workerMaxTasks });
    // Webhook, email and wait activities barely use CPU, so CPU alone never sees a Temporal backlog:
    // scale out on how long work waits for a slot, and keep CPU as the second signal.
    scaling.scaleOnMetric('Backlog', {
      metric: this.scheduleToStartMs(),
      scalingSteps: [
        { upper: BACKLOG.scaleInMs, change: -1 },
        { lower: BACKLOG.scaleOutMs, change: +1 },
        { lower: BACKLOG.alarmMs, change: +2 },
      ],
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: Duration.minutes(2),
      evaluationPeriods: 3,
    });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: 60,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });
    notifyingAlarm(this, 'ScheduleToStartAlarm', props.events.alarmTopic, {
      alarmDescription: `Work waited more than ${BACKLOG.alarmMs / 1000} s for a worker (p99 schedule-to-start) for 5 minutes: the fleet is at its maximum or stuck`,
      metric: this.scheduleToStartMs(),
      threshold: BACKLOG.alarmMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    notifyingAlarm(this, 'SlotsExhaustedAlarm', props.events.alarmTopic, {
      alarmDescription: 'A worker had no free activity slot for 5 minutes: raise CONDUIT_WORKER_ACTIVITY_SLOTS or the task maximum',
      metric: productMetric(settings.stage, 'ActivitySlotsAvailable', { statistic: 'Minimum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** The larger of the workflow-task and activity p99 schedule-to-start (ms), per minute. */
  scheduleToStartMs(): cloudwatch.IMetric {
    const stage = this.stage;
    return new cloudwatch.MathExpression({
      expression: 'MAX([wf, act])',
      usingMetrics: {
        wf: productMetric(stage, 'WorkflowTaskScheduleToStartMs', { statistic: 'Maximum' }),
        act: productMetric(stage, 'ActivityScheduleToStartMs', { statistic: 'Maximum' }),
      },
      period: Duration.minutes(1),
      label: 'schedule-to-start p99 (ms)',
    });
  }

  /** Worker tasks running (Container Insights), per minute. */
  runningTasks(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: this.cluster.clusterName, ServiceName: this.service.serviceName },
      period: Duration.minutes(1),
      statistic: 'Minimum',
    });
  }
}

/** Patterns of worker/.dockerignore: what CDK leaves out when it stages the build context. */
function workerDockerIgnore(): string[] {
  return readFileSync(join(REPO_ROOT, 'worker/.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

const ECR_URI = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)(?::([^@]+))?$/;

function workerImage(scope: Construct, settings: DeploySettings): ecs.ContainerImage {
  if (settings.workerImage.kind === 'registry') {
    const ecrMatch = ECR_URI.exec(settings.workerImage.uri);
    if (ecrMatch) {
      // An ECR image: CDK then grants the execution role pull on that repository only.
      const repo = ecr.Repository.fromRepositoryAttributes(scope, 'ImageRepository', {
        repositoryName: ecrMatch[3]!,
        repositoryArn: `arn:aws:ecr:${ecrMatch[2]}:${ecrMatch[1]}:repository/${ecrMatch[3]}`,
      });
      return ecs.ContainerImage.fromEcrRepository(repo, ecrMatch[4] ?? 'latest');
    }
    return ecs.ContainerImage.fromRegistry(settings.workerImage.uri);
  }
  // Built from worker/Dockerfile when the deploy publishes assets (needs Docker then, not at synth).
  return ecs.ContainerImage.fromDockerImageAsset(
    new ecrAssets.DockerImageAsset(scope, 'Image', {
      directory: REPO_ROOT,
      file: 'worker/Dockerfile',
      platform: ecrAssets.Platform.LINUX_ARM64,
      exclude: workerDockerIgnore(),
      ignoreMode: IgnoreMode.DOCKER,
    }),
  );
}
