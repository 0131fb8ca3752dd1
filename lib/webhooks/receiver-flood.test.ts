import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { webhookEvents } from '@/db/schema';
import { describeEachDriver } from '@/test/db';
import { createSigningKey, klarnaEvent, signedHeaders, testKeyring } from '@/test/factories';
import { handleKlarnaWebhookNode, handleKlarnaWebhookRequest, type ReceiverContext } from './app-receiver';
import { listRejectionsNotStored } from './events';
import { WebhookHandlerRegistry } from './handlers';
import { MAX_WEBHOOK_BYTES, REJECTED_PREFIX_BYTES } from './receiver';
import { RejectionLimiter, type RejectionLimits } from './rejection-limiter';
import { signingKeyLookup } from './signing-keys';

const MB = MAX_WEBHOOK_BYTES;
const CHUNK = 64 * 1024;

/** A body that would go on far past the limit, counting how many chunks were pulled from it. */
function endlessBody() {
  const counter = { pulled: 0 };
  const chunk = new Uint8Array(CHUNK).fill(0x61);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        counter.pulled++;
        // 100 MB in all, were it read to the end.
        if (counter.pulled > 1600) controller.close();
        else controller.enqueue(chunk);
      },
    },
    // Nothing is pulled ahead of the reader: what is pulled is what the receiver asked for.
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

