import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LineItem, PaymentTransaction } from '../lib/klarna/schemas/payments';
import { klarnaPath } from '../lib/klarna/routes';
import { mulberry32 } from '../test/random';
import { SandboxRuntime } from './runtime';
import { createSandboxApp } from './server';

// Property: any random sequence of captures, refunds (of the transaction and of one capture),
// voids, reauthorizations and clock moves keeps captured ≤ authorized and refunded ≤ captured,
// overall and per capture, at every step; an operation succeeds exactly when the amounts and
// the state allow it; and a refused operation changes nothing. fast-check is not installed:
// a seeded generator (mulberry32) drives a few hundred sequences, and a failure names its seed.

let runtime: SandboxRuntime;
let app: ReturnType<typeof createSandboxApp>;
let apiKey: string;
let accountId: string;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { Authorization: `Basic ${apiKey}`, 'Klarna-Partner-Account': accountId };
  if (method === 'POST' || method === 'PATCH') headers['Klarna-Idempotency-Key'] = randomUUID();
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
  runtime = await SandboxRuntime.create({ dataDir: null, rateLimits: 'off' });
  app = createSandboxApp(runtime);
  apiKey = (
    (await (await app.request('http://sandbox.test/_sandbox/bootstrap-key', { method: 'POST' })).json()) as {
      api_key: string;
    }
  ).api_key;
  const own = await app.request('http://sandbox.test/v1/distribution/onboard', {
    method: 'POST',
    headers: {
      Authorization: `Basic ${apiKey}`,
      'Content-Type': 'application/json',
      'Klarna-Idempotency-Key': randomUUID(),
    },
    body: JSON.stringify({
      account_reference: 'PROP-1',
      account_name: 'Property Store',
      account_owner: { given_name: 'John', family_name: 'Doe', email: 'john.doe@example.com', phone: '+18445527621' },
      products: [{ type: 'PAYMENT', merchant_category_code: '5691' }],
      channel: { websites: [{ urls: ['https://property.example'] }] },
    }),
  });
  accountId = ((await own.json()) as { account_id: string }).account_id;
});

const line = (amount: number): LineItem => ({
  name: 'Item',
  quantity: 1,
  unit_price: amount,
  total_line_amount: amount,
});

function checkInvariants(t: PaymentTransaction, context: string): void {
  const where = `${context}: ${JSON.stringify({ state: t.state, a: t.authorized_amount, c: t.captured_amount, r: t.refunded_amount })}`;
  expect(t.captured_amount, where).toBeLessThanOrEqual(t.authorized_amount);
  expect(t.refunded_amount, where).toBeLessThanOrEqual(t.captured_amount);
  expect(t.captured_amount, where).toBe(t.captures.reduce((s, c) => s + c.amount, 0));
  expect(t.refunded_amount, where).toBe(t.refunds.reduce((s, r) => s + r.amount, 0));
  expect(t.refunded_amount, where).toBe(t.captures.reduce((s, c) => s + c.refunded_amount, 0));
  for (const c of t.captures) {
    expect(c.refunded_amount, where).toBeLessThanOrEqual(c.amount);
    expect(c.refunded_amount, where).toBe(
      (c.refunds ?? []).reduce(
        (s, r) =>
          s +
          (r.allocations ?? [])
            .filter((a) => a.payment_capture_id === c.payment_capture_id)
            .reduce((x, a) => x + a.amount, 0),
        0,
      ),
    );
  }
  const open = t.state === 'AUTHORIZED' || t.state === 'EXPIRED';
  expect(t.remaining_authorized_amount, where).toBe(open ? t.authorized_amount - t.captured_amount : 0);
  if (!open) expect((t.released_amount as number) + t.captured_amount, where).toBe(t.authorized_amount);
  expect(t.captures.length, where).toBeLessThanOrEqual(200);
  expect(t.refunds.length, where).toBeLessThanOrEqual(200);
}

const SEQUENCES = 300;
const STEPS = 18;
const clockMoves = [60, 3600, 10 * 86400, 29 * 86400, 8 * 86400, 3 * 366 * 86400];

