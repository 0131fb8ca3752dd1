import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { Table, Td, Th } from '@/components/ui/table';
import { formatDateTime } from '@/lib/ui/format';

const sourceBadges: Record<string, { label: string; tone: 'accent' | 'neutral' | 'warning' }> = {
  webhook: { label: 'Klarna webhook', tone: 'accent' },
  dashboard: { label: 'Dashboard', tone: 'neutral' },
  sync: { label: 'Read from Klarna', tone: 'warning' },
};

export type TimelineEntry = {
  id: number;
  occurredAt: Date;
  source: string;
  summary: React.ReactNode;
  actorEmail: string | null;
  amount?: React.ReactNode;
};

/**
 * A merchant's, payment's or payment link's history: Klarna's webhooks, changes made here and
 * differences found on reading from Klarna, newest first. `withAmount` adds an amount column.
 */
export function TimelineCard({
  rows,
  description,
  empty,
  withAmount = false,
}: {
  rows: TimelineEntry[];
  description: string;
  empty: string;
  withAmount?: boolean;
}) {
  return (
    <Card>
      <CardHeader title="Timeline" description={description} />
      {rows.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-muted-foreground">{empty}</p>
      ) : (
        <Table caption="Timeline">
          <thead>
            <tr>
              <Th>Time (UTC)</Th>
              <Th>Source</Th>
              <Th>What happened</Th>
              {withAmount && <Th className="text-right">Amount</Th>}
              <Th>Who</Th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const source = sourceBadges[row.source] ?? { label: row.source, tone: 'neutral' as const };
              return (
                <tr key={row.id}>
                  <Td className="whitespace-nowrap text-muted-foreground">{formatDateTime(row.occurredAt)}</Td>
                  <Td>
                    <Badge tone={source.tone}>{source.label}</Badge>
                  </Td>
                  <Td className="min-w-64">{row.summary}</Td>
                  {withAmount && <Td className="whitespace-nowrap text-right tabular-nums">{row.amount}</Td>}
                  <Td className="text-xs">{row.actorEmail ?? (row.source === 'webhook' ? 'Klarna' : '—')}</Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
