import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECEIVE_COUNT } from '../src/events';
import { actionsOf, resourceOf, statementsOfRole, synthAll, type Synth } from './synth';

let synth: Synth;
beforeAll(async () => {
  synth = await synthAll();
});

describe('events stack', () => {
  it('wires the event queue to a dead-letter queue with a max receive count', () => {
    const t = synth.templates.events;
    const dlq = resourceOf(t, 'AWS::SQS::Queue', 'EventsDeadLetterQueue');
    const queue = resourceOf(t, 'AWS::SQS::Queue', 'EventsQueue');
    expect(queue.props.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlq.id, 'Arn'] },
      maxReceiveCount: MAX_RECEIVE_COUNT,
    });
    // Six times the dispatcher's 30 s timeout, so a slow batch is not redelivered while running.
    expect(queue.props.VisibilityTimeout).toBe(180);
    expect(queue.props.SqsManagedSseEnabled).toBe(true);
    expect(dlq.props.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it('feeds the dispatcher from the queue and reports batch item failures', () => {
    const t = synth.templates.events;
    const queue = resourceOf(t, 'AWS::SQS::Queue', 'EventsQueue');
    const fn = resourceOf(t, 'AWS::Lambda::Function', 'EventsDispatcher');
    const mapping = t.findResources('AWS::Lambda::EventSourceMapping');
    expect(Object.values(mapping)).toHaveLength(1);
    const [id, res] = Object.entries(mapping)[0]!;
    expect(res.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queue.id, 'Arn'] },
      FunctionName: { Ref: fn.id },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
    });
    // The mapping is created only after the policy that lets Lambda poll the queue.
    const policy = Object.keys(t.findResources('AWS::IAM::Policy')).find((p) => p.startsWith('EventsDispatcherServiceRole'));
    expect(policy).toBeDefined();
    expect(t.toJSON().Resources[id].DependsOn).toEqual(expect.arrayContaining([policy]));
  });

  it('lets the dispatcher receive and delete on its queue and nothing else of SQS', () => {
    const t = synth.templates.events;
    const queue = resourceOf(t, 'AWS::SQS::Queue', 'EventsQueue');
    const statements = statementsOfRole(t, 'EventsDispatcherServiceRole');
    const sqs = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('sqs:')));
    expect(sqs).toEqual([
      {
        Effect: 'Allow',
        // GetQueueAttributes is read-only metadata that Lambda's poller requires.
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: { 'Fn::GetAtt': [queue.id, 'Arn'] },
      },
    ]);
    // Besides that, only reading the runtime secret; no email, no wildcard actions.
    expect(actionsOf(statements)).toEqual(['secretsmanager:GetSecretValue', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'].sort());
  });

  it('alarms on the first message in the dead-letter queue', () => {
    const t = synth.templates.events;
    const dlq = resourceOf(t, 'AWS::SQS::Queue', 'EventsDeadLetterQueue');
    const topic = resourceOf(t, 'AWS::SNS::Topic', 'EventsAlarmTopic');
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq.id, 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: topic.id }],
    });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('runs the dispatcher on Node 22 with the Neon driver forced', () => {
    synth.templates.events.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      Timeout: 30,
      Environment: { Variables: Match.objectLike({ DATABASE_DRIVER: 'neon', NODE_ENV: 'production' }) },
    });
  });
});
