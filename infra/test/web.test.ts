import { beforeAll, describe, expect, it } from 'vitest';
import { FORWARD_HOST_CODE, SPA_REWRITE_CODE } from '../src/web';
import { resourceOf, synthAll, testSettings, type CfnProps, type Synth } from './synth';
import { API_CSP, APP_CSP } from '@conduit/core/security-headers';

// AWS-managed policy ids (the same in every account).
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

let synth: Synth;
let dist: CfnProps;
const behavior = (path: string) => (dist.DistributionConfig.CacheBehaviors as CfnProps[]).find((b) => b.PathPattern === path);

beforeAll(async () => {
  synth = await synthAll();
  dist = resourceOf(synth.templates.web, 'AWS::CloudFront::Distribution', 'WebDistribution').props;
});

describe('web stack', () => {
  it('keeps the bucket private and lets only this distribution read it (origin access control)', () => {
    const t = synth.templates.web;
    const bucket = resourceOf(t, 'AWS::S3::Bucket', 'WebBucket');
    expect(bucket.props.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const oac = resourceOf(t, 'AWS::CloudFront::OriginAccessControl', 'WebDistribution');
    expect(oac.props.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    const s3Origin = (dist.DistributionConfig.Origins as CfnProps[]).find((o) => o.S3OriginConfig)!;
    expect(s3Origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oac.id, 'Id'] });
    expect(s3Origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' }); // no legacy OAI
    const policy = resourceOf(t, 'AWS::S3::BucketPolicy', 'WebBucketPolicy').props.PolicyDocument.Statement as CfnProps[];
    const read = policy.find((s) => s.Principal?.Service === 'cloudfront.amazonaws.com')!;
    expect(read.Action).toBe('s3:GetObject');
    expect(JSON.stringify(read.Condition)).toContain('AWS:SourceArn');
  });

  it('never caches index.html and rewrites client-side routes to it (SPA fallback)', () => {
    const t = synth.templates.web;
    const def = dist.DistributionConfig.DefaultCacheBehavior;
    expect(def.CachePolicyId).toBe(CACHING_DISABLED);
    expect(def.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(dist.DistributionConfig.DefaultRootObject).toBe('index.html');
    const fn = resourceOf(t, 'AWS::CloudFront::Function', 'WebSpaRewrite');
    expect(def.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fn.id, 'FunctionARN'] } }]);
    const headers = resourceOf(t, 'AWS::CloudFront::ResponseHeadersPolicy', 'WebHtmlHeaders');
    expect(def.ResponseHeadersPolicyId).toEqual({ Ref: headers.id });
    expect(headers.props.ResponseHeadersPolicyConfig.CustomHeadersConfig.Items).toEqual([{ Header: 'Cache-Control', Override: true, Value: 'no-cache' }]);
  });

  it('rewrites routes without a file extension and leaves files alone', () => {
    // The function's own code, run as CloudFront runs it.
    const handler = new Function(`${SPA_REWRITE_CODE}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/workspaces/w1/workflows/abc')).toBe('/index.html');
    expect(rewrite('/assets/index-abc123.js')).toBe('/assets/index-abc123.js');
    expect(rewrite('/favicon.svg')).toBe('/favicon.svg');
  });

  it('hands the viewer host to the API as X-Forwarded-Host, so the links it builds name the app', () => {
    const fn = resourceOf(synth.templates.web, 'AWS::CloudFront::Function', 'WebForwardHost');
    for (const path of ['/api/*', '/hooks/*']) {
      expect(behavior(path)!.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fn.id, 'FunctionARN'] } }]);
    }
    type Req = { headers: Record<string, { value: string }> };
    const handler = new Function(`${FORWARD_HOST_CODE}; return handler;`)() as (e: { request: Req; context: { distributionDomainName: string } }) => Req;
    const forwarded = (headers: Req['headers']) =>
      handler({ request: { headers }, context: { distributionDomainName: 'd111.cloudfront.net' } }).headers['x-forwarded-host']?.value;
    expect(forwarded({ host: { value: 'conduit.example.com' } })).toBe('conduit.example.com');
    expect(forwarded({})).toBe('d111.cloudfront.net');
  });

  it('caches hashed assets for a year, immutable', () => {
    const t = synth.templates.web;
    const assets = behavior('/assets/*')!;
    const cache = resourceOf(t, 'AWS::CloudFront::CachePolicy', 'WebAssetsCache');
    expect(assets.CachePolicyId).toEqual({ Ref: cache.id });
    expect(cache.props.CachePolicyConfig).toMatchObject({ MinTTL: 31536000, DefaultTTL: 31536000, MaxTTL: 31536000 });
    const headers = resourceOf(t, 'AWS::CloudFront::ResponseHeadersPolicy', 'WebAssetHeaders');
    expect(assets.ResponseHeadersPolicyId).toEqual({ Ref: headers.id });
    expect(headers.props.ResponseHeadersPolicyConfig.CustomHeadersConfig.Items[0].Value).toBe('public, max-age=31536000, immutable');
    expect(assets.Compress).toBe(true);
  });

  it('forwards /api/* and /hooks/* to the HTTP API uncached, with every method', () => {
    const origins = dist.DistributionConfig.Origins as CfnProps[];
    for (const path of ['/api/*', '/hooks/*']) {
      const b = behavior(path)!;
      expect(b, path).toBeDefined();
      expect(b.CachePolicyId).toBe(CACHING_DISABLED);
      expect(b.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST);
      expect(b.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']);
      expect(b.ViewerProtocolPolicy).toBe('https-only');
      const origin = origins.find((o) => o.Id === b.TargetOriginId)!;
      expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
      // The API's host name, taken from the API stack's endpoint.
      expect(JSON.stringify(origin.DomainName)).toContain('Fn::ImportValue');
    }
  });

  it('sends the security headers on every behaviour: the app CSP for the site, the JSON CSP for /api and /hooks', () => {
    const t = synth.templates.web;
    const expected = (csp: string) => ({
      ContentSecurityPolicy: { ContentSecurityPolicy: csp, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true, Override: true },
    });
    const policyOf = (id: string) => resourceOf(t, 'AWS::CloudFront::ResponseHeadersPolicy', id);
    for (const [id, ref] of [
      ['WebHtmlHeaders', dist.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId],
      ['WebAssetHeaders', behavior('/assets/*')!.ResponseHeadersPolicyId],
    ] as const) {
      const p = policyOf(id);
      expect(ref).toEqual({ Ref: p.id });
      expect(p.props.ResponseHeadersPolicyConfig.SecurityHeadersConfig).toEqual(expected(APP_CSP));
    }
    const api = policyOf('WebApiHeaders');
    expect(api.props.ResponseHeadersPolicyConfig.SecurityHeadersConfig).toEqual(expected(API_CSP));
    for (const path of ['/api/*', '/hooks/*']) expect(behavior(path)!.ResponseHeadersPolicyId, path).toEqual({ Ref: api.id });
    // No inline script may run in the app, and nothing may frame it.
    expect(APP_CSP).toContain("script-src 'self'");
    expect(APP_CSP).not.toContain('unsafe-inline');
    expect(APP_CSP).toContain("frame-ancestors 'none'");
  });

  it('uploads the built site with the API URL and invalidates index.html; skips the upload without a build', async () => {
    const t = synth.templates.web;
    const deploy = Object.values(t.findResources('Custom::CDKBucketDeployment'))[0]!.Properties;
    expect(deploy.Prune).toBe(false);
    expect(deploy.DistributionPaths).toEqual(['/index.html', '/config.json']);
    expect(deploy.SourceObjectKeys).toHaveLength(2);
    const markers = JSON.stringify(deploy.SourceMarkers ?? deploy.SourceMarkersConfig ?? {});
    expect(markers).toContain('DomainName'); // config.json's apiUrl resolves to the distribution at deploy time
    const noBuild = (await synthAll(testSettings({ webDistPath: undefined }))).templates.web;
    expect(Object.keys(noBuild.findResources('Custom::CDKBucketDeployment'))).toHaveLength(0);
  });
});
