import { describe, expect, it } from 'vitest';
import { extendedCsvHeader } from '@/lib/klarna/schemas/settlements';
import { parseSettlementFile, shown, type QuarantinedLine } from './parse';

// A sale of ours in the extended format (type, fee, VAT and net stated): it imports as is.
const line = (i: number) =>
  `2026-11-02T10:00:00Z,,,tx-${i},,cap-${i},,,${100 + i},,100,1200000,0,0,0,0,EUR,,,,,,acct,P-1,SALE,101,0,${-1 + i}\r\n`;
const columns = extendedCsvHeader.trim().split(',');
/** line(i) with one cell replaced by text as written to the file (no quoting added). */
const lineWith = (i: number, column: string, raw: string) => {
  const cells = line(i).trimEnd().split(',');
  cells[columns.indexOf(column)] = raw;
  return `${cells.join(',')}\r\n`;
};

async function parse(text: string, chunkBytes = 1 << 20) {
  const quarantined: QuarantinedLine[] = [];
  let imported = 0;
  let rows = '';
  const bytes = Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunkBytes) }, (_, i) =>
    bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes),
  );
  const result = await parseSettlementFile(
    chunks,
    {
      lines: async (batch) => {
        imported += batch.count;
        rows += batch.data.toString();
      },
      quarantine: async (batch) => {
        quarantined.push(...batch);
      },
    },
    { importId: '00000000-0000-4000-8000-000000000000' },
  );
  return { quarantined, imported, result, rows };
}

describe('COPY rows', () => {
  it('escapes a backslash or a quoted line break that first shows up late in a CRLF file (the per-row check is skipped only until then)', async () => {
    const padding = Array.from({ length: 60 }, (_, i) => line(100 + i)).join('');
    // Small chunks too: a CRLF split across two chunks is not a lone CR.
    const text =
      extendedCsvHeader +
      padding +
      lineWith(1, 'merchant_reference', 'a\\b') +
      lineWith(2, 'merchant_reference', '"c\nd"');
    for (const chunkBytes of [1 << 20, 4096, 1001, 1000]) {
      const { rows, imported, quarantined } = await parse(text, chunkBytes);
      expect([chunkBytes, quarantined.length]).toEqual([chunkBytes, 0]);
      expect(imported).toBe(62);
      expect(rows).toContain('\u001fa\\\\b\u001f');
      expect(rows).toContain('\u001fc\\nd\u001f');
      expect(rows.split('\n')).toHaveLength(63);
    }
  });
});

describe('quarantine reasons', () => {
  it('names an unterminated quote as such, with the column it opens in and the line it starts on', async () => {
    const text =
      extendedCsvHeader + line(1) + line(2) + lineWith(3, 'merchant_reference', '"order 3') + line(4) + line(5);
    const { quarantined, imported } = await parse(text);
    expect(imported).toBe(2);
    expect(quarantined).toHaveLength(1);
    const [q] = quarantined;
    expect(q).toMatchObject({ lineNo: 4, column: 'merchant_reference' });
    expect(q!.reason).toMatch(
      /^merchant_reference has an unterminated quote: a value opens with " and no closing " follows, so the rest of the file \(3 more lines\) was read as this one value/,
    );
    expect(q!.reason).not.toMatch(/cells where the header has/);
  });

  it('names a stray quote inside a quoted value', async () => {
    const text = extendedCsvHeader + lineWith(1, 'merchant_reference', '"order "1" of 2"') + line(2);
    const { quarantined } = await parse(text);
    expect(quarantined[0]).toMatchObject({ lineNo: 2, column: 'merchant_reference' });
    expect(quarantined[0]!.reason).toMatch(/quote/);
  });

  it('shows control characters in a value visibly (a tab as \\t, a NUL as \\u0000)', async () => {
    // Binary data in the first 4 KB refuses the whole file; a NUL further on is one bad line.
    const padding = Array.from({ length: 60 }, (_, i) => line(100 + i)).join('');
    const text =
      extendedCsvHeader +
      padding +
      lineWith(1, 'currency', 'E\tUR') +
      lineWith(2, 'payment_transaction_id', 'tx-\u00002') +
      lineWith(3, 'captured_at', '2026-11-02\u000710:00:00Z');
    const { quarantined, imported } = await parse(text);
    expect(imported).toBe(60);
    const byColumn = Object.fromEntries(quarantined.map((q) => [q.column, q.reason]));
    expect(byColumn.currency).toBe('currency "E\\tUR" is not an ISO 4217 currency');
    expect(byColumn.payment_transaction_id).toBe(
      'payment_transaction_id holds a NUL control character (\\u0000): "tx-\\u00002"',
    );
    expect(byColumn.captured_at).toBe(
      'captured_at "2026-11-02\\u000710:00:00Z" is not a UTC timestamp like 2018-08-10T07:45:00Z',
    );
    // The raw record keeps the line as read, with the NUL (which jsonb cannot hold) as ␀.
    expect(quarantined.find((q) => q.column === 'payment_transaction_id')!.raw.payment_transaction_id).toBe(
      'tx-\u24002',
    );
  });

  it('shown() quotes, cuts at 40 characters and escapes every control character', () => {
    expect(shown('a\u0000b\tc\nd\re\u001f\u007f')).toBe('"a\\u0000b\\tc\\nd\\re\\u001f\\u007f"');
    expect(shown('x'.repeat(50))).toBe(`"${'x'.repeat(40)}…"`);
  });
});
