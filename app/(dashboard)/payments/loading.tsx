import { Skeleton } from '@/components/ui/skeleton';

export default function PaymentsLoading() {
  return (
    <div className="grid gap-4" role="status" aria-label="Loading payments">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="grid gap-2">
          <Skeleton className="h-7 w-36" />
          <Skeleton className="h-4 w-96" />
        </div>
        <Skeleton className="h-9 w-72" />
      </div>
      <Skeleton className="h-56 w-full" />
      <div className="grid gap-2 rounded-lg border p-4">
        {Array.from({ length: 10 }, (_, i) => (
          <Skeleton key={i} className="h-9 w-full" />
        ))}
      </div>
    </div>
  );
}
