import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKeySpec } from './crypto/secrets';
import { ConfigError, loadEnv } from './env';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'kpd-env-'));
const prod = { NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40), ENCRYPTION_KEYS: generateKeySpec('p1') };

function problems(source: Record<string, string>): string[] {
  try {
    loadEnv({ DATA_DIR: tmp(), ...source });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map((p) => `${p.variable} ${p.message}`);
  }
  return [];
}

describe('environment validation', () => {
  it('runs with no variables at all in development, generating secrets once under DATA_DIR', () => {
    const dir = tmp();
    const first = loadEnv({ DATA_DIR: dir });
    expect(first.KLARNA_ENVIRONMENT).toBe('sandbox');
    expect(first.SEED_DEMO).toBe(true);
    expect(first.generatedSecrets).toBe(true);
    const file = path.join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadEnv({ DATA_DIR: dir });
    expect(second.AUTH_SECRET).toBe(first.AUTH_SECRET);
    expect(JSON.parse(readFileSync(file, 'utf8')).AUTH_SECRET).toBe(first.AUTH_SECRET);
  });

  it('names the bad variable', () => {
    expect(problems({ DATABASE_URL: 'mysql://localhost/db' })).toEqual([
      'DATABASE_URL must be a postgres:// or postgresql:// URL',
    ]);
    expect(problems({ KLARNA_ENVIRONMENT: 'staging' })).toEqual(['KLARNA_ENVIRONMENT must be sandbox, test or live']);
    expect(problems({ APP_URL: 'localhost' })[0]).toMatch(/^APP_URL must be an absolute URL/);
    expect(problems({ SEED_DEMO: 'maybe' })).toEqual(['SEED_DEMO must be true or false']);
    expect(problems({ TRUSTED_PROXY_HOPS: 'two' })).toEqual(['TRUSTED_PROXY_HOPS must be a whole number']);
    expect(problems({ SIGN_IN_MAX_FAILURES_PER_EMAIL: '0' })).toEqual([
      'SIGN_IN_MAX_FAILURES_PER_EMAIL must be above 0',
    ]);
    expect(problems({ ENCRYPTION_KEYS: 'k1:tooshort' })[0]).toMatch(/^ENCRYPTION_KEYS key "k1" must be 32 bytes/);
    expect(problems({ AUTH_SECRET: 'short' })[0]).toMatch(/^AUTH_SECRET must be at least 32 characters/);
  });

  it('keeps log rows for documented periods by default, and names a bad retention setting', () => {
    const config = loadEnv({ DATA_DIR: tmp() });
    expect([
      config.RETENTION_REJECTED_WEBHOOKS_DAYS,
      config.RETENTION_WEBHOOK_EVENTS_DAYS,
      config.RETENTION_API_REQUESTS_DAYS,
      config.RETENTION_SIGN_IN_ATTEMPTS_DAYS,
      config.RETENTION_SESSIONS_DAYS,
      config.RETENTION_BATCH_SIZE,
    ]).toEqual([30, 180, 90, 30, 30, 1000]);
    expect(loadEnv({ DATA_DIR: tmp(), RETENTION_API_REQUESTS_DAYS: '7' }).RETENTION_API_REQUESTS_DAYS).toBe(7);
    expect(problems({ RETENTION_API_REQUESTS_DAYS: '0' })).toEqual(['RETENTION_API_REQUESTS_DAYS must be above 0']);
    expect(problems({ RETENTION_WEBHOOK_EVENTS_DAYS: 'forever' })).toEqual([
      'RETENTION_WEBHOOK_EVENTS_DAYS must be a whole number',
    ]);
    expect(problems({ RETENTION_BATCH_SIZE: '50000' })).toEqual(['RETENTION_BATCH_SIZE must be at most 10000']);
    expect(problems({ RETENTION_SIGN_IN_ATTEMPTS_DAYS: '1', SIGN_IN_WINDOW_SECONDS: String(2 * 86_400) })).toEqual([
      'RETENTION_SIGN_IN_ATTEMPTS_DAYS must cover the sign-in window (SIGN_IN_WINDOW_SECONDS=172800)',
    ]);
  });

  it('requires secrets in production instead of generating them', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([
      'AUTH_SECRET is required in production',
      'ENCRYPTION_KEYS is required in production',
    ]);
    const config = loadEnv({ DATA_DIR: tmp(), ...prod });
    expect(config.generatedSecrets).toBe(false);
    expect(config.SEED_DEMO).toBe(false);
  });

  it('wants ADMIN_EMAIL and ADMIN_PASSWORD together', () => {
    expect(problems({ ADMIN_EMAIL: 'ops@example.com' })).toEqual([
      'ADMIN_PASSWORD ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
    ]);
    expect(problems({ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'x'.repeat(20) })).toEqual([
      'ADMIN_EMAIL must be an email address',
    ]);
  });

  it('lists every problem at once in the message', () => {
    try {
      loadEnv({ DATA_DIR: tmp(), DATABASE_URL: 'nope', KLARNA_ENVIRONMENT: 'x' });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe(
        'Invalid configuration:\n  - DATABASE_URL must be a postgres:// or postgresql:// URL\n  - KLARNA_ENVIRONMENT must be sandbox, test or live',
      );
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadEnv({ DATA_DIR: tmp(), DATABASE_URL: '', KLARNA_ENVIRONMENT: '' }).DATABASE_URL).toBeUndefined();
  });
});
