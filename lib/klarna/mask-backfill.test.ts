import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '@/db/migrate';
import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '@/db/client';
import { apiRequests } from '@/db/schema';
import { startJobs, stopJobs } from '@/lib/jobs/queue';
import { describeEachDriver, describeEachHandle, describeMigration, openTestDatabase } from '@/test/db';
import { apiRequestMaskingJobHandlers, queueApiRequestMaskingIfNeeded } from './jobs';
import { hasUnmaskedApiRequests, maskStoredApiRequests } from './mask-backfill';
import { redact } from './redact';
import { getApiRequest, recordKlarnaAttemptsIn } from './request-log';

/** An onboarding call as the log stored it before masking existed: secrets replaced, the owner in clear. */
const clearRequest = {
  business: { legal_name: 'CoolBrand AB' },
  owner: {
    given_name: 'Jane',
    family_name: 'Doe',
    email: 'jane.doe@example.com',
    phone: '+46701234512',
    date_of_birth: '1980-01-02',
    address: { street_address: 'Sveavägen 46', city: 'Stockholm' },
  },
  api_key: '[redacted]',
};
const clearResponse = {
  account_id: 'acc-1',
  contacts: [{ email: 'ops@coolbrand.se', phone: '+46 8 123 456 78', given_name: 'Ola' }],
};

/** Inserts a row as it was stored before migration 0018: personal data in clear, the flag false. */
async function insertOldRow(db: Db, over: { requestBody?: unknown; responseBody?: unknown } = {}): Promise<number> {
  const [row] = await db
    .insert(apiRequests)
    .values({
      operation: 'accounts.create',
      method: 'POST',
      path: '/v1/accounts',
      attempt: 1,
      status: 201,
      durationMs: 40,
      requestBody: clearRequest,
      responseBody: clearResponse,
      ...over,
      personalDataMasked: false,
    })
    .returning({ id: apiRequests.id });
  return row!.id;
}

async function stored(db: Db, id: number) {
  const [row] = await db.select().from(apiRequests).where(eq(apiRequests.id, id));
  return row!;
}

describeEachDriver('masking API request log rows stored before masking existed', (db) => {
  it('masks an old row exactly as a new row is masked, once, and marks it masked', async () => {
    const old = await insertOldRow(db());
    // A new row, masked when recorded: the backfill must leave it alone (masking twice would turn `+46 *** ** 12` into `***`).
    await recordKlarnaAttemptsIn(db())({
      operation: 'accounts.create',
      method: 'POST',
      path: '/v1/accounts',
      accountId: null,
      attempt: 1,
      status: 201,
      durationMs: 40,
      errorCode: null,
      errorId: null,
      idempotencyKey: 'idem-new',
      correlationId: null,
      requestBody: redact(clearRequest),
      responseBody: redact(clearResponse),
    });
    const [fresh] = await db().select().from(apiRequests).where(eq(apiRequests.idempotencyKey, 'idem-new'));
    expect(fresh!.personalDataMasked).toBe(true);
    expect(await hasUnmaskedApiRequests(db())).toBe(true);

    expect(await maskStoredApiRequests(db())).toBe(1);

    const after = await stored(db(), old);
    expect(after.personalDataMasked).toBe(true);
    expect(after.requestBody).toEqual(fresh!.requestBody);
    expect(after.responseBody).toEqual(fresh!.responseBody);
    expect(after.requestBody).toEqual({
      business: { legal_name: 'CoolBrand AB' },
      owner: {
        given_name: 'J***',
        family_name: 'D***',
        email: 'j***@example.com',
        phone: '+46 *** ** 12',
        date_of_birth: '****-**-**',
        address: { street_address: 'S***', city: 'Stockholm' },
      },
      api_key: '[redacted]',
    });
    expect(JSON.stringify(after)).not.toMatch(/jane|Doe|701234512|ops@|Ola/);
    expect((await stored(db(), fresh!.id)).requestBody).toEqual(fresh!.requestBody);

    // A second run finds nothing and changes nothing.
    expect(await maskStoredApiRequests(db())).toBe(0);
    expect((await stored(db(), old)).requestBody).toEqual(after.requestBody);
    expect(await hasUnmaskedApiRequests(db())).toBe(false);
  });

  it('works through many rows in bounded batches, keeping empty bodies empty', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await insertOldRow(db(), { requestBody: { email: `owner${i}@example.com` } }));
    const noBodies = await insertOldRow(db(), { requestBody: null, responseBody: null });
    expect(await maskStoredApiRequests(db(), { batchSize: 2 })).toBe(6);
    for (const id of ids)
      expect(await stored(db(), id)).toMatchObject({
        personalDataMasked: true,
        requestBody: { email: 'o***@example.com' },
      });
    expect(flagAndBodies(await stored(db(), noBodies))).toEqual({
      personalDataMasked: true,
      requestBody: null,
      responseBody: null,
    });
  });

  it('shows a row the backfill has not reached yet masked on the request page', async () => {
    const old = await insertOldRow(db());
    const shown = await getApiRequest(db(), old);
    expect(shown!.requestBody).toEqual(redact(clearRequest));
    expect(shown!.responseBody).toEqual({
      account_id: 'acc-1',
      contacts: [{ email: 'o***@coolbrand.se', phone: '+46 *** ** 78', given_name: 'O***' }],
    });
    // Reading changes nothing stored; a masked row is shown as stored, not masked again.
    expect((await stored(db(), old)).requestBody).toEqual(clearRequest);
    await maskStoredApiRequests(db());
    expect((await getApiRequest(db(), old))!.requestBody).toMatchObject({ owner: { phone: '+46 *** ** 12' } });
  });
});

