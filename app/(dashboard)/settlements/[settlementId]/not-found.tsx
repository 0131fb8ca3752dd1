import Link from 'next/link';
import { SearchX } from 'lucide-react';
import { Card } from '@/components/ui/card';

/** No payout with this settlement id is in the dashboard (not imported yet, or re-issued under another id). */
export default function PayoutNotFound() {
  return (
    <Card className="grid place-items-center gap-3 px-6 py-14 text-center" role="alert">
      <SearchX className="size-8 text-muted-foreground" aria-hidden />
      <h1 className="text-lg font-semibold">Payout not found</h1>
      <p className="max-w-md text-sm text-muted-foreground">
        No settlement report brought into the dashboard holds this settlement id. Upload the report or fetch it from
        Klarna, then open it from the list.
      </p>
      <Link className="text-sm underline underline-offset-4" href="/settlements">
        Back to settlements
      </Link>
    </Card>
  );
}
