import { fileURLToPath } from 'node:url';
import { createDb } from '@conduit/core/db';
import { createLogger } from '@conduit/core/logging';
import { loadLambdaConfig } from './runtime';

/** The bundle carries core/drizzle beside it (infra/src/bundle.ts copies it). */
const MIGRATIONS = fileURLToPath(new URL('./drizzle', import.meta.url));
const RESOURCE_ID = 'conduit-database-schema';

/** What CloudFormation's custom-resource provider hands the function (the fields read here). */
type CustomResourceEvent = { RequestType: 'Create' | 'Update' | 'Delete'; PhysicalResourceId?: string };

/**
 * The deploy's migration step: a custom resource the API and worker stacks depend on calls this
 * before any new code takes traffic. Pending migrations are applied under the advisory lock; an
 * error fails the custom resource, so the deploy stops and CloudFormation rolls the stack back.
 * Deleting the stack never touches the schema.
 */
export const handler = async (event: CustomResourceEvent): Promise<{ PhysicalResourceId: string; Data?: Record<string, string> }> => {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId ?? RESOURCE_ID };
  const config = await loadLambdaConfig();
  const log = createLogger({ level: config.LOG_LEVEL });
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL must be set in the runtime secret');
  const started = Date.now();
  const { close } = await createDb({ url: config.DATABASE_URL, driver: config.DATABASE_DRIVER, migrationsFolder: MIGRATIONS, poolSize: 1 });
  await close();
  log.info('migrations applied', { ms: Date.now() - started });
  return { PhysicalResourceId: RESOURCE_ID, Data: { AppliedInMs: String(Date.now() - started) } };
};
