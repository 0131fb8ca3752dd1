import 'server-only';
import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { decodeIdCursor, encodeIdCursor, pageOf, utcDayRange } from '@/lib/pagination';
import { webhookEvents, webhookStatuses, webhookVerdicts, type WebhookEventRow } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { assertCan } from '@/lib/auth/guard';
import type { ServiceContext } from '@/lib/context';
import { AppError, ConflictError, NotFoundError } from '@/lib/errors';
import { webhookEventSchema } from '@/lib/klarna/schemas/webhooks';
import { applyStoredEvent } from './apply';
import { webhookHandlers } from './handlers';
import { parseJsonOrNull } from './receiver';

export const webhookEventFilterSchema = z
  .object({
    /** Exact type, or a pattern with `*` (`payment.request.*`). */
    type: z
      .string()
      .trim()
      .max(200)
      .regex(/^[A-Za-z0-9._*-]+$/, 'letters, digits, . _ - and *')
      .optional(),
    account: z.string().trim().max(300).optional(),
    /** The address a delivery came from, exactly (what the rejected-deliveries banner names). */
    source: z
      .string()
      .trim()
      .max(100)
      .regex(/^[0-9A-Fa-f.:]+$/, 'an IPv4 or IPv6 address')
      .optional(),
    verdict: z.enum(webhookVerdicts).optional(),
    status: z.enum(webhookStatuses).optional(),
    /** Inclusive UTC day bounds, YYYY-MM-DD. */
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    /** An id or the start of one: event, account, correlation, webhook, product instance, signing key. */
    q: z.string().trim().min(1).max(300).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'must not be before from' });
export type WebhookEventFilter = z.input<typeof webhookEventFilterSchema>;

const listColumns = {
  id: webhookEvents.id,
  receivedAt: webhookEvents.receivedAt,
  verdict: webhookEvents.verdict,
  rejectReason: webhookEvents.rejectReason,
  status: webhookEvents.status,
  processingError: webhookEvents.processingError,
  applyCount: webhookEvents.applyCount,
  duplicateCount: webhookEvents.duplicateCount,
  notStoredCount: webhookEvents.notStoredCount,
  bodyBytes: webhookEvents.bodyBytes,
  eventId: webhookEvents.eventId,
  eventType: webhookEvents.eventType,
  accountId: webhookEvents.accountId,
  correlationId: webhookEvents.correlationId,
  signingKeyId: webhookEvents.signingKeyId,
};
export type WebhookEventListRow = Pick<WebhookEventRow, keyof typeof listColumns>;
export type WebhookEventPage = { rows: WebhookEventListRow[]; nextCursor: string | null };

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

const searchedColumns = [
  webhookEvents.eventId,
  webhookEvents.accountId,
  webhookEvents.correlationId,
  webhookEvents.webhookId,
  webhookEvents.productInstanceId,
  webhookEvents.signingKeyId,
];

/** Newest first, keyset-paginated on id; the search is exact or prefix on ids only, so it never scans bodies. */
export async function listWebhookEvents(db: Db, filter: WebhookEventFilter): Promise<WebhookEventPage> {
  const f = webhookEventFilterSchema.parse(filter);
  const where: SQL[] = [];
  if (f.type) {
    if (f.type.includes('*'))
      where.push(sql`${webhookEvents.eventType} like ${f.type.split('*').map(escapeLike).join('%')}`);
    else where.push(eq(webhookEvents.eventType, f.type));
  }
  if (f.account) where.push(eq(webhookEvents.accountId, f.account));
  if (f.source) where.push(eq(webhookEvents.sourceIp, f.source));
  if (f.verdict) where.push(eq(webhookEvents.verdict, f.verdict));
  if (f.status) where.push(eq(webhookEvents.status, f.status));
  where.push(...utcDayRange(webhookEvents.receivedAt, f.from, f.to));
  if (f.q) {
    const prefix = `${escapeLike(f.q)}%`;
    // `= q` can use an index on its own; the prefix match catches a pasted start of an id.
    where.push(or(...searchedColumns.map((column) => or(eq(column, f.q!), sql`${column} like ${prefix}`)))!);
  }
  const cursor = decodeIdCursor(f.cursor);
  if (cursor) where.push(lt(webhookEvents.id, cursor));

  const rows = await db
    .select(listColumns)
    .from(webhookEvents)
    .where(and(...where))
    .orderBy(desc(webhookEvents.id))
    .limit(f.limit + 1);
  return pageOf(rows, f.limit, (last) => encodeIdCursor(last.id));
}

