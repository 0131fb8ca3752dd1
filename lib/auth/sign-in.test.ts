import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { users } from '@/db/schema';
import { listAudit } from '@/lib/audit';
import { describeEachDriver } from '@/test/db';
import { createUser, TEST_PASSWORD, testKeyring } from '@/test/factories';
import { loadActor } from './guard';
import { authenticate, type SignInContext } from './sign-in';
import { generateTotpSecret, totpCode } from './totp';
import { sealTotpSecret } from './totp-store';

const policy = { windowSeconds: 900, maxFailuresPerEmail: 5, maxFailuresPerIp: 50 };
let ipCounter = 0;
const ctx = (over: Partial<SignInContext> = {}): SignInContext => ({ ip: `10.0.0.${++ipCounter}`, policy, keyring: testKeyring, ...over });

describeEachDriver('sign-in', (db) => {
  it('signs in with the right password, records it and audits it', async () => {
    const { row } = await createUser(db(), { email: 'ops@example.com' });
    const result = await authenticate(db(), { email: ' OPS@example.com', password: TEST_PASSWORD }, ctx());
    expect(result).toMatchObject({ ok: true, user: { id: row.id } });
    if (result.ok) expect(result.user.lastSignInAt).toBeInstanceOf(Date);
    expect((await listAudit(db(), { actor: row.id, action: 'auth.sign_in' })).rows).toHaveLength(1);
  });

  it('gives the same answer for a wrong password and an unknown email', async () => {
    await createUser(db(), { email: 'known@example.com' });
    expect(await authenticate(db(), { email: 'known@example.com', password: 'wrong password here' }, ctx())).toEqual({ ok: false, code: 'INVALID_CREDENTIALS' });
    expect(await authenticate(db(), { email: 'nobody@example.com', password: 'wrong password here' }, ctx())).toEqual({ ok: false, code: 'INVALID_CREDENTIALS' });
  });

  it('throttles the sixth attempt after five failures, even with the right password, and says how long', async () => {
    await createUser(db(), { email: 'target@example.com' });
    const now = new Date('2026-11-24T10:00:00Z');
    for (let i = 0; i < 5; i++) {
      const at = new Date(now.getTime() + i * 1000);
      expect(await authenticate(db(), { email: 'target@example.com', password: `guess ${i} xxxxxxxxx` }, ctx({ now: at }))).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    }
    const sixth = await authenticate(db(), { email: 'target@example.com', password: TEST_PASSWORD }, ctx({ now: new Date(now.getTime() + 10_000) }));
    // The first failure (at +0 s) leaves the 900 s window at +900 s: 890 s from +10 s.
    expect(sixth).toEqual({ ok: false, code: 'THROTTLED', retryAfterSeconds: 890 });
    const later = await authenticate(db(), { email: 'target@example.com', password: TEST_PASSWORD }, ctx({ now: new Date(now.getTime() + 901_000) }));
    expect(later.ok).toBe(true);
  });

  it('throttles one IP trying many emails', async () => {
    const ip = '192.0.2.77';
    const now = new Date('2026-11-24T11:00:00Z');
    const small = { ...policy, maxFailuresPerIp: 3 };
    for (let i = 0; i < 3; i++) await authenticate(db(), { email: `spray${i}@example.com`, password: 'x'.repeat(14) }, ctx({ ip, policy: small, now }));
    expect(await authenticate(db(), { email: 'spray9@example.com', password: 'x'.repeat(14) }, ctx({ ip, policy: small, now }))).toMatchObject({ code: 'THROTTLED' });
  });

  it('refuses a disabled account after a right password only', async () => {
    await createUser(db(), { email: 'gone@example.com', disabledAt: new Date() });
    expect(await authenticate(db(), { email: 'gone@example.com', password: TEST_PASSWORD }, ctx())).toEqual({ ok: false, code: 'ACCOUNT_DISABLED' });
    expect(await authenticate(db(), { email: 'gone@example.com', password: 'not the password!' }, ctx())).toEqual({ ok: false, code: 'INVALID_CREDENTIALS' });
  });

  it('asks for the TOTP code, accepts it once, and refuses its replay', async () => {
    const secret = generateTotpSecret();
    const { row } = await createUser(db(), { email: 'twofa@example.com' });
    await db().update(users).set({ totpSecret: sealTotpSecret(row.id, secret, testKeyring, 'active') }).where(eq(users.id, row.id));
    const creds = { email: 'twofa@example.com', password: TEST_PASSWORD };
    expect(await authenticate(db(), creds, ctx())).toEqual({ ok: false, code: 'TOTP_REQUIRED' });
    expect(await authenticate(db(), { ...creds, totp: '000000' === totpCode(secret) ? '111111' : '000000' }, ctx())).toEqual({ ok: false, code: 'TOTP_INVALID' });
    const code = totpCode(secret);
    expect((await authenticate(db(), { ...creds, totp: code }, ctx())).ok).toBe(true);
    expect(await authenticate(db(), { ...creds, totp: code }, ctx())).toEqual({ ok: false, code: 'TOTP_INVALID' });
  });

  it('makes a user with a one-time password choose a new one, then ends older sessions', async () => {
    const { row } = await createUser(db(), { email: 'fresh@example.com', mustChangePassword: true });
    const creds = { email: 'fresh@example.com', password: TEST_PASSWORD };
    expect(await authenticate(db(), creds, ctx())).toEqual({ ok: false, code: 'PASSWORD_CHANGE_REQUIRED' });
    expect(await authenticate(db(), { ...creds, newPassword: 'short' }, ctx())).toMatchObject({ code: 'NEW_PASSWORD_INVALID', problems: ['Use at least 14 characters (this has 5).'] });
    expect(await authenticate(db(), { ...creds, newPassword: TEST_PASSWORD }, ctx())).toMatchObject({ code: 'NEW_PASSWORD_INVALID' });
    const done = await authenticate(db(), { ...creds, newPassword: 'my own new passphrase' }, ctx());
    expect(done).toMatchObject({ ok: true, user: { mustChangePassword: false, sessionVersion: row.sessionVersion + 1 } });
    expect((await authenticate(db(), { email: 'fresh@example.com', password: 'my own new passphrase' }, ctx())).ok).toBe(true);
    expect(await loadActor(db(), { uid: row.id, sv: row.sessionVersion, sat: Date.now() })).toBeNull();
  });
});

describeEachDriver('session guard', (db) => {
  it('accepts a current session and reads the role from the database', async () => {
    const { row } = await createUser(db(), { role: 'operator' });
    const actor = await loadActor(db(), { uid: row.id, sv: row.sessionVersion, sat: Date.now() });
    expect(actor).toMatchObject({ id: row.id, role: 'operator' });
    await db().update(users).set({ role: 'viewer' }).where(eq(users.id, row.id));
    expect((await loadActor(db(), { uid: row.id, sv: row.sessionVersion, sat: Date.now() }))?.role).toBe('viewer');
  });

  it('ends sessions older than 8 hours, of disabled users, and of an older session version', async () => {
    const { row } = await createUser(db());
    const claims = { uid: row.id, sv: row.sessionVersion, sat: Date.now() };
    expect(await loadActor(db(), { ...claims, sat: Date.now() - 8 * 3600_000 - 1 })).toBeNull();
    expect(await loadActor(db(), { ...claims, sv: claims.sv - 1 })).toBeNull();
    expect(await loadActor(db(), null)).toBeNull();
    await db().update(users).set({ disabledAt: new Date() }).where(eq(users.id, row.id));
    expect(await loadActor(db(), claims)).toBeNull();
  });
});
