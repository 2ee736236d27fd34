import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { RuntimeConfig } from './config';
import type { DeploySettings } from './settings';
import type { EventsConstruct } from './events';
import { conduitFunction } from './lambda';

/**
 * The outbox sweeper: on a schedule, re-sends events that were committed but never dispatched (a
 * crash between commit and enqueue). An overlapping sweep only re-sends ids the dispatcher already
 * deduplicates (run ids derive from workflow and event), so no concurrency is reserved for it.
 * An hourly rule runs the retention job in the same function (it needs only the database).
 */
export class SweeperConstruct extends Construct {
  readonly fn: lambda.Function;
  readonly rule: events.Rule;
  readonly retentionRule: events.Rule;

  constructor(
    scope: Construct,
    id: string,
    props: { settings: DeploySettings; config: RuntimeConfig; events: Pick<EventsConstruct, 'queue' | 'grantSend' | 'alarmTopic'> },
  ) {
    super(scope, id);
    this.fn = conduitFunction(this, 'Function', {
      entry: 'sweeper',
      config: props.config,
      timeout: Duration.seconds(50),
      environment: { SQS_QUEUE_URL: props.events.queue.queueUrl },
      alarmTopic: props.events.alarmTopic,
    });
    props.events.grantSend(this.fn);
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Conduit outbox sweep',
      schedule: events.Schedule.rate(Duration.minutes(props.settings.sweepEveryMinutes)),
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 0 })],
    });
    // The same function prunes runs past each workspace's retention: hourly, in batches, each pass
    // within its time budget (a big backlog takes several passes, never one long lock).
    this.retentionRule = new events.Rule(this, 'RetentionSchedule', {
      description: 'Conduit run retention',
      schedule: events.Schedule.rate(Duration.hours(1)),
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 0, event: events.RuleTargetInput.fromObject({ job: 'retention' }) })],
    });
  }
}
