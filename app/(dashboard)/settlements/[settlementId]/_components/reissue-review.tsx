import Link from 'next/link';
import { AlertTriangle } from 'lucide-react';
import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';
import { Table, Td, Th } from '@/components/ui/table';
import type { PayoutVersionTotals, SettlementImportRow, SettlementQuarantineRow, SettlementRow } from '@/db/schema';
import type { PayoutReissue } from '@/lib/settlements/queries';
import { totalsOfPayout } from '@/lib/settlements/reissue';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import { ReissueActions } from './reissue-actions';

type ImportRef = PayoutReissue['newImport'];
export const fileOf = (i: ImportRef | SettlementImportRow | null) =>
  i
    ? `${i.fileName}${i.source === 'klarna' ? ', fetched from Klarna' : i.uploadedByEmail ? `, uploaded by ${i.uploadedByEmail}` : ''}`
    : 'a file no longer kept';
const plural = (n: number, one: string) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : `${one}s`}`;

/**
 * A later file re-issues this payout but some of its lines could not be read: the payout keeps
 * its current lines until an operator accepts the new version or keeps this one. Both versions'
 * figures side by side, and the new file's unreadable lines.
 */
export function ReissueReview({
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
export function ReissuedNote({ reissue }: { reissue: PayoutReissue }) {
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
