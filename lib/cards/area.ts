import type { AreaRegistration, Log } from '@/lib/area';
import { jobContext } from '@/lib/context';
import { AppError } from '@/lib/errors';
import type { JobHandlers } from '@/lib/jobs/queue';
import { checkCancellation } from './service';

/** The job that asks Klarna again about a pending cancellation after its `check_after`. */
export function cardJobHandlers(log: Log): JobHandlers {
  return {
    'card-cancellation-check': async ({ orderId }) => {
      try {
        const row = await checkCancellation(jobContext(), { orderId });
        log(`cards: cancellation of order ${orderId} is ${row.status}`);
      } catch (error) {
        // A refusal is final (the order is unknown to Klarna); anything else is retried by pg-boss.
        if (error instanceof AppError && error.kind !== 'unavailable' && error.kind !== 'rate_limited') {
          log(`cards: cancellation check for order ${orderId} refused: ${error.message}`);
          return;
        }
        throw error;
      }
    },
  };
}

/** Virtual cards in the app (lib/app.ts): the cancellation re-check job. */
export const cardsArea: AreaRegistration = { name: 'cards', jobs: (log) => cardJobHandlers(log) };
