import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { API_CSP, APP_CSP, HSTS_MAX_AGE_SECONDS } from '@conduit/core/security-headers';
import type { DeploySettings } from './settings';

/** Vite puts content-hashed files under /assets/: safe to cache for a year. */
const ASSETS_PATH = '/assets/*';
const API_PATHS = ['/api/*', '/hooks/*'] as const;

/**
 * Rewrites client-side routes (no file extension) to /index.html, so deep links work. Done in a
 * viewer-request function rather than with 403/404 error responses, which would also turn a
 * missing /assets/x.js into a 200 HTML page and hide real errors.
 */
export const SPA_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

/**
 * Hands the viewer's host to the API as X-Forwarded-Host: the API's origin request drops Host (API
 * Gateway routes on its own name), and links the API builds (invitations) must name the address the
 * person used: the distribution's or the custom domain.
 */
export const FORWARD_HOST_CODE = `function handler(event) {
  var request = event.request;
  request.headers['x-forwarded-host'] = { value: request.headers.host ? request.headers.host.value : event.context.distributionDomainName };
  return request;
}`;

/**
 * The SolidJS build on a private S3 bucket behind CloudFront (origin access control). The same
 * distribution forwards /api/* and /hooks/* to the HTTP API, so the app and its API share one
 * origin: the session cookie stays SameSite and no CORS is needed.
 */
export class WebConstruct extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly url: string;

  constructor(scope: Construct, id: string, props: { settings: DeploySettings; apiOriginHost: string }) {
    super(scope, id);
    const production = props.settings.stage === 'prod';
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !production,
    });
    const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);

    const htmlPolicy = new cloudfront.ResponseHeadersPolicy(this, 'HtmlHeaders', {
      customHeadersBehavior: {
        customHeaders: [{ header: 'Cache-Control', value: 'no-cache', override: true }],
      },
      securityHeadersBehavior: securityHeaders(APP_CSP),
    });
    const assetsPolicy = new cloudfront.ResponseHeadersPolicy(this, 'AssetHeaders', {
      customHeadersBehavior: {
        customHeaders: [{ header: 'Cache-Control', value: 'public, max-age=31536000, immutable', override: true }],
      },
      securityHeadersBehavior: securityHeaders(APP_CSP),
    });
    // The API's and the ingress's answers carry these already (functions' middleware); set at the
    // edge too, so every answer of the distribution has them whatever the origin sends.
    const apiPolicy = new cloudfront.ResponseHeadersPolicy(this, 'ApiHeaders', { securityHeadersBehavior: securityHeaders(API_CSP) });
    const assetsCache = new cloudfront.CachePolicy(this, 'AssetsCache', {
      comment: 'Hashed assets: cached for a year at the edge',
      minTtl: Duration.days(365),
      defaultTtl: Duration.days(365),
      maxTtl: Duration.days(365),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const spaRewrite = new cloudfront.Function(this, 'SpaRewrite', {
      code: cloudfront.FunctionCode.fromInline(SPA_REWRITE_CODE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'Client-side routes to /index.html',
    });

    const forwardHost = new cloudfront.Function(this, 'ForwardHost', {
      code: cloudfront.FunctionCode.fromInline(FORWARD_HOST_CODE),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: 'The viewer host to the API as X-Forwarded-Host',
    });

    const apiOrigin = new origins.HttpOrigin(props.apiOriginHost, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
    });
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      // Everything but Host: API Gateway routes on its own host name.
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: apiPolicy,
      functionAssociations: [{ function: forwardHost, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    };

    const custom = props.settings.customDomain;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Conduit ${props.settings.stage}`,
      ...(custom
        ? {
            domainNames: [custom.domain],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: siteOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        responseHeadersPolicy: htmlPolicy,
        functionAssociations: [{ function: spaRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        [ASSETS_PATH]: {
          origin: siteOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: assetsCache,
          responseHeadersPolicy: assetsPolicy,
          compress: true,
        },
        ...Object.fromEntries(API_PATHS.map((p) => [p, apiBehavior])),
      },
    });
    // With a custom domain, the URLs people save (webhooks, bookmarks) no longer change with the distribution.
    this.url = `https://${custom ? custom.domain : this.distribution.distributionDomainName}`;
    if (custom?.hostedZone) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: custom.hostedZone.id, zoneName: custom.hostedZone.name });
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
      new route53.ARecord(this, 'AliasRecord', { zone, recordName: custom.domain, target });
      new route53.AaaaRecord(this, 'AliasRecordV6', { zone, recordName: custom.domain, target });
    } else if (custom) {
      new CfnOutput(this, 'DnsRecord', {
        value: `${custom.domain} CNAME ${this.distribution.distributionDomainName}`,
        description: 'Create this DNS record (no Route 53 zone was given)',
      });
    }

    if (props.settings.webDistPath) {
      new s3deploy.BucketDeployment(this, 'Upload', {
        destinationBucket: this.bucket,
        sources: [
          s3deploy.Source.asset(props.settings.webDistPath),
          // Read by the app at start; the API is same-origin, so this is informational for tools.
          s3deploy.Source.jsonData('config.json', { apiUrl: `${this.url}/api`, hooksUrl: `${this.url}/hooks` }),
        ],
        distribution: this.distribution,
        distributionPaths: ['/index.html', '/config.json'],
        prune: false, // old hashed assets stay, so open tabs on the previous version keep working
        memoryLimit: 512,
      });
    }
    new CfnOutput(this, 'SiteUrl', { value: this.url, description: 'The web app; /api and /hooks are served here too' });
  }
}

/** The same headers as the app server sends (@conduit/core/security-headers); the distribution is HTTPS only, so HSTS always. */
function securityHeaders(csp: string): cloudfront.ResponseSecurityHeadersBehavior {
  return {
    contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
    contentTypeOptions: { override: true },
    frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
    referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
    strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS), includeSubdomains: true, override: true },
  };
}
