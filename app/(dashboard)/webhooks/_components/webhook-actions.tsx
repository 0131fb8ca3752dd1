'use client';

import { ConfirmButton } from '@/components/ui/confirm-button';
import { deleteWebhookAction } from '../actions';

export function DeleteWebhookButton({ webhookId, url }: { webhookId: string; url: string }) {
  return (
    <ConfirmButton
      label="Delete…"
      title="Delete this webhook"
      description={
        <p>
          Klarna stops sending events to <code className="break-all font-mono text-xs">{url}</code>. Deliveries already
          being retried may still arrive.
        </p>
      }
      confirmLabel="Delete webhook"
      successMessage="Webhook deleted."
      run={() => deleteWebhookAction({ webhookId })}
    />
  );
}