describe('payment transactions under random operation sequences', () => {
  it(`keeps the amount invariants over ${SEQUENCES} seeded sequences`, async () => {
    let refused = 0;
    let succeeded = 0;
    for (let seed = 1; seed <= SEQUENCES; seed++) {
      const random = mulberry32(seed);
      const int = (max: number) => Math.floor(random() * (max + 1));
      const authorized = 1 + int(20000);
      const created = await app.request(
        `http://sandbox.test/_sandbox/accounts/${encodeURIComponent(accountId)}/authorized-payments`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ currency: 'USD', payment_amount: authorized }),
        },
      );
      expect(created.status, `seed ${seed}`).toBe(201);
      const id = ((await created.json()) as { payment_transaction: { payment_transaction_id: string } })
        .payment_transaction.payment_transaction_id;
      const path = (op: Parameters<typeof klarnaPath>[0], extra: Record<string, string> = {}) =>
        klarnaPath(op, { account_id: accountId, payment_transaction_id: id, ...extra } as never);
      const read = async () => {
        const { status, json } = await call('GET', path('paymentTransactions.get'));
        expect(status).toBe(200);
        return json as PaymentTransaction;
      };

      let before = await read();
      checkInvariants(before, `seed ${seed} start`);
      for (let step = 0; step < STEPS; step++) {
        const context = `seed ${seed} step ${step}`;
        const choice = random();
        if (choice < 0.12) {
          const seconds = clockMoves[int(clockMoves.length - 1)]!;
          runtime.clock.advance(seconds);
          runtime.expireDuePayments();
          before = await read();
          checkInvariants(before, `${context} clock +${seconds}s`);
          continue;
        }
        // Amounts around what is allowed, so both successes and refusals happen.
        const around = (limit: number) =>
          Math.max(1, random() < 0.75 ? 1 + int(Math.max(0, limit - 1)) : limit + int(3));
        const open = before.state === 'AUTHORIZED';
        const refundable = before.state === 'AUTHORIZED' || before.state === 'COMPLETED';
        let expected: boolean;
        let result: { status: number; json: unknown };
        let kind: string;
        if (choice < 0.45) {
          const amount = around(before.remaining_authorized_amount);
          kind = `capture ${amount}`;
          expected = open && amount <= before.remaining_authorized_amount;
          result = await call('POST', path('paymentTransactions.capture'), {
            amount,
            ...(random() < 0.3 ? { line_items: [line(amount)] } : {}),
          });
          if (result.status < 300) {
            const after = (result.json as { payment_transaction: PaymentTransaction }).payment_transaction;
            expect(after.captured_amount, context).toBe(before.captured_amount + amount);
          }
        } else if (choice < 0.65 && before.captures.length > 0) {
          const capture = before.captures[int(before.captures.length - 1)]!;
          const amount = around(capture.amount - capture.refunded_amount);
          kind = `refund capture ${amount}`;
          expected = refundable && amount <= capture.amount - capture.refunded_amount;
          result = await call(
            'POST',
            path('paymentTransactions.refundCapture', { payment_capture_id: capture.payment_capture_id }),
            { amount },
          );
        } else if (choice < 0.82) {
          const left = before.captured_amount - before.refunded_amount;
          const amount = around(left);
          const withLines = random() < 0.6;
          kind = `refund ${amount}${withLines ? ' with lines' : ''}`;
          expected = refundable && before.captured_amount > 0 && amount <= left && before.captures.length <= 1;
          result = await call('POST', path('paymentTransactions.refund'), {
            amount,
            ...(withLines ? { line_items: [line(amount)] } : {}),
          });
        } else if (choice < 0.9) {
          kind = 'void';
          expected = open;
          result = await call('POST', path('paymentTransactions.void'), {});
        } else {
          const amount = before.captured_amount + int(3) + (random() < 0.8 ? int(5000) : 0);
          kind = `reauthorize ${amount}`;
          expected = (before.state === 'AUTHORIZED' || before.state === 'EXPIRED') && amount > before.captured_amount;
          result = await call('POST', path('paymentTransactions.reauthorize'), { amount });
        }
        const after = await read();
        checkInvariants(after, `${context} ${kind}`);
        expect(result.status < 300, `${context} ${kind} on ${before.state}: ${JSON.stringify(result.json)}`).toBe(
          expected,
        );
        if (result.status >= 300) {
          refused++;
          expect([400, 403, 409], context).toContain(result.status);
          // A refused operation changes nothing.
          expect(after, `${context} ${kind} refused but changed the transaction`).toEqual(before);
        } else {
          succeeded++;
        }
        before = after;
      }
    }
    // Both branches were exercised plenty.
    expect(refused).toBeGreaterThan(200);
    expect(succeeded).toBeGreaterThan(1000);
  });
});
