import { Skeleton } from '@/components/ui/skeleton';

export default function ApiRequestLoading() {
  return (
    <div className="grid gap-4" role="status" aria-label="Loading the API request">
      <Skeleton className="h-7 w-72" />
      <Skeleton className="h-64 w-full" />
      <Skeleton className="h-48 w-full" />
    </div>
  );
}
