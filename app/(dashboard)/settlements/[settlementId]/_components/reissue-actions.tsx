'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { acceptReissueAction, rejectReissueAction } from '../../actions';

type Version = { lines: number; net: string; fileName: string };

/**
 * The two decisions on a held re-issue, each after a confirmation that restates both
 * versions: accept (the new file's lines replace the payout's) or keep the current version.
 */
export function ReissueActions({
  settlementId,
  importId,
  current,
  reissue,
  unreadable,
}: {
  settlementId: string;
  importId: string;
  current: Version;
  reissue: Version;
  unreadable: number;
}) {
  const lines = (n: number) => `${n.toLocaleString('en-GB')} ${n === 1 ? 'line' : 'lines'}`;
  return (
    <div className="flex flex-wrap gap-2">
      <ConfirmButton
        label="Accept the re-issue…"
        variant="primary"
        confirmVariant="primary"
        size="md"
        title="Accept the re-issue?"
        description={
          <div className="grid gap-2">
            <p>
              Payout <span className="font-mono">{settlementId}</span> will have the re-issue&apos;s{' '}
              {lines(reissue.lines)}, net <strong>{reissue.net}</strong> (from {reissue.fileName}), instead of the
              current {lines(current.lines)}, net <strong>{current.net}</strong> (from {current.fileName}).
            </p>
            <p>
              The {lines(unreadable)} of the re-issue that could not be read will not be part of the payout; they stay
              in the import&apos;s quarantine. Resolutions carry over to the lines that settle the same capture or
              refund. This is recorded in the audit log.
            </p>
          </div>
        }
        confirmLabel="Accept and replace"
        successMessage={`Re-issue accepted: the payout now has ${lines(reissue.lines)}, net ${reissue.net} (was ${lines(current.lines)}, net ${current.net}).`}
        run={() => acceptReissueAction({ settlementId, importId })}
      />
      <ConfirmButton
        label="Keep the current version…"
        size="md"
        confirmVariant="primary"
        title="Keep the current version?"
        description={
          <p>
            The payout keeps its current {lines(current.lines)}, net <strong>{current.net}</strong>. The re-issue (
            {reissue.fileName}) stays on record as kept out; this is recorded in the audit log.
          </p>
        }
        confirmLabel="Keep the current version"
        successMessage="Kept the current version; the re-issue is on record as kept out."
        run={() => rejectReissueAction({ settlementId, importId })}
      />
    </div>
  );
}
