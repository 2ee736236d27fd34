import { DescribeSecretCommand, ResourceNotFoundException, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * A secret's complete ARN ends in the 6-character suffix Secrets Manager adds. ECS and IAM only agree
 * on a complete ARN: a partial one (the name without suffix) makes ECS fail the task at start with
 * AccessDenied although the role was granted `name-??????` (aws-cdk issues #20744, #24142, #18555).
 */
const COMPLETE_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/;

export const isCompleteSecretArn = (s: string): boolean => COMPLETE_ARN.test(s);

/**
 * The runtime secret's complete ARN, looked up once at deploy when the setting is a name (or a partial
 * ARN). Fails the deploy before anything changes when the secret does not exist yet.
 */
export async function resolveSecretArn(secret: string, client: Pick<SecretsManagerClient, 'send'>): Promise<string> {
  if (isCompleteSecretArn(secret)) return secret;
  try {
    const found = await client.send(new DescribeSecretCommand({ SecretId: secret }));
    if (!found.ARN || !isCompleteSecretArn(found.ARN)) throw new Error(`Secrets Manager answered no complete ARN for "${secret}"`);
    return found.ARN;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) {
      throw new Error(`The runtime secret "${secret}" does not exist in this account and region. Create it first (docs/deploy.md, "Configuration").`);
    }
    throw err;
  }
}
