import type { Capability } from './roles';

/**
 * The capability each page needs beyond `dashboard.read`, by path prefix. The layout uses it to answer 403
 * before streaming starts (a page's own check runs after a 200 went out); page-access.test.ts keeps both in step.
 */
export const pageCapabilities: ReadonlyArray<readonly [prefix: string, capability: Capability]> = [
  ['/settings/users', 'users.manage'],
  ['/settings/audit', 'audit.read'],
  ['/settings/api-credentials', 'credentials.manage'],
  ['/developers/api-requests', 'api-log.read'],
  ['/merchants/onboard', 'merchants.onboard'],
  ['/payments/links/new', 'payments.operate'],
  ['/virtual-cards/keys', 'cards.keys'],
  ['/account', 'account.manage-own'],
];

/** The capability a page path needs (the longest matching prefix, whole segments only). */
export function capabilityForPath(pathname: string): Capability {
  const path = pathname.split(/[?#]/, 1)[0] ?? '/';
  let best: { length: number; capability: Capability } | null = null;
  for (const [prefix, capability] of pageCapabilities) {
    if ((path === prefix || path.startsWith(`${prefix}/`)) && (!best || prefix.length > best.length))
      best = { length: prefix.length, capability };
  }
  return best?.capability ?? 'dashboard.read';
}
