/**
 * Creates a PGlite data folder (initdb) and exits: `node pglite-init.mjs <folder> <options JSON>`.
 * Run apart from the product's process so initdb's memory leaves with it (client.ts, initPgliteApart).
 * Plain JavaScript: it runs without a TypeScript loader.
 */
import { PGlite } from '@electric-sql/pglite';

const [dir, options] = process.argv.slice(2);
const db = new PGlite(dir, JSON.parse(options));
await db.waitReady;
await db.close();
