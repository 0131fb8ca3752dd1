import { Skeleton } from '@/components/ui/skeleton';

export default function DashboardPageLoading() {
  return (
    <div className="grid gap-6" role="status" aria-label="Loading page">
      <div className="grid gap-2">
        <Skeleton className="h-7 w-48" />
        <Skeleton className="h-4 w-80" />
      </div>
      <Skeleton className="h-64 w-full" />
    </div>
  );
}
