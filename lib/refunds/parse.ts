import { createHash } from 'node:crypto';
import { AppError } from '@/lib/errors';
import { CsvScanner, describeQuoteProblem, looksBinary, shown } from '@/lib/csv';
import { parseMajorAmount } from '@/lib/ui/money';

/**
 * A mass-refund file: one refund per line, read with the settlement files' scanner (BOM, CRLF, quotes,
 * any column order, extra columns kept). A line that cannot be read is kept with its reason, naming the
 * column, and becomes a refused row: nothing in the file moves money until the whole batch is approved.
 */

export class RefundFileError extends AppError {
  override name = 'RefundFileError';
  constructor(
    override readonly code: 'empty_file' | 'not_csv' | 'missing_columns' | 'too_many_rows' | 'too_large',
    message: string,
  ) {
    super(code === 'too_large' ? 'too_large' : 'validation', code, message);
  }
}

export const refundColumns = [
  'payment_transaction_id',
  'merchant',
  'merchant_reference',
  'capture_id',
  'amount_minor',
  'amount_major',
  'currency',
  'reason',
  'refund_reference',
] as const;
export type RefundColumn = (typeof refundColumns)[number];

/** Other names a spreadsheet's header may use (lower case). */
const aliases: Record<string, RefundColumn> = {
  transaction_id: 'payment_transaction_id',
  payment_id: 'payment_transaction_id',
  account_id: 'merchant',
  merchant_account: 'merchant',
  merchant_account_id: 'merchant',
  account_reference: 'merchant',
  order_reference: 'merchant_reference',
  payment_capture_id: 'capture_id',
  'amount (minor units)': 'amount_minor',
  amount_in_minor_units: 'amount_minor',
  'amount (major units)': 'amount_major',
  amount_in_major_units: 'amount_major',
  description: 'reason',
};

/** The template offered for download: both ways to name a payment, a capture refund, major units. */
export const refundTemplateCsv =
  'payment_transaction_id,merchant,merchant_reference,capture_id,amount_major,currency,reason,refund_reference\r\n' +
  'ptx_example_1,,,,10.50,EUR,Damaged on arrival,RMA-1001\r\n' +
  ',M-SHOP-1,order-4711,,25.00,EUR,Event cancelled,\r\n' +
  'ptx_example_2,,,cap_example_2,5.00,EUR,One item returned,RMA-1002\r\n';

export const MAX_REFUND_ROWS = 50_000;
export const MAX_REFUND_FILE_BYTES = 20 * 1024 ** 2;

export type RefundHeader = {
  columns: string[];
  index: Record<RefundColumn, number>;
  amountUnit: 'minor' | 'major';
};

/** Every column gets its own name, so no extra column is lost: an empty header is "column N" (its 1-based
 * position), a name seen before (ignoring case) is "note (2)", "note (3)", …. */
export function uniqueColumnNames(raw: string[]): string[] {
  const used = new Set<string>();
  return raw.map((name, i) => {
    const base = name === '' ? `column ${i + 1}` : name;
    let unique = base;
    for (let n = 2; used.has(unique.toLowerCase()); n++) unique = `${base} (${n})`;
    used.add(unique.toLowerCase());
    return unique;
  });
}

