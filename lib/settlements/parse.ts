import {
  columnsNeededWithout,
  inferLineType,
  kindProblem,
  netAmountOf,
  requiredSettlementColumns,
  scaledRoundHalfUp,
  settlementColumnAliases,
  settlementColumns,
  settlementLineTypes,
  type SettlementColumn,
  type SettlementLineType,
} from '@/lib/klarna/schemas/settlements';
import type { MerchantTotals, PayoutTotals } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { formatMinorUnits } from '@/lib/ui/money';
import { derivedLineColumns, settlementLineColumnOf } from './copy';
import { CsvScanner, csvRecords, describeQuoteProblem, looksBinary, shown, type QuoteProblem } from '@/lib/csv';

export { shown };

/** Reads a settlement file as a stream (GBs never sit in memory), typing or quarantining each record. */

export class SettlementFileError extends AppError {
  override name = 'SettlementFileError';
  constructor(
    override readonly code: 'empty_file' | 'not_csv' | 'missing_columns',
    message: string,
  ) {
    super('validation', code, message);
  }
}

export type SettlementHeader = {
  columns: string[];
  /** For each known column, its index in a record (-1: absent). */
  index: Record<SettlementColumn, number>;
  extras: { name: string; index: number }[];
};

export function resolveHeader(cells: string[]): SettlementHeader {
  const columns = cells.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, '') : c).trim());
  if (columns.length === 0 || columns.every((c) => c === ''))
    throw new SettlementFileError('empty_file', 'The file is empty: it has no header line.');
  const index = Object.fromEntries(settlementColumns.map((c) => [c, -1])) as Record<SettlementColumn, number>;
  const extras: SettlementHeader['extras'] = [];
  const seen = new Set<string>();
  columns.forEach((raw, i) => {
    const name = raw.toLowerCase();
    const known = (settlementColumns as readonly string[]).includes(name)
      ? (name as SettlementColumn)
      : settlementColumnAliases[name];
    if (known && index[known] === -1) index[known] = i;
    else if (raw !== '' && !seen.has(raw)) extras.push({ name: raw, index: i });
    seen.add(raw);
  });
  const missing = requiredSettlementColumns.filter((c) => index[c] === -1);
  if (missing.length === requiredSettlementColumns.length && columns.length < 3) {
    throw new SettlementFileError(
      'not_csv',
      'This is not a settlement CSV file: its first line is not a comma-separated list of column names such as captured_at, payment_transaction_id, amount.',
    );
  }
  if (missing.length) {
    throw new SettlementFileError(
      'missing_columns',
      `The file has no ${missing.map((c) => `"${c}"`).join(', ')} column${missing.length > 1 ? 's' : ''}; a settlement file needs ${requiredSettlementColumns.join(', ')}.`,
    );
  }
  // Our optional columns may be absent; what stands in for each must then be there.
  const why = {
    type: "tell each line's kind",
    fee_amount: "compute each line's fee",
    tax_amount: 'compute the VAT on each fee',
  } as const;
  for (const [ours, needed] of Object.entries(columnsNeededWithout) as [
    keyof typeof columnsNeededWithout,
    readonly SettlementColumn[],
  ][]) {
    if (index[ours] !== -1) continue;
    const absent = needed.filter((c) => index[c] === -1);
    if (absent.length) {
      throw new SettlementFileError(
        'missing_columns',
        `The file has no ${absent.map((c) => `"${c}"`).join(', ')} column${absent.length > 1 ? 's' : ''}; without a "${ours}" column it needs ${needed.join(' and ')} to ${why[ours]}.`,
      );
    }
  }
  return { columns, index, extras };
}

export type QuarantinedLine = { lineNo: number; column: string | null; reason: string; raw: Record<string, string> };

