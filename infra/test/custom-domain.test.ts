import { beforeAll, describe, expect, it } from 'vitest';
import { settingsFromEnv, type CustomDomain } from '../src/settings';
import { ACCOUNT, REGION, resourceOf, synthAll, testSettings, type CfnProps, type Synth } from './synth';

const EDGE_CERT = `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555`;
const REGIONAL_CERT = `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/66666666-7777-8888-9999-000000000000`;
const DOMAIN: CustomDomain = {
  domain: 'conduit.example.com',
  certificateArn: EDGE_CERT,
  apiOriginDomain: 'conduit-origin.example.com',
  apiCertificateArn: REGIONAL_CERT,
  hostedZone: { id: 'Z0123456789ABC', name: 'example.com' },
};

let plain: Synth;
let custom: Synth;
beforeAll(async () => {
  plain = await synthAll();
  custom = await synthAll(testSettings({ customDomain: DOMAIN }));
});

const outputs = (s: Synth, stack: 'api' | 'web') => Object.entries(s.templates[stack].toJSON().Outputs as Record<string, { Value: unknown }>);
const lambdaEnvs = (s: Synth) =>
  (['api', 'events', 'sweeper', 'migrations'] as const).flatMap((k) =>
    Object.values(s.templates[k].findResources('AWS::Lambda::Function'))
      .filter((f) => f.Properties.Environment?.Variables?.CONDUIT_SECRET_ID)
      .map((f) => f.Properties.Environment.Variables as Record<string, unknown>),
  );
const workerEnv = (s: Synth) =>
  Object.fromEntries(
    (
      resourceOf(s.templates.worker, 'AWS::ECS::TaskDefinition', 'WorkerTask').props.ContainerDefinitions[0].Environment as Array<{
        Name: string;
        Value: unknown;
      }>
    ).map((e) => [e.Name, e.Value]),
  );

