import { operations, type Operation, type OperationBlocks } from '@/lib/payments/operation-blocks';
import { CaptureDialog } from './capture-dialog';
import { ReauthorizeDialog } from './reauthorize-dialog';
import { RefreshButton } from './refresh-button';
import { RefundDialog } from './refund-dialog';
import { ReleaseDialog } from './release-dialog';
import { UpdateDialog } from './update-dialog';
import type { PaymentView } from './view';

/** The operation buttons, and why each disabled one is off (said once per reason). */
export function PaymentActions({
  view,
  blocks,
  canOperate,
}: {
  view: PaymentView;
  blocks: OperationBlocks;
  canOperate: boolean;
}) {
  const reasonGroups = groupReasons(blocks);
  const reasonId = (op: Operation) => reasonGroups.find((g) => g.ops.includes(op))?.id;
  return (
    <section aria-label="Payment actions" className="mb-4 grid gap-2">
      <div className="flex flex-wrap items-center gap-2">
        {canOperate && (
          <>
            <CaptureDialog payment={view} disabledReason={blocks.capture} reasonId={reasonId('capture')} />
            <RefundDialog payment={view} disabledReason={blocks.refund} reasonId={reasonId('refund')} />
            <ReleaseDialog payment={view} disabledReason={blocks.release} reasonId={reasonId('release')} />
            <UpdateDialog payment={view} disabledReason={blocks.update} reasonId={reasonId('update')} />
            <ReauthorizeDialog payment={view} disabledReason={blocks.reauthorize} reasonId={reasonId('reauthorize')} />
          </>
        )}
        <RefreshButton accountId={view.accountId} paymentTransactionId={view.paymentTransactionId} />
      </div>
      {canOperate ? (
        reasonGroups.length > 0 && (
          <ul className="grid gap-0.5 text-xs text-muted-foreground" aria-label="Unavailable actions">
            {reasonGroups.map((g) => (
              <li key={g.id} id={g.id}>
                <span className="font-medium text-foreground">{g.label}:</span> {g.reason}
              </li>
            ))}
          </ul>
        )
      ) : (
        <p className="text-xs text-muted-foreground">
          You can see this payment; capturing, refunding and changing it needs the operator role.
        </p>
      )}
    </section>
  );
}

const operationLabels: Record<Operation, string> = {
  capture: 'Capture',
  refund: 'Refund',
  release: 'Release',
  update: 'Update',
  reauthorize: 'Reauthorize',
};

/** Disabled actions grouped by their reason, so a closed payment says it once. */
function groupReasons(
  blocks: Record<Operation, string | null>,
): { id: string; ops: Operation[]; label: string; reason: string }[] {
  const groups: { id: string; ops: Operation[]; label: string; reason: string }[] = [];
  for (const op of operations) {
    const reason = blocks[op];
    if (!reason) continue;
    const group = groups.find((g) => g.reason === reason);
    if (group) group.ops.push(op);
    else groups.push({ id: `blocked-${op}`, ops: [op], label: '', reason });
  }
  for (const g of groups) {
    const names = g.ops.map((op, i) => (i === 0 ? operationLabels[op] : operationLabels[op].toLowerCase()));
    g.label = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  }
  return groups;
}