export type RejectionsNotStored = { sourceIp: string | null; count: number; last: Date };

export async function listRejectionsNotStored(
  db: Db,
  { hours = 24, limit = 5 }: { hours?: number; limit?: number } = {},
): Promise<RejectionsNotStored[]> {
  const rows = await db
    .select({
      sourceIp: webhookEvents.sourceIp,
      count: sql<number>`sum(${webhookEvents.notStoredCount})::int`,
      last: sql<Date>`max(${webhookEvents.receivedAt})`,
    })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.verdict, 'rejected'),
        sql`${webhookEvents.notStoredCount} > 0`,
        sql`${webhookEvents.receivedAt} >= now() - make_interval(hours => ${hours})`,
      ),
    )
    .groupBy(webhookEvents.sourceIp)
    .orderBy(sql`2 desc`)
    .limit(limit);
  return rows.map((r) => ({ sourceIp: r.sourceIp, count: Number(r.count), last: new Date(r.last) }));
}

export async function getWebhookEvent(db: Db, id: number): Promise<WebhookEventRow | null> {
  if (!Number.isSafeInteger(id) || id < 1) return null;
  const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, id)).limit(1);
  return row ?? null;
}

export const reprocessInputSchema = z.object({ id: z.number().int().positive() });
export type ReprocessInput = z.infer<typeof reprocessInputSchema>;

type Ctx = Pick<ServiceContext, 'db' | 'actor' | 'requestId'>;

export async function reprocessWebhookEvent(
  ctx: Ctx,
  id: number,
): Promise<{ status: 'processed' | 'failed' | 'ignored'; processingError: string | null }> {
  assertCan(ctx.actor, 'webhooks.manage');
  const actor = ctx.actor;
  const found = await getWebhookEvent(ctx.db, id);
  if (!found) throw new NotFoundError('That webhook event does not exist.');
  if (found.verdict !== 'valid') {
    throw new ConflictError(
      `Only events with a valid signature can be re-processed; this delivery was rejected (${found.rejectReason ?? 'no reason recorded'}).`,
    );
  }
  const handler = webhookHandlers().find(found.eventType);
  if (!handler)
    throw new AppError(
      'conflict',
      'NO_HANDLER',
      `No handler is registered for ${found.eventType ?? 'this'} events, so there is nothing to apply; the event stays stored as "no handler".`,
    );
  const envelope = webhookEventSchema.safeParse(parseJsonOrNull(found.rawBody));
  if (!envelope.success) throw new ConflictError('The stored body is not a Klarna event, so it cannot be applied.');

  return ctx.db.transaction(async (tx) => {
    // The row lock makes two admins re-processing at once apply the event one after the other.
    const [row] = await tx.select().from(webhookEvents).where(eq(webhookEvents.id, id)).for('update');
    const outcome = await applyStoredEvent(tx, row!, envelope.data, handler);
    const [after] = await tx
      .select({ processingError: webhookEvents.processingError })
      .from(webhookEvents)
      .where(eq(webhookEvents.id, id));
    const processingError = after?.processingError ?? null;
    await recordAudit(tx, {
      actor,
      action: 'webhook_events.reprocess',
      target: { type: 'webhook_event', id: String(id) },
      outcome: outcome === 'failed' ? 'failure' : 'success',
      details: {
        eventId: row!.eventId,
        eventType: row!.eventType,
        previousStatus: row!.status,
        status: outcome,
        ...(processingError ? { error: processingError } : {}),
      },
      requestId: ctx.requestId,
    });
    return { status: outcome, processingError };
  });
}
