import { v5 as uuidv5 } from 'uuid';

// Fixed namespace for this product's intents; changing it would change every key.
const INTENT_NAMESPACE = '5b7a1c2e-3f0d-4c55-9a57-9d2b0c4e8f11';

/** UUIDv5 of operation, target and a per-intent nonce: a retried intent reuses the key so Klarna acts once;
 * different intents never share one, as Klarna would replay the first answer whatever the body. */
export function idempotencyKey(intent: { operation: string; target: string; nonce: string }): string {
  for (const [part, value] of Object.entries(intent)) {
    if (!value) throw new Error(`idempotency intent needs a non-empty ${part}`);
  }
  // JSON keeps the parts apart: ("a|b","c") and ("a","b|c") must not collide.
  return uuidv5(JSON.stringify([intent.operation, intent.target, intent.nonce]), INTENT_NAMESPACE);
}
