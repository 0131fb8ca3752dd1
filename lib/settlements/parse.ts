import Papa from 'papaparse';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import {
  netAmountOf,
  requiredSettlementColumns,
  settlementColumnAliases,
  settlementColumns,
  settlementLineTypes,
  type SettlementColumn,
  type SettlementLineType,
} from '@/lib/klarna/schemas/settlements';

/**
 * Reading a settlement file: the header (columns in any order, aliases, unknown columns
 * kept), then each record typed or quarantined with its line number, column and reason.
 * Streams through papaparse (RFC 4180: quoted commas, quotes and line breaks; CRLF or LF;
 * a UTF-8 BOM is dropped), so a file of several GB never sits whole in memory.
 */

export class SettlementFileError extends Error {
  constructor(
    readonly code: 'empty_file' | 'not_csv' | 'missing_columns',
    message: string,
  ) {
    super(message);
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
  return { columns, index, extras };
}

/** A typed line, ready for the staging table. Amounts in minor units. */
export type ParsedLine = {
  lineNo: number;
  settlementId: string;
  type: SettlementLineType;
  paymentTransactionId: string;
  paymentCaptureId: string | null;
  paymentRefundId: string | null;
  disputeId: string | null;
  operationId: string | null;
  accountId: string | null;
  currency: string;
  amount: number;
  feeAmount: number;
  taxAmount: number;
  discountAmount: number;
  penaltyAmount: number;
  netAmount: number;
  rateFixed: number | null;
  rateVariable: number | null;
  taxRateFixed: number | null;
  taxRateVariable: number | null;
  pricePlanId: string | null;
  capturedAt: string;
  createdAt: string | null;
  transactionCreatedAt: string | null;
  klarnaReference: string | null;
  merchantReference: string | null;
  transactionReference: string | null;
  paymentOptionCategory: string | null;
  captureReference: string | null;
  refundReference: string | null;
  extra: Record<string, string> | null;
};

export type QuarantinedLine = { lineNo: number; column: string | null; reason: string; raw: Record<string, string> };

class LineError extends Error {
  constructor(
    readonly column: string,
    reason: string,
  ) {
    super(reason);
  }
}

const INTEGER = /^-?\d{1,16}$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const currencies = new Set<string>(Intl.supportedValuesOf('currency'));
const lineTypes = new Set<string>(settlementLineTypes);

/**
 * Typing one record. Throws a LineError naming the column; the caller quarantines the line.
 * Empty optional amounts read as 0, empty rates as unknown (null); a missing net amount is
 * computed by the file's own rule (lib/klarna/schemas/settlements.ts `netAmountOf`).
 */
export function typeRecord(cells: string[], header: SettlementHeader, lineNo: number): ParsedLine {
  const ix = header.index;
  const text = (c: SettlementColumn): string | null => {
    const i = ix[c];
    if (i < 0) return null;
    const v = cells[i];
    return v === undefined || v === '' ? null : v;
  };
  const required = (c: SettlementColumn): string => {
    const v = text(c)?.trim();
    if (!v) throw new LineError(c, 'is empty');
    return v;
  };
  const integer = (c: SettlementColumn): number | null => {
    const v = text(c)?.trim();
    if (!v) return null;
    if (!INTEGER.test(v)) throw new LineError(c, `"${v.slice(0, 40)}" is not a whole number of minor units`);
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new LineError(c, `"${v}" is too large`);
    return n;
  };
  const timestamp = (c: SettlementColumn, need: boolean): string | null => {
    const v = need ? required(c) : text(c)?.trim();
    if (!v) return null;
    const m = TIMESTAMP.exec(v);
    if (!m) throw new LineError(c, `"${v.slice(0, 40)}" is not a UTC timestamp like 2018-08-10T07:45:00Z`);
    const [, y, mo, d, h = '00', mi = '00', s = '00'] = m;
    const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
    if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
      throw new LineError(c, `"${v}" is not a real date and time`);
    }
    return m[7] === undefined ? `${v}Z` : v;
  };

