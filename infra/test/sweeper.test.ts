import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, resourceOf, statementsOfRole, synthAll, testSettings, type Synth } from './synth';

let synth: Synth;
beforeAll(async () => {
  synth = await synthAll();
});

describe('sweeper stack', () => {
  it('runs the outbox sweeper every minute', () => {
    const t = synth.templates.sweeper;
    const fn = resourceOf(t, 'AWS::Lambda::Function', 'SweeperFunction');
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [{ Arn: { 'Fn::GetAtt': [fn.id, 'Arn'] }, Id: 'Target0', RetryPolicy: { MaximumRetryAttempts: 0 } }],
    });
    // EventBridge may invoke it: the permission is scoped to the rule.
    const rule = resourceOf(t, 'AWS::Events::Rule', 'SweeperSchedule');
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [rule.id, 'Arn'] },
    });
    expect(fn.props.Environment.Variables.DATABASE_DRIVER).toBe('neon');
  });

  it("runs the retention job hourly in the same function, named by the rule's constant input", () => {
    const t = synth.templates.sweeper;
    const fn = resourceOf(t, 'AWS::Lambda::Function', 'SweeperFunction');
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [
        { Arn: { 'Fn::GetAtt': [fn.id, 'Arn'] }, Id: 'Target0', Input: JSON.stringify({ job: 'retention' }), RetryPolicy: { MaximumRetryAttempts: 0 } },
      ],
    });
    const rule = resourceOf(t, 'AWS::Events::Rule', 'SweeperRetentionSchedule');
    t.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [rule.id, 'Arn'] },
    });
  });

  it('sweeps less often when configured, so an idle Neon compute can suspend', async () => {
    const t = (await synthAll(testSettings({ sweepEveryMinutes: 10 }))).templates.sweeper;
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)' });
  });

  it('may only send to the event queue and read its secret', () => {
    expect(actionsOf(statementsOfRole(synth.templates.sweeper, 'SweeperFunctionServiceRole'))).toEqual(['secretsmanager:GetSecretValue', 'sqs:SendMessage']);
  });
});
