import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { RuntimeConfig } from './config';
import type { EventsConstruct } from './events';
import { conduitFunction } from './lambda';
import type { DeploySettings } from './settings';

/**
 * One HTTPS endpoint (API Gateway HTTP API) with two functions behind it: the settings API on
 * /api/*, and the webhook ingress on /hooks/* with its own reserved concurrency, so a webhook
 * flood is throttled on its own and cannot starve the settings API.
 */
export class ApiConstruct extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly api: lambda.Function;
  readonly ingress: lambda.Function;

  constructor(scope: Construct, id: string, props: { settings: DeploySettings; config: RuntimeConfig; events: Pick<EventsConstruct, 'queue' | 'grantSend'> }) {
    super(scope, id);
    const environment = { SQS_QUEUE_URL: props.events.queue.queueUrl, SECURE_COOKIES: 'true' };
    this.api = conduitFunction(this, 'ApiFunction', { entry: 'api', config: props.config, timeout: Duration.seconds(29), environment });
    this.ingress = conduitFunction(this, 'IngressFunction', {
      entry: 'ingress',
      config: props.config,
      timeout: Duration.seconds(10),
      environment,
      ...(props.settings.ingressReservedConcurrency > 0 ? { reservedConcurrency: props.settings.ingressReservedConcurrency } : {}),
    });
    // Both may enqueue event ids (webhooks, record changes, replays); neither may read the queue.
    props.events.grantSend(this.api);
    props.events.grantSend(this.ingress);

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', { description: `Conduit ${props.settings.stage}` });
    this.httpApi.addRoutes({
      path: '/api/{proxy+}',
      methods: [apigw.HttpMethod.ANY],
      integration: new HttpLambdaIntegration('ApiIntegration', this.api),
    });
    this.httpApi.addRoutes({
      path: '/hooks/{proxy+}',
      methods: [apigw.HttpMethod.ANY],
      integration: new HttpLambdaIntegration('IngressIntegration', this.ingress),
    });
    new CfnOutput(this, 'ApiEndpoint', { value: this.httpApi.apiEndpoint, description: 'HTTP API (also served under the site URL)' });
  }
}
