import Link from 'next/link';
import { SearchX } from 'lucide-react';
import { Card } from '@/components/ui/card';

/** The dashboard has no payment link with the id in the address. */
export default function PaymentLinkNotFound() {
  return (
    <Card className="grid place-items-center gap-3 px-6 py-14 text-center" role="alert">
      <SearchX className="size-8 text-muted-foreground" aria-hidden />
      <h1 className="text-lg font-semibold">Payment link not found</h1>
      <p className="max-w-md text-sm text-muted-foreground">
        No payment link with this id was created in this dashboard. Check the address, or find the link in the list.
      </p>
      <Link className="text-sm underline underline-offset-4" href="/payments/links">
        Back to payment links
      </Link>
    </Card>
  );
}
