import { routeContext } from '@/lib/auth/route';
import { AppError, toResponse } from '@/lib/errors';
import { merchantSearchSchema, searchMerchants, type MerchantChoice } from '@/lib/merchants/names';
import { paymentBlockReason } from '@/lib/payments/links';

export const dynamic = 'force-dynamic';

/** The answer: at most 20 merchants by name. */
export type MerchantSearchAnswer = { merchants: MerchantChoice[] };

/**
 * The merchant pickers' search as you type (components/forms/merchant-combobox.tsx):
 * `?q=` the start of a name, any case; at most 20 merchants by name.
 */
export async function GET(request: Request) {
  const { ctx, denied } = await routeContext(request, 'dashboard.read', 'searchMerchants');
  if (denied) return denied;
  const parsed = merchantSearchSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success)
    return toResponse(
      new AppError('validation', 'INVALID_REQUEST', `q: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
        fields: { q: parsed.error.issues.map((i) => i.message) },
      }),
    );
  try {
    const rows = await searchMerchants(ctx.db, parsed.data);
    const answer: MerchantSearchAnswer = {
      merchants: rows.map((m) => ({
        accountId: m.accountId,
        name: m.accountName,
        reference: m.accountReference,
        blockedReason: paymentBlockReason(m),
      })),
    };
    return Response.json(answer, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return toResponse(error);
  }
}
