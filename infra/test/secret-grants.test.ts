import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveSecretArn } from '../src/secret-arn';
import { synthAll, type CfnProps, type Synth } from './synth';

/**
 * Every place a template reads a secret, with the role that reads it: an ECS container's
 * `Secrets[].ValueFrom` is read by the task's execution role at task start; a Lambda's
 * `CONDUIT_SECRET_ID` by the function's own role at cold start.
 */
type Reference = { where: string; secretArn: string; roleId: string };

const roleIdOf = (arn: CfnProps): string => {
  const id = arn?.['Fn::GetAtt']?.[0];
  if (typeof id !== 'string') throw new Error(`a role reference CloudFormation cannot follow offline: ${JSON.stringify(arn)}`);
  return id;
};

function referencesOf(template: Template): Reference[] {
  const out: Reference[] = [];
  for (const [id, td] of Object.entries(template.findResources('AWS::ECS::TaskDefinition'))) {
    for (const c of td.Properties.ContainerDefinitions as CfnProps[]) {
      for (const s of (c.Secrets ?? []) as Array<{ Name: string; ValueFrom: unknown }>) {
        if (typeof s.ValueFrom !== 'string') throw new Error(`${id}/${s.Name}: ValueFrom is not a literal ARN: ${JSON.stringify(s.ValueFrom)}`);
        // <secret ARN>:<json-key>:<version-stage>:<version-id>
        const arn = s.ValueFrom.split(':').slice(0, 7).join(':');
        out.push({ where: `${id} container ${c.Name} secret ${s.Name}`, secretArn: arn, roleId: roleIdOf(td.Properties.ExecutionRoleArn) });
      }
    }
  }
  for (const [id, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
    const secretId = fn.Properties.Environment?.Variables?.CONDUIT_SECRET_ID;
    if (secretId === undefined) continue;
    if (typeof secretId !== 'string') throw new Error(`${id}: CONDUIT_SECRET_ID is not a literal ARN`);
    out.push({ where: `${id} CONDUIT_SECRET_ID`, secretArn: secretId, roleId: roleIdOf(fn.Properties.Role) });
  }
  return out;
}

/** IAM's own matching: `*` any run of characters, `?` one. */
const iamMatches = (pattern: string, arn: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(arn);

function grantsGetSecretValue(template: Template, roleId: string, arn: string): boolean {
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const roles = (policy.Properties.Roles ?? []) as Array<{ Ref?: string }>;
    if (!roles.some((r) => r.Ref === roleId)) continue;
    for (const st of policy.Properties.PolicyDocument.Statement as CfnProps[]) {
      const actions: string[] = [st.Action].flat();
      if (st.Effect !== 'Allow' || !actions.some((a) => a === 'secretsmanager:GetSecretValue' || a === 'secretsmanager:*')) continue;
      const resources: unknown[] = [st.Resource].flat();
      if (resources.some((r) => typeof r === 'string' && iamMatches(r, arn))) return true;
    }
  }
  return false;
}

let synth: Synth;
beforeAll(async () => {
  synth = await synthAll();
});

describe('secret references and grants', () => {
  it('covers every secret reference of every task definition and function with a grant of the role that reads it', () => {
    let checked = 0;
    for (const [name, template] of Object.entries(synth.templates)) {
      for (const ref of referencesOf(template)) {
        expect(grantsGetSecretValue(template, ref.roleId, ref.secretArn), `${name}: ${ref.where} → ${ref.secretArn} read by ${ref.roleId}`).toBe(true);
        checked++;
      }
    }
    // 4 keys in the worker's container, and every Lambda that loads the runtime (api, dispatcher, sweeper…).
    expect(checked).toBeGreaterThanOrEqual(7);
  });

  it('does not mistake a partial ARN for a covered one', () => {
    expect(iamMatches('arn:aws:secretsmanager:eu-west-1:1:secret:x-??????', 'arn:aws:secretsmanager:eu-west-1:1:secret:x')).toBe(false);
    expect(iamMatches('arn:aws:secretsmanager:eu-west-1:1:secret:x-??????', 'arn:aws:secretsmanager:eu-west-1:1:secret:x-AbC123')).toBe(true);
  });
});

describe('resolving the runtime secret at deploy (against moto Secrets Manager)', () => {
  const client = () =>
    new SecretsManagerClient({
      region: 'eu-west-1',
      endpoint: process.env.TEST_SQS_ENDPOINT,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });

  it('turns the name into the complete ARN Secrets Manager gave the secret', async () => {
    const name = `conduit/resolve-${Date.now()}/runtime`;
    const created = await client().send(new CreateSecretCommand({ Name: name, SecretString: '{}' }));
    const arn = await resolveSecretArn(name, client());
    expect(arn).toBe(created.ARN);
    expect(arn).toMatch(new RegExp(`:secret:${name}-[A-Za-z0-9]{6}$`));
    // A complete ARN is used as it is, without a call.
    expect(await resolveSecretArn(arn, { send: () => Promise.reject(new Error('no call expected')) })).toBe(arn);
  });

  it('fails the deploy with a clear message when the secret does not exist yet', async () => {
    await expect(resolveSecretArn('conduit/nowhere/runtime', client())).rejects.toThrow(/"conduit\/nowhere\/runtime" does not exist .* Create it first/);
  });
});
