import { randomUUID } from 'node:crypto';
import { expect, it, vi } from 'vitest';
import { inArray } from 'drizzle-orm';
import {
  apiRequests,
  auditLog,
  paymentOperations,
  paymentPendingOperations,
  signInAttempts,
  userSessions,
  webhookEvents,
} from '@/db/schema';
import type { Db } from '@/db/client';
import { enqueue, queues, startJobs, stopJobs } from '@/lib/jobs/queue';
import { describeEachDriver, describeEachHandle } from '@/test/db';
import { createUser } from '@/test/factories';
import { retentionCron, retentionJobHandlers } from './jobs';
import { pruneExpired, type RetentionPeriods } from './prune';

const now = new Date('2026-12-01T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const periods: RetentionPeriods = {
  rejectedWebhooksDays: 30,
  webhookEventsDays: 180,
  apiRequestsDays: 90,
  signInAttemptsDays: 30,
  sessionsDays: 30,
  batchSize: 1000,
};

type EventOptions = {
  verdict?: 'valid' | 'rejected';
  status?: 'processed' | 'no_handler' | 'failed' | 'ignored' | 'rejected';
  type?: string;
  payload?: Record<string, unknown>;
  lastDuplicateAt?: Date;
};

async function event(db: Db, receivedAt: Date, o: EventOptions = {}): Promise<number> {
  const verdict = o.verdict ?? 'valid';
  const type = o.type ?? 'account.state-change.operational';
  const body =
    verdict === 'rejected'
      ? 'truncated…'
      : JSON.stringify({ metadata: { event_id: randomUUID(), event_type: type }, payload: o.payload ?? {} });
  const [row] = await db
    .insert(webhookEvents)
    .values({
      receivedAt,
      verdict,
      rejectReason: verdict === 'rejected' ? 'bad signature' : null,
      status: o.status ?? (verdict === 'rejected' ? 'rejected' : 'processed'),
      eventId: verdict === 'valid' ? randomUUID() : null,
      eventType: verdict === 'valid' ? type : null,
      lastDuplicateAt: o.lastDuplicateAt ?? null,
      headers: {},
      rawBody: body,
    })
    .returning({ id: webhookEvents.id });
  return row!.id;
}

async function apiRequest(db: Db, occurredAt: Date, idempotencyKey: string | null = null): Promise<number> {
  const [row] = await db
    .insert(apiRequests)
    .values({
      occurredAt,
      operation: 'paymentTransactions.capture',
      method: 'POST',
      path: '/v2/x',
      attempt: 1,
      status: 200,
      durationMs: 5,
      idempotencyKey,
    })
    .returning({ id: apiRequests.id });
  return row!.id;
}

async function signIn(db: Db, createdAt: Date): Promise<number> {
  const [row] = await db
    .insert(signInAttempts)
    .values({ email: 'a@example.com', ip: '10.0.0.1', outcome: 'bad_credentials', createdAt })
    .returning({ id: signInAttempts.id });
  return row!.id;
}

