import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { klarnaCredentials, type KlarnaEnvironment } from '@/db/schema';
import { openSecret, sealSecret, type Keyring } from '@/lib/crypto/secrets';
import type { Env } from '@/lib/env';
import { KlarnaNotConfiguredError, KlarnaRefusedError } from '@/lib/errors';
import { klarnaApi, type KlarnaApi } from '@/lib/klarna/api';
import { KlarnaClient } from '@/lib/klarna/client';
import { KlarnaApiError, KlarnaNetworkError } from '@/lib/klarna/errors';
import { KlarnaRateLimiter, seedRateLimits } from '@/lib/klarna/rate-limit';
import { recordKlarnaAttemptsIn } from '@/lib/klarna/request-log';

export function klarnaSettings(
  config: Pick<Env, 'KLARNA_ENVIRONMENT' | 'KLARNA_BASE_URL' | 'KLARNA_RATE_LIMITS' | 'keyring'>,
): KlarnaSettings {
  return {
    environment: config.KLARNA_ENVIRONMENT,
    baseUrl: config.KLARNA_BASE_URL,
    rateLimits: config.KLARNA_RATE_LIMITS,
    keyring: config.keyring,
  };
}

export type KlarnaSettings = {
  environment: KlarnaEnvironment;
  baseUrl: string;
  rateLimits: 'playground' | 'production';
  keyring: Keyring;
};

const keyContext = (id: string) => `klarna_credentials.api_key:${id}`;

export function sealApiKey(credentialId: string, apiKey: string, keyring: Keyring): string {
  return sealSecret(apiKey, keyring, keyContext(credentialId));
}

export function openApiKey(row: { id: string; apiKeySealed: string }, keyring: Keyring): string {
  return openSecret(row.apiKeySealed, keyring, keyContext(row.id));
}

// Klarna limits per account, not per key or instance: one limiter per process and profile (design.md, "Rate limits").
const globalForLimiter = globalThis as unknown as { __klarnaLimiters?: Map<string, KlarnaRateLimiter> };
function sharedLimiter(profile: 'playground' | 'production'): KlarnaRateLimiter {
  globalForLimiter.__klarnaLimiters ??= new Map();
  let limiter = globalForLimiter.__klarnaLimiters.get(profile);
  if (!limiter) {
    limiter = new KlarnaRateLimiter(seedRateLimits[profile]);
    globalForLimiter.__klarnaLimiters.set(profile, limiter);
  }
  return limiter;
}

export function klarnaWithKey(db: Db, settings: KlarnaSettings, apiKey: string): KlarnaApi {
  return klarnaApi(
    new KlarnaClient({
      baseUrl: settings.baseUrl,
      apiKey,
      limiter: sharedLimiter(settings.rateLimits),
      record: recordKlarnaAttemptsIn(db),
      integration: { name: 'klarna-partner-dashboard', version: '0.1.0' },
    }),
    { translateError: klarnaRefusal },
  );
}

export async function activeApiKey(db: Db, settings: KlarnaSettings): Promise<{ id: string; apiKey: string }> {
  const [row] = await db
    .select()
    .from(klarnaCredentials)
    .where(and(eq(klarnaCredentials.environment, settings.environment), eq(klarnaCredentials.active, true)))
    .limit(1);
  if (!row) throw new KlarnaNotConfiguredError(settings.environment);
  return { id: row.id, apiKey: openApiKey(row, settings.keyring) };
}

export async function klarnaFor(db: Db, settings: KlarnaSettings): Promise<KlarnaApi> {
  const { apiKey } = await activeApiKey(db, settings);
  return klarnaWithKey(db, settings, apiKey);
}

/** Klarna's errors as the app's KlarnaRefusedError (Klarna's error id kept); other errors pass through. */
function klarnaRefusal(error: unknown): unknown {
  return error instanceof KlarnaApiError || error instanceof KlarnaNetworkError ? new KlarnaRefusedError(error) : error;
}
