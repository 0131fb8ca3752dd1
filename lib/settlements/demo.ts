import 'server-only';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { settlementImports } from '@/db/schema';
import { klarnaFor, type KlarnaSettings } from '@/lib/credentials/connection';
import { jobContext } from '@/lib/context';
import { demoBaskets, sandboxControl, seedDemoPayments } from '@/lib/payments/demo';
import { fetchSettlementsFromKlarna } from './fetch';

/** Demo data for `npm run dev` (sandbox only): paid orders and a settlement period with three discrepancies. */
const closedSchema = z.object({ settlements: z.array(z.object({ settlement_id: z.string() }).loose()) }).loose();

export async function seedDemoSettlement(db: Db, settings: KlarnaSettings): Promise<string> {
  if (settings.environment !== 'sandbox') return 'not the sandbox environment';
  if ((await db.$count(settlementImports)) > 0) return 'settlements already imported';
  const api = await klarnaFor(db, settings);
  // Freshly onboarded merchants turn operational a moment later (sandbox: about 2 s).
  let account: { account_id: string; account_name: string } | undefined;
  for (let wait = 0; wait < 30 && !account; wait++) {
    const { accounts } = await api.accounts.list({ limit: 10 });
    account = accounts.find((a) => a.state === 'OPERATIONAL');
    if (!account) await new Promise((r) => setTimeout(r, 500));
  }
  if (!account) return 'no operational merchant account to pay';
  const merchant = account;
  const ids = await seedDemoPayments(db, settings, merchant.account_id);
  // The shopper of the second basket disputed it and won: Klarna takes the amount back.
  await sandboxControl(
    settings,
    '/_sandbox/settlements/adjustments',
    { payment_transaction_id: ids[1], type: 'DISPUTE', amount: demoBaskets[1].amount },
    z.object({ adjustment_id: z.string() }).loose(),
  );
  const closed = await sandboxControl(
    settings,
    '/_sandbox/settlements/close',
    { discrepancies: ['amount_off', 'wrong_fee', 'unknown_transaction'] },
    closedSchema,
  );
  const fetched = await fetchSettlementsFromKlarna(jobContext({ db, settings }));
  return `${ids.length} demo payments for ${merchant.account_name}, ${closed.settlements.length} settlement report(s) with 3 discrepancies and a dispute, ${fetched.queued} queued for import`;
}
