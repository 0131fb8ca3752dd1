import 'server-only';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { auditLog, users, type AuditRow } from '@/db/schema';
import { descNullsLast, pageOf, utcDayRange } from '@/lib/pagination';
import type { Role } from '@/lib/auth/roles';
import type { AuditAction } from './actions';

export { auditActions, type AuditAction } from './actions';

export type AuditActor = { id: string; email: string; role: Role } | 'system';

export type AuditEntry = {
  actor: AuditActor;
  action: AuditAction;
  target?: { type: string; id: string };
  outcome?: 'success' | 'failure' | 'denied';
  details?: Record<string, unknown>;
  requestId?: string | null;
  klarnaErrorId?: string | null;
  idempotencyKey?: string | null;
};

type AuditDb = Pick<Db, 'insert' | 'transaction'>;

/** Writes the audit log in the caller's transaction, so the change and its record commit together. */
export async function recordAudit(db: AuditDb, entry: AuditEntry): Promise<void> {
  if (entry.idempotencyKey) {
    await recordAuditOnce(db, { ...entry, idempotencyKey: entry.idempotencyKey });
    return;
  }
  await db.insert(auditLog).values(auditValues(entry));
}

export type AuditAddition = Partial<Pick<AuditEntry, 'target' | 'details'>>;

export function withAddition(entry: AuditEntry, addition: AuditAddition | void): AuditEntry {
  if (!addition) return entry;
  return {
    ...entry,
    target: addition.target ?? entry.target,
    details: addition.details ? { ...entry.details, ...addition.details } : entry.details,
  };
}

/** Returns false if the same action, key and outcome exists; an advisory lock on the key makes exactly one
 * concurrent replay write, on any instance. */
export async function recordAuditOnce(
  db: AuditDb,
  entry: AuditEntry & { idempotencyKey: string },
  alongside?: (tx: Db) => Promise<AuditAddition | void>,
): Promise<boolean> {
  const outcome = entry.outcome ?? 'success';
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_ONCE_LOCK}, hashtext(${entry.idempotencyKey}))`);
    const [seen] = await tx
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(
        and(
          eq(auditLog.idempotencyKey, entry.idempotencyKey),
          eq(auditLog.action, entry.action),
          eq(auditLog.outcome, outcome),
        ),
      )
      .limit(1);
    if (seen) return false;
    const addition = await alongside?.(tx);
    await tx.insert(auditLog).values(auditValues(withAddition(entry, addition)));
    return true;
  });
}

/** The advisory lock class of `recordAuditOnce` (its key is the idempotency key's hash). */
const AUDIT_ONCE_LOCK = 0x41554449; // 'AUDI'

function auditValues(entry: AuditEntry): typeof auditLog.$inferInsert {
  const actor = entry.actor === 'system' ? null : entry.actor;
  return {
    actorId: actor?.id ?? null,
    actorEmail: actor?.email ?? 'system',
    actorRole: actor?.role ?? null,
    action: entry.action,
    targetType: entry.target?.type ?? null,
    targetId: entry.target?.id ?? null,
    outcome: entry.outcome ?? 'success',
    details: entry.details ?? {},
    requestId: entry.requestId ?? null,
    klarnaErrorId: entry.klarnaErrorId ?? null,
    idempotencyKey: entry.idempotencyKey ?? null,
  };
}

export const auditFilterSchema = z.object({
  actor: z.union([z.uuid(), z.literal('system')]).optional(),
  action: z.string().max(100).optional(),
  /** Inclusive UTC day bounds, YYYY-MM-DD. */
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditFilter = z.input<typeof auditFilterSchema>;

export type AuditPage = { rows: AuditRow[]; nextCursor: string | null };

// The cursor keeps microseconds (as Postgres text): a JS Date would round to ms and skip or repeat rows.
const cursorSchema = z.tuple([z.string().min(1), z.number().int().positive()]);
function encodeCursor(occurredAt: string, id: number): string {
  return Buffer.from(JSON.stringify([occurredAt, id])).toString('base64url');
}
function decodeCursor(cursor: string): [string, number] | null {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    return null;
  }
}

export async function listAudit(db: Db, filter: AuditFilter): Promise<AuditPage> {
  const f = auditFilterSchema.parse(filter);
  const where: SQL[] = [];
  if (f.actor === 'system') where.push(sql`${auditLog.actorId} is null`);
  else if (f.actor) where.push(eq(auditLog.actorId, f.actor));
  if (f.action) where.push(eq(auditLog.action, f.action));
  where.push(...utcDayRange(auditLog.occurredAt, f.from, f.to));
  const cursor = f.cursor ? decodeCursor(f.cursor) : null;
  if (cursor) where.push(sql`(${auditLog.occurredAt}, ${auditLog.id}) < (${cursor[0]}::timestamptz, ${cursor[1]})`);

  const rows = await db
    .select({ row: auditLog, at: sql<string>`${auditLog.occurredAt}::text` })
    .from(auditLog)
    .where(and(...where))
    .orderBy(descNullsLast(auditLog.occurredAt), descNullsLast(auditLog.id))
    .limit(f.limit + 1);
  const page = pageOf(rows, f.limit, (last) => encodeCursor(last.at, last.row.id));
  return { rows: page.rows.map((r) => r.row), nextCursor: page.nextCursor };
}

export async function listActorOptions(db: Db): Promise<{ id: string; email: string }[]> {
  return db.select({ id: users.id, email: users.email }).from(users).orderBy(asc(users.email));
}
