import { PageSkeleton } from '@/components/ui/skeleton';

export default function ApiRequestLogLoading() {
  return <PageSkeleton label="Loading the API request log" blocks={['h-48']} rows={8} rowHeight="h-8" />;
}
