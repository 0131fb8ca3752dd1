import { Skeleton } from '@/components/ui/skeleton';

export default function PaymentLinksLoading() {
  return (
    <div className="grid gap-4" role="status" aria-label="Loading payment links">
      <div className="grid gap-2">
        <Skeleton className="h-7 w-48" />
        <Skeleton className="h-4 w-96" />
      </div>
      <Skeleton className="h-20 w-full" />
      <Skeleton className="h-72 w-full" />
    </div>
  );
}
