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

/** Per currency: what the batch would refund (rows that will refund) and what it refunded. */
export type RefundBatchTotals = {
  currency: string;
  rows: number;
  amount: number;
  refundedRows: number;
  refunded: number;
};

/**
 * A mass refund from one uploaded CSV file (issue 17). Validated against the cache when uploaded
 * (`dry_run`: nothing sent), approved (four-eyes above the threshold) or confirmed by typing the
 * total (`queued`), refunded row by row by a job (`running`), then `done` or `cancelled`.
 */
export const refundBatches = pgTable(
  'refund_batches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    fileName: text('file_name').notNull(),
    /** SHA-256 of the file's bytes, hex: the same file uploaded again is recognised. */
    sha256: text('sha256').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    /** The header as found, and whether amounts were in minor or major units. */
    columns: jsonb('columns').$type<string[]>().notNull(),
    amountUnit: text('amount_unit', { enum: ['minor', 'major'] }).notNull(),
    status: text('status', { enum: ['dry_run', 'queued', 'running', 'done', 'cancelled'] }).notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id),
    uploadedByEmail: text('uploaded_by_email').notNull(),
    /** What approval the totals asked for when validated: a second person above the threshold, else the total typed. */
    approvalRule: text('approval_rule', { enum: ['four_eyes', 'typed_total'] }).notNull(),
    /** Who let it run: a second person (`four_eyes`) or the uploader typing the total (`typed_total`). */
    approvedBy: uuid('approved_by').references(() => users.id),
    approvedByEmail: text('approved_by_email'),
    approvalKind: text('approval_kind', { enum: ['four_eyes', 'typed_total'] }),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    cancelledByEmail: text('cancelled_by_email'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    rowsTotal: integer('rows_total').notNull(),
    rowsWillRefund: integer('rows_will_refund').notNull(),
    rowsRefused: integer('rows_refused').notNull(),
    /** Kept as rows finish (the progress bar reads these, never a count over the rows). */
    rowsRefunded: integer('rows_refunded').notNull().default(0),
    rowsDeclined: integer('rows_declined').notNull().default(0),
    rowsSkipped: integer('rows_skipped').notNull().default(0),
    totals: jsonb('totals').$type<RefundBatchTotals[]>().notNull(),
    /** The run holding the batch and until when (renewed while it runs): a dead run's batch is taken over after it. */
    runId: uuid('run_id'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('refund_batches_created_idx').on(t.createdAt.desc(), t.id.desc()),
    // Unique: two uploads of one file at once cannot both become batches (the upload checks first, this decides races).
    uniqueIndex('refund_batches_sha256_idx').on(t.sha256),
    // The sweep's look for batches whose run died.
    index('refund_batches_open_idx')
      .on(t.leaseUntil)
      .where(sql`${t.status} in ('queued', 'running')`),
  ],
);
export type RefundBatchRow = typeof refundBatches.$inferSelect;

/**
 * One line of a batch's file: what it said (`input`, every cell by column, extra columns kept), the
 * verdict of validation, and what Klarna did with it. `line_no` is the physical line in the file and,
 * with the batch, the row's identity: its idempotency key derives from the pair.
 */
export const refundBatchRows = pgTable(
  'refund_batch_rows',
  {
    batchId: uuid('batch_id')
      .notNull()
      .references(() => refundBatches.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    input: jsonb('input').$type<Record<string, string>>().notNull(),
    paymentTransactionId: text('payment_transaction_id'),
    accountId: text('account_id'),
    captureId: text('capture_id'),
    amount: bigint('amount', { mode: 'number' }),
    currency: text('currency'),
    reason: text('reason'),
    refundReference: text('refund_reference'),
    verdict: text('verdict', { enum: ['will_refund', 'refused'] }).notNull(),
    /** Why the row is refused, naming the column. */
    verdictReason: text('verdict_reason'),
    /** `pending` until run; `sending` while at Klarna; refused rows stay `pending` and are never sent. */
    result: text('result', { enum: ['pending', 'sending', 'refunded', 'declined', 'skipped'] })
      .notNull()
      .default('pending'),
    refundId: text('refund_id'),
    /** Klarna's error code, its message and `error_id` when declined (or the dashboard's refusal in words). */
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    klarnaErrorId: text('klarna_error_id'),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.batchId, t.lineNo] }),
    // The worker's next rows, and the page's filter by result.
    index('refund_batch_rows_result_idx').on(t.batchId, t.result, t.lineNo),
    index('refund_batch_rows_payment_idx')
      .on(t.paymentTransactionId)
      .where(sql`${t.paymentTransactionId} is not null`),
  ],
);
export type RefundBatchRowRow = typeof refundBatchRows.$inferSelect;
