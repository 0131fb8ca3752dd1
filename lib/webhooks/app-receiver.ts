import { clientIp } from '@/lib/auth/request-ip';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { appWebhookHandlers } from './app-handlers';
import { webhookAllowlist } from './ip-allowlist';
import { MAX_WEBHOOK_BYTES, receiveKlarnaWebhook, type ReceiverDeps } from './receiver';
import { signingKeyLookup } from './signing-keys';

const globalForReceiver = globalThis as unknown as { __webhookReceiverDeps?: ReceiverDeps };

function deps(): ReceiverDeps {
  if (!globalForReceiver.__webhookReceiverDeps) {
    const config = env();
    const db = getDb();
    globalForReceiver.__webhookReceiverDeps = {
      db,
      signingKey: signingKeyLookup(db, config.keyring),
      handlers: appWebhookHandlers(),
      allowedIps: webhookAllowlist(config.WEBHOOK_ALLOWED_IPS, config.KLARNA_ENVIRONMENT),
    };
  }
  return globalForReceiver.__webhookReceiverDeps;
}

/** `POST /api/webhooks/klarna` as a plain function of a Request, so benchmarks can drive it too. */
export async function handleKlarnaWebhookRequest(request: Request, overrides: Partial<ReceiverDeps> = {}): Promise<Response> {
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > MAX_WEBHOOK_BYTES) return json({ error: `body larger than ${MAX_WEBHOOK_BYTES} bytes` }, 413);
  const rawBody = await request.text();
  if (Buffer.byteLength(rawBody) > MAX_WEBHOOK_BYTES) return json({ error: `body larger than ${MAX_WEBHOOK_BYTES} bytes` }, 413);
  const sourceIp = clientIp(Object.fromEntries(request.headers), env().TRUSTED_PROXY_HOPS);
  try {
    const answer = await receiveKlarnaWebhook({ ...deps(), ...overrides }, { rawBody, headers: request.headers, sourceIp: sourceIp === 'unknown' ? null : sourceIp });
    return json(answer.body, answer.status);
  } catch (error) {
    // Not stored: Klarna must deliver again (design.md, "an accepted event is never lost").
    console.error('webhook receiver could not store a delivery', error);
    return json({ error: 'temporarily unable to store the event; please retry' }, 503);
  }
}

// A string body (not Response.json's stream) lets servers send the answer in one write.
function json(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
