/**
 * Lists the longest functions under a folder (default worker/src), by lines from the function's first
 * line to its last: the check behind "no function in worker/src is 80 lines or longer".
 *
 *   npx tsx worker/scripts/function-lengths.ts [folder] [--top N]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 10;
const root = resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--top') ?? fileURLToPath(new URL('../src', import.meta.url)));

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|mts)$/.test(f) && !f.endsWith('.d.ts') ? [p] : [];
  });

type Fn = { file: string; name: string; line: number; lines: number };
const found: Fn[] = [];
for (const file of files(root)) {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = src.getLineAndCharacterOfPosition(node.getStart(src)).line;
      const end = src.getLineAndCharacterOfPosition(node.getEnd()).line;
      const named = node.name ?? (ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent) ? node.parent.name : undefined);
      found.push({ file: relative(process.cwd(), file), name: named ? named.getText(src) : '<anonymous>', line: start + 1, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
}
found.sort((a, b) => b.lines - a.lines);
for (const f of found.slice(0, top)) console.log(`${String(f.lines).padStart(4)}  ${f.name}  ${f.file}:${f.line}`);
