import { Skeleton } from '@/components/ui/skeleton';

export default function SettlementsLoading() {
  return (
    <div className="grid gap-4" role="status" aria-label="Loading settlements">
      <div className="grid gap-2">
        <Skeleton className="h-7 w-40" />
        <Skeleton className="h-4 w-96" />
      </div>
      <Skeleton className="h-48 w-full" />
      <Skeleton className="h-9 w-56" />
      <div className="grid gap-2 rounded-lg border p-4">
        {Array.from({ length: 8 }, (_, i) => (
          <Skeleton key={i} className="h-9 w-full" />
        ))}
      </div>
    </div>
  );
}
