import type { Db } from '@/db/client';
import type { WebhookEventRow } from '@/db/schema';
import { eventTypeMatches, type WebhookEvent } from '@/lib/klarna/schemas/webhooks';

export type StoredWebhookEvent = { row: WebhookEventRow; envelope: WebhookEvent };

/** Applies its events in the receiver's transaction; a throw rolls back all (then each is retried alone). */
export type WebhookHandler = (tx: Db, events: StoredWebhookEvent[]) => Promise<void>;

const ignoredBrand = Symbol.for('klarna-dashboard.webhooks.ignored-event');

/** An event a handler can never apply (an unknown transaction, a test event's dummy data): stored as "ignored",
 * its writes dropped. Not a failure: re-processing changes nothing. */
export class IgnoredEvent extends Error {
  readonly [ignoredBrand] = true;
  constructor(sentence: string) {
    super(sentence);
    this.name = 'IgnoredEvent';
  }
}

/** By a registered symbol, not `instanceof`: Next.js may load this module twice (route handlers, server actions). */
export function isIgnoredEvent(error: unknown): error is IgnoredEvent {
  return error instanceof Error && (error as Partial<Record<typeof ignoredBrand, boolean>>)[ignoredBrand] === true;
}

export function eachEvent(apply: (tx: Db, event: StoredWebhookEvent) => Promise<void>): WebhookHandler {
  return async (tx, events) => {
    for (const event of events) await apply(tx, event);
  };
}

/** Which handler applies which event type; an exact type beats a `*` pattern; others are marked "no handler". */
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
    return (
      this.exact.get(eventType) ?? this.patterns.find(([pattern]) => eventTypeMatches(pattern, eventType))?.[1] ?? null
    );
  }
}

const globalForHandlers = globalThis as unknown as { __webhookHandlers?: WebhookHandlerRegistry };

export function webhookHandlers(): WebhookHandlerRegistry {
  globalForHandlers.__webhookHandlers ??= new WebhookHandlerRegistry();
  return globalForHandlers.__webhookHandlers;
}
