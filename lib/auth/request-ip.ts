type Headers = Record<string, string | string[] | undefined>;

/**
 * The client address for sign-in throttling: with N trusted proxies, the N-th X-Forwarded-For entry from the
 * right; anything further left is client-written. Without a proxy setting it, a client picks its throttle
 * address (the per-email limit still holds): deploy behind one.
 */
export function clientIp(headers: Headers, trustedProxyHops: number): string {
  const raw = headers['x-forwarded-for'];
  const list = (Array.isArray(raw) ? raw.join(',') : (raw ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const ip = list.at(-Math.max(1, trustedProxyHops)) ?? list[0];
  return ip ?? 'unknown';
}
