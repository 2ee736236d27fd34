import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { ApiConstruct } from './api';
import type { EventsConstruct } from './events';
import { productMetric } from './monitoring';
import type { DeploySettings } from './settings';
import type { WorkerConstruct } from './worker';

const MINUTE = Duration.minutes(1);

/**
 * One CloudWatch dashboard an operator opens first: runs per minute, the ingress (rate, latency,
 * 5xx), the event queue, the worker fleet and Temporal's view of it (schedule-to-start latency and
 * free slots, from the worker's own metrics).
 */
export class DashboardConstruct extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(
    scope: Construct,
    id: string,
    props: {
      settings: DeploySettings;
      events: Pick<EventsConstruct, 'queue' | 'deadLetterQueue' | 'dispatcher'>;
      api: Pick<ApiConstruct, 'httpApi' | 'ingress' | 'api'>;
      worker: Pick<WorkerConstruct, 'runningTasks' | 'service'>;
    },
  ) {
    super(scope, id);
    const { stage } = props.settings;
    const sum = { period: MINUTE, statistic: 'Sum' } as const;
    const runs = (name: string, label: string) => productMetric(stage, name, { statistic: 'Sum', label });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `conduit-${stage}`,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Runs per minute',
            width: 12,
            left: [runs('RunsStarted', 'started'), runs('RunsCompleted', 'completed'), runs('RunsFailed', 'failed')],
          }),
          new cloudwatch.GraphWidget({
            title: 'Webhook ingress: requests per minute and latency',
            width: 12,
            left: [props.api.ingress.metricInvocations({ ...sum, label: 'requests' })],
            right: [
              props.api.ingress.metricDuration({ period: MINUTE, statistic: 'p50', label: 'p50 ms' }),
              props.api.ingress.metricDuration({ period: MINUTE, statistic: 'p99', label: 'p99 ms' }),
            ],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Event queue',
            width: 8,
            left: [
              props.events.queue.metricApproximateNumberOfMessagesVisible({ period: MINUTE, statistic: 'Maximum', label: 'waiting' }),
              props.events.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: MINUTE, statistic: 'Maximum', label: 'dead letters' }),
            ],
            right: [props.events.queue.metricApproximateAgeOfOldestMessage({ period: MINUTE, statistic: 'Maximum', label: 'oldest (s)' })],
          }),
          new cloudwatch.GraphWidget({
            title: 'API answers per minute',
            width: 8,
            left: [
              props.api.httpApi.metricCount({ ...sum, label: 'requests' }),
              props.api.httpApi.metricServerError({ ...sum, label: '5xx' }),
              props.api.httpApi.metricClientError({ ...sum, label: '4xx' }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Lambda errors and throttles',
            width: 8,
            left: [props.api.api, props.api.ingress, props.events.dispatcher].flatMap((fn) => [fn.metricErrors(sum), fn.metricThrottles(sum)]),
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Worker tasks',
            width: 8,
            left: [props.worker.runningTasks()],
            right: [props.worker.service.metricCpuUtilization({ period: MINUTE, label: 'CPU %' })],
          }),
          new cloudwatch.GraphWidget({
            title: 'Temporal schedule-to-start (ms, p99)',
            width: 8,
            left: [
              productMetric(stage, 'WorkflowTaskScheduleToStartMs', { statistic: 'p99', label: 'workflow tasks' }),
              productMetric(stage, 'ActivityScheduleToStartMs', { statistic: 'p99', label: 'activities' }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Free worker slots (lowest)',
            width: 8,
            left: [
              productMetric(stage, 'WorkflowSlotsAvailable', { statistic: 'Minimum', label: 'workflow task slots' }),
              productMetric(stage, 'ActivitySlotsAvailable', { statistic: 'Minimum', label: 'activity slots' }),
            ],
          }),
        ],
      ],
    });
  }
}
