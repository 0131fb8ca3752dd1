import { PageSkeleton } from '@/components/ui/skeleton';

export default function EventLogLoading() {
  return <PageSkeleton label="Loading the event log" titleWidth="w-40" blocks={['h-40']} rows={8} rowHeight="h-8" />;
}
