import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/start';
import { sandboxClient } from '../../sandbox/test-helpers';
import { mulberry32 } from '../../test/random';
import { KlarnaApiError } from './errors';
import { idempotencyKey } from './idempotency';
import { seedRateLimits, type CategoryLimits } from './rate-limit';

// Property: whatever faults the wire throws at it (500s before and after the effect, dropped
// connections after the effect, bursts of 429s), the client's retries with one idempotency
// key per intent make every intent take effect exactly once. Random sequences come from a
// seeded generator, so a failure names the seed that reproduces it.

// A quota high enough that pacing does not dominate; 429s come from the injected bursts.
const limits: CategoryLimits = {
  ...seedRateLimits.production,
  'partner-management': { partner: 0, acquiringPartner: 500 },
};

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: null, rateLimits: limits });
});
afterAll(() => sandbox.close());

const seeds = [1, 7, 42, 1234, 98765];

describe('idempotent retries under faults', () => {
  const totals = { serverErrors: 0, dropped: 0, rateLimited: 0 };

  it.each(seeds)('seed %i: every intent takes effect exactly once', async (seed) => {
    const random = mulberry32(seed);
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
    await sandbox.control.reset();
    await sandbox.control.clearFaults();
    const apiKey = (await sandbox.control.bootstrapKey()).api_key;
    const { api, attempts } = sandboxClient(sandbox.baseUrl, apiKey, { maxAttempts: 12, limits, timeoutMs: 2_000 });
    await sandbox.control.setFaults({ error_rate: 0.1, drop_rate: 0.03 });

    // What the partner meant to have: the model the sandbox must match at the end.
    const credentials = new Map<string, string>(); // description → credential_id
    const signingKeys = new Set<string>();
    const webhooks = new Map<string, { id: string; key: string }>(); // url → webhook

    /** A DELETE carries no idempotency key: a 404 after an attempt that may have acted means it did. */
    async function deleted(call: () => Promise<unknown>) {
      const before = attempts.length;
      try {
        await call();
      } catch (error) {
        const earlier = attempts.slice(before, -1);
        const mayHaveActed = earlier.some((a) => a.status === null || a.status >= 500);
        if (!(error instanceof KlarnaApiError && error.errorCode === 'RESOURCE_NOT_FOUND' && mayHaveActed)) throw error;
      }
    }

    for (let step = 0; step < 60; step++) {
      if (random() < 0.15) await sandbox.control.setFaults({ rate_limit_burst: 1 + Math.floor(random() * 3) });
      const key = (op: string) => ({
        idempotencyKey: idempotencyKey({ operation: op, target: `seed-${seed}`, nonce: `step-${step}` }),
      });
      const roll = random();
      if (roll < 0.3) {
        const description = `seed ${seed} step ${step}`;
        const created = await api.credentials.create(
          { description, type: pick(['API', 'CLIENT'] as const), environment: pick(['TEST', 'LIVE'] as const) },
          key('credentials.create'),
        );
        credentials.set(description, created.credential_id);
      } else if (roll < 0.5 || signingKeys.size === 0) {
        signingKeys.add((await api.signingKeys.create(key('signingKeys.create'))).signing_key_id);
      } else if (roll < 0.75) {
        const url = `https://psp.example/hooks/${seed}/${step}`;
        const signingKey = pick([...signingKeys]);
        const webhook = await api.webhooks.create(
          { url, event_types: ['payment.request.*'], event_version: 'v1', signing_key_id: signingKey },
          key('webhooks.create'),
        );
        webhooks.set(url, { id: webhook.webhook_id, key: signingKey });
      } else if (roll < 0.85 && webhooks.size) {
        const [url, webhook] = pick([...webhooks]);
        await deleted(() => api.webhooks.delete(webhook.id));
        webhooks.delete(url);
      } else if (roll < 0.93 && credentials.size) {
        const [description, id] = pick([...credentials]);
        await deleted(() => api.credentials.delete(id));
        credentials.delete(description);
      } else {
        const inUse = new Set([...webhooks.values()].map((w) => w.key));
        const unused = [...signingKeys].filter((k) => !inUse.has(k));
        if (!unused.length) continue;
        const signingKey = pick(unused);
        await deleted(() => api.signingKeys.delete(signingKey));
        signingKeys.delete(signingKey);
      }
    }

    await sandbox.control.clearFaults();
    const listedCredentials = (await api.credentials.list()).credentials.filter(
      (c) => c.description !== 'Initial API key',
    );
    expect(listedCredentials.map((c) => [c.description, c.credential_id]).sort()).toEqual([...credentials].sort());
    expect((await api.signingKeys.list()).signing_keys.map((k) => k.signing_key_id).sort()).toEqual(
      [...signingKeys].sort(),
    );
    expect((await api.webhooks.list()).webhooks.map((w) => [w.url, w.webhook_id]).sort()).toEqual(
      [...webhooks].map(([url, w]) => [url, w.id]).sort(),
    );

    totals.serverErrors += attempts.filter((a) => a.status !== null && a.status >= 500).length;
    totals.dropped += attempts.filter((a) => a.status === null).length;
    totals.rateLimited += attempts.filter((a) => a.status === 429).length;
  });

  it('met every kind of fault along the way', () => {
    expect(totals.serverErrors).toBeGreaterThan(0);
    expect(totals.dropped).toBeGreaterThan(0);
    expect(totals.rateLimited).toBeGreaterThan(0);
  });
});