class LineError extends Error {
  constructor(
    readonly column: string,
    reason: string,
  ) {
    super(reason);
  }
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const currencies = new Set<string>(Intl.supportedValuesOf('currency'));
const lineTypes = new Set<string>(settlementLineTypes);

/** COPY text format, unit separator (0x1F) as delimiter and '' as NULL: an empty cell means none in every column. */
export const COPY_DELIMITER = '\u001f';
const NULL = '';

const isSpace = (c: number) => c === 32 || c === 9;
const trimmed = (v: string) =>
  v.length && (isSpace(v.charCodeAt(0)) || isSpace(v.charCodeAt(v.length - 1))) ? v.trim() : v;

/** `^-?\d{1,15}$` without a regex (it runs eleven million times on a large file). */
function isInteger(v: string): boolean {
  const n = v.length;
  let i = n > 0 && v.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n || n - i > 15) return false;
  for (; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const digits = (v: string, from: number, count: number) => {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
};
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const realDate = (y: number, mo: number, d: number, h: number, mi: number, s: number) =>
  mo >= 1 &&
  mo <= 12 &&
  d >= 1 &&
  d <= DAYS_IN_MONTH[mo - 1]! &&
  !(mo === 2 && d === 29 && !leap(y)) &&
  h <= 23 &&
  mi <= 59 &&
  s <= 59;

/** A timestamp as Postgres takes it, or a LineError; the common UTC shape is checked by character. */
/** The instant of the last timestamp `timestampOf` checked, in ms since the epoch. */
let lastInstant = 0;

function timestampOf(column: string, v: string, instant = false): string {
  const n = v.length;
  if (
    (n === 20 || n === 24) &&
    v.charCodeAt(4) === 45 &&
    v.charCodeAt(7) === 45 &&
    v.charCodeAt(10) === 84 &&
    v.charCodeAt(13) === 58 &&
    v.charCodeAt(16) === 58 &&
    v.charCodeAt(n - 1) === 90
  ) {
    const y = digits(v, 0, 4);
    const mo = digits(v, 5, 2);
    const d = digits(v, 8, 2);
    const h = digits(v, 11, 2);
    const mi = digits(v, 14, 2);
    const s = digits(v, 17, 2);
    const fraction = n === 20 || (v.charCodeAt(19) === 46 && digits(v, 20, 3) >= 0);
    if (y >= 0 && mo >= 0 && d >= 0 && h >= 0 && mi >= 0 && s >= 0 && fraction) {
      if (!realDate(y, mo, d, h, mi, s)) throw new LineError(column, `${shown(v)} is not a real date and time`);
      if (instant) lastInstant = Date.UTC(y, mo - 1, d, h, mi, s, n === 24 ? digits(v, 20, 3) : 0);
      return v;
    }
  }
  const m = TIMESTAMP.exec(v);
  if (!m) throw new LineError(column, `${shown(v)} is not a UTC timestamp like 2018-08-10T07:45:00Z`);
  if (!realDate(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)))
    throw new LineError(column, `${shown(v)} is not a real date and time`);
  const iso = m[7] === undefined ? `${v}Z` : v;
  if (instant) lastInstant = Date.parse(iso.replace(' ', 'T'));
  return iso;
}

/** Checks one record and writes it as a COPY row, or throws a LineError naming the column; a SALE without fee
 * or rate is quarantined, never read as fee 0 (docs/klarna-decisions.md "Settlement file"). */
export type { PayoutTotals };

type Running = Omit<PayoutTotals, 'currency' | 'periodStart' | 'periodEnd'> & {
  lo: number;
  hi: number;
  currencies: Map<string, number>;
};

/** COPY text rows being written, as bytes (cells escaped: backslash, line feed, CR and the delimiter). */
export class RowWriter {
  buf = Buffer.allocUnsafe(1 << 22);
  pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  take(): Buffer {
    const rows = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.pos = 0;
    return rows;
  }

  /** Bytes [s, e) of src as one value, escaped, then `end` (the delimiter or a line feed). */
  range(src: Buffer, s: number, e: number, end: number): void {
    this.room((e - s) * 4 + 1);
    const o = this.buf;
    let w = this.pos;
    for (let i = s; i < e; i++) {
      const c = src[i]!;
      if (c > 31 && c !== 92) o[w++] = c;
      else if (c === 92) {
        o[w++] = 92;
        o[w++] = 92;
      } else if (c === 10) {
        o[w++] = 92;
        o[w++] = 110;
      } else if (c === 13) {
        o[w++] = 92;
        o[w++] = 114;
      } else if (c === 31) {
        o[w++] = 92;
        o[w++] = 120;
        o[w++] = 49;
        o[w++] = 102;
      } else o[w++] = c;
    }
    o[w++] = end;
    this.pos = w;
  }

  /** A whole record needing no escaping, its commas made delimiters (`cellEnds`), then a delimiter. */
  rawLine(src: Buffer, s: number, e: number, cellEnds: Int32Array, count: number): void {
    this.room(e - s + 1);
    const o = this.buf;
    const w = this.pos;
    src.copy(o, w, s, e);
    for (let i = 0; i < count - 1; i++) o[w + cellEnds[i]! - s] = DELIM;
    o[w + e - s] = DELIM;
    this.pos = w + e - s + 1;
  }

  bytes(b: Buffer): void {
    this.room(b.length);
    const o = this.buf;
    let w = this.pos;
    for (let i = 0; i < b.length; i++) o[w++] = b[i]!;
    this.pos = w;
  }

  natural(n: number, end: number): void {
    this.room(17);
    const o = this.buf;
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
    let w = this.pos + digits;
    this.pos = w + 1;
    o[w] = end;
    for (let m = n; digits > 0; digits--) {
      o[--w] = 48 + (m % 10);
      m = Math.floor(m / 10);
    }
  }

  ascii(v: string, end: number): void {
    this.room(v.length + 1);
    const o = this.buf;
    let w = this.pos;
    for (let i = 0; i < v.length; i++) o[w++] = v.charCodeAt(i);
    o[w++] = end;
    this.pos = w;
  }

