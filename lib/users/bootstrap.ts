import 'server-only';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { generatePassword, hashPassword, passwordProblems } from '@/lib/auth/password';
import { ConfigError } from '@/lib/env';

export const DEMO_ADMIN_EMAIL = 'demo-admin@example.com';
const demoFileSchema = z.object({ email: z.email(), password: z.string() });

export type BootstrapResult =
  | { kind: 'existing'; demo: { email: string; password: string } | null }
  | { kind: 'created-from-env'; email: string }
  | { kind: 'created-demo'; email: string; password: string }
  | { kind: 'no-admin' };

export function demoCredentialsFile(dataDir: string): string {
  return path.resolve(dataDir, 'demo-credentials.json');
}

/** First run: the first admin from ADMIN_EMAIL / ADMIN_PASSWORD, or in demo mode one with its password in DATA_DIR. */
export async function ensureFirstAdmin(
  db: Db,
  config: { ADMIN_EMAIL?: string; ADMIN_PASSWORD?: string; SEED_DEMO: boolean; DATA_DIR: string },
): Promise<BootstrapResult> {
  const [row] = await db.select({ n: count() }).from(users);
  if ((row?.n ?? 0) > 0)
    return { kind: 'existing', demo: config.SEED_DEMO ? readDemoCredentials(config.DATA_DIR) : null };

  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    const email = config.ADMIN_EMAIL.toLowerCase();
    const problems = passwordProblems(config.ADMIN_PASSWORD, { email });
    if (problems.length) throw new ConfigError(problems.map((message) => ({ variable: 'ADMIN_PASSWORD', message })));
    await insertAdmin(db, email, 'Administrator', config.ADMIN_PASSWORD);
    return { kind: 'created-from-env', email };
  }
  if (config.SEED_DEMO) {
    const password = generatePassword();
    await insertAdmin(db, DEMO_ADMIN_EMAIL, 'Demo Admin', password);
    const file = demoCredentialsFile(config.DATA_DIR);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ email: DEMO_ADMIN_EMAIL, password }, null, 2), { mode: 0o600 });
    return { kind: 'created-demo', email: DEMO_ADMIN_EMAIL, password };
  }
  return { kind: 'no-admin' };
}

function readDemoCredentials(dataDir: string) {
  const file = demoCredentialsFile(dataDir);
  if (!existsSync(file)) return null;
  const parsed = demoFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : null;
}

async function insertAdmin(db: Db, email: string, name: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    // Two instances starting together may both get here; the unique email keeps one admin.
    const [created] = await tx
      .insert(users)
      .values({ email, name, role: 'admin', passwordHash })
      .onConflictDoNothing()
      .returning();
    if (created) {
      await recordAudit(tx, {
        actor: 'system',
        action: 'users.bootstrap_admin',
        target: { type: 'user', id: created.id },
        details: { email },
      });
    }
  });
}
