import 'server-only';
import { z } from 'zod';

/**
 * How far a running CSV export has got, so the page that started it can say "123,456 rows so far"
 * while the browser downloads natively (at disk speed, never buffered in the page). The page names
 * the export with a random token (`?progress=<uuid>`); the export counts its rows under it; the page
 * polls `/api/exports/<token>`. Kept in this process's memory: a deployment of several instances
 * behind a balancer without sticky sessions shows no count (the download itself is unaffected).
 */
export type ExportState = 'running' | 'done' | 'failed' | 'cancelled';
export type ExportProgress = { rows: number; state: ExportState };

type Entry = ExportProgress & { actorId: string; touchedAt: number };

/** A finished export's count is kept this long for the page's last poll. */
const KEEP_MS = 10 * 60_000;
const MAX_ENTRIES = 1_000;

const globalForExports = globalThis as unknown as { __exportProgress?: Map<string, Entry> };
const entries = (globalForExports.__exportProgress ??= new Map());

const tokenSchema = z.uuid();

function prune(now: number) {
  for (const [token, entry] of entries) {
    if (entries.size <= MAX_ENTRIES && now - entry.touchedAt < KEEP_MS) break;
    entries.delete(token);
  }
}

export type ExportTracker = { rows(count: number): void; end(state: Exclude<ExportState, 'running'>): void };

/** The tracker for an export request that asked for one (`?progress=<uuid>`), or null. */
export function exportTracker(request: Request, actorId: string): ExportTracker | null {
  const token = tokenSchema.safeParse(new URL(request.url).searchParams.get('progress'));
  if (!token.success) return null;
  const now = Date.now();
  prune(now);
  const entry: Entry = { rows: 0, state: 'running', actorId, touchedAt: now };
  // Re-inserted: the map's order is by last start, which is what prune walks.
  entries.delete(token.data);
  entries.set(token.data, entry);
  return {
    rows(count) {
      entry.rows += count;
      entry.touchedAt = Date.now();
    },
    end(state) {
      if (entry.state === 'running') entry.state = state;
      entry.touchedAt = Date.now();
    },
  };
}

/** The progress of `token` for the person who started it; null when unknown (not started yet, or long gone). */
export function readExportProgress(token: string, actorId: string): ExportProgress | null {
  const entry = entries.get(token);
  if (!entry || entry.actorId !== actorId) return null;
  return { rows: entry.rows, state: entry.state };
}

/**
 * `body` passed through unchanged, ending `tracker` as the stream ends: read to its end (done), failed
 * (failed), or given up by the browser (cancelled). Without a tracker, `body` itself.
 */
export function trackedBody(body: ReadableStream<Uint8Array>, tracker: ExportTracker | null) {
  if (!tracker) return body;
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          tracker.end('done');
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        tracker.end('failed');
        controller.error(error);
      }
    },
    async cancel(reason) {
      tracker.end('cancelled');
      await reader.cancel(reason);
    },
  });
}
