import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './users';

/**
 * Settlement reports brought in (uploaded or fetched from Klarna), their lines with one
 * verdict each, the captures and refunds missing from them, and the payouts they describe.
 * Amounts are integers in minor units (bigint, read as JS numbers).
 */

/** A payout's totals as the parser adds them up (what reconciliation would otherwise scan the lines for). */
export type PayoutTotals = {
  settlementId: string;
  /** The currency most of its lines are in. */
  currency: string;
  periodStart: string;
  periodEnd: string;
  lineCount: number;
  grossSales: number;
  refunds: number;
  fees: number;
  tax: number;
  discounts: number;
  penalties: number;
  disputes: number;
  net: number;
};

/** One file brought in, with the stored progress of its import job (read by every browser). */
export const settlementImports = pgTable(
  'settlement_imports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    source: text('source', { enum: ['upload', 'klarna'] }).notNull(),
    fileName: text('file_name').notNull(),
    /** SHA-256 of the file's bytes: the same file is imported once. Null while the file is still arriving. */
    sha256: text('sha256'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    /** The settlement fetched from Klarna (source 'klarna'). */
    klarnaSettlementId: text('klarna_settlement_id'),
    /**
     * importing (the upload request or fetch parses and COPYs the file as it arrives) → queued
     * (its lines are in; waiting for the job) → reconciling → done | failed; superseded when a
     * later file re-issues all its settlements.
     */
    status: text('status', { enum: ['queued', 'importing', 'reconciling', 'done', 'failed', 'superseded'] }).notNull(),
    /** Why it failed, as shown to the user (names the column or line at fault). */
    error: text('error'),
    bytesRead: bigint('bytes_read', { mode: 'number' }).notNull().default(0),
    linesRead: bigint('lines_read', { mode: 'number' }).notNull().default(0),
    linesImported: bigint('lines_imported', { mode: 'number' }).notNull().default(0),
    linesQuarantined: bigint('lines_quarantined', { mode: 'number' }).notNull().default(0),
    /** The header as found, and the columns we do not know (kept per line in `extra`). */
    columns: jsonb('columns').$type<string[]>(),
    extraColumns: jsonb('extra_columns').$type<string[]>(),
    /** The merchant accounts the lines name (what "missing from settlements" looks at). */
    accountIds: jsonb('account_ids').$type<string[]>(),
    /** Each payout's totals as the parser added them up, for the reconciliation job (lib/settlements/parse.ts `PayoutTotals`). */
    payoutTotals: jsonb('payout_totals').$type<PayoutTotals[]>(),
    /** How many times the reconciliation job has started on this import (it gives up after lib/settlements/import.ts `RECONCILE_ATTEMPTS`). */
    attempts: integer('attempts').notNull().default(0),
    uploadedBy: uuid('uploaded_by').references(() => users.id),
    uploadedByEmail: text('uploaded_by_email'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('settlement_imports_sha_idx')
      .on(t.sha256)
      .where(sql`${t.status} <> 'failed'`),
    // The imports list's keyset order (created, id), both DESC NULLS LAST as the query orders them.
    index('settlement_imports_created_idx').on(t.createdAt.desc(), t.id.desc()),
  ],
);
export type SettlementImportRow = typeof settlementImports.$inferSelect;

/**
 * A line of a settlement file, typed, with its reconciliation verdict. Written by COPY a
 * million at a time, so it carries no foreign keys (their triggers cost more than the rows)
 * and two indexes: the primary key (an import's lines, in file order) and a partial index on
 * the lines that need a look. Nothing looks lines up by what they settle across all history:
 * reconciliation reads the lines of one import and of imports of payouts within 90 days by
 * their import (an index on operation_id cost a quarter of an import's time to fill).
 * Lines go with their import (lib/settlements/import.ts deletes them).
 */
export const settlementLines = pgTable(
  'settlement_lines',
  {
    importId: uuid('import_id').notNull(),
    /** The file line the record starts on (the header is line 1). */
    lineNo: integer('line_no').notNull(),
    settlementId: text('settlement_id').notNull(),
    type: text('type').notNull(),
    paymentTransactionId: text('payment_transaction_id').notNull(),
    paymentCaptureId: text('payment_capture_id'),
    paymentRefundId: text('payment_refund_id'),
    disputeId: text('dispute_id'),
    /** What the line settles: the capture (SALE, FEE), the refund (RETURN) or the dispute. */
    operationId: text('operation_id'),
    accountId: text('account_id'),
    currency: text('currency').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    feeAmount: bigint('fee_amount', { mode: 'number' }).notNull(),
    taxAmount: bigint('tax_amount', { mode: 'number' }).notNull(),
    discountAmount: bigint('discount_amount', { mode: 'number' }).notNull(),
    penaltyAmount: bigint('penalty_amount', { mode: 'number' }).notNull(),
    netAmount: bigint('net_amount', { mode: 'number' }).notNull(),
    rateFixed: bigint('rate_fixed', { mode: 'number' }),
    rateVariable: bigint('rate_variable', { mode: 'number' }),
    taxRateFixed: bigint('tax_rate_fixed', { mode: 'number' }),
    taxRateVariable: bigint('tax_rate_variable', { mode: 'number' }),
    pricePlanId: text('price_plan_id'),
    capturedAt: timestamp('captured_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }),
    transactionCreatedAt: timestamp('transaction_created_at', { withTimezone: true }),
    klarnaReference: text('klarna_reference'),
    merchantReference: text('merchant_reference'),
    transactionReference: text('transaction_reference'),
    paymentOptionCategory: text('payment_option_category'),
    captureReference: text('capture_reference'),
    refundReference: text('refund_reference'),
    /** Unknown columns, by name, kept as text. */
    extra: jsonb('extra').$type<Record<string, string>>(),
    /** lib/settlements/verdicts.ts */
    verdict: text('verdict').notNull(),
    expectedAmount: bigint('expected_amount', { mode: 'number' }),
    expectedCurrency: text('expected_currency'),
    expectedFee: bigint('expected_fee', { mode: 'number' }),
    expectedTax: bigint('expected_tax', { mode: 'number' }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** The user who resolved it (users.id; no foreign key, see above). */
    resolvedBy: uuid('resolved_by'),
    resolvedByEmail: text('resolved_by_email'),
    resolutionNote: text('resolution_note'),
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.lineNo] }),
    index('settlement_lines_attention_idx')
      .on(t.settlementId, t.verdict, t.lineNo)
      .where(sql`${t.verdict} NOT IN ('matched', 'adjustment')`),
    // Adjustments (discounts, penalties, disputes: relayed, not matched) are few; the payout's
    // count of them is taken from here when it is reconciled.
    // Ending in line_no, it also serves the payout's lines filtered to adjustments in file order.
    index('settlement_lines_adjustment_idx')
      .on(t.importId, t.settlementId, t.lineNo)
      .where(sql`${t.verdict} = 'adjustment'`),
    // The payout's lines filtered to "open" (needs a look, not resolved), in file order: only such lines are in it.
    index('settlement_lines_open_idx')
      .on(t.importId, t.settlementId, t.lineNo)
      .where(sql`${t.verdict} NOT IN ('matched', 'adjustment') AND ${t.resolvedAt} IS NULL`),
    // Lines for transactions we did not know: a capture or refund learnt later looks them up
    // (lib/settlements/recheck.ts). Only such lines are in it, so imports do not pay for it.
    index('settlement_lines_unknown_idx')
      .on(t.paymentTransactionId)
      .where(sql`${t.verdict} IN ('unknown_transaction', 'unknown_capture', 'unknown_refund')`),
  ],
);
export type SettlementLineRow = typeof settlementLines.$inferSelect;

