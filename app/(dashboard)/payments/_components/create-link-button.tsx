import Link from 'next/link';
import { Plus } from 'lucide-react';
import { Button } from '@/components/ui/button';

/** The payments pages' header action (operators only; the caller checks the role). */
export function CreateLinkButton() {
  return (
    <Button asChild>
      <Link href="/payments/links/new">
        <Plus aria-hidden /> Create payment link
      </Link>
    </Button>
  );
}
