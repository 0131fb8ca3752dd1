import { z } from 'zod';
import type { Db } from '@/db/client';
import { settlementImports } from '@/db/schema';
import { callKlarna, klarnaFor, type KlarnaSettings } from '@/lib/credentials/connection';
import { idempotencyKey } from '@/lib/klarna/idempotency';
import { savePaymentTransaction } from '@/lib/payments/cache';
import { fetchSettlementsFromKlarna } from './fetch';

/**
 * Demo data for `npm run dev` (embedded sandbox only): a few shoppers pay the first demo
 * merchant (the sandbox's own shopper step, through its control API), the payments are
 * captured and one refunded through the real API, then the sandbox closes its settlement
 * period with three realistic discrepancies (an amount off, a wrong fee, a sale of a
 * transaction this dashboard never saw) and a shopper's dispute lost by the merchant (a
 * DISPUTE line to relay), and the report is fetched and reconciled like any other. Runs once:
 * not when any settlement import exists.
 */
const control = async <T>(settings: KlarnaSettings, path: string, body: unknown, schema: z.ZodType<T>): Promise<T> => {
  const response = await fetch(new URL(path, settings.baseUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`sandbox control ${path} answered ${response.status}: ${await response.text()}`);
  return schema.parse(await response.json());
};

const authorizedSchema = z.object({ payment_transaction: z.object({ payment_transaction_id: z.string() }).loose() }).loose();
const closedSchema = z.object({ settlements: z.array(z.object({ settlement_id: z.string() }).loose()) }).loose();

export async function seedDemoSettlement(db: Db, settings: KlarnaSettings): Promise<string> {
  if (settings.environment !== 'sandbox') return 'not the sandbox environment';
  if ((await db.$count(settlementImports)) > 0) return 'settlements already imported';
  const api = await klarnaFor(db, settings);
  // Freshly onboarded merchants turn operational a moment later (sandbox: about 2 s).
  let account: { account_id: string; account_name: string } | undefined;
  for (let wait = 0; wait < 30 && !account; wait++) {
    const { accounts } = await callKlarna(() => api.accounts.list({ limit: 10 }));
    account = accounts.find((a) => a.state === 'OPERATIONAL');
    if (!account) await new Promise((r) => setTimeout(r, 500));
  }
  if (!account) return 'no operational merchant account to pay';
  const merchant = account;
  const baskets = [
    { amount: 12_900, captures: [12_900], refund: 2_900 },
    { amount: 4_590, captures: [4_590] },
    { amount: 25_000, captures: [15_000, 10_000] },
    { amount: 7_350, captures: [7_350] },
    { amount: 1_999, captures: [1_999] },
  ];
  for (const [n, basket] of baskets.entries()) {
    const { payment_transaction } = await control(
      settings,
      `/_sandbox/accounts/${encodeURIComponent(merchant.account_id)}/authorized-payments`,
      {
        currency: 'EUR',
        payment_amount: basket.amount,
        purchase_country: 'DE',
        merchant_reference: `demo-order-${1001 + n}`,
        line_items: [{ name: `Demo item ${n + 1}`, quantity: 1, unit_price: basket.amount, total_line_amount: basket.amount }],
      },
      authorizedSchema,
    );
    const id = payment_transaction.payment_transaction_id;
    let captureId = '';
    for (const [c, amount] of basket.captures.entries()) {
      const result = await callKlarna(() =>
        api.paymentTransactions.capture(merchant.account_id, id, { amount }, { idempotencyKey: idempotencyKey({ operation: 'demo.capture', target: id, nonce: String(c) }) }),
      );
      captureId = result.capture.payment_capture_id;
    }
    if (basket.refund) {
      await callKlarna(() =>
        api.paymentTransactions.refundCapture(merchant.account_id, id, captureId, { amount: basket.refund, description: 'Demo: one item returned' }, {
          idempotencyKey: idempotencyKey({ operation: 'demo.refund', target: id, nonce: '0' }),
        }),
      );
    }
    await savePaymentTransaction(db, await callKlarna(() => api.paymentTransactions.get(merchant.account_id, id)), merchant.account_id, 'sync');
    // The shopper of the second basket disputed it and won: Klarna takes the amount back.
    if (n === 1) await control(settings, '/_sandbox/settlements/adjustments', { payment_transaction_id: id, type: 'DISPUTE', amount: basket.amount }, z.object({ adjustment_id: z.string() }).loose());
  }
  const closed = await control(settings, '/_sandbox/settlements/close', { discrepancies: ['amount_off', 'wrong_fee', 'unknown_transaction'] }, closedSchema);
  const fetched = await fetchSettlementsFromKlarna({ db, settings });
  return `${baskets.length} demo payments for ${merchant.account_name}, ${closed.settlements.length} settlement report(s) with 3 discrepancies and a dispute, ${fetched.queued} queued for import`;
}
