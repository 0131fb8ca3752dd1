import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AlertTriangle } from 'lucide-react';
import { PayoutStatusBadge, VerdictBadge } from '@/components/settlements/badges';
import { formatPercent, matchPercent } from '@/components/settlements/match-rate';
import { ParamPager } from '@/components/settlements/param-pager';
import { WaterfallChart } from '@/components/settlements/waterfall-chart';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { CsvExport } from '@/components/ui/csv-export';
import { DetailList } from '@/components/ui/detail-list';
import { Table, Td, Th } from '@/components/ui/table';
import { pageContext } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import type { PayoutVersionTotals, SettlementImportRow, SettlementQuarantineRow, SettlementRow } from '@/db/schema';
import {
  countLineVerdicts,
  countSettlementMissing,
  getSettlement,
  getSettlementImport,
  isLineFilter,
  listPayoutReissues,
  listReissueQuarantine,
  listSettlementLines,
  listSettlementMissing,
  type LineFilter,
  type LineListRow,
  type MissingListRow,
  type PayoutReissue,
} from '@/lib/settlements/queries';
import { totalsOfPayout } from '@/lib/settlements/reissue';
import { explainLine, explainMissing, lineVerdicts, needsAttention, verdictLabels } from '@/lib/settlements/verdicts';
import { cn } from '@/lib/ui/cn';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import { decodeSegment, firstValues, queryString } from '@/lib/ui/search-params';
import { ReissueActions } from './_components/reissue-actions';
import { RerunButton } from './_components/rerun-button';
import { ResolveDialog } from './_components/resolve-dialog';
import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';

export const metadata: Metadata = { title: 'Payout' };
export const dynamic = 'force-dynamic';

