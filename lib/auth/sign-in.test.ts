import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { userSessions, users } from '@/db/schema';
import { listAudit } from '@/lib/audit';
import { describeEachDriver } from '@/test/db';
import { createUser, TEST_PASSWORD, testKeyring } from '@/test/factories';
import { endAllUserSessions } from '@/lib/users/service';
import { changeOwnPassword } from './account';
import { loadActor, type Actor, type SessionClaims } from './guard';
import { endOtherOwnSessions, endOwnSession, endSession, isSessionOpen, listOwnSessions } from './sessions';
import { authenticate, type SignInContext } from './sign-in';
import { generateTotpSecret, totpCode } from './totp';
import { sealTotpSecret } from './totp-store';
import { testContext } from '@/test/context';

const policy = { windowSeconds: 900, maxFailuresPerEmail: 5, maxFailuresPerIp: 50 };
let ipCounter = 0;
const ctx = (over: Partial<SignInContext> = {}): SignInContext => ({
  ip: `10.0.0.${++ipCounter}`,
  policy,
  keyring: testKeyring,
  ...over,
});

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
    expect(await authenticate(db(), { email: 'known@example.com', password: 'wrong password here' }, ctx())).toEqual({
      ok: false,
      code: 'INVALID_CREDENTIALS',
    });
    expect(await authenticate(db(), { email: 'nobody@example.com', password: 'wrong password here' }, ctx())).toEqual({
      ok: false,
      code: 'INVALID_CREDENTIALS',
    });
  });

  it('throttles the sixth attempt after five failures, even with the right password, and says how long', async () => {
    await createUser(db(), { email: 'target@example.com' });
    const now = new Date('2026-11-24T10:00:00Z');
    for (let i = 0; i < 5; i++) {
      const at = new Date(now.getTime() + i * 1000);
      expect(
        await authenticate(db(), { email: 'target@example.com', password: `guess ${i} xxxxxxxxx` }, ctx({ now: at })),
      ).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    }
    const sixth = await authenticate(
      db(),
      { email: 'target@example.com', password: TEST_PASSWORD },
      ctx({ now: new Date(now.getTime() + 10_000) }),
    );
    // The first failure (at +0 s) leaves the 900 s window at +900 s: 890 s from +10 s.
    expect(sixth).toEqual({ ok: false, code: 'THROTTLED', retryAfterSeconds: 890 });
    const later = await authenticate(
      db(),
      { email: 'target@example.com', password: TEST_PASSWORD },
      ctx({ now: new Date(now.getTime() + 901_000) }),
    );
    expect(later.ok).toBe(true);
  });

  it('throttles one IP trying many emails', async () => {
    const ip = '192.0.2.77';
    const now = new Date('2026-11-24T11:00:00Z');
    const small = { ...policy, maxFailuresPerIp: 3 };
    for (let i = 0; i < 3; i++)
      await authenticate(
        db(),
        { email: `spray${i}@example.com`, password: 'x'.repeat(14) },
        ctx({ ip, policy: small, now }),
      );
    expect(
      await authenticate(
        db(),
        { email: 'spray9@example.com', password: 'x'.repeat(14) },
        ctx({ ip, policy: small, now }),
      ),
    ).toMatchObject({ code: 'THROTTLED' });
  });

  it('refuses a disabled account after a right password only', async () => {
    await createUser(db(), { email: 'gone@example.com', disabledAt: new Date() });
    expect(await authenticate(db(), { email: 'gone@example.com', password: TEST_PASSWORD }, ctx())).toEqual({
      ok: false,
      code: 'ACCOUNT_DISABLED',
    });
    expect(await authenticate(db(), { email: 'gone@example.com', password: 'not the password!' }, ctx())).toEqual({
      ok: false,
      code: 'INVALID_CREDENTIALS',
    });
  });

  it('asks for the TOTP code, accepts it once, and refuses its replay', async () => {
    const secret = generateTotpSecret();
    const { row } = await createUser(db(), { email: 'twofa@example.com' });
    await db()
      .update(users)
      .set({ totpSecret: sealTotpSecret(row.id, secret, testKeyring, 'active') })
      .where(eq(users.id, row.id));
    const creds = { email: 'twofa@example.com', password: TEST_PASSWORD };
    expect(await authenticate(db(), creds, ctx())).toEqual({ ok: false, code: 'TOTP_REQUIRED' });
    expect(
      await authenticate(db(), { ...creds, totp: '000000' === totpCode(secret) ? '111111' : '000000' }, ctx()),
    ).toEqual({ ok: false, code: 'TOTP_INVALID' });
    const code = totpCode(secret);
    expect((await authenticate(db(), { ...creds, totp: code }, ctx())).ok).toBe(true);
    // The right code again, within its window: told it was just used, not that it is wrong.
    expect(await authenticate(db(), { ...creds, totp: code }, ctx())).toEqual({ ok: false, code: 'TOTP_REUSED' });
  });

  it('makes a user with a one-time password choose a new one, then ends older sessions', async () => {
    const { row } = await createUser(db(), { email: 'fresh@example.com', mustChangePassword: true });
    const creds = { email: 'fresh@example.com', password: TEST_PASSWORD };
    expect(await authenticate(db(), creds, ctx())).toEqual({ ok: false, code: 'PASSWORD_CHANGE_REQUIRED' });
    expect(await authenticate(db(), { ...creds, newPassword: 'short' }, ctx())).toMatchObject({
      code: 'NEW_PASSWORD_INVALID',
      problems: ['Use at least 14 characters (this has 5).'],
    });
    expect(await authenticate(db(), { ...creds, newPassword: TEST_PASSWORD }, ctx())).toMatchObject({
      code: 'NEW_PASSWORD_INVALID',
    });
    const done = await authenticate(db(), { ...creds, newPassword: 'my own new passphrase' }, ctx());
    expect(done).toMatchObject({
      ok: true,
      user: { mustChangePassword: false, sessionVersion: row.sessionVersion + 1 },
    });
    expect(
      (await authenticate(db(), { email: 'fresh@example.com', password: 'my own new passphrase' }, ctx())).ok,
    ).toBe(true);
    if (!done.ok) throw new Error('unreachable');
    expect(
      await loadActor(db(), { uid: row.id, sv: row.sessionVersion, sat: Date.now(), sid: done.sessionId }),
    ).toBeNull();
    expect(
      await loadActor(db(), { uid: row.id, sv: done.user.sessionVersion, sat: Date.now(), sid: done.sessionId }),
    ).not.toBeNull();
  });
});

