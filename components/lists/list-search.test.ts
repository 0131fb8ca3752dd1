import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pickListSearch, readListSearch } from './list-search';

const filterSchema = z.object({
  q: z.string().max(5).optional(),
  from: z.iso.date().optional(),
  cursor: z.string().optional(),
});

describe('list search', () => {
  it('keeps the named filters and the cursor as single trimmed strings', () => {
    expect(pickListSearch({ q: [' abc ', 'x'], from: '', other: 'y', cursor: 'c1' }, ['q', 'from'])).toEqual({
      q: 'abc',
      from: undefined,
      cursor: 'c1',
    });
  });

  it('drops only the invalid filter, and leaves the cursor out of the pager filters', () => {
    const read = readListSearch({ q: 'abc', from: 'not a date', cursor: 'c1' }, ['q', 'from'], filterSchema);
    expect(read.invalid).toEqual(['from']);
    expect(read.filter).toEqual({ q: 'abc', cursor: 'c1' });
    expect(read.current).toEqual({ q: 'abc', from: 'not a date' });
    expect(readListSearch({ q: 'abc' }, ['q', 'from'], filterSchema).invalid).toEqual([]);
  });
});
