import { PageSkeleton } from '@/components/ui/skeleton';

export default function DashboardPageLoading() {
  return <PageSkeleton label="Loading page" descriptionWidth="w-80" blocks={['h-64']} className="gap-6" />;
}
