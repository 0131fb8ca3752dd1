import type { Metadata } from 'next';
import { ComingSoon } from '@/components/shell/coming-soon';
import { Forbidden } from '@/components/shell/forbidden';
import { pageActor } from '@/lib/auth/page';

export const metadata: Metadata = { title: 'API credentials' };

export default async function ApiCredentialsPage() {
  const { denied } = await pageActor('credentials.manage');
  if (denied) return <Forbidden message={denied} />;
  return (
    <ComingSoon
      title="API credentials"
      summary="The Klarna API keys and webhook signing keys this dashboard uses."
      planned={[
        'Add Klarna API keys for the test and live environments (stored encrypted, shown once)',
        'Create and rotate webhook signing keys',
        'See which key each request used',
      ]}
    />
  );
}
