import { ShieldAlert } from 'lucide-react';
import { Card } from '@/components/ui/card';

/** Shown instead of a page the role may not open (the server refused to render it). */
export function Forbidden({ message }: { message: string }) {
  return (
    <Card className="grid place-items-center gap-3 px-6 py-14 text-center" role="alert">
      <ShieldAlert className="size-8 text-danger" aria-hidden />
      <h1 className="text-lg font-semibold">You don&apos;t have access to this page</h1>
      <p className="max-w-md text-sm text-muted-foreground">{message} Ask an admin if you need it.</p>
    </Card>
  );
}