  text(v: string, end: number): void {
    const bytes = Buffer.from(v);
    this.range(bytes, 0, bytes.length, end);
  }
}

const TAB = 9;
const SPACE = 32;
const DELIM = 31;
const LF = 10;

/** A row value: a byte range (`s` ≥ 0), a text (-1) or NULL (-2); reused per column: no allocation per line. */
class Value {
  s = -2;
  e = 0;
  str = '';
  setRange(s: number, e: number): void {
    this.s = s;
    this.e = e;
  }
  setText(v: string): void {
    this.s = -1;
    this.str = v;
  }
  setAscii(v: string): void {
    this.s = -3;
    this.str = v;
  }
  setNull(): void {
    this.s = -2;
  }
  get has(): boolean {
    return this.s !== -2;
  }
  write(w: RowWriter, buf: Buffer, end: number): void {
    if (this.s >= 0) w.range(buf, this.s, this.e, end);
    else if (this.s === -3) w.ascii(this.str, end);
    else if (this.s === -1) w.text(this.str, end);
    else w.ascii(NULL, end);
  }
}

/** FNV-1a over bytes and text, then murmur3's finaliser (SeenFilter's hash). */
const fnvBytes = (h: number, buf: Buffer, s: number, e: number) => {
  for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h;
};
const fnvText = (h: number, v: string) => {
  for (let i = 0; i < v.length; i++) h = Math.imul(h ^ v.charCodeAt(i), 0x01000193);
  return h;
};
const fnvValue = (h: number, v: Value, buf: Buffer) =>
  v.s >= 0 ? fnvBytes(h, buf, v.s, v.e) : v.s === -2 ? h : fnvText(h, v.str);

export type RowEncoder = {
  /** Checks the scanner's current record and writes its row into `out`, or throws a LineError (nothing written). */
  encode(record: CsvScanner, lineNo: number, out: RowWriter): void;
  totals(): PayoutTotals[];
  accounts: Set<string>;
  merchantTotals(): MerchantTotals[];
};

/** A 16 MB blocked Bloom filter of the keys seen (one cache miss per key): wrong about one line in 10^5,
 * and reconciliation checks every flagged line, so a false alarm never makes a wrong verdict. */
class SeenFilter {
  private readonly words = new Uint32Array(1 << 22);

  start(kind: number): number {
    return (0x811c9dc5 ^ kind) >>> 0;
  }

