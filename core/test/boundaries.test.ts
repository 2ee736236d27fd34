/**
 * The domain layer is the only way into persistence. Production code may not import drizzle-orm or
 * the tables: it calls `@conduit/core/domain` (and opens the database with `@conduit/core/db`, which
 * exports no tables). Only core/src/domain and core/src/db build queries. Tests read tables to assert
 * what was stored through one entry, `@conduit/core/testing`, and never import drizzle-orm directly.
 *
 * Production: every workspace's src/ (core, functions, worker, web, infra, local, bench), scripts/ and
 * root config files. Test code: every workspace's test/, local/src/testing (the suite's harness),
 * worker/bench (a micro-benchmark that inserts fixtures), and the whole reliability workspace: its
 * src/ is the reliability suite's harness (fixtures, snapshots, the soak driver), which sets up and
 * inspects rows on purpose.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as db from '@conduit/core/db';
import * as domain from '@conduit/core/domain';
import { schema } from '@conduit/core/testing';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const WORKSPACES = ['core', 'functions', 'worker', 'web', 'infra', 'local', 'bench', 'reliability'];
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.data', 'drizzle', 'histories']);

/** Where queries are built: may import anything. */
const PERSISTENCE = ['core/src/domain/', 'core/src/db/', 'core/src/testing/'];
const TEST_CODE = [/^[^/]+\/test\//, /^local\/src\/testing\//, /^worker\/bench\//, /^reliability\//];

type Kind = 'persistence' | 'test' | 'production';
const kindOf = (path: string): Kind =>
  PERSISTENCE.some((p) => path.startsWith(p)) ? 'persistence' : TEST_CODE.some((r) => r.test(path)) ? 'test' : 'production';

/** Every module specifier a file names: static and type imports, re-exports, import(), require(), import x = require(). */
function importsOf(text: string, fileName = 'x.ts'): { specifier: string; line: number }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: { specifier: string; line: number }[] = [];
  const add = (node: ts.Node | undefined) => {
    if (node && ts.isStringLiteralLike(node)) out.push({ specifier: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    )
      add(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Why a file (path relative to the repo root, `/`-separated) may not import the specifier; null when it may. */
function violation(path: string, specifier: string): string | null {
  const kind = kindOf(path);
  if (kind === 'persistence') return null;
  if (specifier === 'drizzle-orm' || specifier.startsWith('drizzle-orm/'))
    return kind === 'production'
      ? 'production code reaches the database only through @conduit/core/domain'
      : 'tests take the drizzle operators from @conduit/core/testing';
  let target = specifier;
  if (specifier.startsWith('.'))
    target = relative(ROOT, resolve(ROOT, dirname(path), specifier))
      .split(sep)
      .join('/');
  else if (specifier.startsWith('@conduit/core/')) target = `core/${specifier.slice('@conduit/core/'.length)}`;
  else return null;
  // The tables, by package entry or by path, and core's private query helpers.
  const tables = target === 'core/testing' || target.startsWith('core/src/testing') || /^core\/(src\/)?db\/(schema|prepared|driver-row)/.test(target);
  if (tables && kind === 'production') return 'production code may not import the tables or query helpers; use @conduit/core/domain';
  if (tables && target !== 'core/testing') return 'tests read tables through @conduit/core/testing';
  return null;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) yield* sourceFiles(join(dir, entry.name));
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) yield join(dir, entry.name);
  }
}

/** Every forbidden import in the repo's workspaces, as "path:line imports 'x': why". */
function scan(): string[] {
  const found: string[] = [];
  for (const ws of WORKSPACES) {
    for (const file of sourceFiles(join(ROOT, ws))) {
      const path = relative(ROOT, file).split(sep).join('/');
      for (const { specifier, line } of importsOf(readFileSync(file, 'utf8'), file)) {
        const why = violation(path, specifier);
        if (why) found.push(`${path}:${line} imports '${specifier}': ${why}`);
      }
    }
  }
  return found;
}

describe('persistence boundary', () => {
  it('no file outside core/src/domain and core/src/db imports drizzle-orm or the tables (tests: only @conduit/core/testing)', () => {
    expect(scan()).toEqual([]);
  });

  it('@conduit/core/db and @conduit/core/domain export no table', () => {
    // drizzle marks its tables with this symbol (drizzle-orm/table.js, isTable).
    const isTable = (v: unknown) => typeof v === 'object' && v !== null && Symbol.for('drizzle:IsDrizzleTable') in v;
    const tables = new Set<unknown>(Object.values(schema).filter(isTable));
    expect(tables.size).toBeGreaterThan(10);
    const leaked = [...Object.entries(db), ...Object.entries(domain)].filter(([, v]) => tables.has(v)).map(([k]) => k);
    expect(leaked).toEqual([]);
  });

  it('finds every form of import, and only imports', () => {
    const text = [
      "import { eq } from 'drizzle-orm';",
      "import type { PgTable } from 'drizzle-orm/pg-core';",
      "export { sql } from 'drizzle-orm';",
      "export * as t from '@conduit/core/testing';",
      "const m = await import('../../core/src/db/schema');",
      "const r = require('drizzle-orm');",
      "type T = import('drizzle-orm').SQL;",
      "const names = ['drizzle-orm/pglite']; // a string, not an import",
    ].join('\n');
    expect(importsOf(text).map((i) => `${i.line}:${i.specifier}`)).toEqual([
      '1:drizzle-orm',
      '2:drizzle-orm/pg-core',
      '3:drizzle-orm',
      '4:@conduit/core/testing',
      '5:../../core/src/db/schema',
      '6:drizzle-orm',
      '7:drizzle-orm',
    ]);
  });

  it('refuses tables and drizzle in production code, allows them where they belong', () => {
    expect(violation('functions/src/app.ts', 'drizzle-orm')).toMatch(/production/);
    expect(violation('worker/src/activities/mailer.ts', '@conduit/core/testing')).toMatch(/production/);
    expect(violation('functions/src/routes/auth.ts', '../../../core/src/db/schema')).toMatch(/production/);
    expect(violation('core/src/api/index.ts', '../db/schema')).toMatch(/production/);
    expect(violation('local/src/stack.ts', 'drizzle-orm/pglite')).toMatch(/production/);
    expect(violation('functions/test/api-helpers.ts', 'drizzle-orm')).toMatch(/@conduit\/core\/testing/);
    expect(violation('functions/test/api-helpers.ts', '../../core/src/db/schema')).toMatch(/@conduit\/core\/testing/);

    expect(violation('functions/src/deps.ts', '@conduit/core/db')).toBeNull();
    expect(violation('functions/src/deps.ts', '@conduit/core/domain')).toBeNull();
    expect(violation('core/src/temporal/index.ts', '../db/client')).toBeNull();
    expect(violation('core/src/domain/workflows.ts', 'drizzle-orm')).toBeNull();
    expect(violation('core/src/db/schema.ts', 'drizzle-orm/pg-core')).toBeNull();
    expect(violation('functions/test/api-helpers.ts', '@conduit/core/testing')).toBeNull();
    expect(violation('local/src/testing/db.ts', '@conduit/core/testing')).toBeNull();
    expect(violation('reliability/src/fixtures.ts', '@conduit/core/testing')).toBeNull();
  });
});
