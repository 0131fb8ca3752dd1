import { isUtf8 } from 'node:buffer';
import { z } from 'zod';

/**
 * A zero-copy RFC 4180 scanner over byte chunks: cells are byte ranges of one buffer, and a
 * record without quotes skips the state machine. Quote errors match papaparse's; invalid UTF-8 becomes U+FFFD.
 */

export type QuoteProblem = { code: 'MissingQuotes' | 'InvalidQuotes'; cell: number };

export class CsvScanner {
  buf: Buffer = Buffer.alloc(0);
  /** Cells of the current record: [starts[i], ends[i]) of `buf`, i < count. */
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  count = 0;
  /** The record's raw extent in `buf` (its line break excluded). */
  start = 0;
  end = 0;
  /** Physical lines the record spans: 1 + the line feeds inside its quoted cells. */
  lines = 1;
  /** The record's first quote problem (an unterminated quote outranks a stray one). */
  quote: QuoteProblem | null = null;
  /** Whether the record held no quote: its bytes are its cells and the commas between them. */
  simple = true;

  private pos = 0;
  private final = false;
  private carry: Buffer | null = null;
  private bomChecked = false;
  /** The next quote at or after `pos` (-1: none in `buf`; -2: not looked for yet). */
  private nextQuote = -2;
  /** The next backslash, unit separator (0x1F) and CR at or after the record (as `nextQuote`). */
  private nextBackslash = -2;
  private nextUnitSeparator = -2;
  private nextCr = -2;
  /** Quoted cells of the current record holding a quote (doubled or stray), to unescape once it is complete. */
  private unescape: number[] = [];

  /** Adds the next bytes of the stream (copied: the scanner owns what it scans). */
  push(chunk: Uint8Array): void {
    this.load(chunk);
  }

  finish(): void {
    this.final = true;
    this.load(new Uint8Array(0));
  }

  private load(chunk: Uint8Array): void {
    if (!this.carry && this.pos < this.buf.length) this.carry = this.buf.subarray(this.pos);
    let buf = this.carry ? (chunk.length ? Buffer.concat([this.carry, chunk]) : this.carry) : Buffer.from(chunk);
    this.carry = null;
    if (!this.bomChecked) {
      // A BOM (EF BB BF) may itself arrive split across chunks.
      const bom = [0xef, 0xbb, 0xbf];
      let prefix = 0;
      while (prefix < 3 && prefix < buf.length && buf[prefix] === bom[prefix]) prefix++;
      if (prefix === buf.length && prefix < 3 && !this.final) {
        this.carry = buf;
        this.buf = Buffer.alloc(0);
        this.pos = 0;
        return;
      }
      this.bomChecked = true;
      if (prefix === 3) buf = buf.subarray(3);
    }
    // Checked for UTF-8 up to the last line feed, where no character can be split across chunks.
    const checkTo = this.final ? buf.length : buf.lastIndexOf(10) + 1;
    if (checkTo > 0 && !isUtf8(buf.subarray(0, checkTo))) {
      buf = Buffer.concat([Buffer.from(buf.toString('utf8', 0, checkTo)), buf.subarray(checkTo)]);
    }
    this.buf = buf;
    this.pos = 0;
    this.nextQuote = -2;
    this.nextBackslash = -2;
    this.nextUnitSeparator = -2;
    this.nextCr = -2;
  }

  /** Whether the record needs no COPY text escaping (no backslash, unit separator or CR). */
  clean(): boolean {
    const s = this.start;
    const e = this.end;
    const buf = this.buf;
    if (this.nextBackslash !== -1 && this.nextBackslash < s) this.nextBackslash = buf.indexOf(92, s);
    if (this.nextBackslash !== -1 && this.nextBackslash < e) return false;
    if (this.nextUnitSeparator !== -1 && this.nextUnitSeparator < s) this.nextUnitSeparator = buf.indexOf(31, s);
    if (this.nextUnitSeparator !== -1 && this.nextUnitSeparator < e) return false;
    if (this.nextCr !== -1 && this.nextCr < s) this.nextCr = buf.indexOf(13, s);
    return this.nextCr === -1 || this.nextCr >= e;
  }

