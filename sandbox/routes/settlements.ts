import { klarnaPath, klarnaRoutes } from '../../lib/klarna/routes';
import {
  SETTLEMENT_LIST_MAX,
  SETTLEMENT_TRANSACTIONS_MAX,
  settlementCsvFormats,
  settlementCsvHeaderOf,
  settlementCsvLineOf,
  type SettlementCsvFormat,
} from '../../lib/klarna/schemas/settlements';
import { sandboxErrors } from '../errors';
import { getSettlementOrThrow, publicSettlement } from '../state/settlements';
import type { SettlementLineRecord } from '../state/types';
import type { RouteGroup } from './types';

/**
 * A body the pipeline sends as it is instead of as JSON (the CSV). It lives here because the
 * CSV is the only such answer; server.ts checks for it.
 */
export class RawBody {
  constructor(
    readonly body: ReadableStream<Uint8Array> | string,
    readonly headers: Record<string, string>,
  ) {}

  toResponse(status: number, headers: Record<string, string>): Response {
    return new Response(this.body, { status, headers: { ...headers, ...this.headers } });
  }
}

const DEFAULT_LIST_LIMIT = 50;
const DEFAULT_TRANSACTIONS_LIMIT = 500;
/** Lines per chunk of the CSV stream. */
const CSV_CHUNK_LINES = 500;

type ParameterError = { parameter: string; error_message: string };

function intParameter(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
  errors: ParameterError[],
): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max))
    errors.push({ parameter: name, error_message: `must be a whole number from ${min} to ${max}` });
  return value;
}

/** The report's CSV in a format (the seed's columns, or ours too), produced a chunk at a time as the reader pulls (reports can be large). */
function csvStream(lines: readonly SettlementLineRecord[], format: SettlementCsvFormat): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const header = settlementCsvHeaderOf(format);
  const lineOf = settlementCsvLineOf(format);
  let next = -1;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < 0) {
        controller.enqueue(encoder.encode(header));
        next = 0;
        return;
      }
      if (next >= lines.length) {
        controller.close();
        return;
      }
      const chunk = lines
        .slice(next, next + CSV_CHUNK_LINES)
        .map(lineOf)
        .join('');
      next += CSV_CHUNK_LINES;
      controller.enqueue(encoder.encode(chunk));
    },
  });
}

/**
 * The Settlement API (paths ours, klarna-api-notes.md "Settlements"): the partner's settlement
 * reports, their lines as JSON and as the CSV file. Reports are made by state/settlements.ts.
 */
export const settlementsRoutes: RouteGroup = {
  'settlements.list': ({ sandbox, query }) => {
    const errors: ParameterError[] = [];
    const limit = intParameter(query, 'limit', DEFAULT_LIST_LIMIT, 1, SETTLEMENT_LIST_MAX, errors);
    const currency = query.get('currency');
    if (currency !== null && !/^[A-Z]{3}$/.test(currency))
      errors.push({ parameter: 'currency', error_message: 'must be an ISO 4217 code (three capital letters)' });
    const createdAfter = query.get('created_after');
    const createdAfterMs = createdAfter === null ? null : Date.parse(createdAfter);
    if (createdAfterMs !== null && (Number.isNaN(createdAfterMs) || !/^\d{4}-\d{2}-\d{2}T/.test(createdAfter!))) {
      errors.push({ parameter: 'created_after', error_message: 'must be an ISO 8601 date-time' });
    }
    const configurationId = query.get('settlement_configuration_id');
    // Newest first: a dashboard wants the latest payouts.
    const matching = Object.values(sandbox.store.data.settlements)
      .filter(
        (s) =>
          s.partner_account_id === sandbox.store.partnerAccountId &&
          (currency === null || s.currency === currency) &&
          (configurationId === null || s.settlement_configuration_id === configurationId) &&
          (createdAfterMs === null || Date.parse(s.created_at) > createdAfterMs),
      )
      .reverse();
    let start = 0;
    const startingAfter = query.get('starting_after');
    if (startingAfter !== null) {
      const index = matching.findIndex((s) => s.settlement_id === startingAfter);
      if (index < 0)
        errors.push({
          parameter: 'starting_after',
          error_message: 'must be the settlement_id of a settlement in this list (the last one of the previous page)',
        });
      start = index + 1;
    }
    if (errors.length) throw sandboxErrors.validation(errors);
    const page = matching.slice(start, start + limit);
    const hasMore = start + limit < matching.length;
    const nextQuery = new URLSearchParams(query);
    nextQuery.set('limit', String(limit));
    if (page.length) nextQuery.set('starting_after', page[page.length - 1]!.settlement_id);
    const now = sandbox.clock.nowMs();
    return {
      status: 200,
      body: {
        settlements: page.map((s) => publicSettlement(s, now)),
        has_more: hasMore,
        pagination: { next: hasMore ? `${klarnaRoutes['settlements.list'].path}?${nextQuery}` : null },
      },
    };
  },

  'settlements.get': ({ sandbox, params }) => ({
    status: 200,
    body: publicSettlement(getSettlementOrThrow(sandbox, params.settlement_id!), sandbox.clock.nowMs()),
  }),

  'settlements.transactions': ({ sandbox, params, query }) => {
    const settlement = getSettlementOrThrow(sandbox, params.settlement_id!);
    const errors: ParameterError[] = [];
    const limit = intParameter(query, 'limit', DEFAULT_TRANSACTIONS_LIMIT, 1, SETTLEMENT_TRANSACTIONS_MAX, errors);
    const offset = intParameter(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER, errors);
    if (errors.length) throw sandboxErrors.validation(errors);
    // Offsets, not ids: a file may (wrongly) hold the same line twice.
    const page = settlement.lines.slice(offset, offset + limit);
    const total = settlement.lines.length;
    const next =
      offset + limit < total
        ? `${klarnaPath('settlements.transactions', { settlement_id: settlement.settlement_id })}?limit=${limit}&offset=${offset + limit}`
        : null;
    return {
      status: 200,
      body: {
        transactions: page.map((line) => ({ ...line })),
        pagination: { offset, count: page.length, total, next },
      },
    };
  },

  // The seed's 24 columns by default, as Klarna's file; `?columns=extended` (ours) adds type,
  // fee_amount, tax_amount and net_amount (docs/klarna-decisions.md "Settlement file").
  'settlements.csv': ({ sandbox, params, query }) => {
    const settlement = getSettlementOrThrow(sandbox, params.settlement_id!);
    const format = query.get('columns') ?? 'seed';
    if (!(settlementCsvFormats as readonly string[]).includes(format)) {
      throw sandboxErrors.validation([
        { parameter: 'columns', error_message: `must be one of ${settlementCsvFormats.join(', ')}` },
      ]);
    }
    return {
      status: 200,
      body: new RawBody(csvStream(settlement.lines, format as SettlementCsvFormat), {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${settlement.settlement_id}.csv"`,
      }),
    };
  },
};
