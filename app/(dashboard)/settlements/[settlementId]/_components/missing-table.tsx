import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';
import { VerdictBadge } from '@/components/settlements/badges';
import { Table, Td, Th } from '@/components/ui/table';
import type { MissingListRow } from '@/lib/settlements/queries';
import { explainMissing, verdictLabels } from '@/lib/settlements/verdicts';
import { formatDateTime } from '@/lib/ui/format';
import { formatMinorUnits } from '@/lib/ui/money';
import { Resolution, TransactionCell } from './cells';
import { ResolveDialog } from './resolve-dialog';

export function MissingTable({
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
