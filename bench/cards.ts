/**
 * `npm run bench:cards` (issue 16): a card settlement of 1,000 cards with a 4096-bit key, through
 * the real path — the sandbox (over HTTP) creates the settlement and encrypts every card for the
 * enrolled key, the dashboard's `createSettlement` decrypts all of them (RSA step on worker
 * threads) and stores them masked in a scratch database (PGlite, or Postgres with TEST_DATABASE_URL),
 * and `listCards` reads the masked list. Timed from the settlement request to the masked list.
 * Then the same cards fetched again with `GET /settlements/{id}` (KeyId) and decrypted, timed
 * apart. Target: ≤ 5 s on this 2-core machine. Last line:
 * {"bench":"cards","cards":1000,"key_bits":4096,"seconds":…,"decrypt_per_s":…}
 * BENCH_CARDS and BENCH_KEY_BITS change the size.
 */
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { cardKeys, userSessions } from '@/db/schema';
import { decryptCards } from '@/lib/cards/crypto';
import { closeRsaPool } from '@/lib/cards/rsa-pool';
import { createPromise, createSettlement, enrolKey, generateKey, listCards } from '@/lib/cards/service';
import { serviceContext } from '@/lib/context';
import { openSecret } from '@/lib/crypto/secrets';
import { startSandbox } from '@/sandbox/start';
import { sandboxClient } from '@/sandbox/test-helpers';
import { openDatabase, type DbHandle } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import postgres from 'postgres';
import { createUser } from '@/test/factories';
import { addSandboxCredential, sandboxSettings } from '@/test/sandbox-merchant';

const CARDS = Number(process.env.BENCH_CARDS ?? 1000);
const KEY_BITS = Number(process.env.BENCH_KEY_BITS ?? 4096);
const TARGET_SECONDS = 5;

/** A scratch database: PGlite in memory, or with TEST_DATABASE_URL a fresh Postgres database dropped after. */
async function scratchDatabase(): Promise<DbHandle & { dispose(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const handle = openDatabase({ pgliteDir: 'memory://' });
    await migrateDatabase(handle);
    return Object.assign(handle, { dispose: () => handle.close() });
  }
  const name = `kpd_bench_cards_${randomUUID().slice(0, 8)}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  const handle = openDatabase({ url: scratch.toString() });
  await migrateDatabase(handle);
  return Object.assign(handle, {
    async dispose() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  });
}

async function main() {
  const sandbox = await startSandbox({ rateLimits: 'off' });
  const handle = await scratchDatabase();
  const db = handle.db;
  try {
    const settings = sandboxSettings(sandbox);
    await addSandboxCredential(db, sandbox);
    const { actor: admin } = await createUser(db, { role: 'admin', email: `bench-admin-${randomUUID()}@example.com` });
    const { actor: operator } = await createUser(db, {
      role: 'operator',
      email: `bench-operator-${randomUUID()}@example.com`,
    });
    const [session] = await db.insert(userSessions).values({ userId: operator.id }).returning();
    const ctx = (actor: typeof admin) => serviceContext({ db, settings, actor, requestId: 'bench' });

    let t = performance.now();
    const key = await generateKey(ctx(admin), { label: 'Bench', bits: KEY_BITS });
    await enrolKey(ctx(admin), { cardKeyId: key.id });
    console.log(`key: ${KEY_BITS} bits generated and enrolled in ${((performance.now() - t) / 1000).toFixed(2)} s`);

    const orderId = `bench-${randomUUID()}`;
    const cards = Array.from({ length: CARDS }, (_, i) => ({
      amount: 1000 + i,
      currency: 'EUR' as const,
      reference: `seller-${i}`,
    }));
    const op = { ...operator, sessionId: session!.id };
    await createPromise(ctx(op), { orderId, cards, intentId: randomUUID() });

    t = performance.now();
    const settled = await createSettlement(ctx(op), { orderId, cardKeyId: key.id, intentId: randomUUID() });
    const afterCreate = performance.now();
    const masked = await listCards(ctx(op), settled.settlementId, { limit: CARDS });
    const seconds = (performance.now() - t) / 1000;
    if (masked.rows.length !== CARDS || settled.unreadable !== 0)
      throw new Error(`expected ${CARDS} readable cards, got ${masked.rows.length} (${settled.unreadable} unreadable)`);
    console.log(
      `settlement: requested, decrypted, stored and listed masked in ${seconds.toFixed(2)} s (create+store ${((afterCreate - t) / 1000).toFixed(2)} s)`,
    );

    // The same cards fetched again (GET with KeyId) and decrypted, without the database.
    const { api } = sandboxClient(sandbox.baseUrl, (await sandbox.control.bootstrapKey()).api_key, {
      timeoutMs: 60_000,
    });
    const [row] = await db.select().from(cardKeys).where(eq(cardKeys.id, key.id));
    const pem = openSecret(row!.privateKeySealed, settings.keyring, `card_keys.private_key:${key.id}`);
    t = performance.now();
    const fetched = await api.cardSettlements.get(settled.settlementId, row!.klarnaKeyId!);
    const fetchedAt = performance.now();
    const opened = await decryptCards(fetched.cards, pem);
    const decryptSeconds = (performance.now() - fetchedAt) / 1000;
    if (opened.some((c) => c instanceof Error)) throw new Error('a fetched card did not decrypt');
    console.log(
      `fetch: GET with KeyId ${((fetchedAt - t) / 1000).toFixed(2)} s, decrypt ${decryptSeconds.toFixed(2)} s (${Math.round(CARDS / decryptSeconds)} cards/s)`,
    );
    console.log(`target: ≤ ${TARGET_SECONDS} s → ${seconds <= TARGET_SECONDS ? 'met' : 'MISSED'}`);
    console.log(
      JSON.stringify({
        bench: 'cards',
        cards: CARDS,
        key_bits: KEY_BITS,
        seconds: Number(seconds.toFixed(3)),
        decrypt_per_s: Math.round(CARDS / decryptSeconds),
      }),
    );
  } finally {
    await closeRsaPool();
    await handle.dispose();
    await sandbox.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
