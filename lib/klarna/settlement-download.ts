import { KlarnaResponseShapeError, type KlarnaClient } from './client';
import { klarnaPath, klarnaRoutes } from './routes';
import type { SettlementCsvFormat } from './schemas/settlements';

export type SettlementCsvDownload = {
  /** The file's bytes as they arrive (UTF-8 CSV, CRLF lines, header first); read it once. */
  body: ReadableStream<Uint8Array>;
  contentType: string;
  sizeBytes: number | null;
  fileName: string;
};

export async function downloadSettlementCsv(
  client: KlarnaClient,
  settlementId: string,
  options: { correlationId?: string; signal?: AbortSignal; columns?: SettlementCsvFormat } = {},
): Promise<SettlementCsvDownload> {
  const operation = 'settlements.csv';
  const response = await client.stream({
    operation,
    path:
      klarnaPath(operation, { settlement_id: settlementId }) +
      (options.columns && options.columns !== 'seed' ? `?columns=${options.columns}` : ''),
    category: klarnaRoutes[operation].category,
    accept: 'text/csv',
    correlationId: options.correlationId,
    signal: options.signal,
  });
  if (!response.body)
    throw new KlarnaResponseShapeError(`${operation}: Klarna answered ${response.status} without a file`);
  const length = Number(response.headers.get('content-length') ?? NaN);
  const disposition = /filename="?([^";]+)"?/i.exec(response.headers.get('content-disposition') ?? '');
  return {
    body: response.body,
    contentType: response.headers.get('content-type') ?? 'text/csv',
    sizeBytes: Number.isFinite(length) ? length : null,
    fileName: disposition?.[1] ?? `${settlementId}.csv`,
  };
}