describeEachDriver('session guard', (db) => {
  const as = (actor: Actor) => testContext({ db: db(), actor });

  async function signedIn(over: Parameters<typeof createUser>[1] = {}) {
    const { row } = await createUser(db(), over);
    const result = await authenticate(
      db(),
      { email: row.email, password: TEST_PASSWORD },
      ctx({ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/131.0 Safari/537.36' }),
    );
    if (!result.ok) throw new Error(`sign-in refused: ${result.code}`);
    const claims: SessionClaims = {
      uid: row.id,
      sv: result.user.sessionVersion,
      sat: Date.now(),
      sid: result.sessionId,
    };
    return { row, claims };
  }

  it('accepts a current session and reads the role from the database', async () => {
    const { row, claims } = await signedIn({ role: 'operator' });
    const actor = await loadActor(db(), claims);
    expect(actor).toMatchObject({ id: row.id, role: 'operator', sessionId: claims.sid });
    await db().update(users).set({ role: 'viewer' }).where(eq(users.id, row.id));
    expect((await loadActor(db(), claims))?.role).toBe('viewer');
  });

  it('ends sessions older than 8 hours, of disabled users, and of an older session version', async () => {
    const { row, claims } = await signedIn();
    expect(await loadActor(db(), { ...claims, sat: Date.now() - 8 * 3600_000 - 1 })).toBeNull();
    expect(await loadActor(db(), { ...claims, sv: claims.sv - 1 })).toBeNull();
    expect(await loadActor(db(), null)).toBeNull();
    await db().update(users).set({ disabledAt: new Date() }).where(eq(users.id, row.id));
    expect(await loadActor(db(), claims)).toBeNull();
  });

  it('records each sign-in as a session, and a signed-out one no longer counts however valid the token', async () => {
    const { row, claims } = await signedIn();
    const [record] = await db().select().from(userSessions).where(eq(userSessions.id, claims.sid));
    expect(record).toMatchObject({ userId: row.id, endedAt: null, userAgent: expect.stringContaining('Chrome') });
    expect(record!.ip).toMatch(/^10\.0\.0\./);
    expect(await loadActor(db(), claims)).not.toBeNull();

    expect(await endSession(db(), claims.sid, 'sign_out')).toBe(true);
    expect(await loadActor(db(), claims)).toBeNull();
    expect(await isSessionOpen(db(), claims.sid)).toBe(false);
    // A second sign-out of the same session changes nothing.
    expect(await endSession(db(), claims.sid, 'sign_out')).toBe(false);
  });

  it("refuses a token without a session id, with an unknown one, or with another user's", async () => {
    const { claims } = await signedIn();
    const other = await signedIn();
    const { sid: _sid, ...withoutSid } = claims;
    expect(await loadActor(db(), withoutSid)).toBeNull();
    expect(await loadActor(db(), { ...claims, sid: '00000000-0000-4000-8000-000000000000' })).toBeNull();
    expect(await loadActor(db(), { ...claims, sid: 'not-a-uuid' })).toBeNull();
    expect(await loadActor(db(), { ...claims, sid: other.claims.sid })).toBeNull();
  });

  it('notes activity at most once a minute per session', async () => {
    const { claims } = await signedIn();
    const seen = async () =>
      (await db().select().from(userSessions).where(eq(userSessions.id, claims.sid)))[0]!.lastSeenAt.getTime();
    const first = await seen();
    await loadActor(db(), claims, first + 30_000);
    expect(await seen()).toBe(first);
    await loadActor(db(), claims, first + 61_000);
    expect(await seen()).toBe(first + 61_000);
    await loadActor(db(), claims, first + 90_000);
    expect(await seen()).toBe(first + 61_000);
  });

  it('lists your own open sessions, this one first, and signs out the others (audited)', async () => {
    const { row, claims } = await signedIn();
    const second = await authenticate(
      db(),
      { email: row.email, password: TEST_PASSWORD },
      ctx({ userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Mobile Safari/604.1' }),
    );
    const third = await authenticate(db(), { email: row.email, password: TEST_PASSWORD }, ctx());
    if (!second.ok || !third.ok) throw new Error('sign-in refused');
    const actor = (await loadActor(db(), claims))!;
    const listed = await listOwnSessions(as(actor));
    expect(listed.map((s) => [s.id, s.current])).toEqual([
      [claims.sid, true],
      ...listed.slice(1).map((s) => [s.id, false]),
    ]);
    expect(listed.map((s) => s.id).sort()).toEqual([claims.sid, second.sessionId, third.sessionId].sort());
    expect(listed.find((s) => s.id === second.sessionId)?.device).toBe('Safari on iOS');

    // One other session, then all the others; never this one, never someone else's.
    await expect(endOwnSession(as(actor), { sessionId: claims.sid })).rejects.toThrow(/session you are using/);
    const stranger = await signedIn();
    await expect(endOwnSession(as(actor), { sessionId: stranger.claims.sid })).rejects.toThrow(
      'This session has already ended.',
    );
    expect(await loadActor(db(), stranger.claims)).not.toBeNull();
    expect(await endOwnSession(as(actor), { sessionId: second.sessionId })).toEqual({
      device: 'Safari on iOS',
    });
    expect(await isSessionOpen(db(), second.sessionId)).toBe(false);
    expect(await endOtherOwnSessions(as(actor))).toEqual({ ended: 1 });
    expect(await isSessionOpen(db(), third.sessionId)).toBe(false);
    expect(await loadActor(db(), claims)).not.toBeNull();
    expect((await listOwnSessions(as(actor))).map((s) => s.id)).toEqual([claims.sid]);
    expect((await listAudit(db(), { actor: row.id, action: 'auth.session_ended' })).rows).toHaveLength(1);
    expect(
      (await listAudit(db(), { actor: row.id, action: 'auth.other_sessions_ended' })).rows[0]?.details,
    ).toMatchObject({ ended: 1 });
  });

  it('ends every session on a password change, and an admin can end them all (audited)', async () => {
    const { row, claims } = await signedIn({ role: 'admin' });
    const { actor: admin } = await createUser(db(), { role: 'admin' });
    const target = await signedIn();
    expect(await endAllUserSessions(as(admin), { userId: target.row.id })).toMatchObject({
      ended: 1,
    });
    expect(await loadActor(db(), target.claims)).toBeNull();
    expect((await listAudit(db(), { actor: admin.id, action: 'users.end_sessions' })).rows[0]).toMatchObject({
      targetId: target.row.id,
      details: { ended: 1 },
    });
    const { actor: viewer } = await createUser(db(), { role: 'viewer' });
    await expect(endAllUserSessions(as(viewer), { userId: row.id })).rejects.toThrow(/may not manage users/);
    expect(await loadActor(db(), claims)).not.toBeNull();

    const self = (await loadActor(db(), claims))!;
    await changeOwnPassword(as(self), {
      currentPassword: TEST_PASSWORD,
      newPassword: 'another long passphrase',
    });
    const [record] = await db().select().from(userSessions).where(eq(userSessions.id, claims.sid));
    expect(record).toMatchObject({ endedReason: 'password_changed' });
    expect(record!.endedAt).toBeInstanceOf(Date);
  });
});
