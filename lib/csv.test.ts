import { describe, expect, it } from 'vitest';
import { CsvScanner, csvRecords, type QuoteProblem } from '@/lib/csv';

type Scanned = { cells: string[]; lines: number; quote: QuoteProblem | null; simple: boolean };

/** Every record of bytes fed in chunks of `size` bytes (the last chunk shorter). */
function scan(bytes: Buffer, size: number): Scanned[] {
  const scanner = new CsvScanner();
  const out: Scanned[] = [];
  const take = () => {
    while (scanner.next())
      out.push({ cells: scanner.cells(), lines: scanner.lines, quote: scanner.quote, simple: scanner.simple });
  };
  for (let i = 0; i < bytes.length; i += size) {
    scanner.push(bytes.subarray(i, i + size));
    take();
  }
  scanner.finish();
  take();
  return out;
}

/** The same records whatever the chunking: every chunk size from 1 byte to the whole input. */
function scanAllWays(text: string | Buffer): Scanned[] {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const whole = scan(bytes, Math.max(1, bytes.length));
  for (let size = 1; size < bytes.length; size++) expect([size, scan(bytes, size)]).toEqual([size, whole]);
  return whole;
}

const cellsOf = (records: Scanned[]) => records.map((r) => r.cells);

describe('CsvScanner', () => {
  it('reads plain records with LF or CRLF endings, a CRLF split across chunks', () => {
    expect(cellsOf(scanAllWays('a,b,c\r\n1,,3\r\n'))).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
    ]);
    expect(cellsOf(scanAllWays('a,b\n1,2\n'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keeps a quoted line break, comma and doubled quote in one cell, across chunk boundaries, and counts the lines it spans', () => {
    const records = scanAllWays('h1,h2\r\n"x, ""y""\r\nz",2\r\nlast,"q"\r\n');
    expect(cellsOf(records)).toEqual([
      ['h1', 'h2'],
      ['x, "y"\r\nz', '2'],
      ['last', 'q'],
    ]);
    expect(records.map((r) => r.lines)).toEqual([1, 2, 1]);
    expect(records.map((r) => r.simple)).toEqual([true, false, false]);
    expect(records.every((r) => r.quote === null)).toBe(true);
  });

  it('drops a BOM, also when it arrives split across chunks, and only at the start', () => {
    expect(cellsOf(scanAllWays('\uFEFFa,b\n\uFEFFc,d\n'))).toEqual([
      ['a', 'b'],
      ['\uFEFFc', 'd'],
    ]);
    // A file that is only part of a BOM is not a BOM.
    expect(cellsOf(scanAllWays(Buffer.from([0xef, 0xbb])))).toEqual([['\uFFFD']]);
  });

  it('reads a last line without a line break, and an empty last line as the end', () => {
    expect(cellsOf(scanAllWays('a,b\r\n1,2'))).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(cellsOf(scanAllWays('a,b\r\n1,2\r\n'))).toHaveLength(2);
    // A blank line in the middle is a record of one empty cell (the parser skips it).
    expect(cellsOf(scanAllWays('a\n\nb\n'))).toEqual([['a'], [''], ['b']]);
    expect(cellsOf(scanAllWays('"x"'))).toEqual([['x']]);
  });

  it('keeps a multi-byte UTF-8 character split across chunks whole, and replaces invalid bytes with U+FFFD', () => {
    expect(cellsOf(scanAllWays('name,city\nJürgen 😀,Malmö\n'))).toEqual([
      ['name', 'city'],
      ['Jürgen 😀', 'Malmö'],
    ]);
    expect(
      cellsOf(scanAllWays(Buffer.concat([Buffer.from('a,'), Buffer.from([0xff, 0xc3]), Buffer.from('\nb,c\n')]))),
    ).toEqual([
      ['a', '\uFFFD\uFFFD'],
      ['b', 'c'],
    ]);
  });

  it('reports a stray quote and an unterminated one as papaparse did, naming the cell', () => {
    const stray = scanAllWays('a,"order "1" of 2",c\nnext,1,2\n');
    expect(stray[0]).toMatchObject({ cells: ['a', 'order "1" of 2', 'c'], quote: { code: 'InvalidQuotes', cell: 1 } });
    expect(stray[1]).toMatchObject({ cells: ['next', '1', '2'], quote: null });
    const open = scanAllWays('a,b\n1,"never closed\n3,4\n');
    expect(open).toHaveLength(2);
    expect(open[1]).toMatchObject({
      cells: ['1', 'never closed\n3,4\n'],
      quote: { code: 'MissingQuotes', cell: 1 },
      lines: 3,
    });
  });

  it('allows spaces between a closing quote and the comma, and a quote inside an unquoted cell', () => {
    expect(cellsOf(scanAllWays('"a"  ,b"c\n'))).toEqual([['a', 'b"c']]);
  });

  it('tells whether a record holds anything COPY would need escaped', () => {
    const scanner = new CsvScanner();
    scanner.push(Buffer.from('a,b\r\nc\\d,e\r\nf\u001fg\nh\ri,j\nk,l\n'));
    scanner.finish();
    const clean: boolean[] = [];
    while (scanner.next()) clean.push(scanner.clean());
    expect(clean).toEqual([true, false, false, false, true]);
  });

  it('csvRecords reads a whole text', () => {
    expect(csvRecords('x,"y,z"\n')).toEqual([['x', 'y,z']]);
  });
});
