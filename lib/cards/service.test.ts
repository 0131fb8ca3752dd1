import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { apiRequests, auditLog, cardPromises, cards, userSessions } from '@/db/schema';
import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/guard';
import { stepUp } from '@/lib/auth/step-up';
import type { ServiceContext } from '@/lib/context';
import { type AppError, ForbiddenError, InputError, KlarnaRefusedError } from '@/lib/errors';
import { brandOfPan, luhnValid } from '@/lib/klarna/card-numbers';
import { startSandbox, type RunningSandbox } from '@/sandbox/start';
import { testContext } from '@/test/context';
import { describeEachDriver } from '@/test/db';
import { createUser, TEST_PASSWORD } from '@/test/factories';
import { addSandboxCredential, sandboxSettings } from '@/test/sandbox-merchant';
import { closeRsaPool } from './rsa-pool';
import {
  checkCancellation,
  createPromise,
  createSettlement,
  enrolKey,
  generateKey,
  importKey,
  listCancellations,
  listCards,
  listKeys,
  listPromises,
  listSettlements,
  promisesExpiringSoon,
  requestCancel,
  retireKey,
  revealCard,
  settlementKeys,
} from './service';

// The virtual cards service against a real sandbox, on both drivers: keys, promises, settlements
// stored masked, the step-up reveal, cancellations, and what the audit and request logs keep.

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off' });
});
afterAll(async () => {
  await sandbox.close();
  await closeRsaPool();
});

const spec = (amount: number, reference: string) => ({ amount, currency: 'EUR' as const, reference });
const intent = () => randomUUID();

