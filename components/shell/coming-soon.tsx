import { Construction } from 'lucide-react';
import { Card } from '@/components/ui/card';
import { PageHeader } from './page-header';

/** An honest placeholder for a section that is not built yet: no sample data, just what is coming. */
export function ComingSoon({
  title,
  summary,
  planned,
  withHeader = true,
}: {
  title: string;
  summary: string;
  planned: string[];
  withHeader?: boolean;
}) {
  return (
    <>
      {withHeader && <PageHeader title={title} description={summary} />}
      <Card className="grid place-items-center gap-4 px-6 py-14 text-center">
        <span className="grid size-12 place-items-center rounded-full bg-muted" aria-hidden>
          <Construction className="size-6 text-muted-foreground" />
        </span>
        <div className="grid gap-1">
          <h2 className="text-lg font-semibold">Coming soon</h2>
          <p className="max-w-md text-sm text-muted-foreground">
            This section is not built yet. Nothing on this page is real data. When it lands it will let you:
          </p>
        </div>
        <ul className="grid max-w-md gap-1 text-left text-sm">
          {planned.map((item) => (
            <li key={item} className="flex gap-2">
              <span aria-hidden className="text-muted-foreground">
                –
              </span>
              {item}
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
