import type { Db } from '@/db/client';
import type { WebhookEventRow } from '@/db/schema';
import { eventTypeMatches, type WebhookEvent } from '@/lib/klarna/schemas/webhooks';

export type StoredWebhookEvent = { row: WebhookEventRow; envelope: WebhookEvent };

/**
 * Applies events of its types, in arrival order, inside the receiver's database transaction;
 * throwing rolls back its writes for all of them (the receiver then retries each alone).
 * Deliveries that arrive together come as one call, so a handler can write them with one
 * statement; `eachEvent` adapts a handler written for one event at a time.
 */
export type WebhookHandler = (tx: Db, events: StoredWebhookEvent[]) => Promise<void>;

const ignoredBrand = Symbol.for('klarna-dashboard.webhooks.ignored-event');

/**
 * Thrown by a handler for an event it cannot apply and never will (a transaction nobody here
 * knows, a simulated event's dummy data): the event is stored as "ignored" with this sentence,
 * and nothing the handler wrote for it is kept. Not a failure: re-processing would change nothing.
 */
export class IgnoredEvent extends Error {
  readonly [ignoredBrand] = true;
  constructor(sentence: string) {
    super(sentence);
    this.name = 'IgnoredEvent';
  }
}

/**
 * Whether a handler declined the event. By a registered symbol, not `instanceof`: Next.js may
 * load this module once for route handlers and once for server actions, and the one registry
 * (a process global) holds handlers from either.
 */
export function isIgnoredEvent(error: unknown): error is IgnoredEvent {
  return error instanceof Error && (error as Partial<Record<typeof ignoredBrand, boolean>>)[ignoredBrand] === true;
}

export function eachEvent(apply: (tx: Db, event: StoredWebhookEvent) => Promise<void>): WebhookHandler {
  return async (tx, events) => {
    for (const event of events) await apply(tx, event);
  };
}

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
    return (
      this.exact.get(eventType) ?? this.patterns.find(([pattern]) => eventTypeMatches(pattern, eventType))?.[1] ?? null
    );
  }
}

const globalForHandlers = globalThis as unknown as { __webhookHandlers?: WebhookHandlerRegistry };

/** The app's registry (one per process). */
export function webhookHandlers(): WebhookHandlerRegistry {
  globalForHandlers.__webhookHandlers ??= new WebhookHandlerRegistry();
  return globalForHandlers.__webhookHandlers;
}