  private cell(s: number, e: number): void {
    if (this.count === this.starts.length) {
      const starts = new Int32Array(this.count * 2);
      const ends = new Int32Array(this.count * 2);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.starts[this.count] = s;
    this.ends[this.count] = e;
    this.count++;
  }

  private needMore(from: number): false {
    this.carry = this.buf.subarray(from);
    this.pos = this.buf.length;
    return false;
  }

  next(): boolean {
    const buf = this.buf;
    const len = buf.length;
    const p = this.pos;
    if (p >= len) return false;
    this.count = 0;
    this.lines = 1;
    this.quote = null;
    this.simple = true;
    this.start = p;
    let q = this.nextQuote;
    if (q !== -1 && q < p) q = this.nextQuote = buf.indexOf(34, p);
    const lf = buf.indexOf(10, p);
    if (q === -1 || (lf !== -1 && q > lf)) {
      if (lf === -1 && !this.final) return this.needMore(p);
      let end = lf === -1 ? len : lf;
      if (end > p && buf[end - 1] === 13) end--;
      let s = p;
      for (let i = p; i < end; i++) {
        if (buf[i] === 44) {
          this.cell(s, i);
          s = i + 1;
        }
      }
      this.cell(s, end);
      this.end = end;
      this.pos = lf === -1 ? len : lf + 1;
      return true;
    }
    return this.quoted(p);
  }

  private quoted(from: number): boolean {
    const buf = this.buf;
    const len = buf.length;
    const final = this.final;
    this.simple = false;
    this.unescape.length = 0;
    let p = from;
    for (;;) {
      if (p < len && buf[p] === 34) {
        const open = p + 1;
        let q = open;
        let hasQuote = false;
        for (;;) {
          q = buf.indexOf(34, q);
          if (q === -1) {
            if (!final) return this.needMore(from);
            // Never closed: the cell is the rest of the file, as read.
            this.quote = { code: 'MissingQuotes', cell: this.count };
            this.lines += countLf(buf, open, len);
            this.cell(open, len);
            return this.done(len, len);
          }
          if (q === len - 1) {
            if (!final) return this.needMore(from);
            return this.closeLast(open, q, hasQuote, len);
          }
          if (buf[q + 1] === 34) {
            hasQuote = true;
            q += 2;
            continue;
          }
          let r = q + 1;
          while (r < len && (buf[r] === 32 || buf[r] === 9)) r++;
          if (r >= len) {
            if (!final) return this.needMore(from);
            return this.closeLast(open, q, hasQuote, len);
          }
          const c = buf[r];
          if (c === 44) {
            this.closeCell(open, q, hasQuote);
            p = r + 1;
            break;
          }
          if (c === 10 || (c === 13 && r + 1 < len && buf[r + 1] === 10)) {
            this.closeCell(open, q, hasQuote);
            return this.done(r, c === 10 ? r + 1 : r + 2);
          }
          if (c === 13 && r + 1 >= len && !final) return this.needMore(from);
          // A quote inside the quoted value that is not doubled: kept, and the cell goes on.
          if (!this.quote) this.quote = { code: 'InvalidQuotes', cell: this.count };
          hasQuote = true;
          q += 1;
        }
        continue;
      }
      let i = p;
      while (i < len) {
        const c = buf[i];
        if (c === 44 || c === 10) break;
        i++;
      }
      if (i >= len) {
        if (!final) return this.needMore(from);
        let end = len;
        if (end > p && buf[end - 1] === 13) end--;
        this.cell(p, end);
        return this.done(end, len);
      }
      if (buf[i] === 44) {
        this.cell(p, i);
        p = i + 1;
        continue;
      }
      let end = i;
      if (end > p && buf[end - 1] === 13) end--;
      this.cell(p, end);
      return this.done(end, i + 1);
    }
  }

  private closeCell(open: number, close: number, hasQuote: boolean): void {
    this.lines += countLf(this.buf, open, close);
    if (hasQuote) this.unescape.push(this.count);
    this.cell(open, close);
  }

  private closeLast(open: number, close: number, hasQuote: boolean, len: number): true {
    this.closeCell(open, close, hasQuote);
    return this.done(len, len);
  }

  private done(end: number, next: number): true {
    this.end = end;
    this.pos = next;
    // Doubled quotes become one, in place (the record is whole: it is never scanned again).
    for (const i of this.unescape) {
      const buf = this.buf;
      const e = this.ends[i]!;
      let w = this.starts[i]!;
      for (let r = w; r < e; r++) {
        const c = buf[r]!;
        buf[w++] = c;
        if (c === 34 && r + 1 < e && buf[r + 1] === 34) r++;
      }
      this.ends[i] = w;
    }
    this.unescape.length = 0;
    return true;
  }

  text(i: number): string {
    return this.buf.toString('utf8', this.starts[i], this.ends[i]);
  }

  cells(): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.text(i);
    return out;
  }
}

