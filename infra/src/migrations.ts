import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomResource, Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { RuntimeConfig } from './config';
import { conduitFunction } from './lambda';
import { REPO_ROOT } from './paths';

const MIGRATIONS_DIR = join(REPO_ROOT, 'core/drizzle');

/** A digest of every migration file: the custom resource updates (and so migrates) when one is added or changed. */
export function migrationsDigest(dir = MIGRATIONS_DIR): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(`${path.slice(dir.length)}\0`).update(readFileSync(path));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/**
 * The schema migration as a deploy step: a custom resource whose function applies pending migrations.
 * The stacks that run product code depend on this one, so CloudFormation migrates before any new
 * Lambda or worker task takes traffic, and a failed migration fails the deploy before they change.
 */
export class MigrationsConstruct extends Construct {
  readonly fn: lambda.Function;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: { config: RuntimeConfig }) {
    super(scope, id);
    this.fn = conduitFunction(this, 'Migrate', {
      entry: 'migrate',
      config: props.config,
      timeout: Duration.minutes(10),
      // A failure fails the deploy itself, where the operator sees it; no alarm needed.
      alarmTopic: null,
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.fn,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention: logs.RetentionDays.ONE_MONTH }),
    });
    this.resource = new CustomResource(this, 'Schema', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::ConduitSchema',
      properties: { MigrationsDigest: migrationsDigest() },
    });
  }
}
