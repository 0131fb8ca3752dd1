import { PageSkeleton } from '@/components/ui/skeleton';

export default function PaymentLinksLoading() {
  return <PageSkeleton label="Loading payment links" blocks={['h-20', 'h-72']} />;
}
