import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const userRole = pgEnum('user_role', ['admin', 'operator', 'viewer']);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stored lower-cased; unique. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: userRole('role').notNull(),
    passwordHash: text('password_hash').notNull(),
    /** Set by an admin's create or reset: the next sign-in must choose a new password. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    /** Sealed TOTP seed once enrolment is confirmed; `totpPendingSecret` while enrolling. */
    totpSecret: text('totp_secret'),
    totpPendingSecret: text('totp_pending_secret'),
    /** Last accepted TOTP time step, so a code cannot be replayed. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    /** Bumped on password change or reset, disable and second-factor reset: sessions carrying an older value end. */
    sessionVersion: integer('session_version').notNull().default(1),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email), index('users_created_at_idx').on(t.createdAt)],
);

/** Every sign-in attempt; the throttle counts recent failures per email and per IP from here. */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    email: text('email').notNull(),
    ip: text('ip').notNull(),
    outcome: text('outcome', {
      // `pending`: reserved before the password is checked (lib/auth/throttle.ts), counted as a failure until settled.
      enum: ['pending', 'success', 'bad_credentials', 'bad_totp', 'disabled', 'throttled', 'second_step'],
    }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('sign_in_attempts_email_idx').on(t.email, t.createdAt),
    index('sign_in_attempts_ip_idx').on(t.ip, t.createdAt),
    index('sign_in_attempts_created_at_idx').on(t.createdAt),
  ],
);

/**
 * One row per sign-in. The session token names its row; a session whose row is ended (or
 * missing) counts as signed out on the very next request, whatever the cookie says.
 */
export const userSessions = pgTable(
  'user_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Moved on at most once a minute per session, so requests do not each write. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** When the person last re-entered their password or a TOTP code in this session (step-up, lib/auth/step-up.ts). */
    steppedUpAt: timestamp('stepped_up_at', { withTimezone: true }),
    endedReason: text('ended_reason', {
      enum: [
        'sign_out',
        'signed_out_by_self',
        'ended_by_admin',
        'password_changed',
        'password_reset',
        'second_factor_reset',
        'disabled',
      ],
    }),
  },
  (t) => [index('user_sessions_user_idx').on(t.userId, t.createdAt)],
);

export type UserRow = typeof users.$inferSelect;
export type UserSessionRow = typeof userSessions.$inferSelect;
export type SessionEndReason = NonNullable<UserSessionRow['endedReason']>;
export type NewUserRow = typeof users.$inferInsert;
