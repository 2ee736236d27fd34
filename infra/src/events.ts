import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RuntimeConfig } from './config';
import { conduitFunction } from './lambda';
import { notifyingAlarm } from './monitoring';
import type { DeploySettings } from './settings';

/** Deliveries before a message is parked in the DLQ; each is one dispatcher attempt. */
export const MAX_RECEIVE_COUNT = 5;
const DISPATCHER_TIMEOUT = Duration.seconds(30);
/** An event waiting longer than this means dispatch has stalled (runs are not starting). */
export const OLDEST_EVENT_ALARM_SECONDS = 300;

/**
 * The event queue: ingress, the API and the sweeper send event ids; the dispatcher starts the runs.
 * Failed items are retried by SQS (partial batch failures) and parked in the DLQ after
 * MAX_RECEIVE_COUNT receives, where an alarm fires on the first message.
 */
export class EventsConstruct extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly dispatcher: lambda.Function;
  readonly alarmTopic: sns.Topic;
  readonly dlqAlarm: cloudwatch.Alarm;
  readonly oldestEventAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: { settings: DeploySettings; config: RuntimeConfig }) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      // AWS's guidance for Lambda sources: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(DISPATCHER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    // Every alarm of the stage notifies this topic (the other stacks get it from here).
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: `Conduit ${props.settings.stage} alarms` });
    if (props.settings.alarmEmail) this.alarmTopic.addSubscription(new subs.EmailSubscription(props.settings.alarmEmail));

    this.dispatcher = conduitFunction(this, 'Dispatcher', {
      entry: 'dispatcher',
      config: props.config,
      timeout: DISPATCHER_TIMEOUT,
      alarmTopic: this.alarmTopic,
      // Temporal Cloud answers starts side by side, unlike the one dev server of a laptop (default 3):
      // a fan-out of 100 goes out 16 at a time, still taking turns across the batch's workspaces.
      environment: { RUN_START_CONCURRENCY: '16' },
    });
    // The mapping is declared by hand instead of SqsEventSource, whose grantConsumeMessages would also
    // allow ChangeMessageVisibility and GetQueueUrl. Lambda's poller needs exactly these three actions.
    this.dispatcher.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [this.queue.queueArn],
      }),
    );
    const mapping = new lambda.EventSourceMapping(this, 'DispatcherSource', {
      target: this.dispatcher,
      eventSourceArn: this.queue.queueArn,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(1),
      reportBatchItemFailures: true,
      maxConcurrency: 10,
    });
    // CloudFormation must create the policy before the mapping, or the mapping's validation fails.
    mapping.node.addDependency(this.dispatcher.role!);

    this.dlqAlarm = notifyingAlarm(this, 'DeadLetterAlarm', this.alarmTopic, {
      alarmDescription: 'Events that failed dispatch MAX_RECEIVE_COUNT times are waiting in the DLQ',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.oldestEventAlarm = notifyingAlarm(this, 'OldestEventAlarm', this.alarmTopic, {
      alarmDescription: `An event has waited more than ${OLDEST_EVENT_ALARM_SECONDS / 60} minutes in the queue: the dispatcher is not starting runs`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: OLDEST_EVENT_ALARM_SECONDS,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** SendMessage on the event queue, nothing else: for ingress, the API and the sweeper. */
  grantSend(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['sqs:SendMessage'], resourceArns: [this.queue.queueArn] });
  }
}
