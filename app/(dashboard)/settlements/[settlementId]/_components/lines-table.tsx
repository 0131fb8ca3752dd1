import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';
import { VerdictBadge } from '@/components/settlements/badges';
import { Table, Td, Th } from '@/components/ui/table';
import type { LineListRow } from '@/lib/settlements/queries';
import { explainLine, needsAttention, verdictLabels } from '@/lib/settlements/verdicts';
import { formatMinorUnits } from '@/lib/ui/money';
import { Resolution, TransactionCell, Versus } from './cells';
import { ResolveDialog } from './resolve-dialog';

export function LinesTable({
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