  addAndCheck(h: number): boolean {
    let h2 = h ^ (h >>> 16);
    h2 = Math.imul(h2, 0x85ebca6b);
    h2 ^= h2 >>> 13;
    h2 = Math.imul(h2, 0xc2b2ae35);
    h2 ^= h2 >>> 16;
    const block = (h >>> 14) << 4;
    let seen = true;
    for (let k = 0; k < 27; k += 9) {
      const bit = (h2 >>> k) & 511;
      const word = block + (bit >>> 5);
      const mask = 1 << (bit & 31);
      if (!(this.words[word]! & mask)) {
        seen = false;
        this.words[word]! |= mask;
      }
    }
    return seen;
  }
}

const code3 = (a: number, b: number, c: number) => (a << 16) | (b << 8) | c;
const currencyByCode = new Map<number, string>(
  [...currencies]
    .filter((c) => /^[A-Z]{3}$/.test(c))
    .map((c) => [code3(c.charCodeAt(0), c.charCodeAt(1), c.charCodeAt(2)), c]),
);

/** The last value of a column, as bytes, to compare the next line's with (no allocation per line). */
class LastBytes {
  bytes = Buffer.alloc(64);
  length = -1;
  same(a: Buffer, s: number, e: number): boolean {
    const n = e - s;
    if (n !== this.length) return false;
    const b = this.bytes;
    for (let i = 0; i < n; i++) if (a[s + i] !== b[i]) return false;
    return true;
  }
  set(a: Buffer, s: number, e: number): void {
    const n = e - s;
    if (n > this.bytes.length) this.bytes = Buffer.alloc(n * 2);
    for (let i = 0; i < n; i++) this.bytes[i] = a[s + i]!;
    this.length = n;
  }
}

function columnOrder(header: SettlementHeader): { inFile: SettlementColumn[]; absent: SettlementColumn[] } {
  const ix = header.index;
  return {
    inFile: settlementColumns.filter((c) => ix[c] >= 0).sort((a, b) => ix[a] - ix[b]),
    absent: settlementColumns.filter((c) => ix[c] < 0),
  };
}

/** `settlement_lines` columns in row order: the file's known columns as it has them, the rest, then derived ones. */
export function copyColumnsOf(header: SettlementHeader): string[] {
  const { inFile, absent } = columnOrder(header);
  return [
    ...inFile.map((c) => settlementLineColumnOf[c]),
    ...absent.map((c) => settlementLineColumnOf[c]),
    ...derivedLineColumns,
  ];
}

export function rowEncoder(header: SettlementHeader, importId: string): RowEncoder {
  const ix = header.index;
  const extras = header.extras;
  const importIdBytes = Buffer.from(importId + COPY_DELIMITER);
  let rec: CsvScanner = null as unknown as CsvScanner;
  let buf: Buffer = Buffer.alloc(0);

  /** `cell(i)` as text: trimmed (spaces and tabs at either end: `trim()`), '' when absent. */
  const cellText = (i: number): string => (i < 0 || i >= rec.count ? '' : trimmed(rec.text(i)));
  /** Whether cell i is plain: no space or tab at either end (its bytes are the trimmed value). */
  const plain = (s: number, e: number) => {
    const a = buf[s];
    const z = buf[e - 1];
    return a !== SPACE && a !== TAB && z !== SPACE && z !== TAB;
  };
  const trimmedInto = (i: number, v: Value): boolean => {
    if (i < 0) {
      v.setNull();
      return false;
    }
    const s = rec.starts[i]!;
    const e = rec.ends[i]!;
    if (s === e) {
      v.setNull();
      return false;
    }
    if (plain(s, e)) {
      v.setRange(s, e);
      return true;
    }
    const t = trimmed(rec.text(i));
    if (t) v.setText(t);
    else v.setNull();
    return t !== '';
  };
  const requiredInto = (c: SettlementColumn, v: Value): void => {
    if (!trimmedInto(ix[c], v)) throw new LineError(c, 'is empty');
  };
  const rawInto = (i: number, v: Value): void => {
    if (i < 0 || rec.starts[i] === rec.ends[i]) v.setNull();
    else v.setRange(rec.starts[i]!, rec.ends[i]!);
  };
  /** Whether a cell is non-empty once trimmed (what `inferLineType` asks of an identifier). */
  const filled = (i: number): boolean => {
    if (i < 0) return false;
    const s = rec.starts[i]!;
    const e = rec.ends[i]!;
    if (s === e) return false;
    return plain(s, e) || cellText(i) !== '';
  };

  /** Minor units into v (0 when empty): `^-?\d{1,15}$` on the bytes, anything else checked as text. */
  const integerInto = (c: SettlementColumn, v: Value): number => {
    const i = ix[c];
    if (i < 0) {
      v.setNull();
      return 0;
    }
    const s = rec.starts[i]!;
    const e = rec.ends[i]!;
    if (s === e) {
      v.setNull();
      return 0;
    }
    const neg = buf[s] === 45;
    let j = neg ? s + 1 : s;
    if (j < e && e - j <= 15) {
      let n = 0;
      for (; j < e; j++) {
        const d = buf[j]! - 48;
        if (d < 0 || d > 9) break;
        n = n * 10 + d;
      }
      if (j === e) {
        v.setRange(s, e);
        return neg ? -n : n;
      }
    }
    const t = cellText(i);
    if (!t) {
      v.setNull();
      return 0;
    }
    if (!isInteger(t))
      throw new LineError(
        c,
        /^-?\d+$/.test(t) ? `${shown(t)} is too large` : `${shown(t)} is not a whole number of minor units`,
      );
    v.setText(t);
    return Number(t);
  };

  // Neighbouring lines mostly repeat a timestamp (created_at = captured_at, a transaction's
  // created_at on each of its lines): the last value checked per column is not checked again.
  type Last = { raw: LastBytes; text: string | null; instant: number };
  const lastTimestamp: Partial<Record<SettlementColumn, Last>> = {};
  const lastOf = (c: SettlementColumn): Last => (lastTimestamp[c] ??= { raw: new LastBytes(), text: null, instant: 0 });
  let instant = 0;
  /** A timestamp into v (none when empty and not needed); sets `instant` for captured_at. */
  const timestampInto = (c: SettlementColumn, need: boolean, v: Value): void => {
    if (need) requiredInto(c, v);
    else if (!trimmedInto(ix[c], v)) return;
    const isCaptured = c === 'captured_at';
    if (v.s >= 0) {
      const s = v.s;
      const e = v.e;
      if (!isCaptured && capturedAt.s >= 0 && capturedAt.e - capturedAt.s === e - s) {
        let k = 0;
        while (k < e - s && buf[s + k] === buf[capturedAt.s + k]) k++;
        if (k === e - s) return;
      }
      const last = lastOf(c);
      if (last.raw.same(buf, s, e)) {
        if (last.text !== null) v.setText(last.text);
        if (isCaptured) instant = last.instant;
        return;
      }
      const n = e - s;
      if (
        (n === 20 || n === 24) &&
        buf[s + 4] === 45 &&
        buf[s + 7] === 45 &&
        buf[s + 10] === 84 &&
        buf[s + 13] === 58 &&
        buf[s + 16] === 58 &&
        buf[s + n - 1] === 90
      ) {
        const y = digitsAt(buf, s, 4);
        const mo = digitsAt(buf, s + 5, 2);
        const d = digitsAt(buf, s + 8, 2);
        const h = digitsAt(buf, s + 11, 2);
        const mi = digitsAt(buf, s + 14, 2);
        const sec = digitsAt(buf, s + 17, 2);
        const ms = n === 24 && buf[s + 19] === 46 ? digitsAt(buf, s + 20, 3) : n === 20 ? 0 : -1;
        if (y >= 0 && mo >= 0 && d >= 0 && h >= 0 && mi >= 0 && sec >= 0 && ms >= 0 && realDate(y, mo, d, h, mi, sec)) {
          const at = isCaptured ? Date.UTC(y, mo - 1, d, h, mi, sec, ms) : 0;
          if (isCaptured) instant = at;
          last.raw.set(buf, s, e);
          last.text = null;
          last.instant = at;
          return;
        }
      }
    }
    const raw = v.s >= 0 ? buf.toString('utf8', v.s, v.e) : v.str;
    const value = timestampOf(c, raw, isCaptured);
    if (isCaptured) instant = lastInstant;
    if (v.s >= 0) {
      const last = lastOf(c);
      last.raw.set(buf, v.s, v.e);
      last.text = value === raw ? null : value;
      last.instant = lastInstant;
    }
    if (value !== raw || v.s < 0) v.setText(value);
  };

  const seen = new SeenFilter();
  const accounts = new Set<string>();
  const lastAccount = new LastBytes();
  const running = new Map<string, Running>();
  const merchants = new Map<string, MerchantTotals>();
  let lastMerchant: MerchantTotals | null = null;
  let lastAccountName = '';
  let lastRunning: Running | null = null;
  const lastSettlement = new LastBytes();

  const amount = new Value();
  const discount = new Value();
  const penalty = new Value();
  const currency = new Value();
  const rateFixed = new Value();
  const rateVariable = new Value();
  const taxRateFixed = new Value();
  const taxRateVariable = new Value();
  const fee = new Value();
  const tax = new Value();
  const net = new Value();
  const capture = new Value();
  const refund = new Value();
  const dispute = new Value();
  const settlementId = new Value();
  const transactionId = new Value();
  const account = new Value();
  const capturedAt = new Value();
  const createdAt = new Value();
  const transactionCreatedAt = new Value();
  const pricePlan = new Value();
  const klarnaReference = new Value();
  const merchantReference = new Value();
  const transactionReference = new Value();
  const optionCategory = new Value();
  const captureReference = new Value();
  const refundReference = new Value();
  const typeValue = new Value();
  const valueOf: Record<SettlementColumn, Value> = {
    captured_at: capturedAt,
    created_at: createdAt,
    payment_transaction_created_at: transactionCreatedAt,
    payment_transaction_id: transactionId,
    klarna_reference: klarnaReference,
    payment_capture_id: capture,
    merchant_reference: merchantReference,
    payment_transaction_reference: transactionReference,
    amount,
    'payment_pricing_details.price_plan_id': pricePlan,
    'payment_pricing.rate.fixed': rateFixed,
    'payment_pricing.rate.variable': rateVariable,
    'payment_pricing.rate.tax.variable': taxRateVariable,
    'payment_pricing.rate.tax.fixed': taxRateFixed,
    discount_amount: discount,
    penalty_amount: penalty,
    currency,
    payment_refund_id: refund,
    payment_option_category: optionCategory,
    capture_reference: captureReference,
    refund_reference: refundReference,
    dispute_id: dispute,
    account_id: account,
    settlement_id: settlementId,
    type: typeValue,
    fee_amount: fee,
    tax_amount: tax,
    net_amount: net,
  };
  // Rows in copyColumnsOf's order. When every cell of the file is a known column's, a line
  // whose values are its cells as they stand (the usual line) is copied whole.
  const order = columnOrder(header);
  const inFileValues = order.inFile.map((c) => valueOf[c]);
  const inFileCells = Int32Array.from(order.inFile.map((c) => ix[c]));
  const absentValues = order.absent.map((c) => valueOf[c]);
  const wholeLines = order.inFile.length === header.columns.length;

  const encode = (record: CsvScanner, lineNo: number, out: RowWriter): void => {
    rec = record;
    buf = record.buf;
    const amountN = integerInto('amount', amount);
    if (!amount.has) throw new LineError('amount', 'is empty');
    const discountN = integerInto('discount_amount', discount);
    const penaltyN = integerInto('penalty_amount', penalty);
    if (!discount.has) discount.setAscii('0');
    if (!penalty.has) penalty.setAscii('0');
    const typeRaw = ix.type >= 0 ? rec.text(ix.type) : '';
    let type = trimmed(typeRaw);
    if (!type) {
      // No type column (the seed's 24), or an empty cell: the kind from the identifiers filled.
      const refundFilled = filled(ix.payment_refund_id);
      const disputeFilled = !refundFilled && filled(ix.dispute_id);
      const captureFilled = !refundFilled && !disputeFilled && filled(ix.payment_capture_id);
      const inferred = inferLineType({
        captureId: captureFilled ? 'x' : '',
        refundId: refundFilled ? 'x' : '',
        disputeId: disputeFilled ? 'x' : '',
        amount: amountN,
        discount: discountN,
        penalty: penaltyN,
      });
      if (!inferred)
        throw new LineError(
          ix.type >= 0 ? 'type' : 'payment_capture_id',
          kindProblem({ discount: discountN, penalty: penaltyN }),
        );
      type = inferred;
    } else if (!lineTypes.has(type)) {
      type = type.toUpperCase();
      if (!lineTypes.has(type))
        throw new LineError('type', `${shown(type)} is not a line type (${settlementLineTypes.join(', ')})`);
    }
    if (type === typeRaw) typeValue.setRange(rec.starts[ix.type]!, rec.ends[ix.type]!);
    else typeValue.setAscii(type);
    requiredInto('currency', currency);
    let currencyText: string | undefined;
    if (currency.s >= 0 && currency.e - currency.s === 3)
      currencyText = currencyByCode.get(code3(buf[currency.s]!, buf[currency.s + 1]!, buf[currency.s + 2]!));
    if (currencyText === undefined) {
      currencyText = currency.s >= 0 ? buf.toString('utf8', currency.s, currency.e) : currency.str;
      if (!currencies.has(currencyText)) {
        currencyText = currencyText.toUpperCase();
        if (!currencies.has(currencyText))
          throw new LineError('currency', `${shown(currencyText)} is not an ISO 4217 currency`);
      }
      currency.setText(currencyText);
    }
    const rateFixedN = integerInto('payment_pricing.rate.fixed', rateFixed);
    const rateVariableN = integerInto('payment_pricing.rate.variable', rateVariable);
    const taxRateFixedN = integerInto('payment_pricing.rate.tax.fixed', taxRateFixed);
    const taxRateVariableN = integerInto('payment_pricing.rate.tax.variable', taxRateVariable);
    // The fee and its VAT as the file states them, or else computed from the line's rate
    // (docs/klarna-decisions.md "Settlement file"); never a missing column read as 0.
    let feeN = integerInto('fee_amount', fee);
    if (!fee.has) {
      const absolute = Math.abs(amountN);
      if (type === 'FEE') feeN = absolute;
      else if (type === 'SALE') {
        if (!rateFixed.has || !rateVariable.has) {
          throw new LineError(
            !rateFixed.has ? 'payment_pricing.rate.fixed' : 'payment_pricing.rate.variable',
            'is empty, and the line states no fee_amount: the fee of this sale cannot be known',
          );
        }
        feeN = rateFixedN + scaledRoundHalfUp(absolute, rateVariableN);
      } else feeN = 0; // A dispute's fee only as stated: its rate columns are the sale's, not a dispute fee.
      fee.setAscii(String(feeN));
    }
    let taxN = integerInto('tax_amount', tax);
    // VAT only on a fee charged: a fixed VAT amount on a line without a fee would be nonsense.
    if (!tax.has) {
      taxN = feeN === 0 ? 0 : (taxRateFixedN || 0) + scaledRoundHalfUp(Math.abs(feeN), taxRateVariableN || 0);
      tax.setAscii(String(taxN));
    }
    const addsUpTo = netAmountOf({
      type: type as SettlementLineType,
      amount: Math.abs(amountN),
      fee_amount: feeN,
      tax_amount: taxN,
      discount_amount: discountN,
      penalty_amount: penaltyN,
    });
    const netN = integerInto('net_amount', net);
    if (!net.has) net.setAscii(String(addsUpTo));
    else if (netN !== addsUpTo) {
      // A stated net is checked, not trusted: a payout total built on it would be wrong.
      throw new LineError(
        'net_amount',
        `is ${formatMinorUnits(netN, currencyText)}, but the line's amount, fee, VAT and adjustments add up to ${formatMinorUnits(addsUpTo, currencyText)}`,
      );
    }
    rawInto(ix.payment_capture_id, capture);
    rawInto(ix.payment_refund_id, refund);
    rawInto(ix.dispute_id, dispute);
    requiredInto('settlement_id', settlementId);
    requiredInto('payment_transaction_id', transactionId);
    rawInto(ix.account_id, account);
    let accountChanged = false;
    if (account.s >= 0 && !lastAccount.same(buf, account.s, account.e)) {
      lastAccount.set(buf, account.s, account.e);
      const name = buf.toString('utf8', account.s, account.e);
      if (!accounts.has(name)) accounts.add(name);
      lastAccountName = name;
      accountChanged = true;
    }
    timestampInto('captured_at', true, capturedAt);
    const capturedInstant = instant;
    timestampInto('created_at', false, createdAt);
    timestampInto('payment_transaction_created_at', false, transactionCreatedAt);
    let extra: Record<string, string> | null = null;
    for (const x of extras) {
      if (x.index < rec.count && rec.starts[x.index] !== rec.ends[x.index]) (extra ??= {})[x.name] = rec.text(x.index);
    }
    const operation =
      type === 'SALE' || type === 'FEE' ? capture : type === 'RETURN' ? refund : type === 'DISPUTE' ? dispute : null;
    // Provisional: reconciliation corrects what does not match, and checks only lines the filter flags.
    let h = seen.start(type.charCodeAt(0) + type.length * 256);
    if (operation?.has) h = fnvValue(h, operation, buf);
    else {
      h = fnvValue(h, transactionId, buf);
      h = Math.imul(h ^ 124, 0x01000193);
      h = fnvValue(h, capturedAt, buf);
      h = Math.imul(h ^ 124, 0x01000193);
      h = fnvValue(h, amount, buf);
      h = Math.imul(h ^ 124, 0x01000193);
      h = fnvValue(h, discount, buf);
      h = Math.imul(h ^ 124, 0x01000193);
      h = fnvValue(h, penalty, buf);
    }
    const verdict = seen.addAndCheck(h)
      ? 'duplicate'
      : type === 'DISCOUNT' || type === 'PENALTY' || type === 'DISPUTE'
        ? 'adjustment'
        : 'matched';
    const previousRunning = lastRunning;
    let t: Running | undefined;
    if (lastRunning !== null && settlementId.s >= 0 && lastSettlement.same(buf, settlementId.s, settlementId.e))
      t = lastRunning;
    else {
      const id = settlementId.s >= 0 ? buf.toString('utf8', settlementId.s, settlementId.e) : settlementId.str;
      t = running.get(id);
      if (!t) {
        t = {
          settlementId: id,
          lineCount: 0,
          grossSales: 0,
          refunds: 0,
          fees: 0,
          tax: 0,
          discounts: 0,
          penalties: 0,
          disputes: 0,
          net: 0,
          lo: capturedInstant,
          hi: capturedInstant,
          currencies: new Map(),
        };
        running.set(id, t);
      }
      if (settlementId.s >= 0) lastSettlement.set(buf, settlementId.s, settlementId.e);
      else lastSettlement.length = -1;
    }
    const abs = Math.abs(amountN);
    t.lineCount++;
    if (type === 'SALE') t.grossSales += abs;
    else if (type === 'RETURN') t.refunds += abs;
    else if (type === 'DISPUTE') t.disputes += abs;
    t.fees += feeN;
    t.tax += taxN;
    t.discounts += discountN;
    t.penalties += penaltyN;
    t.net += addsUpTo; // the stated net, when there is one, is this (checked above)
    if (capturedInstant < t.lo) t.lo = capturedInstant;
    if (capturedInstant > t.hi) t.hi = capturedInstant;
    t.currencies.set(currencyText, (t.currencies.get(currencyText) ?? 0) + 1);
    lastRunning = t;
    // Per merchant: looked up only when the payout, account or currency differs from the line before.
    if (account.s >= 0) {
      let m = lastMerchant;
      if (m === null || accountChanged || t !== previousRunning || m.currency !== currencyText) {
        const key = `${t.settlementId}\n${lastAccountName}\n${currencyText}`;
        m = merchants.get(key) ?? null;
        if (m === null) {
          m = {
            settlementId: t.settlementId,
            accountId: lastAccountName,
            currency: currencyText,
            lineCount: 0,
            captured: 0,
            fees: 0,
          };
          merchants.set(key, m);
        }
        lastMerchant = m;
      }
      m.lineCount++;
      if (type === 'SALE') m.captured += amountN;
      m.fees += feeN + taxN;
    }

    rawInto(ix['payment_pricing_details.price_plan_id'], pricePlan);
    rawInto(ix.klarna_reference, klarnaReference);
    rawInto(ix.merchant_reference, merchantReference);
    rawInto(ix.payment_transaction_reference, transactionReference);
    rawInto(ix.payment_option_category, optionCategory);
    rawInto(ix.capture_reference, captureReference);
    rawInto(ix.refund_reference, refundReference);
    let asIs = wholeLines && rec.simple && rec.clean();
    for (let k = 0; asIs && k < inFileValues.length; k++) {
      const v = inFileValues[k]!;
      const s = rec.starts[inFileCells[k]!]!;
      const e = rec.ends[inFileCells[k]!]!;
      asIs = v.s >= 0 ? v.s === s && v.e === e : v.s === -2 && s === e;
    }
    if (asIs) out.rawLine(buf, rec.start, rec.end, rec.ends, rec.count);
    else for (const v of inFileValues) v.write(out, buf, DELIM);
    for (const v of absentValues) v.write(out, buf, DELIM);
    out.bytes(importIdBytes);
    out.natural(lineNo, DELIM);
    if (operation) operation.write(out, buf, DELIM);
    else out.ascii(NULL, DELIM);
    if (extra) out.text(JSON.stringify(extra), DELIM);
    else out.ascii(NULL, DELIM);
    out.ascii(verdict, LF);
  };
  return {
    encode,
    accounts,
    merchantTotals: () => [...merchants.values()],
    totals: () =>
      [...running.values()].map(({ lo, hi, currencies: counts, ...sums }) => ({
        ...sums,
        currency: [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0],
        periodStart: new Date(lo).toISOString(),
        periodEnd: new Date(hi).toISOString(),
      })),
  };
}

function digitsAt(buf: Buffer, s: number, count: number): number {
  let n = 0;
  for (let i = s; i < s + count; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** A quarantined record's cells by column (a NUL as ␀: jsonb cannot hold U+0000). */
function rawOf(cells: string[], header: SettlementHeader): Record<string, string> {
  const raw: Record<string, string> = {};
  cells.forEach((v, i) => {
    raw[header.columns[i] || `column ${i + 1}`] = v.includes('\u0000') ? v.replaceAll('\u0000', '\u2400') : v;
  });
  return raw;
}

/** Why a record with a quote problem is quarantined: a quote never closed, or one not doubled. */
function quoteProblem(
  problem: QuoteProblem,
  cells: string[],
  header: SettlementHeader,
): { column: string | null; reason: string } {
  return describeQuoteProblem(problem, cells, header.columns);
}

/** The first cell holding a NUL (U+0000), which no Postgres text can store. */
function nulProblem(cells: string[], header: SettlementHeader): { column: string; reason: string } | null {
  const at = cells.findIndex((c) => c.includes('\u0000'));
  if (at < 0) return null;
  const column = header.columns[at] || `column ${at + 1}`;
  return { column, reason: `${column} holds a NUL control character (\\u0000): ${shown(cells[at]!)}` };
}

export type ParseProgress = { bytesRead: number; linesRead: number; quarantined: number };
export type ParseResult = ParseProgress & {
  accounts: string[];
  totals: PayoutTotals[];
  merchantTotals: MerchantTotals[];
};

export type ParseSink = {
  header?(header: SettlementHeader): Promise<void> | void;
  /** A batch of checked lines as COPY rows, in file order. Awaited: the file is paused meanwhile. */
  lines(batch: { data: Buffer; count: number }): Promise<void>;
  quarantine(batch: QuarantinedLine[]): Promise<void>;
  progress?(p: ParseProgress): void;
};

/** Parses a file into the sink (line numbers are physical lines); a bad file is rejected before any line reaches it. */
export async function parseSettlementFile(
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  sink: ParseSink,
  options: { importId: string; batchSize?: number },
): Promise<ParseResult> {
  const batchSize = options.batchSize ?? 5000;
  const progress: ParseProgress = { bytesRead: 0, linesRead: 0, quarantined: 0 };
  const scanner = new CsvScanner();
  const rows = new RowWriter();
  let sawBytes = false;
  let nulSeen = false;
  let header: SettlementHeader | null = null;
  let encoder: RowEncoder | null = null;
  let physicalLine = 1;
  let lineCount = 0;
  let quarantined: QuarantinedLine[] = [];

  const quarantine = (lineNo: number, column: string | null, reason: string) => {
    quarantined.push({ lineNo, column, reason, raw: rawOf(scanner.cells(), header!) });
  };

  const drain = async () => {
    while (scanner.next()) {
      const lineNo = physicalLine;
      physicalLine += scanner.lines;
      if (scanner.count === 1 && scanner.starts[0] === scanner.ends[0]) continue; // a blank line
      if (!header || !encoder) {
        header = resolveHeader(scanner.cells());
        encoder = rowEncoder(header, options.importId);
        await sink.header?.(header);
        continue;
      }
      progress.linesRead++;
      const nul =
        nulSeen && !scanner.quote && scanner.buf.subarray(scanner.start, scanner.end).includes(0)
          ? nulProblem(scanner.cells(), header)
          : null;
      if (scanner.quote || nul) {
        const problem = scanner.quote ? quoteProblem(scanner.quote, scanner.cells(), header) : nul!;
        quarantine(lineNo, problem.column, problem.reason);
      } else if (scanner.count !== header.columns.length) {
        quarantine(lineNo, null, `has ${scanner.count} cells where the header has ${header.columns.length}`);
      } else {
        const mark = rows.pos;
        try {
          encoder.encode(scanner, lineNo, rows);
          lineCount++;
        } catch (error) {
          if (!(error instanceof LineError)) throw error;
          rows.pos = mark;
          quarantine(lineNo, error.column, `${error.column} ${error.message}`);
        }
      }
      if (lineCount >= batchSize) {
        const batch = { data: rows.take(), count: lineCount };
        lineCount = 0;
        await sink.lines(batch);
      }
      if (quarantined.length >= 1000) {
        progress.quarantined += quarantined.length;
        const batch = quarantined;
        quarantined = [];
        await sink.quarantine(batch);
      }
    }
  };

  let checked = false;
  for await (const chunk of bytes) {
    if (!chunk.length) continue;
    sawBytes = true;
    if (!checked) {
      checked = true;
      // NUL bytes do not occur in a text file: a spreadsheet, zip or image was picked.
      if (looksBinary(chunk))
        throw new SettlementFileError(
          'not_csv',
          'This is not a CSV file: it holds binary data (an Excel workbook or a zip?). Export the report as CSV.',
        );
    }
    progress.bytesRead += chunk.length;
    if (!nulSeen && Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).includes(0)) nulSeen = true;
    scanner.push(chunk);
    await drain();
    sink.progress?.(progress);
  }
  scanner.finish();
  await drain();
  if (!sawBytes) throw new SettlementFileError('empty_file', 'The file is empty.');
  if (!header) throw new SettlementFileError('empty_file', 'The file is empty: it has no header line.');
  if (lineCount) await sink.lines({ data: rows.take(), count: lineCount });
  if (quarantined.length) {
    progress.quarantined += quarantined.length;
    await sink.quarantine(quarantined);
  }
  sink.progress?.(progress);
  const done = encoder as RowEncoder | null;
  return {
    ...progress,
    accounts: [...(done?.accounts ?? [])],
    totals: done?.totals() ?? [],
    merchantTotals: done?.merchantTotals() ?? [],
  };
}

/** The header of a file from its first bytes (the upload checks it before storing anything). */
export function headerFromPrefix(prefix: string): SettlementHeader {
  const firstLine = prefix.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return resolveHeader(csvRecords(firstLine)[0] ?? []);
}
