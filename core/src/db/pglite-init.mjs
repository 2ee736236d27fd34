/**
 * Creates a PGlite data folder (initdb) and exits: `node pglite-init.mjs <folder> <start params JSON>`
 * (PostgreSQL settings added to PGlite's defaults).
 * Run apart from the product's process so initdb's memory leaves with it (client.ts, initPgliteApart).
 * Plain JavaScript: it runs without a TypeScript loader.
 */
import { PGlite } from '@electric-sql/pglite';

const [dir, extra] = process.argv.slice(2);
const db = new PGlite(dir, { startParams: [...PGlite.defaultStartParams, ...JSON.parse(extra)] });
await db.waitReady;
await db.close();
