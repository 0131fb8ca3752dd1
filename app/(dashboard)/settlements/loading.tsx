import { PageSkeleton } from '@/components/ui/skeleton';

export default function SettlementsLoading() {
  return <PageSkeleton label="Loading settlements" titleWidth="w-40" blocks={['h-48', 'h-9 w-56']} rows={8} />;
}
