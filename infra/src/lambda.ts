import type { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { builtBundle, type LambdaName } from './bundle';
import type { RuntimeConfig } from './config';
import { functionAlarms } from './monitoring';

export type ConduitFunctionProps = {
  entry: LambdaName;
  config: RuntimeConfig;
  timeout: Duration;
  memoryMb?: number;
  reservedConcurrency?: number;
  /** Extra environment (queue URL and the like); never secret values. */
  environment?: Record<string, string>;
  /** The stage's alarm topic: every function alarms on errors and throttles (null only for the deploy's own migration step). */
  alarmTopic: sns.ITopic | null;
};

/**
 * One Lambda of the product: the esbuild bundle of functions/src/lambda/<entry>.ts on Node 22 arm64,
 * the Neon driver forced, the runtime secret referenced by ARN (read by the handler at cold start)
 * and readable by this function only through the grant below. No other permission is added here.
 */
export function conduitFunction(scope: Construct, id: string, props: ConduitFunctionProps): lambda.Function {
  const bundle = builtBundle(props.entry);
  const fn = new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(bundle.dir),
    timeout: props.timeout,
    memorySize: props.memoryMb ?? 512,
    ...(props.reservedConcurrency ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
    logGroup: new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH }),
    environment: {
      NODE_ENV: 'production',
      DATABASE_DRIVER: 'neon',
      CONDUIT_SECRET_ID: props.config.secretId,
      TEMPORAL_ADDRESS: props.config.params.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: props.config.params.TEMPORAL_NAMESPACE,
      TEMPORAL_UI_URL: props.config.params.TEMPORAL_UI_URL,
      MAIL_FROM: props.config.params.MAIL_FROM,
      ...props.config.publicEnv,
      ...props.config.tracingEnvironment,
      ...props.environment,
    },
  });
  props.config.grantSecretRead(fn);
  if (props.alarmTopic) functionAlarms(scope, id, fn, props.alarmTopic);
  return fn;
}
