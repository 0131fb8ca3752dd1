import { PageSkeleton } from '@/components/ui/skeleton';

export default function PaymentsLoading() {
  return <PageSkeleton label="Loading payments" titleWidth="w-36" action blocks={['h-56']} rows={10} />;
}