const day = (d: Date) => d.toISOString().slice(0, 10);
const paymentHref = (id: string) => `/payments/${encodeURIComponent(id)}`;

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
  const [counts, lines, missing, missingTotal, source, reissues] = await Promise.all([
    countLineVerdicts(db, payout),
    listSettlementLines(db, payout, { verdict, cursor: search.cursor?.slice(0, 200), limit: 50 }),
    listSettlementMissing(db, payout, { cursor: search.mcursor?.slice(0, 500), limit: 50 }),
    countSettlementMissing(db, payout),
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
            <CsvExport href={`/settlements/${encodeURIComponent(payout.settlementId)}/export`} />
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
            Missing from settlements ({missingTotal.toLocaleString('en-GB')})
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

type ImportRef = PayoutReissue['newImport'];
const fileOf = (i: ImportRef | SettlementImportRow | null) =>
  i
    ? `${i.fileName}${i.source === 'klarna' ? ', fetched from Klarna' : i.uploadedByEmail ? `, uploaded by ${i.uploadedByEmail}` : ''}`
    : 'a file no longer kept';
const plural = (n: number, one: string) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : `${one}s`}`;

/**
 * A later file re-issues this payout but some of its lines could not be read: the payout keeps
 * its current lines until an operator accepts the new version or keeps this one. Both versions'
 * figures side by side, and the new file's unreadable lines.
 */
function ReissueReview({
  payout,
  source,
  reissue,
  unreadable,
  canDecide,
}: {
  payout: SettlementRow;
  source: SettlementImportRow | null;
  reissue: PayoutReissue;
  unreadable: SettlementQuarantineRow[];
  canDecide: boolean;
}) {
  const current = totalsOfPayout(payout);
  const money = (t: PayoutVersionTotals, amount: number) => formatMinorUnits(amount, t.currency);
  const versions: { label: string; file: string; totals: PayoutVersionTotals; unreadable: number | null }[] = [
    { label: 'Current version', file: fileOf(source), totals: current, unreadable: null },
    {
      label: 'Re-issue (awaiting review)',
      file: fileOf(reissue.newImport),
      totals: reissue.totals,
      unreadable: reissue.quarantinedLines,
    },
  ];
  return (
    <section
      aria-labelledby="reissue-heading"
      className="grid min-w-0 gap-4 rounded-lg border border-warning/50 bg-warning/10 p-4 sm:p-5"
      data-testid="reissue-review"
    >
      <div className="flex gap-3">
        <AlertTriangle className="mt-0.5 size-5 shrink-0 text-warning" aria-hidden />
        <div className="grid gap-1 text-sm">
          <h2 id="reissue-heading" className="text-base font-semibold">
            Re-issue awaiting review
          </h2>
          <p>
            {fileOf(reissue.newImport)} (
            {reissue.newImport ? `${formatDateTime(reissue.newImport.createdAt)} UTC` : 'date unknown'}) re-issues this
            payout, but {plural(reissue.quarantinedLines, 'line')} of it could not be read. The payout keeps its current
            lines until an operator accepts the new version or keeps this one.
          </p>
        </div>
      </div>
      {/* Narrow screens: each version as a card, so lines and net need no sideways scroll. */}
      <div className="grid gap-2 sm:hidden">
        {versions.map((v) => (
          <div key={v.label} className="grid gap-2 rounded-md border bg-card p-3 text-sm">
            <div className="grid gap-0.5">
              <span className="font-medium">{v.label}</span>
              <span className="break-words text-xs text-muted-foreground">{v.file}</span>
            </div>
            <dl className="grid grid-cols-2 gap-x-3 gap-y-1 tabular-nums">
              <dt className="text-muted-foreground">Lines</dt>
              <dd className="text-right">
                {v.totals.lineCount.toLocaleString('en-GB')}
                {v.unreadable ? ` (+${v.unreadable.toLocaleString('en-GB')} unreadable)` : ''}
              </dd>
              <dt className="text-muted-foreground">Gross sales</dt>
              <dd className="text-right">{money(v.totals, v.totals.grossSales)}</dd>
              <dt className="text-muted-foreground">Fees and VAT</dt>
              <dd className="text-right">{money(v.totals, v.totals.fees + v.totals.tax)}</dd>
              <dt className="text-muted-foreground">Disputes</dt>
              <dd className="text-right">{money(v.totals, v.totals.disputes)}</dd>
              <dt className="font-medium">Net payout</dt>
              <dd className="text-right font-medium">{money(v.totals, v.totals.net)}</dd>
            </dl>
          </div>
        ))}
      </div>
      <div className="hidden min-w-0 rounded-md border bg-card sm:block">
        <Table caption="Payout versions">
          <thead>
            <tr>
              <Th>Version</Th>
              <Th className="text-right">Lines</Th>
              <Th className="text-right">Unreadable</Th>
              <Th className="text-right">Gross sales</Th>
              <Th className="text-right">Refunds</Th>
              <Th className="text-right">Fees and VAT</Th>
              <Th className="text-right">Disputes</Th>
              <Th className="text-right">Net payout</Th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.label}>
                <Td>
                  <span className="block font-medium">{v.label}</span>
                  <span className="block max-w-80 truncate text-xs text-muted-foreground" title={v.file}>
                    {v.file}
                  </span>
                </Td>
                <Td className="text-right tabular-nums">{v.totals.lineCount.toLocaleString('en-GB')}</Td>
                <Td className="text-right tabular-nums">
                  {v.unreadable === null ? '—' : v.unreadable.toLocaleString('en-GB')}
                </Td>
                <Td className="whitespace-nowrap text-right tabular-nums">{money(v.totals, v.totals.grossSales)}</Td>
                <Td className="whitespace-nowrap text-right tabular-nums">{money(v.totals, v.totals.refunds)}</Td>
                <Td className="whitespace-nowrap text-right tabular-nums">
                  {money(v.totals, v.totals.fees + v.totals.tax)}
                </Td>
                <Td className="whitespace-nowrap text-right tabular-nums">{money(v.totals, v.totals.disputes)}</Td>
                <Td className="whitespace-nowrap text-right font-medium tabular-nums">
                  {money(v.totals, v.totals.net)}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
      {unreadable.length > 0 && (
        <div className="grid min-w-0 gap-2">
          <h3 className="text-sm font-medium">Lines of the re-issue that could not be read</h3>
          <ul className="grid gap-2 sm:hidden">
            {unreadable.map((q) => (
              <li key={q.lineNo} className="grid gap-0.5 rounded-md border bg-card p-3 text-xs">
                <span className="font-medium">
                  Line {q.lineNo}
                  {q.raw.type ? ` · ${q.raw.type}` : ''}
                </span>
                <span className="break-all font-mono text-muted-foreground">{q.raw.payment_transaction_id || '—'}</span>
                <span>{q.reason}</span>
              </li>
            ))}
          </ul>
          <div className="hidden min-w-0 rounded-md border bg-card sm:block">
            <Table caption="Unreadable lines of the re-issue">
              <thead>
                <tr>
                  <Th className="text-right">Line</Th>
                  <Th>Transaction</Th>
                  <Th>Why</Th>
                </tr>
              </thead>
              <tbody>
                {unreadable.map((q) => (
                  <tr key={q.lineNo} data-line={q.lineNo}>
                    <Td className="text-right tabular-nums text-muted-foreground">{q.lineNo}</Td>
                    <Td>
                      <span className="block">
                        {q.raw.payment_transaction_id ? (
                          <MiddleEllipsis value={q.raw.payment_transaction_id} max={20} />
                        ) : (
                          '—'
                        )}
                      </span>
                      <span className="block max-w-40 truncate text-xs text-muted-foreground">
                        {q.raw.type || q.raw.dispute_id || q.raw.payment_capture_id || ''}
                      </span>
                    </Td>
                    <Td className="min-w-56 text-xs">{q.reason}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </div>
          {reissue.quarantinedLines > unreadable.length && (
            <p className="text-xs text-muted-foreground">
              The first {unreadable.length} shown;{' '}
              <Link
                className="underline underline-offset-4"
                href={`/settlements/imports/${encodeURIComponent(reissue.importId)}`}
              >
                see them all on the import
              </Link>
              .
            </p>
          )}
        </div>
      )}
      {canDecide ? (
        <ReissueActions
          settlementId={payout.settlementId}
          importId={reissue.importId}
          unreadable={reissue.quarantinedLines}
          current={{
            lines: current.lineCount,
            net: formatMinorUnits(current.net, current.currency),
            fileName: source?.fileName ?? 'the current file',
          }}
          reissue={{
            lines: reissue.totals.lineCount,
            net: formatMinorUnits(reissue.totals.net, reissue.totals.currency),
            fileName: reissue.newImport?.fileName ?? 'the new file',
          }}
        />
      ) : (
        <p className="text-sm text-muted-foreground">An operator accepts the re-issue or keeps the current version.</p>
      )}
    </section>
  );
}

/** The current version came from a re-issue: when, what it replaced, and who decided (or that every line was read). */
function ReissuedNote({ reissue }: { reissue: PayoutReissue }) {
  const was = reissue.replacedTotals;
  return (
    <p className="rounded-md border bg-muted px-3 py-2.5 text-sm" role="note" data-testid="reissue-note">
      Re-issued on {reissue.decidedAt ? formatDateTime(reissue.decidedAt) : formatDateTime(reissue.createdAt)} UTC,
      replacing import{' '}
      {reissue.replacesImportId ? (
        <Link
          className="underline underline-offset-4"
          href={`/settlements/imports/${encodeURIComponent(reissue.replacesImportId)}`}
        >
          {fileOf(reissue.replacedImport)}
        </Link>
      ) : (
        fileOf(reissue.replacedImport)
      )}{' '}
      ({plural(was.lineCount, 'line')}, net {formatMinorUnits(was.net, was.currency)}):{' '}
      {reissue.status === 'accepted'
        ? `accepted by ${reissue.decidedByEmail ?? 'an operator'} after review (${plural(reissue.quarantinedLines, 'line')} of the new file could not be read).`
        : 'applied automatically, as every line of the new file was read.'}
    </p>
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

/** Chips with each verdict's count; the current one is marked. Links keep the filter in the URL. */
function VerdictFilter({
  current,
  counts,
  total,
}: {
  current: LineFilter | undefined;
  counts: Awaited<ReturnType<typeof countLineVerdicts>>;
  total: number;
}) {
  const chips: { value: LineFilter | undefined; label: string; count: number }[] = [
    { value: undefined, label: 'All', count: total },
    { value: 'open', label: 'Needs attention', count: counts.open },
    ...lineVerdicts
      .filter((v) => (counts.byVerdict[v] ?? 0) > 0 || v === current)
      .map((v) => ({ value: v, label: verdictLabels[v], count: counts.byVerdict[v] ?? 0 })),
  ];
  return (
    <nav aria-label="Filter lines by verdict" className="border-b px-5 py-3">
      <ul className="flex flex-wrap gap-2">
        {chips.map((chip) => {
          const active = chip.value === current;
          return (
            <li key={chip.label}>
              <Link
                href={queryString({ verdict: chip.value })}
                aria-current={active ? 'true' : undefined}
                className={cn(
                  'inline-flex items-center gap-1.5 rounded-full border px-3 py-1 text-xs font-medium',
                  active ? 'border-primary bg-primary text-primary-foreground' : 'hover:bg-muted',
                )}
              >
                {chip.label}{' '}
                <span className={cn('tabular-nums', active ? 'opacity-80' : 'text-muted-foreground')}>
                  {chip.count.toLocaleString('en-GB')}
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function TransactionCell({ id, known }: { id: string; known: boolean }) {
  return known ? (
    <Link className="block underline underline-offset-4" href={paymentHref(id)} title={`Open payment ${id}`}>
      <MiddleEllipsis value={id} max={20} />
    </Link>
  ) : (
    <span className="block text-muted-foreground" title={`${id} (not in our records)`}>
      <MiddleEllipsis value={id} max={20} />
    </span>
  );
}

function Resolution({ at, by, note }: { at: Date; by: string | null; note: string | null }) {
  return (
    <div className="grid max-w-64 gap-0.5 text-xs" data-testid="resolution">
      <span className="font-medium">
        Resolved by {by ?? 'someone'} · {formatDateTime(at)} UTC
      </span>
      {note && <span className="whitespace-pre-wrap break-words text-muted-foreground">{note}</span>}
    </div>
  );
}

/** The file's figure with what we expected under it (reconciliation records it where the two are compared). */
function Versus({ actual, expected, testId }: { actual: string; expected: string | null; testId: string }) {
  return (
    <div className="grid justify-items-end gap-0.5 whitespace-nowrap tabular-nums">
      <span data-testid={`${testId}-actual`}>{actual}</span>
      {expected !== null && (
        <span className="text-xs text-muted-foreground" data-testid={`${testId}-expected`}>
          expected {expected}
        </span>
      )}
    </div>
  );
}

function LinesTable({
  rows,
  settlementId,
  canResolve,
}: {
  rows: LineListRow[];
  settlementId: string;
  canResolve: boolean;
}) {
  return (
    <Table caption="Settlement lines">
      <thead>
        <tr>
          <Th className="text-right">Line</Th>
          <Th>Type</Th>
          <Th>Transaction</Th>
          <Th className="text-right">Amount</Th>
          <Th className="text-right">Fee + VAT</Th>
          <Th>Verdict</Th>
          <Th>Resolution</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((l) => {
          const c = l.currency;
          const expectedIn = l.expectedCurrency ?? c;
          const attention = needsAttention(l.verdict);
          const settles = l.paymentRefundId ?? l.paymentCaptureId ?? l.disputeId;
          return (
            <tr key={`${l.importId}:${l.lineNo}`} data-line={l.lineNo} data-verdict={l.verdict}>
              <Td className="text-right tabular-nums text-muted-foreground">{l.lineNo}</Td>
              <Td className="text-xs">{l.type}</Td>
              <Td>
                <TransactionCell id={l.paymentTransactionId} known={l.transactionKnown} />
                <span className="block text-xs text-muted-foreground">
                  {settles ? <MiddleEllipsis value={settles} max={20} /> : '—'}
                </span>
              </Td>
              <Td className="text-right">
                <Versus
                  testId="amount"
                  actual={formatMinorUnits(l.amount, c)}
                  expected={l.expectedAmount === null ? null : formatMinorUnits(l.expectedAmount, expectedIn)}
                />
              </Td>
              <Td className="text-right">
                <Versus
                  testId="fee"
                  actual={formatMinorUnits(l.feeAmount + l.taxAmount, c)}
                  expected={
                    l.expectedFee === null ? null : formatMinorUnits(l.expectedFee + (l.expectedTax ?? 0), expectedIn)
                  }
                />
              </Td>
              <Td className="min-w-56">
                <div className="grid gap-1">
                  <VerdictBadge verdict={l.verdict} resolved={Boolean(l.resolvedAt)} />
                  <span className="text-xs text-muted-foreground">{explainLine(l)}</span>
                </div>
              </Td>
              <Td>
                {l.resolvedAt ? (
                  <Resolution at={l.resolvedAt} by={l.resolvedByEmail} note={l.resolutionNote} />
                ) : attention && canResolve ? (
                  <ResolveDialog
                    settlementId={settlementId}
                    target={{ kind: 'line', importId: l.importId, lineNo: l.lineNo }}
                    what={`line ${l.lineNo}`}
                    verdictLabel={verdictLabels[l.verdict as keyof typeof verdictLabels] ?? l.verdict}
                  />
                ) : (
                  <span className="text-muted-foreground">{attention ? 'Open' : '—'}</span>
                )}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}

function MissingTable({
  rows,
  settlementId,
  canResolve,
}: {
  rows: MissingListRow[];
  settlementId: string;
  canResolve: boolean;
}) {
  return (
    <Table caption="Captures and refunds missing from settlements">
      <thead>
        <tr>
          <Th>When (UTC)</Th>
          <Th>Kind</Th>
          <Th>Transaction</Th>
          <Th className="text-right">Amount</Th>
          <Th>Why it is listed</Th>
          <Th>Resolution</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((m) => (
          <tr key={m.operationId} data-operation={m.operationId} data-verdict="missing">
            <Td className="whitespace-nowrap text-muted-foreground">{formatDateTime(m.occurredAt)}</Td>
            <Td className="text-xs">{m.kind === 'refund' ? 'Refund' : 'Capture'}</Td>
            <Td>
              <TransactionCell id={m.paymentTransactionId} known={m.transactionKnown} />
              <span className="block text-muted-foreground">
                <MiddleEllipsis value={m.operationId} max={20} />
              </span>
            </Td>
            <Td className="whitespace-nowrap text-right tabular-nums">{formatMinorUnits(m.amount, m.currency)}</Td>
            <Td className="min-w-64">
              <div className="grid gap-1">
                <VerdictBadge verdict="missing" resolved={Boolean(m.resolvedAt)} />
                <span className="text-xs text-muted-foreground">{explainMissing(m)}</span>
              </div>
            </Td>
            <Td>
              {m.resolvedAt ? (
                <Resolution at={m.resolvedAt} by={m.resolvedByEmail} note={m.resolutionNote} />
              ) : canResolve ? (
                <ResolveDialog
                  settlementId={settlementId}
                  target={{ kind: 'missing', importId: m.importId, operationId: m.operationId }}
                  what={`${m.kind === 'refund' ? 'refund' : 'capture'} ${m.operationId}`}
                  verdictLabel={verdictLabels.missing}
                />
              ) : (
                <span className="text-muted-foreground">Open</span>
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
