type SearchParams = Record<string, string | string[] | undefined>;

/** A page's search params as single trimmed strings; empty ones are left out. */
export function firstValues(params: SearchParams): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, (Array.isArray(v) ? v[0] : v)?.trim() || undefined]),
  );
}

/** `?a=…&b=…` of the values that are set. */
export function queryString(values: Record<string, string | undefined>): string {
  return `?${new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => Boolean(e[1])))}`;
}

/** A dynamic route segment as text: it may arrive URL-encoded or decoded; one that does not decode is kept as is. */
export function decodeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