/** A line that could not be read: kept with its number, column and reason, never dropped. */
export const settlementQuarantine = pgTable(
  'settlement_quarantine',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => settlementImports.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    column: text('column'),
    reason: text('reason').notNull(),
    /** The record as found, cell by cell under the file's header. */
    raw: jsonb('raw').$type<Record<string, string>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.lineNo] })],
);
export type SettlementQuarantineRow = typeof settlementQuarantine.$inferSelect;

/**
 * Per payout of an import, per merchant and currency: its lines, captured volume (SALE amounts)
 * and fees (fee + VAT), summed while the file was read (lib/settlements/parse.ts), so the
 * Overview's fee share reads a few rows per payout rather than every line.
 */
export const settlementMerchantTotals = pgTable(
  'settlement_merchant_totals',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => settlementImports.id, { onDelete: 'cascade' }),
    settlementId: text('settlement_id').notNull(),
    accountId: text('account_id').notNull(),
    currency: text('currency').notNull(),
    lineCount: integer('line_count').notNull(),
    captured: bigint('captured', { mode: 'number' }).notNull(),
    fees: bigint('fees', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.settlementId, t.accountId, t.currency] })],
);
export type MerchantTotals = Omit<typeof settlementMerchantTotals.$inferSelect, 'importId'>;

/**
 * A capture or refund in our records, made within a report's period, in a currency and for
 * an account the report covers, that no settlement line settles.
 */
