import Papa from 'papaparse';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
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
import type { PayoutTotals } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { formatMinorUnits } from '@/lib/ui/money';

/**
 * Reading a settlement file: the header (columns in any order, aliases, unknown columns
 * kept), then each record typed or quarantined with its line number, column and reason.
 * Streams through papaparse (RFC 4180: quoted commas, quotes and line breaks; CRLF or LF;
 * a UTF-8 BOM is dropped), so a file of several GB never sits whole in memory.
 */

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
  /** The header cells as found (BOM and surrounding spaces removed). */
  columns: string[];
  /** For each known column, its index in a record (-1: absent). */
  index: Record<SettlementColumn, number>;
  /** Unknown columns, kept per line. */
  extras: { name: string; index: number }[];
};

/** Reads the header line, or throws naming what is wrong with it. */
export function resolveHeader(cells: string[]): SettlementHeader {
  const columns = cells.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, '') : c).trim());
  if (columns.length === 0 || columns.every((c) => c === '')) throw new SettlementFileError('empty_file', 'The file is empty: it has no header line.');
  const index = Object.fromEntries(settlementColumns.map((c) => [c, -1])) as Record<SettlementColumn, number>;
  const extras: SettlementHeader['extras'] = [];
  const seen = new Set<string>();
  columns.forEach((raw, i) => {
    const name = raw.toLowerCase();
    const known = (settlementColumns as readonly string[]).includes(name) ? (name as SettlementColumn) : settlementColumnAliases[name];
    if (known && index[known] === -1) index[known] = i;
    else if (raw !== '' && !seen.has(raw)) extras.push({ name: raw, index: i });
    seen.add(raw);
  });
  const missing = requiredSettlementColumns.filter((c) => index[c] === -1);
  if (missing.length === requiredSettlementColumns.length && columns.length < 3) {
    throw new SettlementFileError('not_csv', 'This is not a settlement CSV file: its first line is not a comma-separated list of column names such as captured_at, payment_transaction_id, amount.');
  }
  if (missing.length) {
    throw new SettlementFileError(
      'missing_columns',
      `The file has no ${missing.map((c) => `"${c}"`).join(', ')} column${missing.length > 1 ? 's' : ''}; a settlement file needs ${requiredSettlementColumns.join(', ')}.`,
    );
  }
  // Our optional columns may be absent; what stands in for each must then be there.
  const why = { type: 'tell each line\'s kind', fee_amount: 'compute each line\'s fee', tax_amount: 'compute the VAT on each fee' } as const;
  for (const [ours, needed] of Object.entries(columnsNeededWithout) as [keyof typeof columnsNeededWithout, readonly SettlementColumn[]][]) {
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

/**
 * A value as a quarantine reason shows it: in quotes, cut at 40 characters, with control
 * characters written visibly (`\t`, `\n`, `\r`, `\u0000`…), so a tab or a NUL that made a
 * value wrong can be seen (in a table cell it would be invisible or break the line).
 */
export function shown(v: string): string {
  const cut = v.length > 40 ? `${v.slice(0, 40)}…` : v;
  return `"${cut.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}"`;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const currencies = new Set<string>(Intl.supportedValuesOf('currency'));
const lineTypes = new Set<string>(settlementLineTypes);

/**
 * COPY's text format with the unit separator (0x1F) as delimiter (no CSV cell holds one) and
 * the empty string as NULL (an empty cell means "none" in every column), so a row needs
 * escaping only when a value holds a backslash or a line break: one test per row.
 */
export const COPY_DELIMITER = '\u001f';
const NULL = '';
const NEEDS_ESCAPE = /[\\\n\r]/;
const LONE_CR = /\r(?!\n)/;
const escapeCopy = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\u001f/g, '\\x1f');

const isSpace = (c: number) => c === 32 || c === 9;
const trimmed = (v: string) => (v.length && (isSpace(v.charCodeAt(0)) || isSpace(v.charCodeAt(v.length - 1))) ? v.trim() : v);

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
  mo >= 1 && mo <= 12 && d >= 1 && d <= DAYS_IN_MONTH[mo - 1]! && !(mo === 2 && d === 29 && !leap(y)) && h <= 23 && mi <= 59 && s <= 59;

/**
 * A timestamp as Postgres will take it, or a LineError. The common shape
 * (`2018-08-10T07:45:00Z`, optionally with milliseconds) is checked by character; anything
 * else by the full pattern (date only, offsets, no zone: read as UTC).
 */
/** The instant of the last timestamp `timestampOf` checked, in ms since the epoch. */
let lastInstant = 0;

function timestampOf(column: string, v: string, instant = false): string {
  const n = v.length;
  if ((n === 20 || n === 24) && v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45 && v.charCodeAt(10) === 84 && v.charCodeAt(13) === 58 && v.charCodeAt(16) === 58 && v.charCodeAt(n - 1) === 90) {
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
  if (!realDate(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0))) throw new LineError(column, `${shown(v)} is not a real date and time`);
  const iso = m[7] === undefined ? `${v}Z` : v;
  if (instant) lastInstant = Date.parse(iso.replace(' ', 'T'));
  return iso;
}

/**
 * Checks one record of this header and writes it as a row of `settlement_lines` (copy.ts
 * `lineCopyColumns` order, COPY text format), or throws a LineError naming the column.
 * Values go through as the file has them once checked: whole minor units, ISO timestamps,
 * a known currency and line type. What the seed's 24 columns do not state is derived
 * (docs/klarna-decisions.md "Settlement file"): the type from the identifiers filled
 * (`inferLineType`), the fee from the line's rate (`feeFor`'s rule; a SALE without fee or rate
 * is quarantined, never read as fee 0), VAT from the VAT rate, the net by `netAmountOf`.
 * Empty discount and penalty cells are 0, empty rates unknown (\N). Built once per file
 * (column positions resolved up front): it runs once per line of files of millions of lines.
 */
export type { PayoutTotals };

type Running = Omit<PayoutTotals, 'currency' | 'periodStart' | 'periodEnd'> & { lo: number; hi: number; currencies: Map<string, number> };

export type RowEncoder = {
  encode(cells: string[], lineNo: number): string;
  /** Each payout's totals over the lines encoded so far. */
  totals(): PayoutTotals[];
  /** The accounts the lines name (distinct). */
  accounts: Set<string>;
  /** Whether the last record encoded may span several file lines (a cell holds a line break). */
  multiline(cells: string[]): boolean;
};

/**
 * Which keys a file has shown before, in 16 MB whatever its size: a blocked Bloom filter
 * (2^18 blocks of 512 bits, three probes within one block, so one cache miss per key, from an
 * FNV-1a hash and murmur3's finaliser). "Seen" may be wrong (about one line in 10^5 on a file
 * of a million lines); reconciliation checks every line flagged, so a false alarm costs a
 * probe, never a wrong verdict. "Not seen" is always right.
 */
class SeenFilter {
  private readonly words = new Uint32Array(1 << 22);

  /** Whether (kind, key) may have been added before; adds it. */
  addAndCheck(kind: number, key: string): boolean {
    let h = (0x811c9dc5 ^ kind) >>> 0;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
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

/**
 * `unitSeparatorSeen`: whether the file holds a 0x1F anywhere (checked per chunk as it is
 * read); then every row is escaped cell by cell, since the one-test-per-row shortcut cannot
 * tell a 0x1F in a value from a delimiter. `mayNeedEscape`: whether the file has shown a
 * quote, a backslash or a CR not followed by LF so far (also per chunk); until then no cell
 * can hold a backslash or a line break, and the per-row test is skipped.
 */
export function rowEncoder(header: SettlementHeader, importId: string, unitSeparatorSeen: () => boolean = () => false, mayNeedEscape: () => boolean = () => true): RowEncoder {
  const ix = header.index;
  const extras = header.extras;
  const known = new Set<number>([...Object.values(ix).filter((i) => i >= 0), ...extras.map((e) => e.index)]);
  const ignored = header.columns.map((_, i) => i).filter((i) => !known.has(i));
  let cells: string[] = [];
  const cell = (i: number): string => {
    if (i < 0) return '';
    const v = cells[i];
    return v === undefined ? '' : trimmed(v);
  };
  const required = (c: SettlementColumn): string => {
    const v = cell(ix[c]);
    if (!v) throw new LineError(c, 'is empty');
    return v;
  };
  const optionalText = (i: number): string => {
    if (i < 0) return NULL;
    const v = cells[i];
    return v === undefined || v === '' ? NULL : v;
  };
  const integer = (c: SettlementColumn, empty: string): string => {
    const v = cell(ix[c]);
    if (!v) return empty;
    if (!isInteger(v)) throw new LineError(c, /^-?\d+$/.test(v) ? `${shown(v)} is too large` : `${shown(v)} is not a whole number of minor units`);
    return v;
  };
  // Neighbouring lines mostly repeat a timestamp (created_at = captured_at, a transaction's
  // created_at on each of its lines): the last value checked per column is not checked again.
  const lastTimestamp: Record<string, { raw: string; value: string; instant: number }> = {};
  const timestamp = (c: SettlementColumn, need: boolean): string => {
    const v = need ? required(c) : cell(ix[c]);
    if (!v) return NULL;
    const last = lastTimestamp[c];
    if (last && last.raw === v) {
      if (c === 'captured_at') lastInstant = last.instant;
      return last.value;
    }
    const value = timestampOf(c, v, c === 'captured_at');
    lastTimestamp[c] = { raw: v, value, instant: lastInstant };
    return value;
  };
  const out: string[] = new Array<string>(33);
  let special = false;
  const seen = new SeenFilter();
  const accounts = new Set<string>();
  const running = new Map<string, Running>();
  let lastRunning: Running | null = null;

  const encode = (record: string[], lineNo: number): string => {
    cells = record;
    const amount = integer('amount', '');
    if (!amount) throw new LineError('amount', 'is empty');
    const discount = integer('discount_amount', '0');
    const penalty = integer('penalty_amount', '0');
    let type = cell(ix.type);
    if (!type) {
      // No type column (the seed's 24), or an empty cell: the kind from the identifiers filled.
      const facts = { captureId: cell(ix.payment_capture_id), refundId: cell(ix.payment_refund_id), disputeId: cell(ix.dispute_id), amount: Number(amount), discount: Number(discount), penalty: Number(penalty) };
      const inferred = inferLineType(facts);
      if (!inferred) throw new LineError(ix.type >= 0 ? 'type' : 'payment_capture_id', kindProblem(facts));
      type = inferred;
    } else if (!lineTypes.has(type)) {
      type = type.toUpperCase();
      if (!lineTypes.has(type)) throw new LineError('type', `${shown(type)} is not a line type (${settlementLineTypes.join(', ')})`);
    }
    let currency = required('currency');
    if (!currencies.has(currency)) {
      currency = currency.toUpperCase();
      if (!currencies.has(currency)) throw new LineError('currency', `${shown(currency)} is not an ISO 4217 currency`);
    }
    const rateFixed = integer('payment_pricing.rate.fixed', NULL);
    const rateVariable = integer('payment_pricing.rate.variable', NULL);
    const taxRateFixed = integer('payment_pricing.rate.tax.fixed', NULL);
    const taxRateVariable = integer('payment_pricing.rate.tax.variable', NULL);
    // The fee and its VAT as the file states them, or else computed from the line's rate
    // (docs/klarna-decisions.md "Settlement file"); never a missing column read as 0.
    let fee = integer('fee_amount', '');
    const statedFee = fee !== '';
    if (!statedFee) {
      const absolute = Math.abs(Number(amount));
      if (type === 'FEE') fee = String(absolute);
      else if (type === 'SALE') {
        if (rateFixed === NULL || rateVariable === NULL) {
          throw new LineError(rateFixed === NULL ? 'payment_pricing.rate.fixed' : 'payment_pricing.rate.variable', 'is empty, and the line states no fee_amount: the fee of this sale cannot be known');
        }
        fee = String(Number(rateFixed) + scaledRoundHalfUp(absolute, Number(rateVariable)));
      } else fee = '0'; // A dispute's fee only as stated: its rate columns are the sale's, not a dispute fee.
    }
    let tax = integer('tax_amount', '');
    // VAT only on a fee charged: a fixed VAT amount on a line without a fee would be nonsense.
    if (tax === '') tax = Number(fee) === 0 ? '0' : String(Number(taxRateFixed || 0) + scaledRoundHalfUp(Math.abs(Number(fee)), Number(taxRateVariable || 0)));
    const addsUpTo = String(
      netAmountOf({ type: type as SettlementLineType, amount: Math.abs(Number(amount)), fee_amount: Number(fee), tax_amount: Number(tax), discount_amount: Number(discount), penalty_amount: Number(penalty) }),
    );
    let net = integer('net_amount', '');
    if (!net) net = addsUpTo;
    else if (Number(net) !== Number(addsUpTo)) {
      // A stated net is checked, not trusted: a payout total built on it would be wrong.
      throw new LineError('net_amount', `is ${formatMinorUnits(Number(net), currency)}, but the line's amount, fee, VAT and adjustments add up to ${formatMinorUnits(Number(addsUpTo), currency)}`);
    }
    const capture = optionalText(ix.payment_capture_id);
    const refund = optionalText(ix.payment_refund_id);
    const dispute = optionalText(ix.dispute_id);
    out[0] = importId;
    out[1] = String(lineNo);
    out[2] = required('settlement_id');
    out[3] = type;
    out[4] = required('payment_transaction_id');
    out[5] = capture;
    out[6] = refund;
    out[7] = dispute;
    out[8] = type === 'SALE' || type === 'FEE' ? capture : type === 'RETURN' ? refund : type === 'DISPUTE' ? dispute : NULL;
    out[9] = optionalText(ix.account_id);
    // A copy, not a slice of the parser's chunk (a slice would keep the whole chunk alive).
    if (out[9] && !accounts.has(out[9])) accounts.add(Buffer.from(out[9]).toString());
    out[10] = currency;
    out[11] = amount;
    out[12] = fee;
    out[13] = tax;
    out[14] = discount;
    out[15] = penalty;
    out[16] = net;
    out[17] = rateFixed;
    out[18] = rateVariable;
    out[19] = taxRateFixed;
    out[20] = taxRateVariable;
    out[21] = optionalText(ix['payment_pricing_details.price_plan_id']);
    out[22] = timestamp('captured_at', true);
    const capturedAt = lastInstant;
    out[23] = timestamp('created_at', false);
    out[24] = timestamp('payment_transaction_created_at', false);
    out[25] = optionalText(ix.klarna_reference);
    out[26] = optionalText(ix.merchant_reference);
    out[27] = optionalText(ix.payment_transaction_reference);
    out[28] = optionalText(ix.payment_option_category);
    out[29] = optionalText(ix.capture_reference);
    out[30] = optionalText(ix.refund_reference);
    let extra: Record<string, string> | null = null;
    for (const e of extras) {
      const v = record[e.index];
      if (v !== undefined && v !== '') (extra ??= {})[e.name] = v;
    }
    out[31] = extra ? JSON.stringify(extra) : NULL;
    // Provisional: reconciliation rewrites the lines that do not match. A line whose key the
    // filter may have seen before is marked `duplicate` so reconciliation checks it (and only it).
    const key = out[8] || `${out[4]}|${out[22]}|${amount}|${discount}|${penalty}`;
    out[32] = seen.addAndCheck(type.charCodeAt(0) + type.length * 256, key) ? 'duplicate' : type === 'DISCOUNT' || type === 'PENALTY' || type === 'DISPUTE' ? 'adjustment' : 'matched';
    // The payout's totals (only for a line that passed every check, which it has by now).
    let t = lastRunning !== null && lastRunning.settlementId === out[2] ? lastRunning : running.get(out[2]);
    if (!t) {
      t = { settlementId: Buffer.from(out[2]).toString(), lineCount: 0, grossSales: 0, refunds: 0, fees: 0, tax: 0, discounts: 0, penalties: 0, disputes: 0, net: 0, lo: capturedAt, hi: capturedAt, currencies: new Map() };
      running.set(t.settlementId, t);
    }
    const abs = Math.abs(Number(amount));
    t.lineCount++;
    if (type === 'SALE') t.grossSales += abs;
    else if (type === 'RETURN') t.refunds += abs;
    else if (type === 'DISPUTE') t.disputes += abs;
    if (fee !== '0') t.fees += Number(fee);
    if (tax !== '0') t.tax += Number(tax);
    if (discount !== '0') t.discounts += Number(discount);
    if (penalty !== '0') t.penalties += Number(penalty);
    t.net += Number(net);
    if (capturedAt < t.lo) t.lo = capturedAt;
    if (capturedAt > t.hi) t.hi = capturedAt;
    t.currencies.set(currency, (t.currencies.get(currency) ?? 0) + 1);
    lastRunning = t;
    const row = out.join(COPY_DELIMITER);
    // Until the file shows a quote, a backslash or a lone CR, no cell can hold what needs escaping.
    special = unitSeparatorSeen() || (mayNeedEscape() && NEEDS_ESCAPE.test(row));
    return special ? out.map(escapeCopy).join(COPY_DELIMITER) : row;
  };
  return {
    encode,
    accounts,
    totals: () =>
      [...running.values()].map(({ lo, hi, currencies: counts, ...sums }) => ({
        ...sums,
        currency: [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0],
        periodStart: new Date(lo).toISOString(),
        periodEnd: new Date(hi).toISOString(),
      })),
    // A line break can only be in an emitted cell (then the row needed escaping) or in a cell
    // of a column we do not keep (a repeated or unnamed column).
    multiline: (record) => special || ignored.some((i) => (record[i] ?? '').includes('\n')),
  };
}

/** A quarantined record's cells by column (a NUL as ␀: jsonb cannot hold U+0000). */
function rawOf(cells: string[], header: SettlementHeader): Record<string, string> {
  const raw: Record<string, string> = {};
  cells.forEach((v, i) => {
    raw[header.columns[i] || `column ${i + 1}`] = v.includes('\u0000') ? v.replaceAll('\u0000', '\u2400') : v;
  });
  return raw;
}

/**
 * Why a record papaparse flagged for its quotes is quarantined, naming the cell: an opening
 * quote never closed (papaparse then reads the rest of the file into that cell), or a quote
 * inside a quoted value that is not doubled.
 */
function quoteProblem(code: string, cells: string[], header: SettlementHeader): { column: string | null; reason: string } {
  const at = code === 'MissingQuotes' ? cells.length - 1 : Math.max(0, cells.findIndex((c) => c.includes('"')));
  const column = header.columns[at] || `column ${at + 1}`;
  if (code === 'MissingQuotes') {
    const swallowed = countNewlines([cells[at] ?? '']);
    return {
      column,
      reason: `${column} has an unterminated quote: a value opens with " and no closing " follows, so ${swallowed > 1 ? `the rest of the file (${swallowed} more lines)` : 'the rest of the line'} was read as this one value. Close the quote, or double a quote inside a value ("")`,
    };
  }
  return { column, reason: `${column} has a stray quote: a " inside a quoted value must be doubled ("")` };
}

/** The first cell holding a NUL (U+0000), which no Postgres text can store. */
function nulProblem(cells: string[], header: SettlementHeader): { column: string; reason: string } | null {
  const at = cells.findIndex((c) => c.includes('\u0000'));
  if (at < 0) return null;
  const column = header.columns[at] || `column ${at + 1}`;
  return { column, reason: `${column} holds a NUL control character (\\u0000): ${shown(cells[at]!)}` };
}

export type ParseProgress = { bytesRead: number; linesRead: number; quarantined: number };
export type ParseResult = ParseProgress & { accounts: string[]; totals: PayoutTotals[] };

export type ParseSink = {
  header?(header: SettlementHeader): Promise<void> | void;
  /** A batch of checked lines as `settlement_lines` rows (copy.ts `lineCopyColumns` (COPY text format, `\\n`-terminated), in file order. Awaited: the file is paused meanwhile. */
  lines(batch: { text: string; count: number }): Promise<void>;
  quarantine(batch: QuarantinedLine[]): Promise<void>;
  progress?(p: ParseProgress): void;
};

const countNewlines = (cells: string[]) => {
  let n = 0;
  for (const c of cells) {
    if (c.length > 0 && c.indexOf('\n') !== -1) for (let i = c.indexOf('\n'); i !== -1; i = c.indexOf('\n', i + 1)) n++;
  }
  return n;
};

/**
 * Parses a settlement file from a byte stream into the sink. Line numbers are the file's
 * physical lines (the header is line 1; a record with quoted line breaks spans several).
 * Blank lines are skipped. A record with a different number of cells than the header is
 * quarantined. Rejects (SettlementFileError) an empty file, a binary file or a header
 * without a required column, before any line reaches the sink.
 */
export async function parseSettlementFile(bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, sink: ParseSink, options: { importId: string; batchSize?: number }): Promise<ParseResult> {
  const batchSize = options.batchSize ?? 5000;
  const progress: ParseProgress = { bytesRead: 0, linesRead: 0, quarantined: 0 };
  const decoder = new StringDecoder('utf8');
  let sawBytes = false;
  let unitSeparatorSeen = false;
  let nulSeen = false;
  let mayNeedEscape = false;
  let crPending = false;
  async function* text() {
    let checked = false;
    for await (const chunk of bytes) {
      if (!chunk.length) continue;
      sawBytes = true;
      if (!checked) {
        checked = true;
        // NUL bytes do not occur in a text file: a spreadsheet, zip or image was picked.
        if (chunk.subarray(0, 4096).includes(0)) throw new SettlementFileError('not_csv', 'This is not a CSV file: it holds binary data (an Excel workbook or a zip?). Export the report as CSV.');
      }
      progress.bytesRead += chunk.length;
      const text = decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (!unitSeparatorSeen && text.includes(COPY_DELIMITER)) unitSeparatorSeen = true;
      if (!nulSeen && text.includes('\u0000')) nulSeen = true;
      if (!mayNeedEscape) {
        // A CR ending this text is lone only if the next text does not start with LF.
        const endsWithCr = text.endsWith('\r');
        if (text.includes('"') || text.includes('\\') || LONE_CR.test(endsWithCr ? text.slice(0, -1) : text) || (crPending && !text.startsWith('\n'))) mayNeedEscape = true;
        crPending = endsWithCr;
      }
      yield text;
    }
    const rest = decoder.end();
    if (rest) yield rest;
  }

  let header: SettlementHeader | null = null;
  let encoder: RowEncoder | null = null;
  let physicalLine = 1;
  let failure: unknown = null;
  let lines = '';
  let lineCount = 0;
  let quarantined: QuarantinedLine[] = [];

  await new Promise<void>((resolve, reject) => {
    const source = Readable.from(text(), { objectMode: false, encoding: 'utf8' });
    source.on('error', (e) => {
      failure = e;
      reject(e);
    });
    Papa.parse<string[]>(source as unknown as File, {
      chunkSize: 1 << 20,
      skipEmptyLines: false,
      chunk(results, parser) {
        if (failure) return;
        parser.pause();
        // papaparse queues every 'data' event even while paused: stop the file too, so a
        // consumer slower than the parser (COPY into an indexed table) bounds the memory.
        source.pause();
        // Rare: a map of the records papaparse flagged for their quotes (rows count from this chunk).
        const quoteErrors = results.errors.length ? new Map(results.errors.filter((e) => e.type === 'Quotes' && e.row !== undefined).map((e) => [e.row!, e.code])) : null;
        void (async () => {
          for (let r = 0; r < results.data.length; r++) {
            const cells = results.data[r]!;
            const lineNo = physicalLine;
            if (cells.length === 1 && cells[0] === '') {
              physicalLine++; // a blank line
              continue;
            }
            if (!header || !encoder) {
              physicalLine += 1 + countNewlines(cells);
              header = resolveHeader(cells);
              encoder = rowEncoder(
                header,
                options.importId,
                () => unitSeparatorSeen,
                () => mayNeedEscape,
              );
              await sink.header?.(header);
              continue;
            }
            progress.linesRead++;
            // An unterminated quote outranks the cell count it causes; MissingQuotes wins over InvalidQuotes on the same row.
            const quoteError = quoteErrors?.get(r);
            const badQuote = quoteError ? (results.errors.some((e) => e.row === r && e.code === 'MissingQuotes') ? 'MissingQuotes' : quoteError) : null;
            const nul = nulSeen && !badQuote ? nulProblem(cells, header) : null;
            if (badQuote || nul) {
              physicalLine += 1 + countNewlines(cells);
              const problem = badQuote ? quoteProblem(badQuote, cells, header) : nul!;
              quarantined.push({ lineNo, column: problem.column, reason: problem.reason, raw: rawOf(cells, header) });
            } else if (cells.length !== header.columns.length) {
              physicalLine += 1 + countNewlines(cells);
              quarantined.push({ lineNo, column: null, reason: `has ${cells.length} cells where the header has ${header.columns.length}`, raw: rawOf(cells, header) });
            } else {
              try {
                lines += encoder.encode(cells, lineNo) + '\n';
                lineCount++;
                physicalLine += encoder.multiline(cells) ? 1 + countNewlines(cells) : 1;
              } catch (error) {
                if (!(error instanceof LineError)) throw error;
                physicalLine += 1 + countNewlines(cells);
                quarantined.push({ lineNo, column: error.column, reason: `${error.column} ${error.message}`, raw: rawOf(cells, header) });
              }
            }
            if (lineCount >= batchSize) {
              const batch = { text: lines, count: lineCount };
              lines = '';
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
          sink.progress?.(progress);
        })().then(
          () => {
            source.resume();
            parser.resume();
          },
          (error: unknown) => {
            failure = error;
            parser.abort();
            reject(error);
          },
        );
      },
      complete() {
        if (!failure) resolve();
      },
      error(error) {
        failure = error;
        reject(error);
      },
    });
  });
  if (!sawBytes) throw new SettlementFileError('empty_file', 'The file is empty.');
  if (!header) throw new SettlementFileError('empty_file', 'The file is empty: it has no header line.');
  if (lineCount) await sink.lines({ text: lines, count: lineCount });
  if (quarantined.length) {
    progress.quarantined += quarantined.length;
    await sink.quarantine(quarantined);
  }
  sink.progress?.(progress);
  const done = encoder as RowEncoder | null;
  return { ...progress, accounts: [...(done?.accounts ?? [])], totals: done?.totals() ?? [] };
}

/** The header of a file from its first bytes (the upload checks it before storing anything). */
export function headerFromPrefix(prefix: string): SettlementHeader {
  const firstLine = prefix.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const parsed = Papa.parse<string[]>(firstLine, { skipEmptyLines: false });
  return resolveHeader(parsed.data[0] ?? []);
}
