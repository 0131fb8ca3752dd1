import { Badge } from '@/components/ui/badge';

/** 2xx green, 4xx amber, 5xx and no answer red. */
export function HttpStatusBadge({ status }: { status: number | null }) {
  if (status === null) return <Badge tone="danger">no answer</Badge>;
  const tone =
    status >= 200 && status < 300
      ? 'success'
      : status >= 400 && status < 500
        ? 'warning'
        : status >= 500
          ? 'danger'
          : 'neutral';
  return <Badge tone={tone}>{status}</Badge>;
}
