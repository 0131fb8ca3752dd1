import 'next-auth/jwt';

declare module 'next-auth/jwt' {
  interface JWT {
    uid?: string;
    sv?: number;
    sat?: number;
    /** The session record (`user_sessions.id`). */
    sid?: string;
  }
}