export function resolveRefundHeader(cells: string[]): RefundHeader {
  const raw = cells.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, '') : c).trim());
  if (raw.every((c) => c === '')) throw new RefundFileError('empty_file', 'The file is empty: it has no header line.');
  const columns = uniqueColumnNames(raw);
  const index = Object.fromEntries(refundColumns.map((c) => [c, -1])) as Record<RefundColumn, number>;
  raw.forEach((cell, i) => {
    const name = cell.toLowerCase();
    const known = (refundColumns as readonly string[]).includes(name) ? (name as RefundColumn) : aliases[name];
    if (known && index[known] === -1) index[known] = i;
  });
  if (raw.some((c) => c.toLowerCase() === 'amount') && index.amount_minor === -1 && index.amount_major === -1)
    throw new RefundFileError(
      'missing_columns',
      'The "amount" column does not say its unit: name it "amount_minor" (cents: 1050 is 10.50 EUR) or "amount_major" (10.50).',
    );
  const missing: string[] = [];
  if (index.payment_transaction_id === -1 && (index.merchant === -1 || index.merchant_reference === -1))
    missing.push('"payment_transaction_id" (or "merchant" and "merchant_reference")');
  if (index.amount_minor === -1 && index.amount_major === -1) missing.push('"amount_minor" or "amount_major"');
  if (index.currency === -1) missing.push('"currency"');
  if (index.reason === -1) missing.push('"reason"');
  if (missing.length === 4 && raw.length < 3)
    throw new RefundFileError(
      'not_csv',
      'This is not a refund CSV file: its first line is not a comma-separated list of column names such as payment_transaction_id, amount_major, currency, reason.',
    );
  if (missing.length) throw new RefundFileError('missing_columns', `The file has no ${missing.join(', no ')} column.`);
  if (index.amount_minor !== -1 && index.amount_major !== -1)
    throw new RefundFileError(
      'missing_columns',
      'The file has both "amount_minor" and "amount_major": keep one, so every amount means one thing.',
    );
  return { columns, index, amountUnit: index.amount_minor !== -1 ? 'minor' : 'major' };
}

/** One line as read. `problem` set: the line cannot be refunded as written (the column it concerns, and why). */
export type RefundLine = {
  lineNo: number;
  input: Record<string, string>;
  paymentTransactionId: string | null;
  merchant: string | null;
  merchantReference: string | null;
  captureId: string | null;
  amount: number | null;
  currency: string | null;
  reason: string | null;
  refundReference: string | null;
  problem: { column: string | null; reason: string } | null;
};

const currencies = new Set<string>(Intl.supportedValuesOf('currency'));
const MINOR = /^\d{1,15}$/;

class LineProblem extends Error {
  constructor(
    readonly column: string,
    reason: string,
  ) {
    super(reason);
  }
}

function lineOf(cells: string[], header: RefundHeader, lineNo: number): RefundLine {
  const input: Record<string, string> = {};
  cells.forEach((v, i) => {
    input[header.columns[i] || `column ${i + 1}`] = v.replaceAll('\u0000', '\u2400');
  });
  const cell = (c: RefundColumn) => {
    const at = header.index[c];
    const v = at === -1 ? '' : (cells[at] ?? '').trim();
    return v === '' ? null : v;
  };
  const name = (c: RefundColumn) => header.columns[header.index[c]] ?? c;
  const line: RefundLine = {
    lineNo,
    input,
    paymentTransactionId: cell('payment_transaction_id'),
    merchant: cell('merchant'),
    merchantReference: cell('merchant_reference'),
    captureId: cell('capture_id'),
    amount: null,
    currency: cell('currency')?.toUpperCase() ?? null,
    reason: cell('reason'),
    refundReference: cell('refund_reference'),
    problem: null,
  };
  try {
    if (!line.paymentTransactionId && !(line.merchant && line.merchantReference)) {
      const column = header.index.payment_transaction_id !== -1 ? name('payment_transaction_id') : name('merchant');
      throw new LineProblem(
        column,
        'is empty: name the payment by its payment_transaction_id, or by merchant and merchant_reference',
      );
    }
    if (!line.currency) throw new LineProblem(name('currency'), 'is empty');
    if (!/^[A-Z]{3}$/.test(line.currency) || !currencies.has(line.currency))
      throw new LineProblem(name('currency'), `${shown(line.currency)} is not an ISO 4217 currency code such as EUR`);
    const unit = header.amountUnit;
    const amountColumn = unit === 'minor' ? 'amount_minor' : 'amount_major';
    const text = cell(amountColumn);
    if (!text) throw new LineProblem(name(amountColumn), 'is empty');
    let minor: number;
    if (unit === 'minor') {
      if (!MINOR.test(text))
        throw new LineProblem(
          name(amountColumn),
          `${shown(text)} is not a whole number of minor units (1050 for 10.50 ${line.currency})`,
        );
      minor = Number(text);
    } else {
      const parsed = parseMajorAmount(text, line.currency);
      if (!parsed.ok)
        throw new LineProblem(name(amountColumn), `${shown(text)} is not a valid amount: ${parsed.message}`);
      minor = parsed.minor;
    }
    if (minor <= 0) throw new LineProblem(name(amountColumn), 'must be above 0');
    line.amount = minor;
    if (!line.reason || line.reason.length < 3)
      throw new LineProblem(name('reason'), 'must say why the payment is refunded (at least 3 characters)');
    if (line.reason.length > 500) throw new LineProblem(name('reason'), 'is longer than 500 characters');
    if (line.refundReference && line.refundReference.length > 255)
      throw new LineProblem(name('refund_reference'), 'is longer than 255 characters');
    if (line.paymentTransactionId && line.paymentTransactionId.length > 300)
      throw new LineProblem(name('payment_transaction_id'), 'is longer than 300 characters');
    if (line.captureId && line.captureId.length > 300)
      throw new LineProblem(name('capture_id'), 'is longer than 300 characters');
  } catch (error) {
    if (!(error instanceof LineProblem)) throw error;
    line.problem = { column: error.column, reason: `${error.column} ${error.message}` };
  }
  return line;
}

