import Link from 'next/link';
import { SearchX } from 'lucide-react';
import { Card } from '@/components/ui/card';

/** Neither Klarna nor the dashboard knows the account in the address. */
export default function MerchantNotFound() {
  return (
    <Card className="grid place-items-center gap-3 px-6 py-14 text-center" role="alert">
      <SearchX className="size-8 text-muted-foreground" aria-hidden />
      <h1 className="text-lg font-semibold">Merchant account not found</h1>
      <p className="max-w-md text-sm text-muted-foreground">
        Klarna does not know this account, and the dashboard has no copy of it. Check the account id, or find the
        merchant in the list.
      </p>
      <Link className="text-sm underline underline-offset-4" href="/merchants">
        Back to merchants
      </Link>
    </Card>
  );
}
