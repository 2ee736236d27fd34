import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { OLDEST_EVENT_ALARM_SECONDS } from '../src/events';
import { SERVER_ERROR_RATE_PERCENT } from '../src/api';
import { synthAll, testSettings, type CfnProps, type Synth } from './synth';

let synth: Synth;
beforeAll(async () => {
  synth = await synthAll();
});

const alarmsOf = (t: Template): Array<[string, CfnProps]> => Object.entries(t.findResources('AWS::CloudWatch::Alarm')).map(([id, r]) => [id, r.Properties]);
const all = () => Object.values(synth.templates).flatMap(alarmsOf);
const topicId = () => Object.keys(synth.templates.events.findResources('AWS::SNS::Topic'))[0]!;

/** An alarm action that is the stage's topic: its Ref in the events stack, an import of it elsewhere. */
const notifiesTopic = (actions: unknown): boolean => {
  const s = JSON.stringify(actions ?? []);
  return s.includes(`"Ref":"${topicId()}"`) || (s.includes('Fn::ImportValue') && s.includes(topicId()));
};

describe('alarms', () => {
  it('notifies one SNS topic, with the operator email subscribed, from every alarm of every stack, when firing and when clearing', () => {
    const subs = Object.values(synth.templates.events.findResources('AWS::SNS::Subscription')).map((r) => r.Properties);
    expect(subs).toEqual([expect.objectContaining({ Protocol: 'email', Endpoint: 'ops@example.com' })]);
    // Step scaling's own alarms act on a scaling policy, not on people.
    const policies = Object.values(synth.templates).flatMap((t) => Object.keys(t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')));
    const alarms = all().filter(([, a]) => !policies.some((p) => JSON.stringify(a.AlarmActions).includes(`"Ref":"${p}"`)));
    expect(alarms.length).toBeGreaterThanOrEqual(14);
    for (const [id, a] of alarms) {
      expect(notifiesTopic(a.AlarmActions), `${id} alarm action`).toBe(true);
      expect(notifiesTopic(a.OKActions), `${id} ok action`).toBe(true);
      expect(a.AlarmDescription, id).toMatch(/\w+ \w+/);
    }
  });

  it('watches every Lambda for errors and throttles', () => {
    for (const [name, t] of Object.entries(synth.templates)) {
      // The migration step is the exception: its failure fails the deploy, where the operator is looking.
      if (name === 'migrations') continue;
      const fnIds = Object.entries(t.findResources('AWS::Lambda::Function'))
        .filter(([, f]) => f.Properties.Environment?.Variables?.CONDUIT_SECRET_ID)
        .map(([id]) => id);
      const alarms = alarmsOf(t);
      for (const fnId of fnIds) {
        for (const metric of ['Errors', 'Throttles']) {
          const found = alarms.filter(
            ([, a]) => a.Namespace === 'AWS/Lambda' && a.MetricName === metric && JSON.stringify(a.Dimensions).includes(`"Ref":"${fnId}"`),
          );
          expect(found, `${name}/${fnId} ${metric}`).toHaveLength(1);
          expect(found[0]![1]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Sum', Period: 300 });
        }
      }
    }
  });

  it('fires when the oldest event has waited too long, on the API 5xx rate and when fewer workers run than the minimum', () => {
    const age = alarmsOf(synth.templates.events).find(([, a]) => a.MetricName === 'ApproximateAgeOfOldestMessage');
    expect(age?.[1]).toMatchObject({ Threshold: OLDEST_EVENT_ALARM_SECONDS, EvaluationPeriods: 3, Namespace: 'AWS/SQS' });

    const rate = alarmsOf(synth.templates.api).find(([, a]) => a.Metrics);
    expect(rate?.[1].Threshold).toBe(SERVER_ERROR_RATE_PERCENT);
    const metrics = JSON.stringify(rate?.[1].Metrics);
    expect(metrics).toContain('100 * errors / requests');
    expect(metrics).toContain('"MetricName":"5xx"');
    expect(metrics).toContain('"MetricName":"Count"');

    const tasks = alarmsOf(synth.templates.worker).find(([, a]) => a.MetricName === 'RunningTaskCount');
    expect(tasks?.[1]).toMatchObject({
      Namespace: 'ECS/ContainerInsights',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    const cluster = Object.values(synth.templates.worker.findResources('AWS::ECS::Cluster'))[0]!;
    expect(cluster.Properties.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
  });

  it("fires on Temporal's backlog (p99 schedule-to-start) and on a worker with no free activity slot", () => {
    const worker = alarmsOf(synth.templates.worker);
    const backlog = worker.find(([id]) => id.includes('ScheduleToStartAlarm'));
    expect(backlog?.[1].Threshold).toBe(5_000);
    expect(JSON.stringify(backlog?.[1].Metrics)).toContain('WorkflowTaskScheduleToStartMs');
    const slots = worker.find(([, a]) => a.MetricName === 'ActivitySlotsAvailable');
    expect(slots?.[1]).toMatchObject({
      Namespace: 'Conduit',
      ComparisonOperator: 'LessThanOrEqualToThreshold',
      Threshold: 0,
      Dimensions: [{ Name: 'Stage', Value: 'test' }],
    });
  });

  it('has no running-task alarm when the operator scales the worker to zero', async () => {
    const zero = await synthAll(testSettings({ workerMinTasks: 0 }));
    expect(alarmsOf(zero.templates.worker).filter(([, a]) => a.MetricName === 'RunningTaskCount')).toHaveLength(0);
  });
});

describe('dashboard', () => {
  it('shows runs, ingress, the queue, the worker fleet and Temporal in one dashboard', () => {
    const dash = Object.values(synth.templates.monitoring.findResources('AWS::CloudWatch::Dashboard'))[0]!;
    expect(dash.Properties.DashboardName).toBe('conduit-test');
    const body = JSON.stringify(dash.Properties.DashboardBody);
    for (const title of ['Runs per minute', 'Webhook ingress', 'Event queue', 'Worker tasks', 'Temporal schedule-to-start', 'Free worker slots']) {
      expect(body, title).toContain(title);
    }
    for (const metric of [
      'RunsStarted',
      'RunsCompleted',
      'RunsFailed',
      'ApproximateNumberOfMessagesVisible',
      'RunningTaskCount',
      'ActivityScheduleToStartMs',
      'ActivitySlotsAvailable',
    ]) {
      expect(body, metric).toContain(metric);
    }
  });
});
