/**
 * Where to go after signing in: a path on this origin, else '/'. Control characters and backslashes are
 * refused before parsing: browsers drop tabs and read `\` as `/`, so `/\t/evil.example` becomes `//evil…`.
 * The rest is left to URL parsing against our own origin, never to prefix checks.
 */
export function safeCallbackPath(raw: string | null | undefined, origin: string): string {
  if (!raw) return '/';
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(raw)) return '/';
  let base: URL;
  let target: URL;
  try {
    base = new URL(origin);
    target = new URL(raw, base);
  } catch {
    return '/';
  }
  if (target.origin !== base.origin) return '/';
  // `/.//evil.example` resolves to the path `//evil.example`, which a browser reads as another host.
  if (target.pathname.startsWith('//')) return '/';
  return `${target.pathname}${target.search}${target.hash}`;
}
