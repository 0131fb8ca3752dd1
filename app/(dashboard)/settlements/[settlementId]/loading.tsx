import { Skeleton } from '@/components/ui/skeleton';

export default function PayoutLoading() {
  return (
    <div className="grid gap-4" role="status" aria-label="Loading the payout">
      <div className="grid gap-2">
        <Skeleton className="h-7 w-80" />
        <Skeleton className="h-4 w-64" />
      </div>
      <Skeleton className="h-24 w-full" />
      <Skeleton className="h-72 w-full" />
      <div className="grid gap-2 rounded-lg border p-4">
        {Array.from({ length: 8 }, (_, i) => (
          <Skeleton key={i} className="h-9 w-full" />
        ))}
      </div>
    </div>
  );
}