export type ParsedRefundFile = {
  header: RefundHeader;
  lines: RefundLine[];
  sha256: string;
  sizeBytes: number;
};

/** Reads a whole refund file (a stream or chunks); a file that is not one is refused before any line is kept. */
export async function parseRefundFile(
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: { maxBytes?: number; maxRows?: number } = {},
): Promise<ParsedRefundFile> {
  const maxBytes = options.maxBytes ?? MAX_REFUND_FILE_BYTES;
  const maxRows = options.maxRows ?? MAX_REFUND_ROWS;
  const scanner = new CsvScanner();
  const hash = createHash('sha256');
  let size = 0;
  let header: RefundHeader | null = null;
  let physicalLine = 1;
  const lines: RefundLine[] = [];

  const drain = () => {
    while (scanner.next()) {
      const lineNo = physicalLine;
      physicalLine += scanner.lines;
      if (scanner.count === 1 && scanner.starts[0] === scanner.ends[0]) continue;
      const cells = scanner.cells();
      if (!header) {
        header = resolveRefundHeader(cells);
        continue;
      }
      if (cells.every((c) => c.trim() === '')) continue;
      if (lines.length >= maxRows)
        throw new RefundFileError(
          'too_many_rows',
          `The file has more than ${maxRows.toLocaleString('en')} refunds; split it into several batches.`,
        );
      if (scanner.quote) {
        const line = lineOf(cells, header, lineNo);
        line.problem = describeQuoteProblem(scanner.quote, cells, header.columns);
        lines.push(line);
      } else if (cells.length !== header.columns.length) {
        const line = lineOf(cells, header, lineNo);
        line.problem = {
          column: null,
          reason: `has ${cells.length} cells where the header has ${header.columns.length}`,
        };
        lines.push(line);
      } else lines.push(lineOf(cells, header, lineNo));
    }
  };

  let first = true;
  for await (const chunk of bytes) {
    if (!chunk.length) continue;
    if (first) {
      first = false;
      if (looksBinary(chunk))
        throw new RefundFileError(
          'not_csv',
          'This is not a CSV file: it holds binary data (an Excel workbook or a zip?). Save the sheet as CSV.',
        );
    }
    size += chunk.length;
    if (size > maxBytes)
      throw new RefundFileError('too_large', `The file is larger than ${Math.round(maxBytes / 1024 ** 2)} MB.`);
    hash.update(chunk);
    scanner.push(chunk);
    drain();
  }
  scanner.finish();
  drain();
  if (size === 0) throw new RefundFileError('empty_file', 'The file is empty.');
  if (!header) throw new RefundFileError('empty_file', 'The file is empty: it has no header line.');
  if (lines.length === 0) throw new RefundFileError('empty_file', 'The file has a header line but no refunds.');
  return { header, lines, sha256: hash.digest('hex'), sizeBytes: size };
}
