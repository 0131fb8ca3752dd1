import { z } from 'zod';

/**
 * An import's progress as `GET /api/settlements/imports/{id}` answers it (and as the page
 * renders it at first, so a reload shows the same bar at once).
 */
export const importStatusSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    fileName: z.string(),
    source: z.string(),
    sizeBytes: z.coerce.number(),
    bytesRead: z.coerce.number(),
    linesRead: z.coerce.number(),
    linesImported: z.coerce.number(),
    linesQuarantined: z.coerce.number(),
    error: z.string().nullish(),
    createdAt: z.string().nullish(),
    startedAt: z.string().nullish(),
    finishedAt: z.string().nullish(),
    uploadedByEmail: z.string().nullish(),
    settlementIds: z.array(z.string()).default([]),
  })
  .loose();
export type ImportStatus = z.infer<typeof importStatusSchema>;

export const activeStatuses = ['queued', 'importing', 'reconciling'] as const;
export const isActive = (status: string) => (activeStatuses as readonly string[]).includes(status);

/** What the upload route answers besides 202: `{ error: { code, message, importId? } }`. */
export const uploadErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), importId: z.string().optional() }).loose() })
  .loose();
export const uploadAcceptedSchema = z.object({ import: z.object({ id: z.string() }).loose() }).loose();

/** Snapshot from a database row, for the first render (dates as ISO strings, like the route's JSON). */
export function importStatusOf(row: {
  id: string;
  status: string;
  fileName: string;
  source: string;
  sizeBytes: number;
  bytesRead: number;
  linesRead: number;
  linesImported: number;
  linesQuarantined: number;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  uploadedByEmail: string | null;
  settlementIds?: string[];
}): ImportStatus {
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    settlementIds: row.settlementIds ?? [],
  };
}

/** `12.3 MB` (decimal megabytes, one decimal; bytes below 0.1 MB as kB). */
export function formatBytes(bytes: number): string {
  if (bytes < 100_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1) return 'under a second';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export type Sample = { at: number; bytes: number; lines: number };
export type Rates = { linesPerSecond: number | null; etaSeconds: number | null };

/**
 * Lines per second and the time left, from samples of the stored progress taken over time
 * (the last `windowMs`): the rate of bytes read against what is left of the file.
 */
export function ratesOf(samples: readonly Sample[], sizeBytes: number, windowMs = 5_000): Rates {
  const last = samples.at(-1);
  if (!last) return { linesPerSecond: null, etaSeconds: null };
  const first = samples.find((s) => last.at - s.at <= windowMs) ?? last;
  const seconds = (last.at - first.at) / 1000;
  if (seconds <= 0) return { linesPerSecond: null, etaSeconds: null };
  const linesPerSecond = Math.max(0, (last.lines - first.lines) / seconds);
  const bytesPerSecond = (last.bytes - first.bytes) / seconds;
  const etaSeconds = bytesPerSecond > 0 ? Math.max(0, sizeBytes - last.bytes) / bytesPerSecond : null;
  return { linesPerSecond, etaSeconds };
}
