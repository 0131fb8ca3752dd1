import 'server-only';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { klarnaFor, type KlarnaSettings } from '@/lib/credentials/connection';
import { idempotencyKey } from '@/lib/klarna/idempotency';
import { savePaymentTransaction } from './cache';

/** Demo payments for `npm run dev` (sandbox only); webhooks race these reads, and the cache keeps the latest view. */
export const demoBaskets = [
  { amount: 12_900, captures: [12_900], refund: 2_900 },
  { amount: 4_590, captures: [4_590] },
  { amount: 25_000, captures: [15_000, 10_000] },
  { amount: 7_350, captures: [7_350] },
  { amount: 1_999, captures: [1_999] },
] as const satisfies readonly { amount: number; captures: readonly number[]; refund?: number }[];

const authorizedSchema = z
  .object({ payment_transaction: z.object({ payment_transaction_id: z.string() }).loose() })
  .loose();

export async function sandboxControl<T>(
  settings: KlarnaSettings,
  path: string,
  body: unknown,
  schema: z.ZodType<T>,
): Promise<T> {
  const response = await fetch(new URL(path, settings.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox control ${path} answered ${response.status}: ${await response.text()}`);
  return schema.parse(await response.json());
}

export async function seedDemoPayments(db: Db, settings: KlarnaSettings, accountId: string): Promise<string[]> {
  const api = await klarnaFor(db, settings);
  const ids: string[] = [];
  for (const [n, basket] of demoBaskets.entries()) {
    const { payment_transaction } = await sandboxControl(
      settings,
      `/_sandbox/accounts/${encodeURIComponent(accountId)}/authorized-payments`,
      {
        currency: 'EUR',
        payment_amount: basket.amount,
        purchase_country: 'DE',
        merchant_reference: `demo-order-${1001 + n}`,
        line_items: [
          { name: `Demo item ${n + 1}`, quantity: 1, unit_price: basket.amount, total_line_amount: basket.amount },
        ],
      },
      authorizedSchema,
    );
    const id = payment_transaction.payment_transaction_id;
    let captureId = '';
    for (const [c, amount] of basket.captures.entries()) {
      const result = await api.paymentTransactions.capture(
        accountId,
        id,
        { amount },
        { idempotencyKey: idempotencyKey({ operation: 'demo.capture', target: id, nonce: String(c) }) },
      );
      captureId = result.capture.payment_capture_id;
    }
    if ('refund' in basket) {
      await api.paymentTransactions.refundCapture(
        accountId,
        id,
        captureId,
        { amount: basket.refund, description: 'Demo: one item returned' },
        {
          idempotencyKey: idempotencyKey({ operation: 'demo.refund', target: id, nonce: '0' }),
        },
      );
    }
    await savePaymentTransaction(db, await api.paymentTransactions.get(accountId, id), accountId, 'sync');
    ids.push(id);
  }
  return ids;
}
