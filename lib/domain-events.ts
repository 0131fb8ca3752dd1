import 'server-only';
import type { Db } from '@/db/client';

export type LearntOperation = { paymentTransactionId: string; accountId: string; currency: string; occurredAt: Date };

/** Events one area publishes for others without an import; listeners run awaited in the publisher's transaction. */
export type DomainEvents = {
  /** payment_operations gained rows (payments cache); settlements re-check the payouts they change. */
  'payment-operations.learnt': { db: Db; operations: readonly LearntOperation[] };
};

export type DomainEventName = keyof DomainEvents;
export type DomainEventListener<E extends DomainEventName> = (event: DomainEvents[E]) => Promise<unknown>;
export type DomainEventSubscriptions = { [E in DomainEventName]?: DomainEventListener<E> };
type Listeners = { [E in DomainEventName]?: DomainEventListener<E>[] };

// On globalThis: Next bundles server code into several module graphs, and listeners must hear all of them.
const globalForEvents = globalThis as unknown as { __domainEventListeners?: Listeners };
const listeners = (): Listeners => (globalForEvents.__domainEventListeners ??= {});

export function subscribeDomainEvents(subscriptions: DomainEventSubscriptions): void {
  for (const name of Object.keys(subscriptions) as DomainEventName[]) {
    const listener = subscriptions[name];
    if (listener) (listeners()[name] ??= []).push(listener);
  }
}

export async function publishDomainEvent<E extends DomainEventName>(name: E, event: DomainEvents[E]): Promise<void> {
  const subscribed: DomainEventListener<E>[] = listeners()[name] ?? [];
  for (const listener of subscribed) await listener(event);
}
