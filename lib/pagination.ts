import { gte, lt, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';

/** Keyset pagination on a growing identity id; the cursor is opaque base64url JSON, unreadable means newest. */
const idCursorSchema = z.tuple([z.number().int().positive()]);

export function encodeIdCursor(id: number): string {
  return Buffer.from(JSON.stringify([id])).toString('base64url');
}

export function decodeIdCursor(cursor: string | undefined): number | null {
  if (!cursor) return null;
  try {
    return idCursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))[0];
  } catch {
    return null;
  }
}

/** `column DESC NULLS LAST`, as `.desc()` indexes are built; drizzle's `desc()` (NULLS FIRST) would scan and sort. */
export const descNullsLast = (column: AnyColumn): SQL => sql`${column} desc nulls last`;

/** Fetch `limit + 1` rows, then this: the page and the cursor of the next one, if any. */
export function pageOf<T>(
  rows: T[],
  limit: number,
  cursorOf: (last: T) => string,
): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}

export function utcDayRange(column: AnyColumn, from: string | undefined, to: string | undefined): SQL[] {
  const where: SQL[] = [];
  if (from) where.push(gte(column, new Date(`${from}T00:00:00Z`)));
  if (to) where.push(lt(column, new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000)));
  return where;
}