  const type = required('type').toUpperCase();
  if (!lineTypes.has(type)) throw new LineError('type', `"${type.slice(0, 40)}" is not a line type (${settlementLineTypes.join(', ')})`);
  const currency = required('currency').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency) || !currencies.has(currency)) throw new LineError('currency', `"${currency.slice(0, 40)}" is not an ISO 4217 currency`);
  const amount = integer('amount');
  if (amount === null) throw new LineError('amount', 'is empty');
  const feeAmount = integer('fee_amount') ?? 0;
  const taxAmount = integer('tax_amount') ?? 0;
  const discountAmount = integer('discount_amount') ?? 0;
  const penaltyAmount = integer('penalty_amount') ?? 0;
  const lineType = type as SettlementLineType;
  const netAmount = integer('net_amount') ?? netAmountOf({ type: lineType, amount: Math.abs(amount), fee_amount: feeAmount, tax_amount: taxAmount, discount_amount: discountAmount, penalty_amount: penaltyAmount });
  const paymentCaptureId = text('payment_capture_id');
  const paymentRefundId = text('payment_refund_id');
  const disputeId = text('dispute_id');
  const operationId = lineType === 'SALE' || lineType === 'FEE' ? paymentCaptureId : lineType === 'RETURN' ? paymentRefundId : lineType === 'DISPUTE' ? disputeId : null;
  let extra: Record<string, string> | null = null;
  for (const e of header.extras) {
    const v = cells[e.index];
    if (v !== undefined && v !== '') (extra ??= {})[e.name] = v;
  }
  return {
    lineNo,
    settlementId: required('settlement_id'),
    type: lineType,
    paymentTransactionId: required('payment_transaction_id'),
    paymentCaptureId,
    paymentRefundId,
    disputeId,
    operationId,
    accountId: text('account_id'),
    currency,
    amount,
    feeAmount,
    taxAmount,
    discountAmount,
    penaltyAmount,
    netAmount,
    rateFixed: integer('payment_pricing.rate.fixed'),
    rateVariable: integer('payment_pricing.rate.variable'),
    taxRateFixed: integer('payment_pricing.rate.tax.fixed'),
    taxRateVariable: integer('payment_pricing.rate.tax.variable'),
    pricePlanId: text('payment_pricing_details.price_plan_id'),
    capturedAt: timestamp('captured_at', true)!,
    createdAt: timestamp('created_at', false),
    transactionCreatedAt: timestamp('payment_transaction_created_at', false),
    klarnaReference: text('klarna_reference'),
    merchantReference: text('merchant_reference'),
    transactionReference: text('payment_transaction_reference'),
    paymentOptionCategory: text('payment_option_category'),
    captureReference: text('capture_reference'),
    refundReference: text('refund_reference'),
    extra,
  };
}

function rawOf(cells: string[], header: SettlementHeader): Record<string, string> {
  const raw: Record<string, string> = {};
  cells.forEach((v, i) => {
    raw[header.columns[i] || `column ${i + 1}`] = v;
  });
  return raw;
}

export type ParseProgress = { bytesRead: number; linesRead: number; quarantined: number };

export type ParseSink = {
  header?(header: SettlementHeader): Promise<void> | void;
  /** A batch of typed lines, in file order. Awaited: the file is paused meanwhile. */
  lines(batch: ParsedLine[]): Promise<void>;
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
export async function parseSettlementFile(bytes: AsyncIterable<Uint8Array>, sink: ParseSink, options: { batchSize?: number } = {}): Promise<ParseProgress> {
  const batchSize = options.batchSize ?? 5000;
  const progress: ParseProgress = { bytesRead: 0, linesRead: 0, quarantined: 0 };
  const decoder = new StringDecoder('utf8');
  let sawBytes = false;
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
      yield decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
    const rest = decoder.end();
    if (rest) yield rest;
  }

  let header: SettlementHeader | null = null;
  let physicalLine = 1;
  let failure: unknown = null;
  let lines: ParsedLine[] = [];
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
        void (async () => {
          for (const cells of results.data) {
            const lineNo = physicalLine;
            physicalLine += 1 + countNewlines(cells);
            if (cells.length === 1 && cells[0] === '') continue; // a blank line
            if (!header) {
              header = resolveHeader(cells);
              await sink.header?.(header);
              continue;
            }
            progress.linesRead++;
            if (cells.length !== header.columns.length) {
              quarantined.push({ lineNo, column: null, reason: `has ${cells.length} cells where the header has ${header.columns.length}`, raw: rawOf(cells, header) });
              continue;
            }
            try {
              lines.push(typeRecord(cells, header, lineNo));
            } catch (error) {
              if (!(error instanceof LineError)) throw error;
              quarantined.push({ lineNo, column: error.column, reason: `${error.column} ${error.message}`, raw: rawOf(cells, header) });
            }
            if (lines.length >= batchSize) {
              const batch = lines;
              lines = [];
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
          () => parser.resume(),
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
  if (lines.length) await sink.lines(lines);
  if (quarantined.length) {
    progress.quarantined += quarantined.length;
    await sink.quarantine(quarantined);
  }
  sink.progress?.(progress);
  return progress;
}

/** The header of a file from its first bytes (the upload checks it before storing anything). */
export function headerFromPrefix(prefix: string): SettlementHeader {
  const firstLine = prefix.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const parsed = Papa.parse<string[]>(firstLine, { skipEmptyLines: false });
  return resolveHeader(parsed.data[0] ?? []);
}
