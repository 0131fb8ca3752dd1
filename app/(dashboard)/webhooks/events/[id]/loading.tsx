import { Skeleton } from '@/components/ui/skeleton';

export default function WebhookEventLoading() {
  return (
    <div className="grid gap-4" role="status" aria-label="Loading the webhook event">
      <Skeleton className="h-7 w-72" />
      <Skeleton className="h-72 w-full" />
      <Skeleton className="h-40 w-full" />
      <Skeleton className="h-56 w-full" />
    </div>
  );
}
