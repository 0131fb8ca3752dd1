import Link from 'next/link';
import { SearchX } from 'lucide-react';
import { Card } from '@/components/ui/card';

/** The dashboard has no copy of the transaction in the address (not yet, or never). */
export default function PaymentNotFound() {
  return (
    <Card className="grid place-items-center gap-3 px-6 py-14 text-center" role="alert">
      <SearchX className="size-8 text-muted-foreground" aria-hidden />
      <h1 className="text-lg font-semibold">Payment not found</h1>
      <p className="max-w-md text-sm text-muted-foreground">
        The dashboard knows no payment transaction with this id. A payment made a moment ago appears once Klarna’s
        webhook arrives, usually within seconds; otherwise check the id, or find the payment in the list.
      </p>
      <Link className="text-sm underline underline-offset-4" href="/payments">
        Back to payments
      </Link>
    </Card>
  );
}