async function left<T extends typeof webhookEvents | typeof apiRequests | typeof signInAttempts>(
  db: Db,
  table: T,
  ids: number[],
): Promise<number[]> {
  const rows = await db
    .select({ id: table.id })
    .from(table as typeof webhookEvents)
    .where(inArray(table.id as typeof webhookEvents.id, ids));
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

describeEachDriver('retention', (db) => {
  it('deletes rejected deliveries, applied events, API requests and sign-in attempts past their periods, and keeps the younger ones', async () => {
    const rejectedOld = await event(db(), daysAgo(31), { verdict: 'rejected' });
    const rejectedYoung = await event(db(), daysAgo(29), { verdict: 'rejected' });
    const appliedOld = await event(db(), daysAgo(181));
    const noHandlerOld = await event(db(), daysAgo(200), { status: 'no_handler', type: 'some.future.event' });
    const ignoredOld = await event(db(), daysAgo(200), {
      status: 'ignored',
      type: 'payment.transaction.state-change.authorized',
    });
    const appliedYoung = await event(db(), daysAgo(179));
    const requestOld = await apiRequest(db(), daysAgo(91));
    const requestYoung = await apiRequest(db(), daysAgo(89));
    const attemptOld = await signIn(db(), daysAgo(31));
    const attemptYoung = await signIn(db(), daysAgo(29));

    const counts = await pruneExpired(db(), periods, now);

    expect(
      await left(db(), webhookEvents, [rejectedOld, rejectedYoung, appliedOld, noHandlerOld, ignoredOld, appliedYoung]),
    ).toEqual([rejectedYoung, appliedYoung]);
    expect(await left(db(), apiRequests, [requestOld, requestYoung])).toEqual([requestYoung]);
    expect(await left(db(), signInAttempts, [attemptOld, attemptYoung])).toEqual([attemptYoung]);
    expect(counts).toEqual({ rejectedWebhooks: 1, webhookEvents: 3, apiRequests: 1, signInAttempts: 1, sessions: 0 });
    // A second run finds nothing more.
    expect(await pruneExpired(db(), periods, now)).toEqual({
      rejectedWebhooks: 0,
      webhookEvents: 0,
      apiRequests: 0,
      signInAttempts: 0,
      sessions: 0,
    });
  });

  it('keeps, whatever their age, the rows money or reconciliation depend on', async () => {
    const ancient = daysAgo(400);
    // Not applied: the capture it carries is not here yet.
    const failed = await event(db(), ancient, { status: 'failed', type: 'payment.transaction.captured' });
    // The only record of a capture and of a refund: no payment_operations row names them.
    const onlyCapture = await event(db(), ancient, {
      type: 'payment.transaction.captured',
      payload: { payment_transaction_id: 'tx-r1', capture: { payment_capture_id: 'cap-only-here', amount: 100 } },
    });
    const onlyRefund = await event(db(), ancient, {
      type: 'payment.transaction.refunded',
      payload: { payment_transaction_id: 'tx-r1', refund: { payment_refund_id: 'ref-only-here', amount: 50 } },
    });
    // The same kind of event whose capture payment_operations holds: its effect lives on there.
    await db().insert(paymentOperations).values({
      operationId: 'cap-known',
      kind: 'capture',
      paymentTransactionId: 'tx-r2',
      accountId: 'acc',
      currency: 'EUR',
      amount: 100,
      occurredAt: ancient,
    });
    const knownCapture = await event(db(), ancient, {
      type: 'payment.transaction.captured',
      payload: { payment_transaction_id: 'tx-r2', capture: { payment_capture_id: 'cap-known', amount: 100 } },
    });
    // Named by the audit log (an admin re-processed it).
    const reprocessed = await event(db(), ancient);
    await db()
      .insert(auditLog)
      .values({
        actorEmail: 'admin@example.com',
        action: 'webhook_events.reprocess',
        targetType: 'webhook_event',
        targetId: String(reprocessed),
        outcome: 'success',
      });
    // Klarna still repeats it: a repeat must still be recognised as a duplicate.
    const stillRepeated = await event(db(), ancient, { lastDuplicateAt: daysAgo(1) });
    // The attempts of a capture whose outcome is unknown.
    const key = randomUUID();
    await db().insert(paymentPendingOperations).values({
      idempotencyKey: key,
      paymentTransactionId: 'tx-r3',
      accountId: 'acc',
      operation: 'capture',
      nonce: 'n',
      intentDigest: 'd',
      request: {},
      baseline: {},
      currency: 'EUR',
      status: 'unknown',
    });
    const pendingAttempt = await apiRequest(db(), ancient, key);
    const otherAttempt = await apiRequest(db(), ancient, randomUUID());

    await pruneExpired(db(), periods, now);

    expect(
      await left(db(), webhookEvents, [failed, onlyCapture, onlyRefund, knownCapture, reprocessed, stillRepeated]),
    ).toEqual([failed, onlyCapture, onlyRefund, reprocessed, stillRepeated]);
    expect(await left(db(), apiRequests, [pendingAttempt, otherAttempt])).toEqual([pendingAttempt]);
  });

  it('reads an event whose body holds the escape \\u0000 (which jsonb refuses) without stopping the run', async () => {
    await db()
      .insert(paymentOperations)
      .values({
        operationId: 'cap-nul',
        kind: 'capture',
        paymentTransactionId: 'tx-nul',
        accountId: 'acc',
        currency: 'EUR',
        amount: 100,
        occurredAt: daysAgo(400),
      });
    const withNul = await event(db(), daysAgo(400), {
      type: 'payment.transaction.captured',
      payload: {
        payment_transaction_id: 'tx-nul',
        note: 'a\u0000b',
        capture: { payment_capture_id: 'cap-nul', amount: 100 },
      },
    });
    const onlyHere = await event(db(), daysAgo(400), {
      type: 'payment.transaction.captured',
      payload: { note: '\u0000', capture: { payment_capture_id: 'cap-nul-only-here', amount: 100 } },
    });

    await pruneExpired(db(), periods, now);

    expect(await left(db(), webhookEvents, [withNul, onlyHere])).toEqual([onlyHere]);
  });

  it('deletes sign-in session records that ended (or expired) before the period, and keeps recent and live ones', async () => {
    const { row: user } = await createUser(db(), { email: `sessions-${randomUUID()}@example.com` });
    const session = async (createdAt: Date, endedAt: Date | null) => {
      const [row] = await db()
        .insert(userSessions)
        .values({
          userId: user.id,
          createdAt,
          lastSeenAt: createdAt,
          endedAt,
          endedReason: endedAt ? 'sign_out' : null,
        })
        .returning({ id: userSessions.id });
      return row!.id;
    };
    const endedLongAgo = await session(daysAgo(40), daysAgo(40));
    const expiredLongAgo = await session(daysAgo(31), null); // never signed out: it lapsed 8 hours after sign-in
    const endedRecently = await session(daysAgo(40), daysAgo(29));
    const live = await session(new Date(now.getTime() - 3_600_000), null);

    const counts = await pruneExpired(db(), periods, now);

    const rows = await db()
      .select({ id: userSessions.id })
      .from(userSessions)
      .where(inArray(userSessions.id, [endedLongAgo, expiredLongAgo, endedRecently, live]));
    expect(rows.map((r) => r.id).sort()).toEqual([endedRecently, live].sort());
    expect(counts.sessions).toBe(2);
  });

  it('deletes in bounded batches, one short statement each', async () => {
    const ids = await Promise.all(Array.from({ length: 7 }, () => signIn(db(), daysAgo(60))));
    const execute = vi.spyOn(db(), 'execute');
    try {
      const counts = await pruneExpired(db(), { ...periods, batchSize: 3 }, now);
      expect(counts.signInAttempts).toBe(7);
      // 3 + 3 + 1 for the attempts; one statement for each other kind that had nothing left.
      expect(execute).toHaveBeenCalledTimes(3 + 4);
    } finally {
      execute.mockRestore();
    }
    expect(await left(db(), signInAttempts, ids)).toEqual([]);
  });
});

describeEachHandle(
  'the retention job',
  (handle) => {
    it('is scheduled through pg-boss and prunes when it runs', async () => {
      const lines: string[] = [];
      const boss = await startJobs(
        handle(),
        retentionJobHandlers((line) => lines.push(line), { db: () => handle().db, periods: () => periods }),
        { retentionCron, pollingIntervalSeconds: 0.5 },
      );
      expect((await boss.getSchedules()).find((s) => s.name === queues.retention)).toMatchObject({
        cron: '23 * * * *',
      });
      const old = await signIn(handle().db, new Date(Date.now() - 31 * 86_400_000));
      await enqueue(queues.retention, {});
      await expect.poll(() => left(handle().db, signInAttempts, [old]), { timeout: 20_000, interval: 250 }).toEqual([]);
      await expect.poll(() => lines.join('\n')).toContain('1 sign-in attempts');
    }, 60_000);
  },
  { after: stopJobs },
);
