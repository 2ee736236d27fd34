import { CfnOutput, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { RuntimeConfig } from './config';
import type { EventsConstruct } from './events';
import { conduitFunction } from './lambda';
import { notifyingAlarm } from './monitoring';
import { certificateRegion, type CustomDomain, type DeploySettings } from './settings';

/** Share of 5xx answers (percent, over 5 minutes) above which the API alarms. */
export const SERVER_ERROR_RATE_PERCENT = 5;

/**
 * One HTTPS endpoint (API Gateway HTTP API) with two functions behind it: the settings API on
 * /api/*, and the webhook ingress on /hooks/* with its own reserved concurrency, so a webhook
 * flood is throttled on its own and cannot starve the settings API.
 */
export class ApiConstruct extends Construct {
  readonly httpApi: apigw.HttpApi;
  /** The host name CloudFront forwards /api and /hooks to. */
  readonly originHost: string;
  readonly api: lambda.Function;
  readonly ingress: lambda.Function;

  constructor(
    scope: Construct,
    id: string,
    props: { settings: DeploySettings; config: RuntimeConfig; events: Pick<EventsConstruct, 'queue' | 'grantSend' | 'alarmTopic'> },
  ) {
    super(scope, id);
    const environment = { SQS_QUEUE_URL: props.events.queue.queueUrl, SECURE_COOKIES: 'true' };
    const alarmTopic = props.events.alarmTopic;
    this.api = conduitFunction(this, 'ApiFunction', { entry: 'api', config: props.config, timeout: Duration.seconds(29), environment, alarmTopic });
    this.ingress = conduitFunction(this, 'IngressFunction', {
      entry: 'ingress',
      config: props.config,
      timeout: Duration.seconds(10),
      environment,
      alarmTopic,
      ...(props.settings.ingressReservedConcurrency > 0 ? { reservedConcurrency: props.settings.ingressReservedConcurrency } : {}),
    });
    // Both may enqueue event ids (webhooks, record changes, replays); neither may read the queue.
    props.events.grantSend(this.api);
    props.events.grantSend(this.ingress);

    const custom = props.settings.customDomain;
    const originDomain = custom ? this.originDomainName(custom) : undefined;
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: `Conduit ${props.settings.stage}`,
      // With a custom domain CloudFront reaches the API by its own name only, so the execute-api URL
      // (which skips CloudFront's headers and the site's name) is turned off.
      ...(originDomain ? { disableExecuteApiEndpoint: true, defaultDomainMapping: { domainName: originDomain } } : {}),
    });
    // https://abc.execute-api.region.amazonaws.com -> abc.execute-api.region.amazonaws.com
    this.originHost = custom ? custom.apiOriginDomain : Fn.select(2, Fn.split('/', this.httpApi.apiEndpoint));
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
    // 5xx answers as a share of all answers, over 5 minutes; below 20 requests a window says nothing.
    notifyingAlarm(this, 'ServerErrorRateAlarm', alarmTopic, {
      alarmDescription: `More than ${SERVER_ERROR_RATE_PERCENT} % of API and webhook requests answered 5xx over 5 minutes`,
      metric: new cloudwatch.MathExpression({
        expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
        usingMetrics: {
          errors: this.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
          requests: this.httpApi.metricCount({ period: Duration.minutes(5), statistic: 'Sum' }),
        },
        period: Duration.minutes(5),
        label: '5xx %',
      }),
      threshold: SERVER_ERROR_RATE_PERCENT,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (custom) {
      new CfnOutput(this, 'ApiOrigin', { value: `https://${custom.apiOriginDomain}`, description: 'The API by its origin name (only CloudFront needs it)' });
    } else {
      new CfnOutput(this, 'ApiEndpoint', { value: this.httpApi.apiEndpoint, description: 'HTTP API (also served under the site URL)' });
    }
  }

  /** API Gateway's regional custom domain for the origin name, and its DNS record when the zone is known. */
  private originDomainName(custom: CustomDomain): apigw.DomainName {
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && certificateRegion(custom.apiCertificateArn) !== region) {
      throw new Error(
        `The API origin's certificate must be in ${region} (API Gateway takes regional certificates): set CONDUIT_API_CERTIFICATE_ARN to one covering ${custom.apiOriginDomain}`,
      );
    }
    const domain = new apigw.DomainName(this, 'OriginDomain', {
      domainName: custom.apiOriginDomain,
      certificate: acm.Certificate.fromCertificateArn(this, 'OriginCertificate', custom.apiCertificateArn),
      securityPolicy: apigw.SecurityPolicy.TLS_1_2,
    });
    if (custom.hostedZone) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: custom.hostedZone.id, zoneName: custom.hostedZone.name });
      new route53.ARecord(this, 'OriginRecord', {
        zone,
        recordName: custom.apiOriginDomain,
        target: route53.RecordTarget.fromAlias(new targets.ApiGatewayv2DomainProperties(domain.regionalDomainName, domain.regionalHostedZoneId)),
      });
    } else {
      new CfnOutput(this, 'OriginDnsRecord', {
        value: Fn.join('', [custom.apiOriginDomain, ' CNAME ', domain.regionalDomainName]),
        description: 'Create this DNS record (no Route 53 zone was given)',
      });
    }
    return domain;
  }
}