export const settlementMissing = pgTable(
  'settlement_missing',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => settlementImports.id, { onDelete: 'cascade' }),
    operationId: text('operation_id').notNull(),
    kind: text('kind').notNull(),
    paymentTransactionId: text('payment_transaction_id').notNull(),
    accountId: text('account_id').notNull(),
    currency: text('currency').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    /** The payout of the report's currency it was expected in. */
    settlementId: text('settlement_id'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by').references(() => users.id),
    resolvedByEmail: text('resolved_by_email'),
    resolutionNote: text('resolution_note'),
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.operationId] }),
    index('settlement_missing_settlement_idx').on(t.settlementId),
    // A payout's missing list: its WHERE (import, payout) and its keyset order (occurred, operation).
    index('settlement_missing_payout_idx').on(t.importId, t.settlementId, t.occurredAt, t.operationId),
  ],
);
export type SettlementMissingRow = typeof settlementMissing.$inferSelect;

/** A payout: one settlement id (one currency), its totals and how well it reconciles. */
export const settlements = pgTable(
  'settlements',
  {
    settlementId: text('settlement_id').primaryKey(),
    importId: uuid('import_id')
      .notNull()
      .references(() => settlementImports.id, { onDelete: 'cascade' }),
    currency: text('currency').notNull(),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    periodEnd: timestamp('period_end', { withTimezone: true }).notNull(),
    /** From Klarna's settlement resource, when fetched from Klarna. */
    payoutDate: text('payout_date'),
    lineCount: integer('line_count').notNull(),
    grossSales: bigint('gross_sales', { mode: 'number' }).notNull(),
    refunds: bigint('refunds', { mode: 'number' }).notNull(),
    fees: bigint('fees', { mode: 'number' }).notNull(),
    tax: bigint('tax', { mode: 'number' }).notNull(),
    discounts: bigint('discounts', { mode: 'number' }).notNull(),
    penalties: bigint('penalties', { mode: 'number' }).notNull(),
    disputes: bigint('disputes', { mode: 'number' }).notNull(),
    net: bigint('net', { mode: 'number' }).notNull(),
    /** Lines matched (or relayed adjustments); the rest need a look. */
    matchedCount: integer('matched_count').notNull(),
    /** Of `matchedCount`, the adjustments relayed (the rest matched a capture or refund). */
    adjustmentCount: integer('adjustment_count').notNull().default(0),
    openCount: integer('open_count').notNull(),
    missingCount: integer('missing_count').notNull(),
    /** Captures and refunds missing from the payout, resolved or not (`missingCount` is the unresolved ones):
     * the payout page's count of its missing list, set at reconciliation (the only writer of those rows). */
    missingTotal: integer('missing_total').notNull().default(0),
    reconciledAt: timestamp('reconciled_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('settlements_period_idx').on(t.periodEnd.desc(), t.settlementId),
    index('settlements_currency_idx').on(t.currency, t.periodEnd.desc(), t.settlementId),
  ],
);
export type SettlementRow = typeof settlements.$inferSelect;

/** A payout's figures as one version of it states them (what `settlements` holds for the current one). */
export type PayoutVersionTotals = {
  currency: string;
  periodStart: string;
  periodEnd: string;
  lineCount: number;
  grossSales: number;
  refunds: number;
  fees: number;
  tax: number;
  discounts: number;
  penalties: number;
  disputes: number;
  net: number;
};

/**
 * A later file re-issuing a payout another import brought in. A re-issue with lines of the
 * payout in quarantine is held (`pending`) and the payout keeps its current lines until an
 * operator accepts it (`accepted`) or keeps the current version (`rejected`); a re-issue whose
 * every line was read replaces the current version at once (`applied`). A newer re-issue of
 * the same payout makes a pending one `superseded`. Both versions' totals are kept here, so the
 * payout can always say what replaced what.
 */
export const settlementReissues = pgTable(
  'settlement_reissues',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    settlementId: text('settlement_id').notNull(),
    /** The import re-issuing the payout. */
    importId: uuid('import_id')
      .notNull()
      .references(() => settlementImports.id, { onDelete: 'cascade' }),
    /** The import whose lines were the payout's when the re-issue came in. */
    replacesImportId: uuid('replaces_import_id').references(() => settlementImports.id, { onDelete: 'set null' }),
    status: text('status', { enum: ['pending', 'accepted', 'applied', 'rejected', 'superseded'] }).notNull(),
    /** Lines of the new file for this payout that could not be read (and lines naming no readable settlement id). */
    quarantinedLines: integer('quarantined_lines').notNull(),
    totals: jsonb('totals').$type<PayoutVersionTotals>().notNull(),
    replacedTotals: jsonb('replaced_totals').$type<PayoutVersionTotals>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decidedBy: uuid('decided_by').references(() => users.id),
    decidedByEmail: text('decided_by_email'),
  },
  (t) => [
    uniqueIndex('settlement_reissues_import_idx').on(t.settlementId, t.importId),
    index('settlement_reissues_settlement_idx').on(t.settlementId, t.createdAt.desc()),
  ],
);
export type SettlementReissueRow = typeof settlementReissues.$inferSelect;
