import 'server-only';
import type { UserRow } from '@/db/schema';
import { openSecret, sealSecret, type Keyring } from '@/lib/crypto/secrets';

// The user id is part of the sealing context: a seed copied onto another user does not open.
const context = (userId: string, kind: 'active' | 'pending') => `users.totp_secret:${kind}:${userId}`;

export function sealTotpSecret(userId: string, secret: string, keyring: Keyring, kind: 'active' | 'pending'): string {
  return sealSecret(secret, keyring, context(userId, kind));
}

export function openTotpSecret(user: Pick<UserRow, 'id' | 'totpSecret'>, keyring: Keyring): string {
  if (!user.totpSecret) throw new Error('user has no second factor');
  return openSecret(user.totpSecret, keyring, context(user.id, 'active'));
}

export function openPendingTotpSecret(
  user: Pick<UserRow, 'id' | 'totpPendingSecret'>,
  keyring: Keyring,
): string | null {
  return user.totpPendingSecret ? openSecret(user.totpPendingSecret, keyring, context(user.id, 'pending')) : null;
}