describeEachDriver('virtual cards service', (db) => {
  let admin: Actor;
  let operator: Actor;
  let viewer: Actor;
  let cardKeyId: string;
  const scheduled: { orderId: string; at: Date }[] = [];
  const schedule = async (orderId: string, at: Date) => void scheduled.push({ orderId, at });

  const ctx = (actor: Actor | null, now?: Date): ServiceContext =>
    testContext({ db: db(), actor, settings: sandboxSettings(sandbox), ...(now ? { now: () => now } : {}) });

  async function withSession(database: Db, actor: Actor): Promise<Actor> {
    const [session] = await database.insert(userSessions).values({ userId: actor.id }).returning();
    return { ...actor, sessionId: session!.id };
  }

  beforeAll(async () => {
    await addSandboxCredential(db(), sandbox);
    admin = await withSession(db(), (await createUser(db(), { role: 'admin' })).actor);
    operator = await withSession(db(), (await createUser(db(), { role: 'operator' })).actor);
    viewer = await withSession(db(), (await createUser(db(), { role: 'viewer' })).actor);
    const key = await generateKey(ctx(admin), { label: 'Main', bits: 2048 });
    cardKeyId = (await enrolKey(ctx(admin), { cardKeyId: key.id })).id;
  });
  beforeEach(() => {
    scheduled.length = 0;
  });

  async function settledOrder(count = 3) {
    const orderId = `order-${randomUUID()}`;
    await createPromise(ctx(operator), {
      orderId,
      cards: Array.from({ length: count }, (_, i) => spec(1000 + i, `seller-${i}`)),
      intentId: intent(),
    });
    const settlement = await createSettlement(ctx(operator), { orderId, cardKeyId, intentId: intent() });
    return { orderId, ...settlement };
  }

  it('keys: admins generate (enrolled in the sandbox), import and retire; the private key is never returned', async () => {
    const keys = await listKeys(ctx(admin));
    const main = keys.find((k) => k.id === cardKeyId)!;
    expect(main).toMatchObject({ label: 'Main', bits: 2048, source: 'generated', status: 'active' });
    expect(main.klarnaKeyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(main).not.toHaveProperty('privateKeySealed');
    expect((await sandbox.control.listCardKeys()).some((k) => k.key_id === main.klarnaKeyId && k.active)).toBe(true);

    const pem = readFileSync(path.resolve('test/fixtures/cards/rsa-2048.pem'), 'utf8');
    const imported = await importKey(ctx(admin), { label: 'Imported', pem });
    expect(imported).toMatchObject({ source: 'imported', bits: 2048, klarnaKeyId: null });
    const outOfBand = await enrolKey(ctx(admin), { cardKeyId: imported.id, klarnaKeyId: `oob-${randomUUID()}` });
    expect(outOfBand.klarnaKeyId).toMatch(/^oob-/);
    const retired = await retireKey(ctx(admin), { cardKeyId: imported.id });
    expect(retired.status).toBe('retired');
    expect((await settlementKeys(ctx(operator))).map((k) => k.id)).not.toContain(imported.id);

    await expect(importKey(ctx(admin), { label: 'Bad', pem: 'not a key' })).rejects.toMatchObject({
      fields: { pem: [expect.stringContaining('not an unencrypted PEM private key')] },
    });
    await expect(generateKey(ctx(operator), { label: 'X' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listKeys(ctx(viewer))).rejects.toBeInstanceOf(ForbiddenError);

    const audited = await db()
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(sql`${auditLog.action} like 'cards.%_key'`);
    expect(audited.map((a) => a.action).sort()).toEqual(
      ['cards.enrol_key', 'cards.enrol_key', 'cards.generate_key', 'cards.import_key', 'cards.retire_key'].sort(),
    );
  });

  it('promises: the same form submitted twice makes one promise at Klarna, one row and one audit entry', async () => {
    const orderId = `order-${randomUUID()}`;
    const intentId = intent();
    const first = await createPromise(ctx(operator), { orderId, cards: [spec(500, 'a')], intentId });
    const again = await createPromise(ctx(operator), { orderId, cards: [spec(500, 'a')], intentId });
    expect(again.promiseId).toBe(first.promiseId);
    const rows = await db().select().from(cardPromises).where(eq(cardPromises.orderId, orderId));
    expect(rows.map((r) => [r.promiseId, r.status])).toEqual([[first.promiseId, 'open']]);
    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'cards.create_promise'), eq(auditLog.targetId, first.promiseId)));
    expect(audits).toHaveLength(1);
  });

  it('promises: a second promise for the same order says it replaced the first', async () => {
    const orderId = `order-${randomUUID()}`;
    const first = await createPromise(ctx(operator), { orderId, cards: [spec(500, 'a')], intentId: intent() });
    expect(first.replaced).toBeNull();
    const second = await createPromise(ctx(operator), { orderId, cards: [spec(700, 'b')], intentId: intent() });
    expect(second.replaced).toBe(first.promiseId);
    const rows = await db().select().from(cardPromises).where(eq(cardPromises.orderId, orderId));
    expect(rows.map((r) => [r.promiseId, r.status]).sort()).toEqual(
      [
        [first.promiseId, 'replaced'],
        [second.promiseId, 'open'],
      ].sort(),
    );
    expect((await listPromises(ctx(viewer))).rows.map((r) => r.promiseId)).toContain(second.promiseId);
    expect((await promisesExpiringSoon(ctx(viewer), 25 * 3600 * 1000)).map((p) => p.promiseId)).toContain(
      second.promiseId,
    );
    await expect(
      createPromise(ctx(viewer), { orderId, cards: [spec(1, 'x')], intentId: intent() }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createPromise(ctx(operator), { orderId, cards: [], intentId: intent() })).rejects.toMatchObject({
      fields: { cards: [expect.any(String)] },
    });
  });

  it('settlements: cards stored masked (brand, BIN, last 4, expiry); the request log’s copy has no card data', async () => {
    const { settlementId, orderId, cardCount, unreadable } = await settledOrder(3);
    expect({ cardCount, unreadable }).toEqual({ cardCount: 3, unreadable: 0 });
    const { rows } = await listCards(ctx(viewer), settlementId);
    expect(rows).toHaveLength(3);
    for (const card of rows) {
      expect(card.bin).toMatch(/^\d{6}$/);
      expect(card.last4).toMatch(/^\d{4}$/);
      expect(card.expiryDate).toMatch(/^\d{2}\/\d{2}$/);
      expect(brandOfPan(card.bin!)).toBe(card.brand);
      expect(card).not.toHaveProperty('pciData');
    }
    expect((await listSettlements(ctx(viewer))).rows[0]).toMatchObject({ settlementId, orderId, keyLabel: 'Main' });

    const [logged] = await db()
      .select()
      .from(apiRequests)
      .where(and(eq(apiRequests.operation, 'cardSettlements.create'), eq(apiRequests.status, 201)))
      .orderBy(sql`${apiRequests.id} desc`)
      .limit(1);
    const loggedCards = (logged!.responseBody as { cards: Record<string, unknown>[] }).cards;
    expect(loggedCards).toHaveLength(3);
    for (const card of loggedCards) expect(card).toMatchObject({ pci_data: '[redacted]', aes_key: '[redacted]' });

    const [settledAudit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'cards.create_settlement'), eq(auditLog.targetId, settlementId)));
    expect(settledAudit).toMatchObject({ actorId: operator.id, outcome: 'success' });
  });

  it('reveal: refused without a step-up and to a viewer; after one, the number once, audited; never stored', async () => {
    const { settlementId } = await settledOrder(2);
    const [card] = (await listCards(ctx(operator), settlementId)).rows;
    const reveal = (actor: Actor, now?: Date) => revealCard(ctx(actor, now), { cardId: card!.cardId });

    await expect(reveal(operator)).rejects.toMatchObject({ kind: 'forbidden', code: 'STEP_UP_REQUIRED' });
    await expect(stepUp(ctx(operator), { password: 'wrong password' })).rejects.toBeInstanceOf(InputError);
    await expect(reveal(operator)).rejects.toMatchObject({ code: 'STEP_UP_REQUIRED' });
    await stepUp(ctx(operator), { password: TEST_PASSWORD });
    const shown = await reveal(operator);
    expect(luhnValid(shown.pan)).toBe(true);
    expect(shown.pan.slice(0, 6)).toBe(card!.bin);
    expect(shown.pan.slice(-4)).toBe(card!.last4);
    expect(shown.cvv).toMatch(/^\d{3}$/);

    // A viewer is refused by the server, stepped up or not.
    await stepUp(ctx(viewer), { password: TEST_PASSWORD });
    await expect(reveal(viewer)).rejects.toBeInstanceOf(ForbiddenError);
    // Five minutes later the step-up no longer counts.
    await expect(reveal(operator, new Date(Date.now() + 5 * 60 * 1000 + 5_000))).rejects.toMatchObject({
      code: 'STEP_UP_REQUIRED',
    });

    const reveals = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'cards.reveal'), eq(auditLog.targetId, card!.cardId)));
    expect(reveals).toHaveLength(1);
    expect(reveals[0]).toMatchObject({ actorId: operator.id, actorEmail: operator.email });
    expect(reveals[0]!.details).toMatchObject({ settlementId, last4: card!.last4 });
    const stepUps = await db()
      .select({ outcome: auditLog.outcome })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'auth.step_up'), eq(auditLog.actorId, operator.id)));
    expect(stepUps.map((s) => s.outcome).sort()).toEqual(['failure', 'success']);

    // The full number is in no table: not the cards, not the audit log, not the request log.
    for (const table of ['cards', 'audit_log', 'api_requests', 'card_settlements']) {
      const rows = await db().execute(
        sql.raw(`select count(*)::int as n from ${table} where ${table}::text like '%${shown.pan}%'`),
      );
      const n = ((rows as unknown as { rows?: { n: number }[] }).rows ?? (rows as unknown as { n: number }[]))[0]!.n;
      expect(n, table).toBe(0);
    }
  });

  it('cancellation: PENDING with check_after, asked again later, CANCELLED after the sandbox clock passes it', async () => {
    const { orderId } = await settledOrder(1);
    const pending = await requestCancel(ctx(operator), { orderId, intentId: intent() }, schedule);
    expect(pending.status).toBe('PENDING');
    expect(pending.checkAfter).toBeInstanceOf(Date);
    expect(scheduled).toEqual([{ orderId, at: pending.checkAfter }]);

    expect((await checkCancellation(ctx(null), { orderId }, schedule)).status).toBe('PENDING');
    await sandbox.control.advanceClock(601);
    try {
      const decided = await checkCancellation(ctx(null), { orderId }, schedule);
      expect(decided.status).toBe('CANCELLED');
      expect(scheduled).toHaveLength(2);
      const again = await requestCancel(ctx(operator), { orderId, intentId: intent() }, schedule);
      expect(again.status).toBe('CANCELLED');
      expect(scheduled).toHaveLength(2);
    } finally {
      await sandbox.control.setClock(new Date());
    }
    const [decidedAudit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'cards.cancellation_decided'), eq(auditLog.targetId, orderId)));
    expect(decidedAudit).toMatchObject({ actorEmail: 'system', details: { status: 'CANCELLED' } });
    expect((await listCancellations(ctx(viewer))).rows.find((r) => r.orderId === orderId)?.status).toBe('CANCELLED');
    await expect(requestCancel(ctx(viewer), { orderId, intentId: intent() }, schedule)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('cancellation rejected by Klarna shows its reason', async () => {
    const { orderId } = await settledOrder(1);
    await requestCancel(ctx(operator), { orderId, intentId: intent() }, schedule);
    await sandbox.control.rejectCardCancellation(orderId, { reason_code: 'CARD_IN_USE', reason_message: 'In use.' });
    await sandbox.control.advanceClock(601);
    try {
      expect(await checkCancellation(ctx(operator), { orderId }, schedule)).toMatchObject({
        status: 'REJECTED',
        reasonCode: 'CARD_IN_USE',
        reasonMessage: 'In use.',
      });
    } finally {
      await sandbox.control.setClock(new Date());
    }
  });

  it('Klarna’s refusal (an order without a promise) is an error naming Klarna’s code, audited as a failure', async () => {
    const orderId = `order-${randomUUID()}`;
    const error = await createSettlement(ctx(operator), { orderId, cardKeyId, intentId: intent() }).catch((e) => e);
    expect(error).toBeInstanceOf(KlarnaRefusedError);
    expect((error as AppError).code).toBe('NO_PROMISE');
    const [failure] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'cards.create_settlement'), eq(auditLog.targetId, orderId)));
    expect(failure).toMatchObject({ outcome: 'failure' });
    expect(failure!.klarnaErrorId).toBeTruthy();
    const stored = await db().select().from(cards).where(eq(cards.settlementId, orderId));
    expect(stored).toEqual([]);
  });
});
