import { loadConfig, type Config } from '@conduit/core/config';
import { z } from 'zod';

/** The runtime secret's JSON: string values; empty strings mean "not set" (e.g. no Temporal API key). */
const SecretValuesSchema = z.record(z.string(), z.string());

const LambdaEnvSchema = z.object({
  /** ARN of the Secrets Manager secret with DATABASE_URL, ENCRYPTION_KEY, TEMPORAL_API_KEY, SMTP_URL. */
  CONDUIT_SECRET_ID: z.string().min(1).optional(),
});

/**
 * Configuration of a Lambda: its environment (plain settings, resolved from SSM at deploy) plus the
 * runtime secret, read once per cold start with GetSecretValue. Secret values only live in memory.
 * Without CONDUIT_SECRET_ID (tests, local) the environment alone is used.
 */
export async function loadLambdaConfig(env: Record<string, string | undefined> = process.env): Promise<Config> {
  const { CONDUIT_SECRET_ID } = LambdaEnvSchema.parse(env);
  const merged: Record<string, string | undefined> = { ...env };
  if (CONDUIT_SECRET_ID) {
    for (const [key, value] of Object.entries(await readSecret(CONDUIT_SECRET_ID))) {
      if (value !== '') merged[key] = value;
    }
  }
  return loadConfig(merged);
}

async function readSecret(secretId: string): Promise<Record<string, string>> {
  // The SDK is provided by the Lambda runtime and kept out of the bundle.
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({});
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const parsed = SecretValuesSchema.safeParse(JSON.parse(out.SecretString ?? '{}'));
    // Never echo the value: a malformed secret is reported by its shape only.
    if (!parsed.success) throw new Error(`runtime secret must be a JSON object of strings (${parsed.error.issues.length} issue(s))`);
    return parsed.data;
  } finally {
    client.destroy();
  }
}

/** Memoizes an async initialiser for the life of the execution environment; a failure is retried next call. */
export function once<T>(init: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= init().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
