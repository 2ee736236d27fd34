import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/** Namespace of the product's own metrics (worker/src/metrics.ts writes them as CloudWatch embedded metric format). */
export const METRICS_NAMESPACE = 'Conduit';

/** An alarm that notifies the stage's alarm topic when it fires and when it clears. */
export function notifyingAlarm(scope: Construct, id: string, topic: sns.ITopic, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, props);
  alarm.addAlarmAction(new cwActions.SnsAction(topic));
  alarm.addOkAction(new cwActions.SnsAction(topic));
  return alarm;
}

/**
 * Every Lambda of the product: an alarm on any error and on any throttle within five minutes. Errors
 * are unhandled failures (a handler's own 4xx answers are not errors); a throttle means the function
 * hit its reserved or the account's concurrency.
 */
export function functionAlarms(scope: Construct, id: string, fn: lambda.IFunction, topic: sns.ITopic): cloudwatch.Alarm[] {
  const every5 = { period: Duration.minutes(5), statistic: 'Sum' } as const;
  const once = { threshold: 0, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, evaluationPeriods: 1 } as const;
  return [
    notifyingAlarm(scope, `${id}ErrorsAlarm`, topic, {
      alarmDescription: `The ${id} Lambda failed (unhandled errors or timeouts) in the last 5 minutes`,
      metric: fn.metricErrors(every5),
      ...once,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    notifyingAlarm(scope, `${id}ThrottlesAlarm`, topic, {
      alarmDescription: `The ${id} Lambda was throttled (concurrency limit reached) in the last 5 minutes`,
      metric: fn.metricThrottles(every5),
      ...once,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  ];
}

/** One of the product's own metrics (per stage), written by the worker as embedded metric format. */
export function productMetric(stage: string, name: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { Stage: stage }, period: Duration.minutes(1), ...props });
}
