import { routeContext } from '@/lib/auth/route';
import { paymentLinksVersion } from '@/lib/payments/links';

export const dynamic = 'force-dynamic';

/**
 * A fingerprint of the payment links, polled by the links list: when Klarna's webhooks move a
 * link (opened, approved, declined, expired) or one is created or canceled, the list refreshes.
 */
export async function GET(request: Request) {
  const { ctx, denied } = await routeContext(request, 'dashboard.read', 'paymentLinksVersion', { recent: true });
  if (denied) return denied;
  return Response.json({ version: await paymentLinksVersion(ctx.db) }, { headers: { 'cache-control': 'no-store' } });
}