function countLf(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(10, from); i !== -1 && i < to; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

export function csvRecords(text: string | Uint8Array): string[][] {
  const scanner = new CsvScanner();
  scanner.push(typeof text === 'string' ? Buffer.from(text) : text);
  scanner.finish();
  const out: string[][] = [];
  while (scanner.next()) out.push(scanner.cells());
  return out;
}

/** A value as a bad-row reason shows it: quoted, cut at 40 characters, control characters made visible. */
export function shown(v: string): string {
  const cut = v.length > 40 ? `${v.slice(0, 40)}…` : v;
  return `"${cut.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}"`;
}

/** Why a record with a quote problem is quarantined: a quote never closed, or one not doubled. */
export function describeQuoteProblem(
  problem: QuoteProblem,
  cells: string[],
  columns: string[],
): { column: string | null; reason: string } {
  const at = problem.code === 'MissingQuotes' ? cells.length - 1 : problem.cell;
  const column = columns[at] || `column ${at + 1}`;
  if (problem.code === 'MissingQuotes') {
    const swallowed = countNewlines([cells[at] ?? '']);
    return {
      column,
      reason: `${column} has an unterminated quote: a value opens with " and no closing " follows, so ${swallowed > 1 ? `the rest of the file (${swallowed} more lines)` : 'the rest of the line'} was read as this one value. Close the quote, or double a quote inside a value ("")`,
    };
  }
  return { column, reason: `${column} has a stray quote: a " inside a quoted value must be doubled ("")` };
}

function countNewlines(cells: string[]): number {
  let n = 0;
  for (const c of cells) for (let i = c.indexOf('\n'); i !== -1; i = c.indexOf('\n', i + 1)) n++;
  return n;
}

/** Whether the first bytes of an upload are binary (NUL bytes never occur in a text file: a workbook or zip was picked). */
export function looksBinary(firstChunk: Uint8Array): boolean {
  return firstChunk.subarray(0, 4096).includes(0);
}

/** RFC 4180 CSV, safe in a spreadsheet: text that could run as a formula gets a leading `'` (OWASP,
 * "CSV injection"). Plain decimals stay numbers, so a SUM over net amounts counts refunds. */

const plainNumber = /^-?\d+(?:\.\d+)?$/;
const needsQuotes = /[",\r\n]/;

function formulaStart(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13;
}

export function needsFormulaGuard(text: string): boolean {
  return formulaStart(text) && !plainNumber.test(text);
}

export function csvTextCell(value: string | null | undefined): string {
  if (!value) return '';
  const text = formulaStart(value) && !plainNumber.test(value) ? `'${value}` : value;
  return needsQuotes.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvCell(value: string | number | null | undefined): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return csvTextCell(value);
}

/** The BOM Excel needs to read UTF-8 (else `Café` opens as `CafÃ©`); added on `?bom=1`. */
export const UTF8_BOM = '\uFEFF';

const bomParamSchema = z.enum(['1', 'true', 'yes']).optional().catch(undefined);

export function wantsBom(url: string | URL): boolean {
  return bomParamSchema.parse(new URL(url).searchParams.get('bom') ?? undefined) !== undefined;
}

export function csvRow(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

export async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
