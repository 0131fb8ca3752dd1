import 'server-only';
import type { Db } from '@/db/client';
import { klarnaFor, type KlarnaSettings } from '@/lib/credentials/connection';
import { idempotencyKey } from '@/lib/klarna/idempotency';
import { saveAccount } from './cache';
import { seedExamples } from './seed-examples';

/** Demo data for `npm run dev`: onboards the seed's example merchants in the embedded sandbox through the real API. */
export async function seedDemoMerchants(db: Db, settings: KlarnaSettings): Promise<string> {
  if (settings.environment !== 'sandbox') return 'not the sandbox environment';
  const api = await klarnaFor(db, settings);
  const existing = await api.accounts.list({ limit: 1 });
  if (existing.accounts.length > 0) return 'the sandbox already has merchant accounts';
  for (const [index, { request }] of seedExamples.entries()) {
    const { account_id } = await api.accounts.onboard(request, {
      idempotencyKey: idempotencyKey({ operation: 'accounts.onboard', target: 'demo', nonce: String(index) }),
    });
    const [account, channels] = await Promise.all([api.accounts.get(account_id), api.channels.list(account_id)]);
    await saveAccount(db, account, { channelsCount: channels.channels.length, source: 'sync' });
  }
  return `${seedExamples.length} example merchants from the integration guide onboarded`;
}
