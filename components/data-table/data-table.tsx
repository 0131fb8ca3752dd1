'use client';

import { useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { columnVisibilityFeature, tableFeatures, useTable, type ColumnDef } from '@tanstack/react-table';
import type { ColumnVisibilityState } from '@tanstack/react-table';
import { Columns3 } from 'lucide-react';
import { DropdownMenu } from 'radix-ui';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/ui/cn';

/** Card widths (Tailwind container sizes) from which a column shows until someone chooses. */
export type ShowFrom = '@md' | '@lg' | '@xl' | '@2xl' | '@3xl' | '@4xl' | '@5xl' | '@6xl' | '@7xl' | 'wide';

// Written out so Tailwind finds every class.
const showFromClass: Record<ShowFrom, string> = {
  '@md': 'hidden @md:table-cell',
  '@lg': 'hidden @lg:table-cell',
  '@xl': 'hidden @xl:table-cell',
  '@2xl': 'hidden @2xl:table-cell',
  '@3xl': 'hidden @3xl:table-cell',
  '@4xl': 'hidden @4xl:table-cell',
  '@5xl': 'hidden @5xl:table-cell',
  '@6xl': 'hidden @6xl:table-cell',
  '@7xl': 'hidden @7xl:table-cell',
  wide: 'hidden @min-[88rem]:table-cell',
};

export type DataTableColumn = {
  id: string;
  /** The column's name in the Columns menu, and its header unless `header` is given. */
  label: string;
  header?: React.ReactNode;
  ariaSort?: 'ascending' | 'descending' | 'none';
  /** Classes of the column's header and body cells. */
  className?: string;
  /** In a narrower card the column starts hidden; the Columns menu shows it. */
  showFrom?: ShowFrom;
};

/** A row as the server rendered it: one node per column id. */
export type DataTableRow = { id: string; cells: Record<string, React.ReactNode> };

const features = tableFeatures({ columnVisibilityFeature });

// Column choices live in localStorage; tables on this page re-read them when one changes.
const listeners = new Set<() => void>();
function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

function parseChoice(text: string): ColumnVisibilityState {
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object') return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, boolean] => typeof e[1] === 'boolean'));
  } catch {
    return {};
  }
}

/**
 * A list table that fits its card: the first column stays in view while the rest scrolls, columns
 * without room start hidden, and a Columns menu shows or hides any but the first (the choice is
 * kept in this browser under `storageKey`). Rows come rendered from the server.
 */
export function DataTable({
  caption,
  columns,
  rows,
  storageKey,
}: {
  caption: string;
  columns: DataTableColumn[];
  rows: DataTableRow[];
  storageKey: string;
}) {
  // Only choices made in the menu; a column not in it follows the card's width.
  const key = `dashboard.columns.${storageKey}`;
  const stored = useSyncExternalStore(
    subscribe,
    () => window.localStorage.getItem(key) ?? '{}',
    () => '{}',
  );
  const chosen = useMemo(() => parseChoice(stored), [stored]);
  const choose = (next: ColumnVisibilityState) => {
    window.localStorage.setItem(key, JSON.stringify(next));
    for (const listener of listeners) listener();
  };

  const defs: ColumnDef<typeof features, DataTableRow>[] = columns.map((c, i) => ({
    id: c.id,
    accessorFn: (row: DataTableRow) => row.cells[c.id],
    enableHiding: i > 0,
  }));
  const table = useTable({
    features,
    columns: defs,
    data: rows,
    getRowId: (row) => row.id,
    state: { columnVisibility: chosen },
    onColumnVisibilityChange: (updater) => choose(typeof updater === 'function' ? updater(chosen) : updater),
  });
  const byId = new Map(columns.map((c) => [c.id, c]));
  const first = columns[0]?.id;
  const classes = (id: string) => {
    const c = byId.get(id);
    return cn(
      c?.className,
      c?.showFrom && chosen[id] === undefined && showFromClass[c.showFrom],
      id === first && 'sticky left-0 z-[1] bg-card shadow-[inset_-1px_0_0_var(--color-border)]',
    );
  };
  const scroller = useRef<HTMLDivElement>(null);

  return (
    <div className="grid">
      <div className="flex justify-end border-b px-3 py-1.5">
        <ColumnsMenu
          columns={columns.slice(1)}
          isShown={(id) => {
            if (chosen[id] !== undefined) return chosen[id];
            const th = scroller.current?.querySelector(`th[data-column="${CSS.escape(id)}"]`);
            return th ? getComputedStyle(th).display !== 'none' : true;
          }}
          onChange={(id, shown) => table.getColumn(id)?.toggleVisibility(shown)}
          onReset={() => choose({})}
        />
      </div>
      <div ref={scroller} className="@container relative w-full overflow-x-auto">
        <table className="w-full caption-bottom text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead>
            {table.getHeaderGroups().map((group) => (
              <tr key={group.id}>
                {group.headers.map((header) => {
                  const c = byId.get(header.column.id);
                  return (
                    <th
                      key={header.id}
                      scope="col"
                      data-column={header.column.id}
                      aria-sort={c?.ariaSort}
                      className={cn(
                        'h-9 border-b px-2 text-left align-middle text-xs font-medium tracking-wide whitespace-nowrap text-muted-foreground uppercase @2xl:px-4',
                        classes(header.column.id),
                      )}
                    >
                      {c?.header ?? c?.label}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr key={row.id}>
                {row.getVisibleCells().map((cell) => (
                  <td
                    key={cell.id}
                    className={cn('border-b px-2 py-2.5 align-middle @2xl:px-4', classes(cell.column.id))}
                  >
                    {row.original.cells[cell.column.id]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function ColumnsMenu({
  columns,
  isShown,
  onChange,
  onReset,
}: {
  columns: DataTableColumn[];
  isShown: (id: string) => boolean;
  onChange: (id: string, shown: boolean) => void;
  onReset: () => void;
}) {
  const [, refresh] = useState(0);
  const labelId = useId();
  return (
    <DropdownMenu.Root onOpenChange={(open) => open && refresh((n) => n + 1)}>
      <DropdownMenu.Trigger asChild>
        <Button variant="ghost" size="sm">
          <Columns3 aria-hidden /> Columns
        </Button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          aria-labelledby={labelId}
          className="z-50 min-w-48 rounded-md border bg-card p-1 text-sm shadow-md"
        >
          <DropdownMenu.Label id={labelId} className="px-2 py-1.5 text-xs text-muted-foreground">
            Columns shown
          </DropdownMenu.Label>
          {columns.map((c) => (
            <DropdownMenu.CheckboxItem
              key={c.id}
              checked={isShown(c.id)}
              onCheckedChange={(checked) => onChange(c.id, checked === true)}
              onSelect={(e) => e.preventDefault()}
              className="flex cursor-default items-center gap-2 rounded-sm px-2 py-1.5 outline-none select-none data-highlighted:bg-muted"
            >
              <span className="inline-flex size-4 items-center justify-center rounded-sm border">
                <DropdownMenu.ItemIndicator>✓</DropdownMenu.ItemIndicator>
              </span>
              {c.label}
            </DropdownMenu.CheckboxItem>
          ))}
          <DropdownMenu.Separator className="my-1 h-px bg-border" />
          <DropdownMenu.Item
            onSelect={onReset}
            className="rounded-sm px-2 py-1.5 outline-none select-none data-highlighted:bg-muted"
          >
            Fit to the screen
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
