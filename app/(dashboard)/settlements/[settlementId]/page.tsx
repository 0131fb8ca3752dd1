import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PayoutStatusBadge } from '@/components/settlements/badges';
import { formatPercent, matchPercent } from '@/components/settlements/match-rate';
import { ParamPager } from '@/components/settlements/param-pager';
import { WaterfallChart } from '@/components/settlements/waterfall-chart';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { CsvExport } from '@/components/ui/csv-export';
import { DetailList } from '@/components/ui/detail-list';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import {
  countLineVerdicts,
  getSettlement,
  getSettlementImport,
  isLineFilter,
  listPayoutReissues,
  listReissueQuarantine,
  listSettlementLines,
  listSettlementMissing,
  type LineFilter,
} from '@/lib/settlements/queries';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import { decodeSegment, firstValues } from '@/lib/ui/search-params';
import { LinesTable } from './_components/lines-table';
import { MissingTable } from './_components/missing-table';
import { fileOf, ReissuedNote, ReissueReview } from './_components/reissue-review';
import { RerunButton } from './_components/rerun-button';
import { VerdictFilter } from './_components/verdict-filter';

export const metadata: Metadata = { title: 'Payout' };
export const dynamic = 'force-dynamic';

const day = (d: Date) => d.toISOString().slice(0, 10);