describe('custom domain', () => {
  it('serves the site, /api and /hooks on the domain with its us-east-1 certificate, and points the domain at CloudFront', () => {
    const t = custom.templates.web;
    const dist = resourceOf(t, 'AWS::CloudFront::Distribution', 'WebDistribution');
    const config = dist.props.DistributionConfig;
    expect(config.Aliases).toEqual(['conduit.example.com']);
    expect(config.ViewerCertificate).toEqual({ AcmCertificateArn: EDGE_CERT, SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' });
    const records = Object.values(t.findResources('AWS::Route53::RecordSet')).map((r) => r.Properties as CfnProps);
    expect(records.map((r) => r.Type).sort()).toEqual(['A', 'AAAA']);
    for (const r of records) {
      expect(r).toMatchObject({ Name: 'conduit.example.com.', HostedZoneId: 'Z0123456789ABC' });
      expect(r.AliasTarget.DNSName).toEqual({ 'Fn::GetAtt': [dist.id, 'DomainName'] });
      // CloudFront's alias zone, looked up by partition in a mapping CDK adds.
      const [map] = r.AliasTarget.HostedZoneId['Fn::FindInMap'];
      expect(JSON.stringify(t.toJSON().Mappings[map])).toContain('Z2FDTNDATAQYW2');
    }
    // The URL shown for webhooks and written to config.json is the domain, not dxxxx.cloudfront.net.
    expect(outputs(custom, 'web').find(([k]) => k.startsWith('WebSiteUrl'))![1].Value).toBe('https://conduit.example.com');
    expect(custom.constructs.web.url).toBe('https://conduit.example.com');
  });

  it('disables the execute-api endpoint and has CloudFront reach the API by its own origin name', () => {
    const t = custom.templates.api;
    const api = resourceOf(t, 'AWS::ApiGatewayV2::Api', 'ApiHttpApi');
    expect(api.props.DisableExecuteApiEndpoint).toBe(true);
    const domain = resourceOf(t, 'AWS::ApiGatewayV2::DomainName', 'ApiOriginDomain');
    expect(domain.props).toEqual({
      DomainName: 'conduit-origin.example.com',
      DomainNameConfigurations: [{ CertificateArn: REGIONAL_CERT, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }],
    });
    const mapping = resourceOf(t, 'AWS::ApiGatewayV2::ApiMapping', 'ApiHttpApi').props;
    expect(mapping).toMatchObject({ ApiId: { Ref: api.id }, DomainName: { Ref: domain.id }, Stage: '$default' });
    const record = resourceOf(t, 'AWS::Route53::RecordSet', 'ApiOriginRecord').props;
    expect(record).toMatchObject({ Name: 'conduit-origin.example.com.', Type: 'A', HostedZoneId: 'Z0123456789ABC' });
    expect(record.AliasTarget.DNSName).toEqual({ 'Fn::GetAtt': [domain.id, 'RegionalDomainName'] });
    // No output offers the disabled URL.
    expect(outputs(custom, 'api').some(([k]) => k.includes('ApiEndpoint'))).toBe(false);

    const origins = resourceOf(custom.templates.web, 'AWS::CloudFront::Distribution', 'WebDistribution').props.DistributionConfig.Origins as CfnProps[];
    const apiOrigin = origins.find((o) => o.CustomOriginConfig)!;
    expect(apiOrigin.DomainName).toBe('conduit-origin.example.com');
    expect(apiOrigin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
  });

  it('gives every function and the worker the domain as PUBLIC_URL, so mailed links use it', () => {
    const envs = lambdaEnvs(custom);
    expect(envs.length).toBeGreaterThanOrEqual(5);
    for (const env of envs) expect(env.PUBLIC_URL).toBe('https://conduit.example.com');
    expect(workerEnv(custom).PUBLIC_URL).toBe('https://conduit.example.com');
  });

  it('without a custom domain: execute-api stays on (it is the origin), no DNS records, mailed links on the distribution', () => {
    expect(resourceOf(plain.templates.api, 'AWS::ApiGatewayV2::Api', 'ApiHttpApi').props.DisableExecuteApiEndpoint).toBeUndefined();
    for (const t of Object.values(plain.templates)) {
      expect(Object.keys(t.findResources('AWS::Route53::RecordSet'))).toHaveLength(0);
      expect(Object.keys(t.findResources('AWS::ApiGatewayV2::DomainName'))).toHaveLength(0);
    }
    const config = resourceOf(plain.templates.web, 'AWS::CloudFront::Distribution', 'WebDistribution').props.DistributionConfig;
    expect(config.Aliases).toBeUndefined();
    // The functions build links from the viewer's host (X-Forwarded-Host, set at the edge); the
    // worker, which mails approvals and alerts outside any request, gets the distribution's address.
    for (const env of lambdaEnvs(plain)) expect(env.PUBLIC_URL).toBeUndefined();
    const workerUrl = JSON.stringify(workerEnv(plain).PUBLIC_URL);
    expect(workerUrl).toContain('https://');
    expect(workerUrl).toMatch(/WebDistribution/);
  });

  it('without a Route 53 zone, prints the two DNS records to create instead', async () => {
    const { hostedZone: _, ...noZone } = DOMAIN;
    const s = await synthAll(testSettings({ customDomain: noZone }));
    for (const t of Object.values(s.templates)) expect(Object.keys(t.findResources('AWS::Route53::RecordSet'))).toHaveLength(0);
    const web = outputs(s, 'web').find(([k]) => k.startsWith('WebDnsRecord'))![1].Value;
    expect(JSON.stringify(web)).toContain('conduit.example.com CNAME ');
    const api = outputs(s, 'api').find(([k]) => k.startsWith('ApiOriginDnsRecord'))![1].Value;
    expect(JSON.stringify(api)).toContain('conduit-origin.example.com CNAME ');
  });

  it('reads the domain from the environment and refuses certificates CloudFront or API Gateway cannot use', async () => {
    const env = {
      CONDUIT_DOMAIN: 'conduit.example.com',
      CONDUIT_CERTIFICATE_ARN: EDGE_CERT,
      CONDUIT_HOSTED_ZONE_ID: 'Z1',
      CONDUIT_HOSTED_ZONE_NAME: 'example.com',
    };
    expect(settingsFromEnv('prod', env).customDomain).toEqual({
      domain: 'conduit.example.com',
      certificateArn: EDGE_CERT,
      apiOriginDomain: 'conduit-origin.example.com',
      apiCertificateArn: EDGE_CERT,
      hostedZone: { id: 'Z1', name: 'example.com' },
    });
    expect(settingsFromEnv('prod', {}).customDomain).toBeUndefined();
    expect(() => settingsFromEnv('prod', { ...env, CONDUIT_CERTIFICATE_ARN: REGIONAL_CERT })).toThrow(/us-east-1/);
    expect(() => settingsFromEnv('prod', { CONDUIT_DOMAIN: 'conduit.example.com' })).toThrow(/certificateArn/);
    expect(() => settingsFromEnv('prod', { ...env, CONDUIT_DOMAIN: 'https://conduit.example.com' })).toThrow(/DNS name/);
    expect(() => settingsFromEnv('prod', { ...env, CONDUIT_HOSTED_ZONE_NAME: '' })).toThrow(/hostedZone/);
    // The default origin certificate is the us-east-1 one: fine in us-east-1, refused elsewhere (here eu-west-1).
    await expect(synthAll(testSettings({ customDomain: { ...DOMAIN, apiCertificateArn: EDGE_CERT } }))).rejects.toThrow(/CONDUIT_API_CERTIFICATE_ARN/);
  });
});
