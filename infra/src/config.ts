import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { isCompleteSecretArn } from './secret-arn';
import type { DeploySettings } from './settings';

/**
 * Keys of the JSON object in the runtime secret (Secrets Manager). Created by the operator before
 * the first deploy (docs/deploy.md); the stacks only reference it, so no value is ever in a template.
 */
export const RUNTIME_SECRET_KEYS = [
  'DATABASE_URL',
  'ENCRYPTION_KEY',
  'ENCRYPTION_KEYS_OLD',
  'TEMPORAL_API_KEY',
  // Temporal mTLS (PEM): the client certificate and key, and a self-hosted cluster's private CA.
  'TEMPORAL_TLS_CLIENT_CERT_DATA',
  'TEMPORAL_TLS_CLIENT_KEY_DATA',
  'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'SMTP_URL',
] as const;

/** Plain (non-secret) SSM String parameters under the stage's prefix, resolved by CloudFormation at deploy. */
export const SSM_PARAMETERS = {
  TEMPORAL_ADDRESS: 'temporal-address',
  TEMPORAL_NAMESPACE: 'temporal-namespace',
  /** The Temporal Web UI (run links, and the only origin the payload codec endpoint answers). */
  TEMPORAL_UI_URL: 'temporal-ui-url',
  MAIL_FROM: 'mail-from',
} as const;
type SsmSetting = keyof typeof SSM_PARAMETERS;

export type RuntimeConfig = {
  secret: secretsmanager.ISecret;
  /** What a Lambda passes to GetSecretValue: the secret's complete ARN. */
  secretId: string;
  /** Values of the SSM parameters, as deploy-time references (CloudFormation parameters). */
  params: Record<SsmSetting, string>;
  /** Grants reading the runtime secret, and nothing else, to a principal. */
  grantSecretRead: (grantee: iam.IGrantable) => void;
  /** PUBLIC_URL for links the product mails (invitations, approvals, alerts): set with a custom domain. */
  publicEnv: { PUBLIC_URL?: string };
  /** OTEL_EXPORTER_OTLP_ENDPOINT for every process when tracing is configured; empty otherwise (tracing off). */
  tracingEnvironment: Record<string, string>;
  /** Runtime secret keys beyond RUNTIME_SECRET_KEYS that the worker container reads (OTLP exporter headers). */
  optionalSecretKeys: string[];
};

/**
 * References the stage's secret and parameters inside `scope`'s stack. Each stack calls this for
 * itself, so no stack exports configuration to another.
 */
export function referenceRuntimeConfig(scope: Construct, settings: DeploySettings): RuntimeConfig {
  // Only a complete ARN: ECS resolves `<arn>:KEY::` and IAM grants match it exactly (see secret-arn.ts).
  if (!isCompleteSecretArn(settings.secret)) {
    throw new Error(`The runtime secret must be referenced by its complete ARN (mountStacks looks it up from the name), not "${settings.secret}"`);
  }
  const secret = secretsmanager.Secret.fromSecretCompleteArn(scope, 'RuntimeSecret', settings.secret);
  const params = Object.fromEntries(
    Object.entries(SSM_PARAMETERS).map(([key, name]) => [key, ssm.StringParameter.valueForStringParameter(scope, `${settings.ssmPrefix}/${name}`)]),
  ) as Record<SsmSetting, string>;
  const grantSecretRead = (grantee: iam.IGrantable) => {
    // A statement of our own instead of secret.grantRead: GetSecretValue only (no DescribeSecret), on this secret only.
    iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [settings.secret] });
  };
  const publicEnv = settings.customDomain ? { PUBLIC_URL: `https://${settings.customDomain.domain}` } : {};
  return {
    secret,
    secretId: settings.secret,
    params,
    grantSecretRead,
    publicEnv,
    tracingEnvironment: settings.otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: settings.otlpEndpoint } : {},
    optionalSecretKeys: settings.otlpHeadersInSecret ? ['OTEL_EXPORTER_OTLP_HEADERS'] : [],
  };
}
