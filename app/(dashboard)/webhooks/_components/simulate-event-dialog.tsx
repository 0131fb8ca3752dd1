'use client';

import { useRef, useState } from 'react';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useAction } from 'next-safe-action/hooks';
import { Send } from 'lucide-react';
import { ActionDialog, useDoneDialog } from '@/components/forms/action-dialog';
import { errorsOf, SelectField } from '@/components/forms/form-kit';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { eventTypeMatches } from '@/lib/klarna/schemas/webhooks';
import { failureMessage, type ActionFailure } from '@/lib/ui/action-result';
import { splitOutcomeNote } from '@/lib/webhooks/outcome';
import { findReceivedEventAction, simulateWebhookEventAction } from '../actions';

const WAIT_MS = 60_000;
const NOT_ARRIVED =
  'Not arrived after a minute. Klarna retries failed deliveries (10 s, 2 min, 15 min…); check that the webhook’s URL reaches this dashboard.';

/** Asks Klarna to send a test event to one webhook, then follows it until the receiver has it. */
export function SimulateEventDialog({
  webhookId,
  patterns,
  knownEventTypes,
  disabled,
}: {
  webhookId: string;
  patterns: string[];
  knownEventTypes: string[];
  disabled: boolean;
}) {
  const choices = knownEventTypes.filter((type) => patterns.some((p) => eventTypeMatches(p, type)));
  const [eventType, setEventType] = useState(choices[0] ?? '');
  const dialog = useDoneDialog<{ eventId: string }>(() => {});
  // When following began, per event: the first poll starts the minute.
  const followedSince = useRef(new Map<string, number>());
  const simulate = useAction(
    simulateWebhookEventAction,
    dialog.doneCallbacks(() => `Klarna is sending a ${eventType} test event to this webhook.`),
  );
  const eventId = dialog.done?.eventId ?? null;
  const arrival = useQuery({
    queryKey: ['webhook-event-arrival', eventId],
    // Followed while the dialog is open, as before: closing it stops the polls.
    enabled: dialog.open && Boolean(eventId),
    queryFn: async () => {
      const result = await findReceivedEventAction({ eventId: eventId! });
      if (!result?.data) throw new Error(result ? failureMessage(result as ActionFailure) : 'no answer');
      const since = followedSince.current.get(eventId!) ?? Date.now();
      followedSince.current.set(eventId!, since);
      if (!result.data.event && Date.now() - since > WAIT_MS) throw new Error(NOT_ARRIVED);
      return result.data.event;
    },
    retry: false,
    refetchInterval: (query) => (query.state.data || query.state.error ? false : 1000),
  });
  const event = arrival.data;

  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button
          variant="secondary"
          size="sm"
          disabled={disabled || choices.length === 0}
          title={disabled ? 'Only enabled webhooks in a test environment' : undefined}
        >
          <Send aria-hidden /> Send test event…
        </Button>
      }
      title="Send a test event"
      description="Klarna sends an event of this type with dummy data to this webhook only."
      shown={['eventType']}
      submitLabel="Send"
      pending={simulate.isPending}
      onSubmit={() => simulate.execute({ webhookId, eventType, intentId: dialog.submission.intentId })}
      done={
        eventId && (
          <div className="grid gap-3 text-sm" role="status" aria-live="polite">
            <p>
              Klarna accepted the request: event <code className="break-all font-mono text-xs">{eventId}</code>.
            </p>
            {event ? (
              <div className="grid gap-2">
                <p className="flex flex-wrap items-center gap-2">
                  Arrived. Signature:{' '}
                  {event.verdict === 'valid' ? (
                    <Badge tone="success">valid</Badge>
                  ) : (
                    <Badge tone="danger">rejected</Badge>
                  )}
                  Processing: <Badge>{event.status.replace('_', ' ')}</Badge>
                </p>
                {event.rejectReason && <p className="text-danger">{event.rejectReason}</p>}
                {event.processingError && (
                  <p className="text-muted-foreground">{splitOutcomeNote(event.processingError).sentence}</p>
                )}
                <Link className="underline underline-offset-4" href={`/webhooks/events/${event.id}`}>
                  Open it in the event log
                </Link>
              </div>
            ) : arrival.error ? (
              <Alert tone={arrival.error.message === NOT_ARRIVED ? 'warning' : 'danger'}>{arrival.error.message}</Alert>
            ) : (
              <p className="text-muted-foreground">Waiting for it to arrive…</p>
            )}
          </div>
        )
      }
    >
      <SelectField
        label="Event type"
        name="eventType"
        value={eventType}
        onChange={setEventType}
        errors={errorsOf(dialog.submission.failure)}
      >
        {choices.map((type) => (
          <option key={type} value={type}>
            {type}
          </option>
        ))}
      </SelectField>
    </ActionDialog>
  );
}
