import 'server-only';
import { and, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import {
  merchantAccounts,
  paymentRequests,
  paymentTimeline,
  type MerchantAccountRow,
  type PaymentRequestRow,
  type PaymentTimelineRow,
} from '@/db/schema';
import { klarnaFor } from '@/lib/credentials/connection';
import type { ServiceContext } from '@/lib/context';
import {
  finalPaymentRequestStates,
  redirectPlaceholders,
  type PaymentRequestState,
} from '@/lib/klarna/schemas/payments';
import { descNullsLast, pageOf } from '@/lib/pagination';
import { formatMinorUnits } from '@/lib/ui/money';

/** States in which Klarna still lets the partner cancel a request (seed: "until the request is AUTHORIZED"). */
export const cancelableLinkStates: readonly string[] = ['SUBMITTED', 'IN_PROGRESS', 'PREPARED', 'PENDING_CONFIRMATION'];
export const openLinkStates: readonly string[] = ['SUBMITTED', 'IN_PROGRESS'];

export function isFinalLinkState(state: string): boolean {
  return (finalPaymentRequestStates as readonly string[]).includes(state as PaymentRequestState);
}

/** Klarna's return target: our public page, which confirms with Klarna's token (seed, "Generate a Redirect URL"). */
export function paymentLinkReturnUrl(appUrl: string): string {
  return `${appUrl.replace(/\/+$/, '')}/pay/return?payment_request_id=${redirectPlaceholders.id}&token=${redirectPlaceholders.token}`;
}

/** What the return page accepts: Klarna's ids (`krn:payment:eu1:request:<uuid>`); the token is empty unless approved. */
const klarnaId = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(/^[A-Za-z0-9:._-]+$/, 'is not a Klarna id');
export const returnQuerySchema = z.object({
  payment_request_id: klarnaId,
  token: z.union([klarnaId, z.literal('')]).optional(),
});

export type PaymentLinkListRow = PaymentRequestRow & { merchantName: string | null };

export const paymentLinkFilterSchema = z.object({
  q: z.string().trim().min(1).max(255).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type PaymentLinkFilter = z.input<typeof paymentLinkFilterSchema>;

// The cursor keeps created_at to the microsecond (a JS Date would cut it to milliseconds and skip rows).
const cursorSchema = z.tuple([z.iso.datetime({ offset: true, precision: 6 }), z.string().min(1)]);
function decodeCursor(cursor: string | undefined): [string, string] | null {
  if (!cursor) return null;
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    return null;
  }
}

const linkColumns = {
  link: paymentRequests,
  merchantName: merchantAccounts.accountName,
  cursorAt: sql<string>`to_char(${paymentRequests.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
};

export async function listPaymentLinks(
  db: Db,
  input: PaymentLinkFilter = {},
): Promise<{ rows: PaymentLinkListRow[]; nextCursor: string | null }> {
  const f = paymentLinkFilterSchema.parse(input);
  const t = paymentRequests;
  const where: SQL[] = [];
  if (f.q) {
    const prefix = `${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(eq(t.paymentRequestId, f.q), ilike(t.paymentReference, prefix), ilike(t.merchantReference, prefix))!);
  }
  const after = decodeCursor(f.cursor);
  if (after) {
    // A row comparison bounds the index scan; `a < x OR (a = x AND id < y)` would only filter it.
    where.push(sql`(${t.createdAt}, ${t.paymentRequestId}) < (${after[0]}::timestamptz, ${after[1]})`);
  }
  const rows = await db
    .select(linkColumns)
    .from(t)
    .leftJoin(merchantAccounts, eq(merchantAccounts.accountId, t.accountId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(descNullsLast(t.createdAt), descNullsLast(t.paymentRequestId))
    .limit(f.limit + 1);
  const page = pageOf(rows, f.limit, (last) =>
    Buffer.from(JSON.stringify([last.cursorAt, last.link.paymentRequestId])).toString('base64url'),
  );
  return { rows: page.rows.map((r) => ({ ...r.link, merchantName: r.merchantName })), nextCursor: page.nextCursor };
}

export async function getPaymentLink(db: Db, paymentRequestId: string): Promise<PaymentLinkListRow | null> {
  const [row] = await db
    .select(linkColumns)
    .from(paymentRequests)
    .leftJoin(merchantAccounts, eq(merchantAccounts.accountId, paymentRequests.accountId))
    .where(eq(paymentRequests.paymentRequestId, paymentRequestId))
    .limit(1);
  return row ? { ...row.link, merchantName: row.merchantName } : null;
}

export async function listPaymentLinkTimeline(
  db: Db,
  paymentRequestId: string,
  limit = 200,
): Promise<PaymentTimelineRow[]> {
  return db
    .select()
    .from(paymentTimeline)
    .where(eq(paymentTimeline.paymentRequestId, paymentRequestId))
    .orderBy(descNullsLast(paymentTimeline.occurredAt), descNullsLast(paymentTimeline.id))
    .limit(limit);
}

export function describeLinkTimeline(
  row: Pick<PaymentTimelineRow, 'source' | 'kind' | 'summary' | 'amount' | 'currency'>,
): string {
  if (row.source === 'dashboard' && row.kind === 'request.created') {
    return row.amount !== null && row.currency
      ? `Payment link created for ${formatMinorUnits(row.amount, row.currency)}`
      : 'Payment link created';
  }
  return row.summary;
}

/** A fingerprint of one link and its timeline: the link page polls it and refreshes when it moves. */
export async function paymentLinkVersion(db: Db, paymentRequestId: string): Promise<string> {
  const [row] = await db
    .select({
      updated: sql<string | null>`max(${paymentRequests.updatedAt})::text`,
      state: sql<string | null>`max(${paymentRequests.state})`,
      timeline: sql<
        string | null
      >`(select max(${paymentTimeline.id})::text from ${paymentTimeline} where ${paymentTimeline.paymentRequestId} = ${paymentRequestId})`,
    })
    .from(paymentRequests)
    .where(eq(paymentRequests.paymentRequestId, paymentRequestId));
  return `${row?.updated ?? '-'}|${row?.state ?? '-'}|${row?.timeline ?? '-'}`;
}

export async function paymentLinksVersion(db: Db): Promise<string> {
  const [row] = await db
    .select({
      updated: sql<string | null>`max(${paymentRequests.updatedAt})::text`,
      created: sql<string | null>`max(${paymentRequests.createdAt})::text`,
    })
    .from(paymentRequests);
  return `${row?.updated ?? '-'}|${row?.created ?? '-'}`;
}

export type LinkMerchant = { accountId: string; name: string; reference: string; blockedReason: string | null };

/** OPERATIONAL and PARTIALLY_OPERATIONAL with payments ENABLED can take payments: a just-onboarded account "can
 * process transactions, but can not yet be managed" (seed 002 l. 1280). */
export function paymentBlockReason(m: Pick<MerchantAccountRow, 'state' | 'productState'>): string | null {
  if (m.state === 'DISABLED') return 'Klarna disabled this account';
  if (m.state !== 'OPERATIONAL' && m.state !== 'PARTIALLY_OPERATIONAL') return `the account is ${m.state}`;
  if (m.productState === 'ENABLED') return null;
  if (m.productState === 'DISABLED') return 'its payment product is disabled';
  if (m.productState === 'TERMINATED') return 'its payment product is terminated';
  return m.productState ? `its payment product is ${m.productState}` : 'it has no payment product';
}

/** Whether any merchant can take payments now (`paymentBlockReason` null): the create form says so when none can. */
export async function anyMerchantCanTakePayments(db: Db): Promise<boolean> {
  const [row] = await db
    .select({ accountId: merchantAccounts.accountId })
    .from(merchantAccounts)
    .where(
      and(
        or(eq(merchantAccounts.state, 'OPERATIONAL'), eq(merchantAccounts.state, 'PARTIALLY_OPERATIONAL')),
        eq(merchantAccounts.productState, 'ENABLED'),
      ),
    )
    .limit(1);
  return Boolean(row);
}

/** The request's state for a return without a token: Klarna's answer when readable, else our copy; null if not ours. */
export async function readPaymentLinkState(
  ctx: Pick<ServiceContext, 'db' | 'settings'>,
  paymentRequestId: string,
): Promise<{ link: PaymentRequestRow; state: string } | null> {
  const [link] = await ctx.db
    .select()
    .from(paymentRequests)
    .where(eq(paymentRequests.paymentRequestId, paymentRequestId))
    .limit(1);
  if (!link) return null;
  try {
    const api = await klarnaFor(ctx.db, ctx.settings);
    const current = await api.paymentRequests.get(link.accountId, paymentRequestId);
    return { link, state: current.state };
  } catch {
    return { link, state: link.state };
  }
}
