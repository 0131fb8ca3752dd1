import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiRequests, auditLog, merchantTimeline } from '@/db/schema';
import { ForbiddenError, KlarnaRefusedError } from '@/lib/errors';
import type { RunningSandbox } from '@/sandbox/start';
import { testContext } from '@/test/context';
import { describeEachDriver } from '@/test/db';
import { createUser } from '@/test/factories';
import {
  addSandboxCredential,
  sandboxSettings,
  startSandboxMerchant,
  type SandboxMerchant,
} from '@/test/sandbox-merchant';
import { idempotencyKey } from './klarna/idempotency';
import { klarnaOperation } from './klarna-operation';

let sandbox: RunningSandbox;
let klarna: SandboxMerchant['api'];
let accountId: string;
beforeAll(async () => {
  ({
    sandbox,
    api: klarna,
    accountId,
  } = await startSandboxMerchant({
    reference: 'M-OP',
    name: 'Operation test shop',
    website: 'https://op.example',
  }));
});
afterAll(() => sandbox.close());

describeEachDriver('the Klarna-operation wrapper', (db) => {
  let admin: Awaited<ReturnType<typeof createUser>>['actor'];
  let viewer: Awaited<ReturnType<typeof createUser>>['actor'];
  const as = (actor: typeof admin) => testContext({ db: db(), actor, settings: sandboxSettings(sandbox) });

  beforeAll(async () => {
    await addSandboxCredential(db(), sandbox);
    ({ actor: admin } = await createUser(db(), { role: 'admin' }));
    ({ actor: viewer } = await createUser(db(), { role: 'viewer' }));
  });

  /** Adds a website channel; `record` writes a timeline entry, as an area's record would. */
  const addChannel = (ctx: ReturnType<typeof as>, nonce: string, name: string, fail = false) =>
    klarnaOperation(ctx, {
      capability: 'merchants.manage',
      intent: { operation: 'channels.create', target: accountId, nonce },
      audit: { action: 'merchants.create_channel', target: { type: 'merchant_account', id: accountId } },
      call: (api, key) => api.channels.create(accountId, { type: 'PHYSICAL_STORE', name }, { idempotencyKey: key }),
      record: async (channel, tx) => {
        await tx.insert(merchantTimeline).values({
          accountId,
          occurredAt: new Date(),
          source: 'dashboard',
          kind: 'channel',
          summary: `test channel ${name}`,
          details: { channel_id: channel.channel_id },
        });
        if (fail) throw new Error('the record failed');
        return { details: { channel_id: channel.channel_id } };
      },
    });

  const timelineOf = (name: string) =>
    db()
      .select()
      .from(merchantTimeline)
      .where(eq(merchantTimeline.summary, `test channel ${name}`));

  it('refuses without the capability before calling Klarna', async () => {
    const nonce = crypto.randomUUID();
    await expect(addChannel(as(viewer), nonce, 'forbidden')).rejects.toBeInstanceOf(ForbiddenError);
    expect(await timelineOf('forbidden')).toHaveLength(0);
  });

  it('a refusal is audited as a failure with Klarna’s error id, its fields mapped, and nothing is recorded', async () => {
    let recorded = 0;
    const body = {
      account_reference: `M-OP-${Date.now()}`,
      account_name: 'Refused shop',
      account_owner: { given_name: 'Julia', family_name: 'Doe', email: 'julia@example.com', phone: '+15555555555' },
      products: [{ type: 'PAYMENT' as const, merchant_category_code: '5691' as const }],
      // No such collection at Klarna: a VALIDATION_ERROR naming the parameter.
      channel: { websites: [{ urls: ['https://refused.example'], collection_reference: 'no-such-collection' }] },
    };
    const nonce = crypto.randomUUID();
    const refusal = await klarnaOperation(as(admin), {
      capability: 'merchants.onboard',
      intent: { operation: 'accounts.onboard', target: 'wrapper-test', nonce },
      audit: { action: 'merchants.onboard', target: { type: 'merchant_account', id: 'draft:wrapper-test' } },
      fields: { 'channel.websites.collection_reference': 'collection' },
      call: (api, key) => api.accounts.onboard(body, { idempotencyKey: key }),
      record: async () => {
        recorded++;
      },
    }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(KlarnaRefusedError);
    const refused = refusal as KlarnaRefusedError;
    expect(refused.code).toBe('VALIDATION_ERROR');
    expect(refused.fields).toEqual({ collection: [expect.any(String)] });
    expect(refused.klarnaErrorId).toBeTruthy();
    expect(recorded).toBe(0);
    const audit = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'merchants.onboard'), eq(auditLog.targetId, 'draft:wrapper-test')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      outcome: 'failure',
      actorId: admin.id,
      klarnaErrorId: refused.klarnaErrorId,
      details: { error: refused.message },
    });
  });

  it('a success writes the record and the audit entry in one transaction; the same intent twice calls Klarna once', async () => {
    const nonce = crypto.randomUUID();
    const key = idempotencyKey({ operation: 'channels.create', target: accountId, nonce });
    // One sandbox serves both drivers: a name of this run's own.
    const name = `once-${nonce.slice(0, 8)}`;
    const first = await addChannel(as(admin), nonce, name);
    const second = await addChannel(as(admin), nonce, name);
    expect(second.channel_id).toBe(first.channel_id);
    // Both went out under the intent's one key, and Klarna made one channel.
    const sent = await db()
      .select({ key: apiRequests.idempotencyKey })
      .from(apiRequests)
      .where(eq(apiRequests.operation, 'channels.create'));
    expect(sent.filter((row) => row.key === key)).toHaveLength(2);
    const { channels } = await klarna.channels.list(accountId);
    expect(channels.filter((c) => c.name === name)).toHaveLength(1);
    // The first answer wrote the record and the audit entry (with what the record added); the replay nothing.
    const audit = await db().select().from(auditLog).where(eq(auditLog.idempotencyKey, key));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'merchants.create_channel',
      outcome: 'success',
      actorId: admin.id,
      details: { channel_id: first.channel_id },
    });
    expect(await timelineOf(name)).toHaveLength(1);
  });

  it('a record that fails leaves neither the record nor the audit entry', async () => {
    const nonce = crypto.randomUUID();
    await expect(addChannel(as(admin), nonce, 'rolled-back', true)).rejects.toThrow('the record failed');
    expect(await timelineOf('rolled-back')).toHaveLength(0);
    const key = idempotencyKey({ operation: 'channels.create', target: accountId, nonce });
    expect(await db().select().from(auditLog).where(eq(auditLog.idempotencyKey, key))).toHaveLength(0);
  });
});
