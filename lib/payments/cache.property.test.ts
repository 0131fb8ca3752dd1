import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { klarnaPath } from '@/lib/klarna/routes';
import type { PaymentTransaction } from '@/lib/klarna/schemas/payments';
import { appWebhookHandlers } from '@/lib/app';
import { receiveKlarnaWebhook } from '@/lib/webhooks/receiver';
import { SandboxRuntime } from '@/sandbox/runtime';
import { createSandboxApp } from '@/sandbox/server';
import { describeEachDriver } from '@/test/db';
import { signedHeaders } from '@/test/factories';
import { mulberry32 } from '@/test/random';
import { getCachedPayment } from './cache';

// Property: whatever random sequence of operations Klarna (the sandbox) performs on a
// transaction — partial and full captures, refunds of a capture or of the transaction, voids,
// updates, reauthorizations, expiry and the end of the grace period — its transaction events,
// delivered to the receiver in any order, leave the cache equal to Klarna's read of the
// transaction. The sandbox clock is frozen and moves by 0 or 1 ms between operations, so many
// events share one time (ties). Up to four events: every order; more: reversed plus shuffles.
// fast-check is not installed: a seeded generator drives it, and a failure names its seed.

const KEY = 'cache-property-signing-key';
const SEQUENCES = 30;
const DAY = 86_400;