const flagAndBodies = (row: { personalDataMasked: boolean; requestBody: unknown; responseBody: unknown }) => ({
  personalDataMasked: row.personalDataMasked,
  requestBody: row.requestBody,
  responseBody: row.responseBody,
});

// Two transactions at once need a real server: PGlite has one connection.
describe.skipIf(!process.env.TEST_DATABASE_URL)('the backfill next to another instance [postgres]', () => {
  let handle: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
  beforeAll(async () => {
    handle = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await handle?.dispose();
  });

  it('skips rows another transaction holds and masks the rest', async () => {
    const db = handle!.db;
    const held = await insertOldRow(db);
    const free = await insertOldRow(db);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.transaction(async (tx) => {
      await tx.execute(sql`select id from api_requests where id = ${held} for update`);
      locked();
      await released;
    });
    await isLocked;
    expect(await maskStoredApiRequests(db)).toBe(1);
    release();
    await holder;
    expect((await stored(db, free)).personalDataMasked).toBe(true);
    expect((await stored(db, held)).personalDataMasked).toBe(false);
  });
});

describeEachHandle(
  'the start-up masking job',
  (handle) => {
    it('is queued at start-up only while old rows are left, and masks them through pg-boss', async () => {
      const lines: string[] = [];
      await startJobs(
        handle(),
        apiRequestMaskingJobHandlers((line) => lines.push(line), { db: () => handle().db }),
        { pollingIntervalSeconds: 0.5 },
      );
      expect(await queueApiRequestMaskingIfNeeded(handle().db)).toBe(false);
      const old = await insertOldRow(handle().db);
      expect(await queueApiRequestMaskingIfNeeded(handle().db)).toBe(true);
      await expect
        .poll(async () => (await stored(handle().db, old)).personalDataMasked, { timeout: 20_000, interval: 250 })
        .toBe(true);
      expect((await stored(handle().db, old)).requestBody).toEqual(redact(clearRequest));
      await expect.poll(() => lines.join('\n')).toContain('masked personal data in 1 requests');
    }, 60_000);
  },
  { after: stopJobs },
);

describeMigration('the migration adding personal_data_masked', 'api_requests_personal_data_masked', (handle) => {
  it('marks the rows already stored unmasked and new rows masked', async () => {
    const db = handle().db;
    const insert = (op: string) =>
      db.execute(
        sql`insert into api_requests (operation, method, path, attempt, status, duration_ms, request_body) values (${op}, 'POST', '/v1/accounts', 1, 201, 40, ${JSON.stringify(clearRequest)}::jsonb)`,
      );
    await insert('before');
    await migrateDatabase(handle());
    await insert('after');
    const flags = rowsOf<{ operation: string; personal_data_masked: boolean }>(
      await db.execute(sql`select operation, personal_data_masked from api_requests order by id`),
    );
    expect(flags).toEqual([
      { operation: 'before', personal_data_masked: false },
      { operation: 'after', personal_data_masked: true },
    ]);
  });
});
