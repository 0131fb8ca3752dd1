import { routeContext } from '@/lib/auth/route';
import { refundTemplateCsv } from '@/lib/refunds/service';

export const dynamic = 'force-dynamic';

/** The mass-refund template: every column, both ways to name a payment, a capture refund. */
export async function GET(request: Request) {
  const { denied } = await routeContext(request, 'dashboard.read', 'downloadRefundTemplate');
  if (denied) return denied;
  return new Response(refundTemplateCsv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="mass-refund-template.csv"',
      'cache-control': 'no-store',
    },
  });
}
