import { Skeleton } from '@/components/ui/skeleton';

export default function MerchantLoading() {
  return (
    <div className="grid gap-4" role="status" aria-label="Loading the merchant from Klarna">
      <Skeleton className="h-4 w-24" />
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="grid gap-2">
          <Skeleton className="h-8 w-72" />
          <Skeleton className="h-5 w-96" />
          <Skeleton className="h-4 w-80" />
        </div>
        <Skeleton className="h-9 w-44" />
      </div>
      <Skeleton className="h-9 w-full" />
      <Skeleton className="h-72 w-full" />
      <Skeleton className="h-48 w-full" />
    </div>
  );
}