export default async function PayoutPage({
  params,
  searchParams,
}: {
  params: Promise<{ settlementId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ctx, denied } = await pageContext('dashboard.read');
  const { db, actor } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const id = decodeSegment((await params).settlementId);
  const search = firstValues(await searchParams);
  const verdict: LineFilter | undefined = isLineFilter(search.verdict) ? search.verdict : undefined;
  const payout = await getSettlement(db, id);
  if (!payout) notFound();
  const [counts, lines, missing, source, reissues] = await Promise.all([
    countLineVerdicts(db, payout),
    listSettlementLines(db, payout, { verdict, cursor: search.cursor?.slice(0, 200), limit: 50 }),
    listSettlementMissing(db, payout, { cursor: search.mcursor?.slice(0, 500), limit: 50 }),
    getSettlementImport(db, payout.importId),
    listPayoutReissues(db, payout.settlementId),
  ]);
  // A held re-issue of the current version; the re-issue that made the current version; re-issues kept out of it.
  const pending = reissues.find((r) => r.status === 'pending' && r.replacesImportId === payout.importId);
  const unreadable = pending ? await listReissueQuarantine(db, pending.importId, payout.settlementId) : [];
  const madeCurrent = reissues.find(
    (r) => r.importId === payout.importId && (r.status === 'accepted' || r.status === 'applied'),
  );
  const keptOut = reissues.filter((r) => r.status === 'rejected' && r.replacesImportId === payout.importId);
  const canResolve = can(actor.role, 'settlements.reconcile');
  const { currency } = payout;
  const money = (amount: number) => formatMinorUnits(amount, currency);
  const open = payout.openCount + payout.missingCount;
  const rate = matchPercent(payout.matchedCount, payout.lineCount);
  const urlValues = { verdict, cursor: search.cursor, mcursor: search.mcursor };

  return (
    <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
      <PageHeader
        title="Payout"
        description={
          <>
            <span className="font-mono text-foreground" data-testid="settlement-id">
              {payout.settlementId}
            </span>{' '}
            · {currency} · {day(payout.periodStart)} – {day(payout.periodEnd)} (UTC)
          </>
        }
        actions={
          <>
            <CsvExport href={`/settlements/${encodeURIComponent(payout.settlementId)}/export`} counted />
            {canResolve && <RerunButton settlementId={payout.settlementId} />}
          </>
        }
      />

      {pending && (
        <ReissueReview
          payout={payout}
          source={source}
          reissue={pending}
          unreadable={unreadable}
          canDecide={canResolve}
        />
      )}
      {madeCurrent && <ReissuedNote reissue={madeCurrent} />}
      {keptOut.map((r) => (
        <p key={r.id} className="text-sm text-muted-foreground" data-testid="reissue-kept-out">
          A re-issue of this payout ({fileOf(r.newImport)},{' '}
          {r.newImport ? `${formatDateTime(r.newImport.createdAt)} UTC` : 'date unknown'}) was kept out by{' '}
          {r.decidedByEmail ?? 'an operator'}
          {r.decidedAt ? ` on ${formatDateTime(r.decidedAt)} UTC` : ''}: {r.quarantinedLines.toLocaleString('en-GB')} of
          its lines could not be read. The current version stays.
        </p>
      ))}

      <Card>
        <CardBody>
          <dl className="grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-5">
            <Stat label="Net payout" value={<span data-testid="payout-net">{money(payout.net)}</span>} />
            <Stat
              label="Match rate"
              value={<span data-testid="payout-match-rate">{formatPercent(rate)}</span>}
              hint={`${payout.matchedCount.toLocaleString('en-GB')} of ${payout.lineCount.toLocaleString('en-GB')} lines`}
            />
            <Stat
              label="Open items"
              value={<PayoutStatusBadge open={open} />}
              hint={`${payout.openCount} lines, ${payout.missingCount} missing`}
            />
            <Stat label="Gross sales" value={money(payout.grossSales)} />
            <Stat label="Fees and VAT" value={money(payout.fees + payout.tax)} />
          </dl>
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="From gross sales to net payout"
          description={`How Klarna got from what was sold to what it paid out, in ${currency}.`}
        />
        <CardBody>
          <WaterfallChart currency={currency} totals={payout} />
        </CardBody>
      </Card>

      <Card aria-labelledby="lines-heading">
        <div className="flex flex-wrap items-start justify-between gap-3 border-b px-5 py-4">
          <div className="grid gap-1">
            <h2 id="lines-heading" className="text-base font-semibold">
              Lines
            </h2>
            <p className="text-sm text-muted-foreground">
              Every line of the report with its verdict: the file&apos;s amounts, with what our records expected under
              them where they are compared.
            </p>
          </div>
        </div>
        <VerdictFilter current={verdict} counts={counts} total={payout.lineCount} />
        {lines.rows.length === 0 ? (
          <p className="px-5 py-10 text-center text-sm text-muted-foreground">
            {verdict ? 'No line has this verdict.' : 'This payout has no lines.'}
          </p>
        ) : (
          <LinesTable rows={lines.rows} settlementId={payout.settlementId} canResolve={canResolve} />
        )}
        <ParamPager
          label="Line pages"
          params={{ ...urlValues, cursor: undefined }}
          cursor={search.cursor}
          nextCursor={lines.nextCursor}
        />
      </Card>

      <Card aria-labelledby="missing-heading">
        <div className="grid gap-1 border-b px-5 py-4">
          <h2 id="missing-heading" className="text-base font-semibold">
            Missing from settlements ({payout.missingTotal.toLocaleString('en-GB')})
          </h2>
          <p className="text-sm text-muted-foreground">
            Captures and refunds in our records, made within this payout&apos;s period for the merchants it covers, that
            no settlement line settles.
          </p>
        </div>
        {missing.rows.length === 0 ? (
          <p className="px-5 py-10 text-center text-sm text-muted-foreground">
            Nothing is missing: every capture and refund of the period is settled.
          </p>
        ) : (
          <MissingTable rows={missing.rows} settlementId={payout.settlementId} canResolve={canResolve} />
        )}
        <ParamPager
          label="Missing item pages"
          param="mcursor"
          params={{ ...urlValues, mcursor: undefined }}
          cursor={search.mcursor}
          nextCursor={missing.nextCursor}
        />
      </Card>

      <DetailList
        items={[
          [
            'Report',
            source
              ? `${source.fileName} (${source.source === 'klarna' ? 'fetched from Klarna' : `uploaded${source.uploadedByEmail ? ` by ${source.uploadedByEmail}` : ''}`}, ${formatDateTime(source.createdAt)} UTC)`
              : payout.importId,
          ],
          ['Reconciled', `${formatDateTime(payout.reconciledAt)} UTC`],
          ...(payout.payoutDate ? ([['Payout date', payout.payoutDate]] as [string, string][]) : []),
        ]}
      />
    </div>
  );
}

function Stat({ label, value, hint }: { label: string; value: React.ReactNode; hint?: string }) {
  return (
    <div className="grid gap-1">
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums">{value}</dd>
      {hint && <dd className="text-xs text-muted-foreground">{hint}</dd>}
    </div>
  );
}