describeEachDriver('webhook receiver under a flood', (db) => {
  let key: { signingKeyId: string; key: string };
  let limiter: RejectionLimiter;
  const context = (limits?: Partial<RejectionLimits>): ReceiverContext => {
    limiter = new RejectionLimiter({
      perSourcePerMinute: 5,
      perSourceBurst: 5,
      overallPerMinute: 1000,
      overallBurst: 1000,
      ...limits,
    });
    return {
      deps: {
        db: db(),
        signingKey: signingKeyLookup(db(), testKeyring),
        handlers: new WebhookHandlerRegistry(),
        allowedIps: null,
        rejections: limiter,
      },
      trustedProxyHops: 1,
    };
  };
  const post = (
    ctx: ReceiverContext,
    body: BodyInit,
    headers: Record<string, string> | Headers,
    from = '203.0.113.7',
  ) => {
    const h = new Headers(headers);
    if (!h.has('x-forwarded-for')) h.set('x-forwarded-for', from);
    return handleKlarnaWebhookRequest(
      new Request('http://localhost/api/webhooks/klarna', {
        method: 'POST',
        body,
        headers: h,
        duplex: 'half',
      } as RequestInit),
      ctx,
    );
  };
  const rejectedFrom = (ip: string) =>
    db()
      .select()
      .from(webhookEvents)
      .where(
        sql`${webhookEvents.verdict} = 'rejected' and ${webhookEvents.sourceIp} = ${ip} and ${webhookEvents.notStoredCount} = 0`,
      );
  const tableBytes = async () => {
    const result = await db().execute(sql`select pg_total_relation_size('webhook_events')::bigint as n`);
    const rows = Array.isArray(result) ? result : (result as { rows: { n: string | number }[] }).rows;
    return Number((rows[0] as { n: string | number }).n);
  };

  beforeEach(async () => {
    key = await createSigningKey(db());
  });

  it('keeps 20 unauthenticated 1 MB posts as reason, size, digest, headers and a 4 KB prefix: the table grows by kilobytes, not 20 MB', async () => {
    const ctx = context({ perSourceBurst: 100, perSourcePerMinute: 100 });
    const source = '198.51.100.20';
    const before = await tableBytes();
    const bodies = Array.from({ length: 20 }, () => randomBytes((MB * 3) / 4).toString('base64'));
    expect(Buffer.byteLength(bodies[0]!)).toBe(MB);
    for (const body of bodies) {
      const answer = await post(ctx, body, { 'content-type': 'application/json', 'x-flood': 'yes' }, source);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({ error: 'missing Klarna-Signing-Key-Id header' });
    }
    const rows = await rejectedFrom(source);
    expect(rows).toHaveLength(20);
    for (const row of rows) {
      const body = bodies.find((b) => b.startsWith(row.rawBody))!;
      expect(Buffer.byteLength(row.rawBody)).toBeLessThanOrEqual(REJECTED_PREFIX_BYTES);
      expect(row.rawBody).toBe(body.slice(0, REJECTED_PREFIX_BYTES));
      expect(row).toMatchObject({
        status: 'rejected',
        rejectReason: 'missing Klarna-Signing-Key-Id header',
        bodyBytes: MB,
        bodySha256: createHash('sha256').update(body).digest('hex'),
      });
      expect(row.headers).toMatchObject({
        'x-flood': 'yes',
        'content-type': 'application/json',
        'x-forwarded-for': source,
      });
    }
    // 20 × (4 KB prefix + headers) and index entries; storing the bodies whole grew it by 21.5 MB.
    expect((await tableBytes()) - before).toBeLessThan(1024 * 1024);
  });

  it('beyond the per-source limit counts rejected deliveries without reading or storing them, and the log says how many', async () => {
    const ctx = context();
    const source = '203.0.113.7';
    const bodies = Array.from({ length: 25 }, () => endlessBody());
    for (const { stream } of bodies)
      expect(
        (
          await post(
            ctx,
            stream,
            { 'klarna-signing-key-id': key.signingKeyId, 'klarna-signature': 'not a digest' },
            source,
          )
        ).status,
      ).toBe(400);
    // The first 5 are stored (their bodies read up to the limit); the other 20 were never read.
    expect(await rejectedFrom(source)).toHaveLength(5);
    expect(bodies.slice(5).every(({ counter }) => counter.pulled === 0)).toBe(true);
    expect(limiter.pendingCount()).toBe(20);

    // Another address has its own allowance.
    expect((await post(ctx, 'x', {}, '198.51.100.2')).status).toBe(400);
    expect(await rejectedFrom('198.51.100.2')).toHaveLength(1);

    expect(await limiter.flush(db())).toBe(1);
    const [summary] = await db()
      .select()
      .from(webhookEvents)
      .where(sql`${webhookEvents.notStoredCount} > 0 and ${webhookEvents.sourceIp} = ${source}`);
    expect(summary).toMatchObject({ verdict: 'rejected', notStoredCount: 20, rawBody: '' });
    expect(summary!.rejectReason).toMatch(
      /^20 more rejected deliveries from 203\.0\.113\.7 not stored \(over 5 stored per minute from one address/,
    );
    expect(await listRejectionsNotStored(db(), { hours: 1 })).toEqual(
      expect.arrayContaining([{ sourceIp: source, count: 20, last: expect.any(Date) }]),
    );
    expect(limiter.pendingCount()).toBe(0);
  });

  it('caps what all sources together store, so addresses made up in X-Forwarded-For gain nothing', async () => {
    // With no proxy in front (TRUSTED_PROXY_HOPS=1 trusts the last entry), a sender can claim any address.
    const ctx = context({ overallBurst: 8, overallPerMinute: 8 });
    for (let i = 0; i < 30; i++) await post(ctx, 'x', {}, `192.0.2.${i}`);
    const [stored] = await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(webhookEvents)
      .where(sql`${webhookEvents.sourceIp} like '192.0.2.%' and ${webhookEvents.notStoredCount} = 0`);
    expect(stored!.n).toBe(8);
    expect(limiter.pendingCount()).toBe(22);
  });

  it('cuts a chunked body over the limit while streaming, answers 413, and keeps no more than the prefix', async () => {
    const ctx = context();
    const { event } = klarnaEvent();
    const { stream, counter } = endlessBody();
    // Correctly signed headers for a different body: the signature is checked only after reading.
    const answer = await post(
      ctx,
      stream,
      signedHeaders(JSON.stringify(event), key.signingKeyId, key.key),
      '198.51.100.31',
    );
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ error: `body larger than ${MB} bytes` });
    // The limit is 16 chunks: reading stopped at the chunk that crossed it.
    expect(counter.pulled).toBeLessThanOrEqual(MB / CHUNK + 1);
    const [row] = await rejectedFrom('198.51.100.31');
    expect(row).toMatchObject({
      bodyBytes: MB + CHUNK,
      bodySha256: null,
      signingKeyId: key.signingKeyId,
      rejectReason: `body larger than ${MB} bytes: reading stopped at ${MB + CHUNK} bytes`,
    });
    expect(Buffer.byteLength(row!.rawBody)).toBe(REJECTED_PREFIX_BYTES);
  });

  it('reads an unauthenticated chunked body no further than the limit either, and one whose Content-Length is over it not at all', async () => {
    const ctx = context();
    const unsigned = endlessBody();
    expect((await post(ctx, unsigned.stream, {}, '198.51.100.32')).status).toBe(400);
    expect(unsigned.counter.pulled).toBeLessThanOrEqual(MB / CHUNK + 1);
    const [row] = await rejectedFrom('198.51.100.32');
    expect(row).toMatchObject({ rejectReason: 'missing Klarna-Signing-Key-Id header', bodySha256: null });

    const declared = endlessBody();
    const answer = await post(
      ctx,
      declared.stream,
      {
        'content-length': String(50 * MB),
        'klarna-signing-key-id': key.signingKeyId,
        'klarna-signature': 'x'.repeat(43),
      },
      '198.51.100.33',
    );
    expect(answer.status).toBe(413);
    expect(declared.counter.pulled).toBe(0);
    const [big] = await rejectedFrom('198.51.100.33');
    expect(big).toMatchObject({
      bodyBytes: 50 * MB,
      bodySha256: null,
      rawBody: '',
      rejectReason: `body larger than ${MB} bytes (Content-Length ${50 * MB}); not read`,
    });
  });

  it('accepts a valid signed delivery from a source whose rejections are being counted, not stored', async () => {
    const ctx = context();
    // Behind one trusted proxy the source is the last X-Forwarded-For entry: what the flood writes before it changes nothing.
    for (let i = 0; i < 12; i++) await post(ctx, 'x'.repeat(1000), { 'x-forwarded-for': `10.9.9.${i}, 203.0.113.50` });
    expect(await rejectedFrom('203.0.113.50')).toHaveLength(5);
    expect(limiter.pendingCount()).toBe(7);
    const { event, body } = klarnaEvent();
    const answer = await post(ctx, body, signedHeaders(body, key.signingKeyId, key.key), '203.0.113.50');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ received: true, event_id: event.metadata.event_id, duplicate: false });
    const [row] = await db().select().from(webhookEvents).where(eq(webhookEvents.eventId, event.metadata.event_id));
    expect(row).toMatchObject({ verdict: 'valid', sourceIp: '203.0.113.50', rawBody: body });
  });

  describe('on the production server', () => {
    let server: http.Server;
    let port = 0;
    let ctx: ReceiverContext;
    beforeAll(async () => {
      server = http.createServer((req, res) => void handleKlarnaWebhookNode(req, res, ctx));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('on the production server: answers an endless chunked post 413 and closes it, and still takes a valid event', async () => {
      ctx = context();
      const { status, headers } = await new Promise<{ status: number; headers: http.IncomingHttpHeaders }>(
        (resolve, reject) => {
          const req = http.request(
            {
              host: '127.0.0.1',
              port,
              method: 'POST',
              path: '/api/webhooks/klarna',
              headers: { 'klarna-signing-key-id': key.signingKeyId, 'klarna-signature': 'a'.repeat(64) },
            },
            (res) => {
              res.resume();
              resolve({ status: res.statusCode!, headers: res.headers });
            },
          );
          req.on('error', reject);
          const chunk = Buffer.alloc(CHUNK, 0x61);
          // Keeps writing until the answer comes: far more than the limit were it all read.
          const write = () => {
            while (!req.destroyed && req.write(chunk));
            if (!req.destroyed) req.once('drain', write);
          };
          write();
        },
      );
      expect(status).toBe(413);
      expect(headers.connection).toBe('close');
      expect(headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

      const { event, body } = klarnaEvent();
      const answer = await fetch(`http://127.0.0.1:${port}/api/webhooks/klarna`, {
        method: 'POST',
        body,
        headers: {
          ...Object.fromEntries(signedHeaders(body, key.signingKeyId, key.key)),
          'x-request-id': 'req-from-klarna-123',
        },
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-request-id')).toBe('req-from-klarna-123');
      expect(await answer.json()).toMatchObject({ received: true, event_id: event.metadata.event_id });
    });
  });
});
