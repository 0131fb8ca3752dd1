type Headers = Record<string, string | string[] | undefined>;

/**
 * The client address for sign-in throttling, from X-Forwarded-For. Each proxy appends the
 * address it received the request from, so with N trusted proxies in front the client is the
 * N-th entry from the right; anything further left was written by the client and proves
 * nothing. Next.js itself only fills the header with the socket address when it is absent, so
 * without a proxy that sets it a client can choose the address it is throttled under (the
 * per-email limit holds regardless): deploy behind one.
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
