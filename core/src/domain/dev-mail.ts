import { devMail } from '../db/schema';
import type { DbOrTx } from '../db/client';

export type NewDevMail = Omit<typeof devMail.$inferInsert, 'id' | 'createdAt'>;

/** Keeps a mail in the dev inbox (the local stack without SMTP_URL). */
export async function insertDevMail(db: DbOrTx, mail: NewDevMail): Promise<void> {
  await db.insert(devMail).values(mail);
}
