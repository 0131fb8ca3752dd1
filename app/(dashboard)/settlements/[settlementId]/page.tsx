import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
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
import { pageActor } from '@/lib/auth/page';
import { can } from '@/lib/auth/roles';
import { getDb } from '@/lib/db';
import { countLineVerdicts, countSettlementMissing, getSettlement, getSettlementImport, isLineFilter, listSettlementLines, listSettlementMissing, type LineFilter, type LineListRow, type MissingListRow } from '@/lib/settlements/queries';
import { explainLine, explainMissing, lineVerdicts, needsAttention, verdictLabels } from '@/lib/settlements/verdicts';
import { cn } from '@/lib/ui/cn';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import { decodeSegment, firstValues, queryString } from '@/lib/ui/search-params';
import { RerunButton } from './_components/rerun-button';
import { ResolveDialog } from './_components/resolve-dialog';

export const metadata: Metadata = { title: 'Payout' };
export const dynamic = 'force-dynamic';

const day = (d: Date) => d.toISOString().slice(0, 10);
const paymentHref = (id: string) => `/payments/${encodeURIComponent(id)}`;

export default async function PayoutPage({ params, searchParams }: { params: Promise<{ settlementId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor, denied } = await pageActor('dashboard.read');
  if (denied) return <Forbidden message={denied} />;
  const id = decodeSegment((await params).settlementId);
  const search = firstValues(await searchParams);
  const verdict: LineFilter | undefined = isLineFilter(search.verdict) ? search.verdict : undefined;
  const db = getDb();
  const payout = await getSettlement(db, id);
  if (!payout) notFound();
  const [counts, lines, missing, missingTotal, source] = await Promise.all([
    countLineVerdicts(db, payout),
    listSettlementLines(db, payout, { verdict, cursor: search.cursor?.slice(0, 200), limit: 50 }),
    listSettlementMissing(db, payout, { cursor: search.mcursor?.slice(0, 500), limit: 50 }),
    countSettlementMissing(db, payout),
    getSettlementImport(db, payout.importId),
  ]);
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

      <Card>
        <CardBody>
          <dl className="grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-5">
            <Stat label="Net payout" value={<span data-testid="payout-net">{money(payout.net)}</span>} />
            <Stat label="Match rate" value={<span data-testid="payout-match-rate">{formatPercent(rate)}</span>} hint={`${payout.matchedCount.toLocaleString('en-GB')} of ${payout.lineCount.toLocaleString('en-GB')} lines`} />
            <Stat label="Open items" value={<PayoutStatusBadge open={open} />} hint={`${payout.openCount} lines, ${payout.missingCount} missing`} />
            <Stat label="Gross sales" value={money(payout.grossSales)} />
            <Stat label="Fees and VAT" value={money(payout.fees + payout.tax)} />
          </dl>
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="From gross sales to net payout" description={`How Klarna got from what was sold to what it paid out, in ${currency}.`} />
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
            <p className="text-sm text-muted-foreground">Every line of the report with its verdict: the file&apos;s amounts, with what our records expected under them where they are compared.</p>
          </div>
        </div>
        <VerdictFilter current={verdict} counts={counts} total={payout.lineCount} />
        {lines.rows.length === 0 ? (
          <p className="px-5 py-10 text-center text-sm text-muted-foreground">{verdict ? 'No line has this verdict.' : 'This payout has no lines.'}</p>
        ) : (
          <LinesTable rows={lines.rows} settlementId={payout.settlementId} canResolve={canResolve} />
        )}
        <ParamPager label="Line pages" params={{ ...urlValues, cursor: undefined }} cursor={search.cursor} nextCursor={lines.nextCursor} />
      </Card>

      <Card aria-labelledby="missing-heading">
        <div className="grid gap-1 border-b px-5 py-4">
          <h2 id="missing-heading" className="text-base font-semibold">
            Missing from settlements ({missingTotal.toLocaleString('en-GB')})
          </h2>
          <p className="text-sm text-muted-foreground">Captures and refunds in our records, made within this payout&apos;s period for the merchants it covers, that no settlement line settles.</p>
        </div>
        {missing.rows.length === 0 ? (
          <p className="px-5 py-10 text-center text-sm text-muted-foreground">Nothing is missing: every capture and refund of the period is settled.</p>
        ) : (
          <MissingTable rows={missing.rows} settlementId={payout.settlementId} canResolve={canResolve} />
        )}
        <ParamPager label="Missing item pages" param="mcursor" params={{ ...urlValues, mcursor: undefined }} cursor={search.mcursor} nextCursor={missing.nextCursor} />
      </Card>

      <DetailList
        items={[
          ['Report', source ? `${source.fileName} (${source.source === 'klarna' ? 'fetched from Klarna' : `uploaded${source.uploadedByEmail ? ` by ${source.uploadedByEmail}` : ''}`}, ${formatDateTime(source.createdAt)} UTC)` : payout.importId],
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

/** Chips with each verdict's count; the current one is marked. Links keep the filter in the URL. */
function VerdictFilter({ current, counts, total }: { current: LineFilter | undefined; counts: Awaited<ReturnType<typeof countLineVerdicts>>; total: number }) {
  const chips: { value: LineFilter | undefined; label: string; count: number }[] = [
    { value: undefined, label: 'All', count: total },
    { value: 'open', label: 'Needs attention', count: counts.open },
    ...lineVerdicts.filter((v) => (counts.byVerdict[v] ?? 0) > 0 || v === current).map((v) => ({ value: v, label: verdictLabels[v], count: counts.byVerdict[v] ?? 0 })),
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
                className={cn('inline-flex items-center gap-1.5 rounded-full border px-3 py-1 text-xs font-medium', active ? 'border-primary bg-primary text-primary-foreground' : 'hover:bg-muted')}
              >
                {chip.label}{' '}
                <span className={cn('tabular-nums', active ? 'opacity-80' : 'text-muted-foreground')}>{chip.count.toLocaleString('en-GB')}</span>
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
    <Link className="block max-w-36 truncate font-mono text-xs underline underline-offset-4" href={paymentHref(id)} title={`Open payment ${id}`}>
      {id}
    </Link>
  ) : (
    <span className="block max-w-36 truncate font-mono text-xs text-muted-foreground" title={`${id} (not in our records)`}>
      {id}
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

function LinesTable({ rows, settlementId, canResolve }: { rows: LineListRow[]; settlementId: string; canResolve: boolean }) {
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
                <span className="block max-w-36 truncate font-mono text-xs text-muted-foreground" title={settles ?? ''}>
                  {settles ?? '—'}
                </span>
              </Td>
              <Td className="text-right">
                <Versus testId="amount" actual={formatMinorUnits(l.amount, c)} expected={l.expectedAmount === null ? null : formatMinorUnits(l.expectedAmount, expectedIn)} />
              </Td>
              <Td className="text-right">
                <Versus testId="fee" actual={formatMinorUnits(l.feeAmount + l.taxAmount, c)} expected={l.expectedFee === null ? null : formatMinorUnits(l.expectedFee + (l.expectedTax ?? 0), expectedIn)} />
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
                  <ResolveDialog settlementId={settlementId} target={{ kind: 'line', importId: l.importId, lineNo: l.lineNo }} what={`line ${l.lineNo}`} verdictLabel={verdictLabels[l.verdict as keyof typeof verdictLabels] ?? l.verdict} />
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

function MissingTable({ rows, settlementId, canResolve }: { rows: MissingListRow[]; settlementId: string; canResolve: boolean }) {
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
              <span className="block max-w-36 truncate font-mono text-xs text-muted-foreground" title={m.operationId}>
                {m.operationId}
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
                <ResolveDialog settlementId={settlementId} target={{ kind: 'missing', importId: m.importId, operationId: m.operationId }} what={`${m.kind === 'refund' ? 'refund' : 'capture'} ${m.operationId}`} verdictLabel={verdictLabels.missing} />
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
