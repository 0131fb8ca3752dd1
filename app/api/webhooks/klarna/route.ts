import { handleKlarnaWebhookRequest } from '@/lib/webhooks/app-receiver';

export const dynamic = 'force-dynamic';

/** Klarna's webhook deliveries: verified, stored once per event_id, applied (lib/webhooks/receiver.ts). */
export function POST(request: Request): Promise<Response> {
  return handleKlarnaWebhookRequest(request);
}
