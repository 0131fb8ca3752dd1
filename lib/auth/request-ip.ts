type Headers = Record<string, string | string[] | undefined>;

/**
 * The client address for throttling. Next's server appends the socket address to
 * X-Forwarded-For, so without a trusted proxy in front the last entry is the real peer and
 * anything before it is client-supplied. Behind a proxy (TRUST_PROXY=true) the first entry is
 * the client the proxy saw.
 */
export function clientIp(headers: Headers, trustProxy: boolean): string {
  const raw = headers['x-forwarded-for'];
  const list = (Array.isArray(raw) ? raw.join(',') : (raw ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const ip = trustProxy ? list[0] : list.at(-1);
  return ip ?? (typeof headers['x-real-ip'] === 'string' ? headers['x-real-ip'] : 'unknown');
}
