import { PageSkeleton } from '@/components/ui/skeleton';

export default function PayoutLoading() {
  return (
    <PageSkeleton
      label="Loading the payout"
      titleWidth="w-80"
      descriptionWidth="w-64"
      blocks={['h-24', 'h-72']}
      rows={8}
    />
  );
}
