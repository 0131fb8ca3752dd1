import { expect, it } from 'vitest';
import { describeEachDriver } from '@/test/db';
import { createUser } from '@/test/factories';
import { listAudit, recordAudit } from './index';

describeEachDriver('audit log', (db) => {
  it('lists entries newest first and pages by keyset without gaps or repeats', async () => {
    const { actor } = await createUser(db(), { role: 'admin' });
    // Same-millisecond inserts are the hard case for a timestamp cursor.
    for (let i = 0; i < 25; i++) {
      await recordAudit(db(), {
        actor,
        action: 'users.create',
        target: { type: 'user', id: `u${i}` },
        requestId: `req-${i}`,
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAudit(db(), { actor: actor.id, limit: 7, cursor });
      seen.push(...page.rows.map((r) => r.targetId!));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `u${24 - i}`));
  });

  it('records actor, action, target, outcome, details and request id', async () => {
    const { actor } = await createUser(db(), { role: 'operator' });
    await recordAudit(db(), {
      actor,
      action: 'users.reset_password',
      target: { type: 'user', id: 'target-1' },
      outcome: 'failure',
      details: { reason: 'test' },
      requestId: 'req-abc',
      klarnaErrorId: 'err-1',
      idempotencyKey: 'idem-1',
    });
    const [row] = (await listAudit(db(), { actor: actor.id })).rows;
    expect(row).toMatchObject({
      actorId: actor.id,
      actorEmail: actor.email,
      actorRole: 'operator',
      action: 'users.reset_password',
      targetType: 'user',
      targetId: 'target-1',
      outcome: 'failure',
      details: { reason: 'test' },
      requestId: 'req-abc',
      klarnaErrorId: 'err-1',
      idempotencyKey: 'idem-1',
    });
    expect(row!.occurredAt).toBeInstanceOf(Date);
  });

  it('filters by actor, system, action and UTC date range', async () => {
    const a = await createUser(db(), { role: 'admin' });
    const b = await createUser(db(), { role: 'admin' });
    await recordAudit(db(), { actor: a.actor, action: 'users.disable' });
    await recordAudit(db(), { actor: b.actor, action: 'users.enable' });
    await recordAudit(db(), { actor: 'system', action: 'users.bootstrap_admin' });

    expect((await listAudit(db(), { actor: a.actor.id })).rows.map((r) => r.action)).toEqual(['users.disable']);
    expect((await listAudit(db(), { actor: 'system' })).rows.every((r) => r.actorEmail === 'system')).toBe(true);
    expect((await listAudit(db(), { action: 'users.enable' })).rows.map((r) => r.actorId)).toEqual([b.actor.id]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await listAudit(db(), { actor: b.actor.id, from: today, to: today })).rows).toHaveLength(1);
    expect((await listAudit(db(), { actor: b.actor.id, to: '2020-01-01' })).rows).toHaveLength(0);
  });

  it('ignores a forged cursor instead of failing', async () => {
    await expect(listAudit(db(), { cursor: 'not-a-cursor' })).resolves.toMatchObject({ rows: expect.any(Array) });
  });
});
