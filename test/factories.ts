import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '@/db/client';
import { klarnaSigningKeys, users, type NewUserRow } from '@/db/schema';
import type { Actor } from '@/lib/auth/guard';
import { hashPassword } from '@/lib/auth/password';
import { parseKeyring, generateKeySpec } from '@/lib/crypto/secrets';
import { feeFor, netAmountOf, type SettlementLine } from '@/lib/klarna/schemas/settlements';
import { signWebhookBody } from '@/lib/klarna/signature';
import { sealSigningKey } from '@/lib/webhooks/signing-keys';

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
  const actor: Actor = {
    id: row!.id,
    email: row!.email,
    name: row!.name,
    role: row!.role,
    totpEnabled: Boolean(row!.totpSecret),
  };
  return { row: row!, actor };
}

/** Stores a signing key as the dashboard does after creating it at Klarna. */
export async function createSigningKey(
  db: Db,
  overrides: { signingKeyId?: string; key?: string; deletedAt?: Date | null } = {},
) {
  const signingKeyId = overrides.signingKeyId ?? `krn:partner:global:notification:signing-key:${randomUUID()}`;
  const key = overrides.key ?? randomUUID();
  await db.insert(klarnaSigningKeys).values({
    signingKeyId,
    environment: 'sandbox',
    keySealed: sealSigningKey(signingKeyId, key, testKeyring),
    createdAt: new Date(),
    deletedAt: overrides.deletedAt ?? null,
  });
  return { signingKeyId, key };
}

/** A Klarna event envelope (seed, "Example of webhook payload"), compact JSON as Klarna sends it. */
export function klarnaEvent(
  overrides: { eventId?: string; eventType?: string; accountId?: string; payload?: Record<string, unknown> } = {},
) {
  const event = {
    metadata: {
      event_type: overrides.eventType ?? 'payment.request.state-change.authorized',
      event_id: overrides.eventId ?? randomUUID(),
      event_version: 'v1',
      occurred_at: new Date().toISOString(),
      correlation_id: randomUUID(),
      account_id: overrides.accountId ?? `krn:partner:global:account:${randomUUID()}`,
      webhook_id: `krn:partner:global:notification:webhook:${randomUUID()}`,
      live: false,
    },
    payload: overrides.payload ?? { state: 'AUTHORIZED', previous_state: 'PENDING_CONFIRMATION' },
  };
  return { event, body: JSON.stringify(event) };
}

/** Headers of a delivery signed with `key` (base64 HMAC-SHA256, as the sandbox sends). */
export function signedHeaders(body: string, signingKeyId: string, key: string): Headers {
  return new Headers({
    'content-type': 'application/json',
    'klarna-signing-key-id': signingKeyId,
    'klarna-signature': signWebhookBody(body, key),
  });
}

type Rate = { fixed: number; variable: number; tax?: { fixed: number; variable: number } };

/**
 * A SALE line of a settlement file: the seed's columns and ours, references empty, the fee
 * and VAT by `rate` (feeFor) unless given, and the net amount by the file's rule.
 */
export function saleLine(line: {
  settlementId: string;
  accountId: string;
  transactionId: string;
  captureId: string;
  amount: number;
  capturedAt: string;
  rate: Rate;
  fee?: number;
  tax?: number;
  currency?: string;
}): SettlementLine {
  const charged = feeFor(line.amount, line.rate);
  const out: SettlementLine = {
    captured_at: line.capturedAt,
    created_at: line.capturedAt,
    payment_transaction_created_at: line.capturedAt,
    payment_transaction_id: line.transactionId,
    klarna_reference: null,
    payment_capture_id: line.captureId,
    merchant_reference: null,
    payment_transaction_reference: null,
    amount: line.amount,
    'payment_pricing_details.price_plan_id': null,
    'payment_pricing.rate.fixed': line.rate.fixed,
    'payment_pricing.rate.variable': line.rate.variable,
    'payment_pricing.rate.tax.variable': line.rate.tax?.variable ?? 0,
    'payment_pricing.rate.tax.fixed': line.rate.tax?.fixed ?? 0,
    discount_amount: 0,
    penalty_amount: 0,
    currency: line.currency ?? 'EUR',
    payment_refund_id: null,
    payment_option_category: null,
    capture_reference: null,
    refund_reference: null,
    dispute_id: null,
    account_id: line.accountId,
    settlement_id: line.settlementId,
    type: 'SALE',
    fee_amount: line.fee ?? charged.fee,
    tax_amount: line.tax ?? charged.tax,
    net_amount: 0,
  };
  return { ...out, net_amount: netAmountOf(out) };
}

/**
 * What an import keeps per payout, merchant and currency (settlement_merchant_totals), summed
 * from its lines in SQL: for tests that write lines directly, and to check the parser's sums.
 */
export async function merchantTotalsFromLines(db: Db, importId: string) {
  const rows = await db.execute(sql`
    SELECT settlement_id, account_id, currency, count(*)::int AS line_count,
      coalesce(sum(amount) FILTER (WHERE type = 'SALE'), 0)::bigint AS captured,
      coalesce(sum(coalesce(fee_amount, 0) + coalesce(tax_amount, 0)), 0)::bigint AS fees
    FROM settlement_lines WHERE import_id = ${importId} AND account_id IS NOT NULL
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
  return rowsOf<{
    settlement_id: string;
    account_id: string;
    currency: string;
    line_count: number;
    captured: string | number;
    fees: string | number;
  }>(rows).map((r) => ({
    settlementId: r.settlement_id,
    accountId: r.account_id,
    currency: r.currency,
    lineCount: Number(r.line_count),
    captured: Number(r.captured),
    fees: Number(r.fees),
  }));
}
