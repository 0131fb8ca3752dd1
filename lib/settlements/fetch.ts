import 'server-only';
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Db, DbHandle } from '@/db/client';
import { settlementImports } from '@/db/schema';
import type { ServiceContext } from '@/lib/context';
import { appDb } from '@/lib/db';
import { enqueue, queues } from '@/lib/jobs/queue';
import type { KlarnaApi } from '@/lib/klarna/api';
import { klarnaOperation } from '@/lib/klarna-operation';
import type { Settlement } from '@/lib/klarna/schemas/settlements';
import { chunksOf, DuplicateImportError, receiveSettlementFile } from './import';

export type SettlementFetchCtx = ServiceContext & { handle?: DbHandle };

const MAX_PAGES = 20;

/** Settlement ids we already hold an import for (done, in progress or superseded; a failed one may be fetched again). */
async function knownIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .select({ id: settlementImports.klarnaSettlementId })
    .from(settlementImports)
    .where(and(inArray(settlementImports.klarnaSettlementId, ids), ne(settlementImports.status, 'failed')));
  return new Set(rows.map((r) => r.id!));
}

/** Streams the reports we lack (or only `settlementId`) into COPY and queues them; null actor: the system. */
export async function fetchSettlementsFromKlarna(
  ctx: SettlementFetchCtx,
  options: { settlementId?: string | null } = {},
): Promise<{ queued: number; alreadyImported: number; importIds: string[] }> {
  return klarnaOperation(ctx, {
    capability: 'settlements.reconcile',
    system: true,
    // A person's fetch is audited; the scheduled one is not.
    audit: ctx.actor
      ? {
          action: 'settlements.fetch',
          target: options.settlementId ? { type: 'settlement', id: options.settlementId } : undefined,
        }
      : null,
    call: (api) => fetchInto(ctx, api, options),
    record: async (fetched) => ({
      details: {
        queued: fetched.queued,
        already_imported: fetched.alreadyImported,
        import_ids: fetched.importIds,
      },
    }),
  });
}

async function fetchInto(
  ctx: SettlementFetchCtx,
  api: KlarnaApi,
  options: { settlementId?: string | null },
): Promise<{ queued: number; alreadyImported: number; importIds: string[] }> {
  const candidates: Settlement[] = [];
  if (options.settlementId) {
    candidates.push(await api.settlements.get(options.settlementId));
  } else {
    let startingAfter: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { settlements } = await api.settlements.list({ limit: 100, startingAfter });
      const known = await knownIds(
        ctx.db,
        settlements.map((s) => s.settlement_id),
      );
      const fresh = settlements.filter((s) => !known.has(s.settlement_id));
      candidates.push(...fresh);
      // Newest first: a page with nothing new means everything older is in too.
      if (!fresh.length || settlements.length < 100) break;
      startingAfter = settlements.at(-1)!.settlement_id;
    }
  }
  const known = await knownIds(
    ctx.db,
    candidates.map((s) => s.settlement_id),
  );
  let queued = 0;
  let alreadyImported = 0;
  const importIds: string[] = [];
  for (const settlement of candidates.reverse()) {
    if (known.has(settlement.settlement_id)) {
      alreadyImported++;
      continue;
    }
    const download = await api.settlements.downloadCsv(settlement.settlement_id);
    try {
      const row = await receiveSettlementFile(
        ctx.handle ?? appDb(),
        chunksOf(download.body),
        {
          source: 'klarna',
          fileName: download.fileName,
          klarnaSettlementId: settlement.settlement_id,
          uploadedBy: ctx.actor?.id ?? null,
          uploadedByEmail: ctx.actor?.email ?? null,
        },
        { queue: (importId) => enqueue(queues.settlementImport, { importId }) },
      );
      importIds.push(row.id);
      queued++;
    } catch (error) {
      // The same bytes came in as an upload already.
      if (!(error instanceof DuplicateImportError)) throw error;
      alreadyImported++;
    }
  }
  return { queued, alreadyImported, importIds };
}

export async function isSettlementKnown(db: Db, settlementId: string): Promise<boolean> {
  const rows = await db
    .select({ id: settlementImports.id })
    .from(settlementImports)
    .where(and(eq(settlementImports.klarnaSettlementId, settlementId), ne(settlementImports.status, 'failed')))
    .limit(1);
  return rows.length > 0;
}
