import { getStack, type StackContext } from 'sst/constructs';
import { MigrationsConstruct } from '../migrations';
import { stackSetup } from './context';

/** The schema migration, run by CloudFormation before the stacks that run product code. */
export function Migrations(ctx: StackContext) {
  const { config } = stackSetup(ctx);
  const migrations = new MigrationsConstruct(ctx.stack, 'Migrations', { config });
  return { migrations };
}

/** Makes a stack deploy only after the migration step succeeded. */
export function afterMigrations(ctx: StackContext): void {
  ctx.stack.addDependency(getStack(Migrations));
}
