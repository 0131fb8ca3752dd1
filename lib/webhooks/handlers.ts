import type { Db } from '@/db/client';
import type { WebhookEventRow } from '@/db/schema';
import { eventTypeMatches, type WebhookEvent } from '@/lib/klarna/schemas/webhooks';

/** Applies one event inside the receiver's database transaction; throwing rolls its writes back. */
export type WebhookHandler = (tx: Db, event: { row: WebhookEventRow; envelope: WebhookEvent }) => Promise<void>;

/**
 * Which handler applies which event type. Areas (merchants, payments, settlements) register
 * theirs at import; an exact type wins over a `*` pattern. Types nobody handles are stored
 * and marked "no handler".
 */
export class WebhookHandlerRegistry {
  private readonly exact = new Map<string, WebhookHandler>();
  private readonly patterns: [string, WebhookHandler][] = [];

  register(typeOrPattern: string, handler: WebhookHandler): this {
    if (typeOrPattern.includes('*')) this.patterns.push([typeOrPattern, handler]);
    else this.exact.set(typeOrPattern, handler);
    return this;
  }

  find(eventType: string | null): WebhookHandler | null {
    if (!eventType) return null;
    return this.exact.get(eventType) ?? this.patterns.find(([pattern]) => eventTypeMatches(pattern, eventType))?.[1] ?? null;
  }
}

const globalForHandlers = globalThis as unknown as { __webhookHandlers?: WebhookHandlerRegistry };

/** The app's registry (one per process). */
export function webhookHandlers(): WebhookHandlerRegistry {
  globalForHandlers.__webhookHandlers ??= new WebhookHandlerRegistry();
  return globalForHandlers.__webhookHandlers;
}
