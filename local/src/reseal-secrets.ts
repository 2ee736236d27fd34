/**
 * Rotating ENCRYPTION_KEY, the database's part: re-encrypts every stored secret from the old key to
 * the new one. `OLD_ENCRYPTION_KEY=<old> ENCRYPTION_KEY=<new> DATABASE_URL=… npm run reseal-secrets`
 * (without DATABASE_URL: the local PGlite data folder). Stop the stack first; start it with the new key after.
 */
import { loadConfig } from '@conduit/core/config';
import { createSecretBox } from '@conduit/core/crypto';
import { createDb } from '@conduit/core/db';
import { resealSecrets } from '@conduit/core/domain';
import { ensureDataDir } from './data-dir';

const oldKey = process.env.OLD_ENCRYPTION_KEY;
const config = loadConfig(process.env);
if (!oldKey || !config.ENCRYPTION_KEY) {
  console.error('Set OLD_ENCRYPTION_KEY (the key in use until now) and ENCRYPTION_KEY (the new one).');
  process.exit(2);
}
const handle = await createDb({ url: config.DATABASE_URL || ensureDataDir(config.DATA_DIR).pglite, driver: config.DATABASE_DRIVER });
try {
  const r = await resealSecrets(handle.db, createSecretBox(oldKey), createSecretBox(config.ENCRYPTION_KEY));
  console.log(`re-encrypted ${r.resealed} secret(s); ${r.alreadyNew} were already under the new key`);
} finally {
  await handle.close();
}
