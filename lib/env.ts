import 'server-only';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { generateKeySpec, parseKeyring, type Keyring } from './crypto/secrets';

/** Every environment variable the app reads, checked at start (`ConfigError` names it); keep `.env.example` in sync. */

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .positive('must be above 0');

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('.data'),
    APP_URL: z
      .url({ error: 'must be an absolute URL such as https://dashboard.example.com' })
      .default('http://localhost:3000'),
    AUTH_SECRET: z.string().min(32, 'must be at least 32 characters (try: openssl rand -base64 32)').optional(),
    ENCRYPTION_KEYS: z
      .string()
      .superRefine((spec, ctx) => {
        try {
          parseKeyring(spec);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
        }
      })
      .optional(),
    KLARNA_ENVIRONMENT: z
      .enum(['sandbox', 'test', 'live'], { error: 'must be sandbox, test or live' })
      .default('sandbox'),
    KLARNA_BASE_URL: z.url({ error: 'must be an absolute URL such as https://api-global.test.klarna.com' }).optional(),
    KLARNA_RATE_LIMITS: z.enum(['playground', 'production'], { error: 'must be playground or production' }).optional(),
    SANDBOX_AUTO_PROVISION: booleanString.optional(),
    WEBHOOK_ALLOWED_IPS: z
      .string()
      .regex(
        /^(off|klarna|[0-9a-fA-F.:]+(\s*,\s*[0-9a-fA-F.:]+)*)$/,
        'must be off, klarna, or a comma-separated list of IP addresses',
      )
      .default('off'),
    ADMIN_EMAIL: z.email('must be an email address').optional(),
    ADMIN_PASSWORD: z.string().optional(),
    SEED_DEMO: booleanString.optional(),
    TRUSTED_PROXY_HOPS: positiveInt.default(1),
    SIGN_IN_WINDOW_SECONDS: positiveInt.default(900),
    SIGN_IN_MAX_FAILURES_PER_EMAIL: positiveInt.default(5),
    SIGN_IN_MAX_FAILURES_PER_IP: positiveInt.default(50),
    // Retention (lib/retention/prune.ts): days each kind of log row is kept.
    RETENTION_REJECTED_WEBHOOKS_DAYS: positiveInt.default(30),
    RETENTION_WEBHOOK_EVENTS_DAYS: positiveInt.default(180),
    RETENTION_API_REQUESTS_DAYS: positiveInt.default(90),
    RETENTION_SIGN_IN_ATTEMPTS_DAYS: positiveInt.default(30),
    RETENTION_SESSIONS_DAYS: positiveInt.default(30),
    // Mass refunds (lib/refunds): a batch whose total in any one currency is above this many major units needs a second person.
    REFUND_FOUR_EYES_ABOVE: positiveInt.default(1000),
    RETENTION_BATCH_SIZE: positiveInt.max(10_000, 'must be at most 10000').default(1000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') {
      for (const name of ['AUTH_SECRET', 'ENCRYPTION_KEYS'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required in production' });
      }
    }
    if (env.RETENTION_SIGN_IN_ATTEMPTS_DAYS * 86_400 < env.SIGN_IN_WINDOW_SECONDS) {
      // The throttle counts failures in the window: pruning inside it would forget them.
      ctx.addIssue({
        code: 'custom',
        path: ['RETENTION_SIGN_IN_ATTEMPTS_DAYS'],
        message: `must cover the sign-in window (SIGN_IN_WINDOW_SECONDS=${env.SIGN_IN_WINDOW_SECONDS})`,
      });
    }
    if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'],
        message: 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
      });
    }
  });

export type Env = Omit<
  z.infer<typeof envSchema>,
  'AUTH_SECRET' | 'ENCRYPTION_KEYS' | 'SEED_DEMO' | 'KLARNA_BASE_URL' | 'KLARNA_RATE_LIMITS' | 'SANDBOX_AUTO_PROVISION'
> & {
  AUTH_SECRET: string;
  keyring: Keyring;
  SEED_DEMO: boolean;
  /** The Klarna API the client calls: KLARNA_BASE_URL, else the environment's own host. */
  KLARNA_BASE_URL: string;
  KLARNA_RATE_LIMITS: 'playground' | 'production';
  SANDBOX_AUTO_PROVISION: boolean;
  generatedSecrets: boolean;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p.variable} ${p.message}`).join('\n')}`);
  }
}

/** Klarna's hosts (seed, "Endpoints"); the sandbox is the one `npm run dev` starts. */
export const klarnaHosts = {
  sandbox: 'http://127.0.0.1:4100',
  test: 'https://api-global.test.klarna.com',
  live: 'https://api-global.klarna.com',
} as const;

type Source = Record<string, string | undefined>;

/** Validates `source`; in development, missing secrets are generated once and kept under DATA_DIR. */
export function loadEnv(source: Source = process.env): Env {
  // Empty strings count as unset, as in most .env tooling.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        message: issue.message,
      })),
    );
  }
  const raw = parsed.data;
  let authSecret = raw.AUTH_SECRET;
  let keySpec = raw.ENCRYPTION_KEYS;
  let generatedSecrets = false;
  if (!authSecret || !keySpec) {
    const dev = readOrCreateDevSecrets(raw.DATA_DIR);
    authSecret ??= dev.AUTH_SECRET;
    keySpec ??= dev.ENCRYPTION_KEYS;
    generatedSecrets = true;
  }
  const {
    AUTH_SECRET: _a,
    ENCRYPTION_KEYS: _k,
    SEED_DEMO,
    KLARNA_BASE_URL,
    KLARNA_RATE_LIMITS,
    SANDBOX_AUTO_PROVISION,
    ...rest
  } = raw;
  return {
    ...rest,
    AUTH_SECRET: authSecret,
    keyring: parseKeyring(keySpec),
    SEED_DEMO: SEED_DEMO ?? raw.NODE_ENV !== 'production',
    KLARNA_BASE_URL: (KLARNA_BASE_URL ?? klarnaHosts[raw.KLARNA_ENVIRONMENT]).replace(/\/+$/, ''),
    KLARNA_RATE_LIMITS: KLARNA_RATE_LIMITS ?? (raw.KLARNA_ENVIRONMENT === 'live' ? 'production' : 'playground'),
    SANDBOX_AUTO_PROVISION: raw.KLARNA_ENVIRONMENT === 'sandbox' && (SANDBOX_AUTO_PROVISION ?? true),
    generatedSecrets,
  };
}

const devSecretsSchema = z.object({ AUTH_SECRET: z.string().min(32), ENCRYPTION_KEYS: z.string().min(1) });

function readOrCreateDevSecrets(dataDir: string): z.infer<typeof devSecretsSchema> {
  const file = path.resolve(dataDir, 'secrets.json');
  if (existsSync(file)) return devSecretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const secrets = { AUTH_SECRET: randomBytes(32).toString('base64url'), ENCRYPTION_KEYS: generateKeySpec('dev1') };
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process (the dev server's second worker, a test) created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      return devSecretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    throw e;
  }
  return secrets;
}

const globalForEnv = globalThis as unknown as { __appEnv?: Env };

export function env(): Env {
  globalForEnv.__appEnv ??= loadEnv();
  return globalForEnv.__appEnv;
}
