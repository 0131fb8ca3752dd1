import 'server-only';
import { eq } from 'drizzle-orm';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { users } from '@/db/schema';
import { getDb } from '@/lib/db';
import { env } from '@/lib/env';
import { recordAudit } from '@/lib/audit';
import { safeCallbackPath } from './callback';
import { SESSION_MAX_AGE_SECONDS, type SessionClaims } from './guard';
import { endSession, isSessionOpen } from './sessions';
import { authenticate } from './sign-in';
import { clientIp } from './request-ip';

/** next-auth credentials (password and TOTP) with JWT sessions; a refusal never says whether the email exists. */
export function authOptions(): NextAuthOptions {
  const config = env();
  // next-auth reads its own base URL from here; APP_URL is our single setting for it.
  process.env.NEXTAUTH_URL ??= config.APP_URL;
  return {
    secret: config.AUTH_SECRET,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Email and password',
        credentials: { email: {}, password: {}, totp: {}, newPassword: {} },
        async authorize(credentials, req) {
          const result = await authenticate(
            getDb(),
            {
              email: credentials?.email ?? '',
              password: credentials?.password ?? '',
              totp: credentials?.totp || undefined,
              newPassword: credentials?.newPassword || undefined,
            },
            {
              ip: clientIp(req.headers ?? {}, config.TRUSTED_PROXY_HOPS),
              userAgent: headerValue(req.headers?.['user-agent']),
              requestId: headerValue(req.headers?.['x-request-id']),
              keyring: config.keyring,
              policy: {
                windowSeconds: config.SIGN_IN_WINDOW_SECONDS,
                maxFailuresPerEmail: config.SIGN_IN_MAX_FAILURES_PER_EMAIL,
                maxFailuresPerIp: config.SIGN_IN_MAX_FAILURES_PER_IP,
              },
            },
          );
          if (!result.ok) throw new Error(JSON.stringify(result));
          const claims: SessionClaims = {
            uid: result.user.id,
            sv: result.user.sessionVersion,
            sat: Date.now(),
            sid: result.sessionId,
          };
          return { id: result.user.id, email: result.user.email, name: result.user.name, ...claims };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user && 'sid' in user) {
          const claims = user as unknown as SessionClaims;
          token.uid = claims.uid;
          token.sv = claims.sv;
          token.sat = claims.sat;
          token.sid = claims.sid;
          return token;
        }
        // next-auth's /api/auth/session skips loadActor: an ended session must not renew there either
        // (throwing clears the cookie).
        if (!token.sid || !(await isSessionOpen(getDb(), token.sid))) throw new Error('This session has ended.');
        return token;
      },
      redirect({ url, baseUrl }) {
        return new URL(safeCallbackPath(url, baseUrl), baseUrl).toString();
      },
      session({ session, token }) {
        // The browser sees only who is signed in; role and rights are read server-side.
        session.user = { name: token.name ?? null, email: token.email ?? null };
        return session;
      },
    },
    events: {
      // Sign-out ends the session record, so the cookie (wherever a copy of it is) stops working at once.
      async signOut({ token }) {
        const uid = typeof token?.uid === 'string' ? token.uid : null;
        if (!uid) return;
        const db = getDb();
        const sid = typeof token?.sid === 'string' ? token.sid : null;
        const ended = sid ? await endSession(db, sid, 'sign_out') : false;
        const [user] = await db
          .select({ id: users.id, email: users.email, role: users.role })
          .from(users)
          .where(eq(users.id, uid));
        if (user)
          await recordAudit(db, {
            actor: user,
            action: 'auth.sign_out',
            target: { type: 'user', id: uid },
            details: { sessionId: sid, ended },
          });
      },
    },
  };
}

function headerValue(value: string | string[] | undefined): string | null {
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}
