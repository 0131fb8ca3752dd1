import type { Metadata } from 'next';
import { pageActor } from '@/lib/auth/page';
import { ComingSoon } from './coming-soon';

/** The sections not built yet, each with what it will do. Remove an entry when its page lands. */
const sections = {
  'virtual-cards': {
    title: 'Virtual cards',
    summary: 'Klarna Merchant Card Service: virtual cards issued for purchases.',
    planned: ['See card promises and settlements', 'Reveal a card number (role-checked and audited)', 'Cancel orders'],
  },
} as const;

/** The page module of a section that is not built yet. */
export function comingSoonPage(section: keyof typeof sections) {
  const { title, summary, planned } = sections[section];
  const metadata: Metadata = { title };
  async function Page() {
    await pageActor('dashboard.read');
    return <ComingSoon title={title} summary={summary} planned={[...planned]} />;
  }
  return { metadata, Page };
}