let runtime: SandboxRuntime;
let app: ReturnType<typeof createSandboxApp>;
let apiKey: string;
let accountId: string;
let frozenMs = Date.UTC(2026, 0, 5, 12);

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { Authorization: `Basic ${apiKey}` };
  if (method !== 'GET') headers['Klarna-Idempotency-Key'] = randomUUID();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await app.request(`http://sandbox.test${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as unknown) : null };
}

beforeAll(async () => {
  runtime = await SandboxRuntime.create({ dataDir: null, rateLimits: 'off', accountActivationMs: 0 });
  // Frozen sandbox time, moved only by the test: ties between events are the rule, not luck.
  runtime.clock.nowMs = () => frozenMs;
  app = createSandboxApp(runtime);
  apiKey = (
    (await (await app.request('http://sandbox.test/_sandbox/bootstrap-key', { method: 'POST' })).json()) as {
      api_key: string;
    }
  ).api_key;
  const onboarded = await call('POST', '/v1/distribution/onboard', {
    account_reference: 'CACHE-PROP',
    account_name: 'Cache Property Store',
    account_owner: { given_name: 'John', family_name: 'Doe', email: 'john.doe@example.com', phone: '+18445527621' },
    products: [{ type: 'PAYMENT', merchant_category_code: '5691' }],
    channel: { websites: [{ urls: ['https://property.example'] }] },
  });
  accountId = (onboarded.json as { account_id: string }).account_id;
  // The dispatcher is not started: every event stays in the sandbox's deliveries, to be replayed here.
  const key = (await call('POST', klarnaPath('signingKeys.create', {}), {})).json as { signing_key_id: string };
  const hook = await call('POST', klarnaPath('webhooks.create', {}), {
    url: 'https://receiver.invalid/klarna',
    event_types: ['payment.transaction.*'],
    event_version: 'v1',
    signing_key_id: key.signing_key_id,
    status: 'ENABLED',
  });
  expect(hook.status).toBeLessThan(300);
});

type Op = { name: string; run: () => Promise<{ status: number }> };

/** One random operation on the transaction as it stands (some will be refused, which sends nothing). */
function nextOperation(random: () => number, t: PaymentTransaction, step: number): Op | 'clock' {
  const int = (max: number) => Math.floor(random() * (max + 1));
  const path = (
    op:
      | 'paymentTransactions.capture'
      | 'paymentTransactions.refund'
      | 'paymentTransactions.void'
      | 'paymentTransactions.update'
      | 'paymentTransactions.reauthorize',
  ) => klarnaPath(op, { account_id: accountId, payment_transaction_id: t.payment_transaction_id });
  const choice = random();
  if (choice < 0.1) return 'clock';
  if (choice < 0.4) {
    const amount =
      random() < 0.4 ? t.remaining_authorized_amount : 1 + int(Math.max(0, t.remaining_authorized_amount - 1));
    return {
      name: `capture ${amount}`,
      run: () => call('POST', path('paymentTransactions.capture'), { amount: Math.max(1, amount) }),
    };
  }
  if (choice < 0.55 && t.captures.length > 0) {
    const capture = t.captures[int(t.captures.length - 1)]!;
    const amount = 1 + int(Math.max(0, capture.amount - capture.refunded_amount - 1));
    return {
      name: `refund capture ${amount}`,
      run: () =>
        call(
          'POST',
          klarnaPath('paymentTransactions.refundCapture', {
            account_id: accountId,
            payment_transaction_id: t.payment_transaction_id,
            payment_capture_id: capture.payment_capture_id,
          }),
          { amount },
        ),
    };
  }
  if (choice < 0.65) {
    const amount = 1 + int(Math.max(0, t.captured_amount - t.refunded_amount - 1));
    return { name: `refund ${amount}`, run: () => call('POST', path('paymentTransactions.refund'), { amount }) };
  }
  if (choice < 0.75) return { name: 'void', run: () => call('POST', path('paymentTransactions.void'), {}) };
  if (choice < 0.88)
    return {
      name: 'update',
      run: () => call('PATCH', path('paymentTransactions.update'), { merchant_reference: `order-${step}-${int(99)}` }),
    };
  const amount = t.captured_amount + 1 + int(5000);
  return {
    name: `reauthorize ${amount}`,
    run: () => call('POST', path('paymentTransactions.reauthorize'), { amount }),
  };
}

/** Every order of `items` when there are few, else the given order, its reverse and shuffles. */
function orders<T>(items: T[], random: () => number): T[][] {
  if (items.length <= 4) {
    const all: T[][] = [];
    const permute = (rest: T[], taken: T[]) => {
      if (!rest.length) all.push(taken);
      rest.forEach((item, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...taken, item]));
    };
    permute(items, []);
    return all;
  }
  const shuffled = Array.from({ length: 10 }, () => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  });
  return [items, [...items].reverse(), ...shuffled];
}

describeEachDriver('the payments cache under transaction events in every order', (db) => {
  async function deliver(body: string): Promise<void> {
    const answer = await receiveKlarnaWebhook(
      { db: db(), signingKey: async () => KEY, handlers: appWebhookHandlers(), allowedIps: null },
      { rawBody: body, headers: signedHeaders(body, 'k', KEY), sourceIp: null },
    );
    expect(answer.status).toBe(200);
  }

  it(`ends at Klarna's read of the transaction over ${SEQUENCES} seeded sequences, ties included`, async () => {
    let deliveries = 0;
    let tiedPairs = 0;
    for (let seed = 1; seed <= SEQUENCES; seed++) {
      const random = mulberry32(seed);
      const int = (max: number) => Math.floor(random() * (max + 1));
      const created = await app.request(
        `http://sandbox.test/_sandbox/accounts/${encodeURIComponent(accountId)}/authorized-payments`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            currency: 'EUR',
            payment_amount: 1000 + int(20_000),
            purchase_country: 'DE',
            merchant_reference: `order-${seed}`,
          }),
        },
      );
      expect(created.status, `seed ${seed}`).toBe(201);
      const id = ((await created.json()) as { payment_transaction: { payment_transaction_id: string } })
        .payment_transaction.payment_transaction_id;
      const read = async () =>
        (
          await call(
            'GET',
            klarnaPath('paymentTransactions.get', { account_id: accountId, payment_transaction_id: id }),
          )
        ).json as PaymentTransaction;
      const done: string[] = [];
      const steps = 3 + int(4);
      for (let step = 0; step < steps; step++) {
        const op = nextOperation(random, await read(), step);
        if (op === 'clock') {
          const seconds = [29 * DAY, 8 * DAY, 3 * 366 * DAY][int(2)]!;
          frozenMs += seconds * 1000;
          runtime.expireDuePayments();
          done.push(`clock +${seconds / DAY}d`);
        } else {
          const { status } = await op.run();
          done.push(`${op.name} → ${status}`);
        }
        frozenMs += int(1);
      }
      const klarna = await read();
      const bodies = Object.values(runtime.store.data.deliveries)
        .map((d) => d.body)
        .filter(
          (body) =>
            (JSON.parse(body) as { payload: { payment_transaction_id?: string } }).payload.payment_transaction_id ===
            id,
        );
      const times = bodies.map((b) => (JSON.parse(b) as { payload: { updated_at: string } }).payload.updated_at);
      tiedPairs += times.filter((time, i) => i > 0 && time === times[i - 1]).length;
      // Each order gets its own copy of the transaction (and of its capture and refund ids).
      const ids = [
        id,
        ...klarna.captures.map((c) => c.payment_capture_id),
        ...klarna.refunds.map((r) => r.payment_refund_id),
      ];
      for (const [n, order] of orders(bodies, random).entries()) {
        const copy = (text: string) =>
          ids.reduce((out, original) => out.split(original).join(`${original}~${n}`), text);
        for (const body of order) {
          const event = JSON.parse(body) as { metadata: Record<string, unknown> };
          event.metadata.event_id = randomUUID();
          await deliver(copy(JSON.stringify(event)));
          deliveries++;
        }
        const row = await getCachedPayment(db(), `${id}~${n}`);
        const context = `seed ${seed}, order ${n} of ${bodies.length} events after ${done.join(', ')}`;
        expect(row, context).not.toBeNull();
        expect(
          {
            state: row!.state,
            authorized: row!.authorizedAmount,
            captured: row!.capturedAmount,
            refunded: row!.refundedAmount,
            remaining: row!.remainingAuthorizedAmount,
            merchantReference: row!.merchantReference,
            expiresAt: row!.expiresAt?.toISOString(),
          },
          context,
        ).toEqual({
          state: klarna.state,
          authorized: klarna.authorized_amount,
          captured: klarna.captured_amount,
          refunded: klarna.refunded_amount,
          remaining: klarna.remaining_authorized_amount,
          merchantReference: klarna.merchant_reference,
          expiresAt: klarna.expires_at,
        });
      }
    }
    // The property was exercised: many deliveries, and many events sharing a time with the one before.
    expect(deliveries).toBeGreaterThan(500);
    expect(tiedPairs).toBeGreaterThan(20);
    // Hundreds of deliveries through the receiver: ~16 s alone, longer on a busy 2-core machine.
  }, 120_000);
});
