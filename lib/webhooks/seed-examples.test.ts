import { eq, sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { merchantAccounts, merchantTimeline, paymentTimeline, webhookEvents } from '@/db/schema';
import { webhookEventSchema } from '@/lib/klarna/schemas/webhooks';
import { describeEachDriver } from '@/test/db';
import { createSigningKey, signedHeaders, testKeyring } from '@/test/factories';
import { seedWebhookBody, seedWebhookExamples } from '@/test/seed-002/examples';
import { appWebhookHandlers } from '@/lib/app';
import { bodyDigestId, receiveKlarnaWebhook } from './receiver';
import { signingKeyLookup } from './signing-keys';

// Issue 13, point 2: every webhook body printed in seed 002, correctly signed, is accepted and
// applied once however often Klarna repeats it; a signed body that is not an event is refused.
describeEachDriver('the seed’s webhook examples through the receiver', (db) => {
  let key: { signingKeyId: string; key: string };
  const deliver = (body: string) =>
    receiveKlarnaWebhook(
      { db: db(), signingKey: signingKeyLookup(db(), testKeyring), handlers: appWebhookHandlers(), allowedIps: null },
      { rawBody: body, headers: signedHeaders(body, key.signingKeyId, key.key), sourceIp: null },
    );

  beforeEach(async () => {
    key = await createSigningKey(db());
    // Two of the seed's examples share an event_id (l. 726 and l. 2610): each is tried on its own.
    await db().delete(webhookEvents);
  });

  // The seed's webhook bodies as the conformance test reads them (test/seed-002/examples.ts), by the line of their opening fence.
  const names: Record<number, string> = {
    563: 'template',
    714: 'simulated-authorized',
    1297: 'account-operational',
    1939: 'pending-confirmation-server',
    2604: 'pending-confirmation',
  };
  const examples = seedWebhookExamples().map((e) => ({ ...e, name: names[e.line] ?? `unnamed l. ${e.line}` }));
  const events = examples.filter((e) => e.name !== 'template');
  // JSON as printed: in one block (not split by a page break) and parsed with no fix.
  const asPrinted = (e: (typeof examples)[number]) => {
    if (e.blocks > 1) return 'not json';
    try {
      JSON.parse(e.printed);
      return 'json';
    } catch {
      return 'not json';
    }
  };

  it('knows every example the seed prints, and which of them are JSON as printed', () => {
    expect(examples.map((e) => [e.name, e.line, e.endLine, asPrinted(e)])).toEqual([
      ['template', 563, 579, 'not json'],
      ['simulated-authorized', 714, 750, 'not json'],
      ['account-operational', 1297, 1316, 'json'],
      ['pending-confirmation-server', 1939, 1979, 'not json'],
      ['pending-confirmation', 2604, 2639, 'not json'],
    ]);
    for (const example of events)
      expect(webhookEventSchema.safeParse(JSON.parse(seedWebhookBody(example)!)).success).toBe(true);
  });

  it.each(events.map((e) => [`${e.name} (seed 002 l. ${e.line}–${e.endLine})`, e] as const))(
    '%s, sent twice, is stored once and applied once',
    async (_, example) => {
      const body = seedWebhookBody(example)!;
      const envelope = webhookEventSchema.parse(JSON.parse(body));
      const eventId = envelope.metadata.event_id ?? bodyDigestId(body);
      const first = await deliver(body);
      const again = await deliver(body);
      expect(first).toEqual({ status: 200, body: { received: true, event_id: eventId, duplicate: false } });
      expect(again).toEqual({ status: 200, body: { received: true, event_id: eventId, duplicate: true } });
      const rows = await db().select().from(webhookEvents).where(eq(webhookEvents.eventId, eventId));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        verdict: 'valid',
        status: 'processed',
        applyCount: 1,
        duplicateCount: 1,
        eventType: envelope.metadata.event_type,
      });
      // The handler's effect, once: a timeline entry of the merchant or the payment request.
      const timeline = envelope.metadata.event_type.startsWith('partner.account.')
        ? await db().select().from(merchantTimeline).where(eq(merchantTimeline.eventId, eventId))
        : await db().select().from(paymentTimeline).where(eq(paymentTimeline.eventId, eventId));
      expect(timeline).toHaveLength(1);
    },
  );

  it('applies the account example, which has no event_id, to a merchant it names: once, de-duplicated by the body’s SHA-256', async () => {
    const example = examples.find((e) => e.name === 'account-operational')!;
    const body = seedWebhookBody(example)!;
    await db().insert(merchantAccounts).values({
      accountId: 'krn:partner:account:live:2AIMNWR6IYZVD',
      accountReference: 'M123786123412',
      accountName: 'Seed merchant',
      state: 'PARTIALLY_OPERATIONAL',
    });
    expect((await deliver(body)).body).toMatchObject({ event_id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    const [merchant] = await db()
      .select()
      .from(merchantAccounts)
      .where(eq(merchantAccounts.accountId, 'krn:partner:account:live:2AIMNWR6IYZVD'));
    expect(merchant!.state).toBe('OPERATIONAL');
    // The same event pretty-printed is another body, and another digest: Klarna repeats the bytes it signed.
    await deliver(body);
    const [count] = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(webhookEvents)
      .where(eq(webhookEvents.eventType, 'partner.account.state-change.operational'));
    expect(count!.n).toBe(1);
  });

  it('refuses with 400 the template as printed, and signed bodies that are not events', async () => {
    const template = examples.find((e) => e.name === 'template')!;
    expect(seedWebhookBody(template)).toBeNull();
    for (const body of [
      template.printed,
      '{"metadata":{"event_version":"v1"},"payload":{}}',
      '[1,2,3]',
      '"just a string"',
    ]) {
      const answer = await deliver(body);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: expect.stringContaining('signed, but not a Klarna event') });
    }
    const [count] = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(webhookEvents)
      .where(eq(webhookEvents.verdict, 'valid'));
    expect(count!.n).toBe(0);
  });
});
