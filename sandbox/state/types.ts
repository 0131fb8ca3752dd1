/**
 * What the sandbox keeps, as it is persisted (`state.json` under the data dir). One partner
 * account, the acquiring partner, owns everything. Later API groups (merchants, payments,
 * settlements) add their own collections here and to `emptyData()`; a state file written
 * before they existed loads with their collections empty.
 */
export type CredentialRecord = {
  credential_id: string;
  type: 'API' | 'CLIENT';
  environment: 'TEST' | 'LIVE';
  description: string | null;
  created_at: string;
  /** The api_key or client_id, shown once at creation; kept to authenticate. */
  secret: string;
};

export type SigningKeyRecord = { signing_key_id: string; signing_key: string; created_at: string };

export type WebhookRecord = {
  webhook_id: string;
  url: string;
  event_types: string[];
  event_version: 'v1';
  signing_key_id: string;
  status: 'ENABLED' | 'DISABLED';
  created_at: string;
  updated_at: string;
};

/** A definitive answer (2xx/4xx) stored under its idempotency key, replayed for 24 h. */
export type IdempotencyRecord = {
  status: number;
  body: unknown;
  method: string;
  path: string;
  created_at_ms: number;
  expires_at_ms: number;
};

export type DeliveryState = 'pending' | 'in_flight' | 'delivered' | 'failed';

export type DeliveryAttemptRecord = {
  attempt: number;
  attempted_at: string;
  /** HTTP status of the receiver's answer; null when there was none. */
  status: number | null;
  error: string | null;
  duration_ms: number;
  /** Klarna's nominal delay before the next attempt (10 s, 2 min, …), in sandbox seconds. */
  retry_delay_seconds: number | null;
  /** When the next attempt runs by the sandbox clock: the delay divided by the time scale. */
  next_attempt_at: string | null;
  /** The delivery's state after this attempt. */
  state: DeliveryState;
};

/**
 * One event on its way to one webhook. The URL, signing key and exact body are captured at
 * the first attempt and reused by every retry (seed: retries use the old configuration).
 */
export type DeliveryRecord = {
  delivery_id: string;
  event_id: string;
  event_type: string;
  webhook_id: string;
  url: string;
  signing_key_id: string;
  signing_key: string;
  body: string;
  created_at: string;
  state: DeliveryState;
  next_attempt_at_ms: number | null;
  attempts: DeliveryAttemptRecord[];
};

export type SandboxData = {
  version: 1;
  partner: { account_id: string; created_at: string };
  clock_offset_ms: number;
  credentials: Record<string, CredentialRecord>;
  signing_keys: Record<string, SigningKeyRecord>;
  webhooks: Record<string, WebhookRecord>;
  /** Keyed by `<partner account id>:<idempotency key>`. */
  idempotency: Record<string, IdempotencyRecord>;
  deliveries: Record<string, DeliveryRecord>;
};
