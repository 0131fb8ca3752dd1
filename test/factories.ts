import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import { users, type NewUserRow } from '@/db/schema';
import type { Actor } from '@/lib/auth/guard';
import { hashPassword } from '@/lib/auth/password';
import { parseKeyring, generateKeySpec } from '@/lib/crypto/secrets';

export const TEST_PASSWORD = 'correct horse battery staple';
export const testKeyring = parseKeyring(generateKeySpec('t1'));
let cachedHash: Promise<string> | undefined;

/** Inserts a user (password TEST_PASSWORD unless given) and returns it with its Actor. */
export async function createUser(db: Db, overrides: Partial<NewUserRow> & { password?: string } = {}) {
  const { password, ...rest } = overrides;
  const passwordHash = password ? await hashPassword(password) : await (cachedHash ??= hashPassword(TEST_PASSWORD));
  const [row] = await db
    .insert(users)
    .values({ email: `user-${randomUUID()}@example.com`, name: 'Test User', role: 'viewer', passwordHash, ...rest })
    .returning();
  const actor: Actor = { id: row!.id, email: row!.email, name: row!.name, role: row!.role, totpEnabled: Boolean(row!.totpSecret) };
  return { row: row!, actor };
}
