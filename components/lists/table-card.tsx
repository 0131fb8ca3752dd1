import { Card, CardHeader } from '@/components/ui/card';
import { ActionsTh, Table, Td, Th } from '@/components/ui/table';

/**
 * A card holding one table with its heading: an add button in the header (`action`), a note under
 * it (why managing is off), what an empty list says, and a last column of row actions when
 * `rowActions` is set (each row ends with a RowActions cell then).
 */
export function TableCard({
  title,
  description,
  action,
  note,
  caption,
  columns,
  rowActions,
  isEmpty,
  empty,
  children,
}: {
  title: string;
  description?: React.ReactNode;
  action?: React.ReactNode;
  note?: React.ReactNode;
  caption: string;
  columns: string[];
  rowActions: boolean;
  isEmpty: boolean;
  empty: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <Card>
      <CardHeader title={title} description={description} actions={action} />
      {note && <p className="px-5 pt-3 text-xs text-muted-foreground">{note}</p>}
      {isEmpty ? (
        <p className="px-5 py-10 text-center text-sm text-muted-foreground">{empty}</p>
      ) : (
        <Table caption={caption}>
          <thead>
            <tr>
              {columns.map((c) => (
                <Th key={c}>{c}</Th>
              ))}
              {rowActions && <ActionsTh />}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </Table>
      )}
    </Card>
  );
}

/** A row's last cell: its buttons, right-aligned. */
export function RowActions({ children }: { children: React.ReactNode }) {
  return (
    <Td>
      <div className="flex justify-end gap-2">{children}</div>
    </Td>
  );
}
