import { Skeleton } from '@/components/ui/skeleton';

export default function PaymentLinkLoading() {
  return (
    <div className="grid gap-4" role="status" aria-label="Loading the payment link">
      <Skeleton className="h-4 w-28" />
      <Skeleton className="h-8 w-80" />
      <Skeleton className="h-5 w-64" />
      <Skeleton className="h-16 w-full" />
      <Skeleton className="h-52 w-full" />
      <Skeleton className="h-48 w-full" />
    </div>
  );
}
