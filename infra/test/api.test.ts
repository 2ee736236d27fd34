import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionsOf, resourceOf, statementsOfRole, synthAll, testSettings, type Synth } from './synth';

let synth: Synth;
beforeAll(async () => {
  synth = await synthAll();
});

describe('api stack', () => {
  it('routes /api/* to the API function and /hooks/* to the ingress function over HTTPS', () => {
    const t = synth.templates.api;
    t.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    const api = resourceOf(t, 'AWS::Lambda::Function', 'ApiApiFunction');
    const ingress = resourceOf(t, 'AWS::Lambda::Function', 'ApiIngressFunction');
    const routes = Object.values(t.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(['ANY /api/{proxy+}', 'ANY /hooks/{proxy+}']);
    const integrations = t.findResources('AWS::ApiGatewayV2::Integration');
    const targetOf = (routeKey: string) => {
      const route = routes.find((r) => r.RouteKey === routeKey)!;
      const integrationId = (route.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
      return integrations[integrationId.Ref]!.Properties.IntegrationUri;
    };
    expect(targetOf('ANY /api/{proxy+}')).toEqual({ 'Fn::GetAtt': [api.id, 'Arn'] });
    expect(targetOf('ANY /hooks/{proxy+}')).toEqual({ 'Fn::GetAtt': [ingress.id, 'Arn'] });
    expect(Object.values(integrations).every((i) => i.Properties.PayloadFormatVersion === '2.0')).toBe(true);
  });

  it('gives the ingress its own reserved concurrency and leaves the API unreserved', async () => {
    const t = synth.templates.api;
    expect(resourceOf(t, 'AWS::Lambda::Function', 'ApiIngressFunction').props.ReservedConcurrentExecutions).toBe(20);
    expect(resourceOf(t, 'AWS::Lambda::Function', 'ApiApiFunction').props.ReservedConcurrentExecutions).toBeUndefined();
    const unreserved = (await synthAll(testSettings({ ingressReservedConcurrency: 0 }))).templates.api;
    expect(resourceOf(unreserved, 'AWS::Lambda::Function', 'ApiIngressFunction').props.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('lets both functions send to the event queue and do nothing else with SQS or email', () => {
    const t = synth.templates.api;
    for (const role of ['ApiApiFunctionServiceRole', 'ApiIngressFunctionServiceRole']) {
      const statements = statementsOfRole(t, role);
      expect(actionsOf(statements)).toEqual(['secretsmanager:GetSecretValue', 'sqs:SendMessage']);
      const send = statements.find((s) => s.Action === 'sqs:SendMessage')!;
      // The queue lives in the events stack: referenced through its export, never a wildcard.
      expect(JSON.stringify(send.Resource)).toMatch(/Fn::ImportValue/);
      expect(JSON.stringify(send.Resource)).not.toContain('*');
    }
  });

  it('configures both functions for the Neon driver, the queue and secure cookies', () => {
    synth.templates.api.allResourcesProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DATABASE_DRIVER: 'neon',
          SECURE_COOKIES: 'true',
          SQS_QUEUE_URL: Match.objectLike({ 'Fn::ImportValue': Match.anyValue() }),
        }),
      },
    });
  });
});
