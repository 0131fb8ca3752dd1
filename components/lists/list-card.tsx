import { Card } from '@/components/ui/card';

/** A list in a card: the table, or what an empty list says, then the pager. */
export function ListCard({
  isEmpty,
  empty,
  pager,
  children,
}: {
  isEmpty: boolean;
  empty: React.ReactNode;
  pager?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <Card>
      {isEmpty ? (
        <div className="grid justify-items-center gap-3 px-5 py-12 text-center text-sm text-muted-foreground">
          {empty}
        </div>
      ) : (
        children
      )}
      {pager}
    </Card>
  );
}
