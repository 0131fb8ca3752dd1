/**
 * An id shortened in the middle to at most `max` characters. Klarna's ids share long prefixes
 * (`krn:partner:global:account:live:…`) and differ at the end, so the end keeps the larger part.
 */
export function shortId(value: string, max = 24): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  const room = Math.max(2, max) - 1;
  const head = Math.max(1, Math.floor(room * 0.4));
  const tail = room - head;
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`;
}
